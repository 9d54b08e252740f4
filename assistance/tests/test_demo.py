"""The demo loader: targets and a programme always; projects, lists, a half-done distribution and grants
once target areas and households exist; nothing new on a second run."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone

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
from core.models import AdminArea, Organisation

from .factories import HouseholdFactory, MemberFactory, targeted


def _counts():
    return (
        Programme.objects.count(),
        IndicatorTarget.objects.count(),
        CommunityProject.objects.count(),
        BeneficiaryList.objects.count(),
        AssistanceRecord.objects.count(),
    )


def test_demo_loads_in_stages_and_twice_changes_nothing(db, settings):
    settings.ABR_DEMO_PASSWORD = "abr-demo-2026"
    call_command("load_demo", stdout=io.StringIO())
    assert Programme.objects.filter(code="abr-afg-2026").exists()
    assert IndicatorTarget.objects.filter(area__pcode="AF0608", indicator__code="SHL-01").exists()
    assert not CommunityProject.objects.exists(), "no approved target area yet"

    iom = Organisation.objects.get(acronym="IOM")
    for pcode in ("AF0608", "AF3202"):
        targeted(AdminArea.objects.get(pcode=pcode), iom)
    today = timezone.localdate()
    for i, pcode in enumerate(["AF0608S001", "AF0608S002", "AF0608S003", "AF0608S001"]):
        household = HouseholdFactory(
            organisation=iom,
            settlement=AdminArea.objects.get(pcode=pcode),
            vulnerability_band="high" if i < 3 else "low",
            displacement_status="returnee_abroad" if i % 2 else "idp",
        )
        MemberFactory(household=household, sex="f", date_of_birth=today - datetime.timedelta(days=365 * 19 + 30))

    call_command("load_demo", stdout=io.StringIO())
    projects = {p.name: p for p in CommunityProject.objects.all()}
    assert projects["Solar-powered water point, Mamakhel"].status == ProjectStatus.ONGOING
    assert projects["Water point and washing area, Karizak"].status == ProjectStatus.COMPLETED
    winter = BeneficiaryList.objects.get(title="Winterization kits, Khogyani")
    assert winter.status == ListStatus.APPROVED
    assert winter.records.count() == 3
    assert winter.records.filter(status=RecordStatus.DELIVERED).count() == 1
    assert BeneficiaryList.objects.get(title="Apprenticeships for young people, Khogyani").records.count() == 4
    assert AssistanceRecord.objects.filter(activity_type__code="grant-reintegration").count() == 2
    loaded = _counts()
    call_command("load_demo", stdout=io.StringIO())
    assert _counts() == loaded
