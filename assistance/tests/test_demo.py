"""The demo loader, after targeting's, profiling's and caps' demos: a programme with targets, projects in the
target areas (one carrying out the Khogyani plan's hand pump action), approved lists, a half-done
distribution and return grants; a second run changes nothing."""

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command

from assistance.models import (
    AssistanceRecord,
    BeneficiaryList,
    CommunityProject,
    IndicatorTarget,
    ListStatus,
    Programme,
    ProjectStatus,
    RecordStatus,
)
from assistance.selectors import cross_org_overlaps_for_user


def _counts():
    return (
        Programme.objects.count(),
        IndicatorTarget.objects.count(),
        CommunityProject.objects.count(),
        BeneficiaryList.objects.count(),
        AssistanceRecord.objects.count(),
    )


def test_demo_loads_a_programme_projects_lists_and_grants_once(db, settings):
    settings.ABR_DEMO_PASSWORD = "abr-demo-2026"
    call_command("load_demo", stdout=io.StringIO())
    assert Programme.objects.filter(code="abr-afg-2026").exists()
    assert IndicatorTarget.objects.filter(area__pcode="AF0608", indicator__code="SHL-01").exists()
    projects = {p.name: p for p in CommunityProject.objects.select_related("area", "cap_action")}
    mamakhel = projects["Hand pump rehabilitation, Mamakhel"]
    assert (mamakhel.status, mamakhel.area.parent.pcode) == (ProjectStatus.ONGOING, "AF0608")
    assert mamakhel.cap_action.description.startswith("Rehabilitate four hand pumps")
    assert projects["Water point and washing area, Karizak"].status == ProjectStatus.COMPLETED
    winter = BeneficiaryList.objects.get(title="Winterization kits, Khogyani")
    assert winter.status == ListStatus.APPROVED
    delivered = winter.records.filter(status=RecordStatus.DELIVERED).count()
    assert 0 < delivered < winter.records.count()
    assert set(winter.records.values_list("household__vulnerability_band", flat=True)) <= {"high", "very_high"}
    assert BeneficiaryList.objects.get(title="Apprenticeships for young people, Khogyani").records.exists()
    assert AssistanceRecord.objects.filter(activity_type__code="grant-reintegration").exists()
    manager = get_user_model().objects.get(username="manager")
    overlap = cross_org_overlaps_for_user(manager).get()
    assert (overlap.activity_type.code, overlap.implementing_organisation.acronym) == ("shl-winterization-cash", "NRC")
    loaded = _counts()
    call_command("load_demo", stdout=io.StringIO())
    assert _counts() == loaded
