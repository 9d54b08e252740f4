"""Demo assistance: a programme with indicator targets, community projects in the target areas (the
Mamakhel water point carries out the hand pump action of the Khogyani Community Action Plan), and
assistance to the demo households (lists approved by the manager, a distribution half done, grants).

Everything goes through the services, as in real use. Projects and lists need approved target areas and
households (targeting's and profiling's demos); without them those parts are skipped. Running the loader
twice changes nothing: the programme, projects and lists are looked up by their codes and titles first.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from core import services as core_services
from core.models import AdminArea, Organisation, OrganisationKind
from profiling.models import RETURNEE_STATUSES, Household

from . import selectors, services
from .models import (
    AssistanceRecord,
    BeneficiaryList,
    CommunityProject,
    Indicator,
    IndicatorTarget,
    ProjectType,
)

PROGRAMME_CODE = "abr-afg-2026"
TARGETS = {
    # indicator: (Khogyani, Injil)
    "SHL-01": (150, 120),
    "SHL-02": (300, 250),
    "WSH-01": (100, 80),
    "WSH-02": (4, 3),
    "ERY-01": (60, 50),
    "ERY-02": (40, 35),
    "ERY-03": (30, 25),
    "HEA-01": (1, 1),
    "HEA-02": (5000, 4000),
    "MPC-01": (200, 150),
}


def load(demo) -> None:
    from .reference import reference_data_ensure

    reference_data_ensure()
    manager = demo.users.get("manager")
    officer = demo.users.get("field.khogyani")
    if manager is None or officer is None:
        return
    iom = demo.organisations["IOM"]
    donor = _donor()
    programme = _programme(manager, donor)
    _targets(manager, programme)
    _projects(demo, manager, officer, programme, donor)
    _assistance(demo, manager, officer, iom, programme, donor)


def _donor() -> Organisation:
    donor = Organisation.objects.filter(acronym="EU").first()
    if donor is None:
        donor = core_services.organisation_create(
            actor=None, name="European Union", acronym="EU", kind=OrganisationKind.DONOR
        )
    return donor


def _programme(manager, donor):
    existing = selectors.programmes_for_user(manager).filter(code=PROGRAMME_CODE).first()
    if existing is not None:
        return existing
    year = timezone.localdate().year
    return services.programme_save(
        actor=manager,
        code=PROGRAMME_CODE,
        name="Area-based reintegration, Nangarhar and Herat",
        donor=donor,
        start_date=datetime.date(year, 1, 1),
        end_date=datetime.date(year, 12, 31),
    )


def _targets(manager, programme) -> None:
    districts = [AdminArea.objects.filter(pcode=code).first() for code in ("AF0608", "AF3202")]
    for code, figures in TARGETS.items():
        indicator = Indicator.objects.filter(code=code).first()
        if indicator is None:
            continue
        for area, value in zip(districts, figures, strict=True):
            if area is None:
                continue
            exists = IndicatorTarget.objects.filter(
                indicator=indicator, programme=programme, area=area, period_start=programme.start_date
            ).exists()
            if not exists:
                services.target_save(
                    actor=manager,
                    indicator=indicator,
                    programme=programme,
                    area=area,
                    period_start=programme.start_date,
                    period_end=programme.end_date,
                    value=value,
                )


def _projects(demo, manager, officer, programme, donor) -> None:
    today = timezone.localdate()
    plans = [
        # settlement, name, type, sector, budget (USD), progress reports
        (
            "AF0608S002",
            "Hand pump rehabilitation, Mamakhel",
            ProjectType.WATER_POINT,
            "WSH",
            9000,
            officer,
            [(40, "ongoing", "Two of four hand pumps repaired; water quality test passed.", None)],
        ),
        (
            "AF3202S002",
            "Water point and washing area, Karizak",
            ProjectType.WATER_POINT,
            "WSH",
            24500,
            demo.users.get("field.injil"),
            [
                (60, "ongoing", "Tank and pipes installed.", None),
                (
                    100,
                    "completed",
                    "Handed over to the Community Development Council water committee.",
                    {
                        "reached_f_0_5": 90,
                        "reached_m_0_5": 85,
                        "reached_f_6_17": 160,
                        "reached_m_6_17": 150,
                        "reached_f_18_59": 210,
                        "reached_m_18_59": 190,
                        "reached_f_60": 30,
                        "reached_m_60": 25,
                    },
                ),
            ],
        ),
    ]
    for pcode, name, project_type, sector, budget, reporter, reports in plans:
        area = demo.settlements.get(pcode)
        if area is None or CommunityProject.objects.filter(name=name).exists():
            continue
        if not selectors.planning_areas_for_user(manager).filter(pk=area.pk).exists():
            continue  # not in an approved target area: targeting's demo did not select it
        action = (
            selectors.cap_actions_to_carry_out(manager, area=area)
            .filter(description__startswith="Rehabilitate four hand pumps")
            .first()
            if project_type == ProjectType.WATER_POINT
            else None
        )
        project = services.project_create(
            actor=manager,
            cap_action=action,
            name=name,
            project_type=project_type,
            sector=sector,
            area=area,
            programme=programme,
            donor=donor,
            budget=budget,
            currency="USD",
            start_date=today - datetime.timedelta(days=90),
            planned_end_date=today + datetime.timedelta(days=30),
            description="Agreed in the Community Action Plan; built with cash-for-work labour from the community.",
        )
        for step, (progress, status, note, reached) in enumerate(reports):
            project.refresh_from_db()
            services.project_report_progress(
                actor=reporter or manager,
                project=project,
                reported_on=today - datetime.timedelta(days=30 * (len(reports) - step)),
                progress_percent=progress,
                status=status,
                note=note,
                reached=reached,
                households_reached=140 if reached else None,
                reached_with_disability=22 if reached else None,
            )


def _assistance(demo, manager, officer, iom, programme, donor) -> None:
    khogyani = demo.districts.get("AF0608")
    if khogyani is None or not Household.objects.filter(organisation=iom, settlement__parent=khogyani).exists():
        return  # profiling's demo registered no households here
    if not selectors.planning_areas_for_user(officer).filter(pk=khogyani.pk).exists():
        return
    today = timezone.localdate()
    winter = _list(
        officer,
        manager,
        title="Winterization kits, Khogyani",
        activity_code="shl-winterization-kit",
        area=khogyani,
        criteria=selectors.ListCriteria(vulnerability_bands=("high", "very_high")),
        planned_date=today - datetime.timedelta(days=3),
        programme=programme,
        donor=donor,
    )
    if winter is not None:
        approved = list(selectors.beneficiary_list_records(officer, winter).filter(status="approved").order_by("pk"))
        half = approved[: len(approved) // 2]
        if half:
            services.assistance_deliver_bulk(
                actor=officer, records=half, delivered_on=today - datetime.timedelta(days=2)
            )
        _partner_winter_cash(demo, officer, manager, winter, today)
    _list(
        officer,
        manager,
        title="Apprenticeships for young people, Khogyani",
        activity_code="ery-apprenticeship",
        area=khogyani,
        criteria=selectors.ListCriteria(min_age=16, max_age=24),
        planned_date=today + datetime.timedelta(days=10),
        programme=programme,
        donor=donor,
    )
    _grants(officer, iom, khogyani, programme, donor, today)


def _partner_winter_cash(demo, officer, manager, winter, today) -> None:
    """NRC's winter cash, copied from its distribution report, to a household IOM already gave a kit: the
    overlap is recorded (another organisation's delivery is not refused) and shows in the manager's report."""
    nrc = demo.organisations.get("NRC")
    cash = selectors.activity_types_for_user(officer).filter(code="shl-winterization-cash").first()
    served = winter.records.filter(status="delivered").select_related("household").order_by("pk").first()
    if nrc is None or cash is None or served is None:
        return
    if AssistanceRecord.objects.filter(household=served.household, activity_type=cash).exists():
        return
    record = services.assistance_plan(
        actor=officer,
        household=served.household,
        activity_type=cash,
        planned_date=today - datetime.timedelta(days=1),
        amount=9000,
        currency="AFN",
        implementing_organisation=nrc,
        notes="From NRC's distribution report for Khogyani.",
    )
    services.assistance_approve(actor=manager, record=record)
    services.assistance_deliver(actor=officer, record=record, delivered_on=today - datetime.timedelta(days=1))


def _list(officer, manager, *, title, activity_code, area, criteria, planned_date, programme, donor):
    existing = BeneficiaryList.objects.filter(title=title).first()
    if existing is not None:
        return existing
    activity_type = selectors.activity_types_for_user(officer).filter(code=activity_code).first()
    if activity_type is None:
        return None
    try:
        beneficiary_list, _candidates = services.beneficiary_list_create(
            actor=officer,
            title=title,
            activity_type=activity_type,
            area=area,
            criteria=criteria,
            planned_date=planned_date,
            programme=programme,
            donor=donor,
        )
    except ValidationError:
        return None  # nobody matches in this demo's households
    services.beneficiary_list_submit(actor=officer, beneficiary_list=beneficiary_list)
    services.beneficiary_list_approve(actor=manager, beneficiary_list=beneficiary_list, note="Checked with the CDC.")
    return beneficiary_list


def _grants(officer, iom, district, programme, donor, today) -> None:
    grant = selectors.activity_type_for_grant("reintegration")
    if grant is None:
        return
    returnees = Household.objects.filter(
        organisation=iom, settlement__parent=district, displacement_status__in=RETURNEE_STATUSES
    ).order_by("pk")[:5]
    for offset, household in enumerate(returnees):
        if AssistanceRecord.objects.filter(household=household, activity_type=grant).exists():
            continue
        services.assistance_record_grant(
            actor=officer,
            household=household,
            activity_type=grant,
            amount=15000,
            currency="AFN",
            delivered_on=today - datetime.timedelta(days=20 + offset),
            programme=programme,
            donor=donor,
            notes="Paid at the Community Resource Centre with the arrival package.",
        )
