"""The national-scale seeder writes consistent rows for every stage, and can run more than once."""

import io

import pytest
from django.core.management import call_command
from django.db.models import F

from assistance.models import AssistanceRecord
from core.sectors import SENSITIVE_SECTORS
from monitoring.models import CheckIn, MovementCase
from profiling.models import Consent, Household, Member
from referrals.models import Referral
from targeting.models import DtmFigure, TargetArea


@pytest.mark.django_db
def test_seed_scale_writes_households_and_what_hangs_on_them():
    out = io.StringIO()
    call_command("seed_scale", households=300, settlements_per_district=1, stdout=out)
    assert Household.objects.count() == 300
    members = Member.objects.count()
    assert 300 <= members <= 300 * 14
    assert Consent.objects.count() == 900
    assert DtmFigure.objects.exists()
    assert TargetArea.objects.filter(round__status="approved").exists()
    # sizes agree with the members written, every household has exactly one head
    mismatched = [h for h in Household.objects.all() if h.size != h.members.count()]
    assert mismatched == []
    assert Member.objects.filter(relationship="head").count() == 300
    # disability follows the Washington Group rule on the answers written
    for member in Member.objects.filter(has_disability=True)[:50]:
        assert (
            max(
                member.wg_seeing,
                member.wg_hearing,
                member.wg_walking,
                member.wg_remembering,
                member.wg_self_care,
                member.wg_communicating,
            )
            >= 3
        )
    assert AssistanceRecord.objects.filter(status="delivered").exists()
    assert "rows in" in out.getvalue()
    arrived = Household.objects.filter(
        displacement_status__in=["returnee_abroad", "returned_idp"], arrival_date__isnull=False
    )
    assert CheckIn.objects.count() == 3 * arrived.count()
    assert MovementCase.objects.exists()
    assert not MovementCase.objects.exclude(household__in=arrived).exists()
    assert CheckIn.objects.filter(status="completed").exists()
    referrals = Referral.objects.all()
    assert 0 < referrals.count() < 300
    assert not referrals.exclude(area=F("household__settlement")).exists()
    assert referrals.filter(status="sent").exists()
    assert referrals.filter(status="closed").exists()
    assert not referrals.filter(sensitive=True).exclude(sector__in=SENSITIVE_SECTORS).exists()

    call_command("seed_scale", households=100, settlements_per_district=1, seed=8, stdout=io.StringIO())
    assert Household.objects.count() == 400
    assert Household.objects.values("reference").distinct().count() == 400


@pytest.mark.django_db
def test_seeded_households_are_seen_through_the_normal_scoping(places, iom):
    from core.models import AdminArea, Role
    from core.tests.factories import UserFactory
    from profiling.selectors import households_for_user

    call_command("seed_scale", households=200, settlements_per_district=1, stdout=io.StringIO())
    district = AdminArea.objects.get(pcode="AF0608")
    officer = UserFactory(role=Role.FIELD_STAFF, organisation=iom, areas=[district])
    visible = households_for_user(officer)
    assert visible.count() == Household.objects.filter(settlement__parent=district).count()
