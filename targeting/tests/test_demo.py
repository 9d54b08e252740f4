"""The demo programme: DTM data for Nangarhar and Herat and an approved round targeting Khogyani and Injil."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from targeting import selectors
from targeting.models import AreaScore, DtmDataset, DtmFigure, RoundStatus, TargetingRound

User = get_user_model()


@pytest.mark.django_db
def test_demo_targets_khogyani_and_injil_and_loads_once():
    call_command("load_demo", stdout=io.StringIO())
    counts = (DtmDataset.objects.count(), DtmFigure.objects.count(), TargetingRound.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (DtmDataset.objects.count(), DtmFigure.objects.count(), TargetingRound.objects.count()) == counts
    assert counts[0] == 2

    round_ = TargetingRound.objects.get(status=RoundStatus.APPROVED)
    assert sorted(round_.target_areas.values_list("area__pcode", flat=True)) == ["AF0608", "AF3202"]
    scores = {s.area.pcode: s for s in AreaScore.objects.filter(round=round_).select_related("area")}
    assert len(scores) == 38  # every district of Nangarhar (22) and Herat (16)
    assert scores["AF0608"].rank <= 3
    assert scores["AF3202"].rank <= 3
    assert scores["AF0608"].breakdown["previous"]  # growth against the earlier round

    field = User.objects.get(username="field.khogyani")
    assert [t.area.pcode for t in selectors.target_areas_for_user(field)] == ["AF0608"]
    assert {a.pcode for a in selectors.targeted_settlements_for_user(field)} == {
        "AF0608S001",
        "AF0608S002",
        "AF0608S003",
    }
