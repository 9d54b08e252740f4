"""Demo community planning in Khogyani (AF0608): a council, two planning workshops and an approved plan
in implementation, with one progress revision.

Needs an approved target area for Khogyani from the targeting demo; without one it adds nothing.
Loading twice changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from core.models import Organisation
from targeting.models import RoundStatus, TargetArea

from . import services
from .models import ActionStatus, Council, CouncilRole, ParticipantGroup, Plan, RaisedBy, Sex, Workshop
from .sectors import Sector

DISTRICT = "AF0608"
PLAN_TITLE = "Khogyani community action plan"
COUNCIL_NAME = "Kaga Community Development Council"

MEMBERS = [
    ("Haji Abdul Wahid", Sex.MALE, CouncilRole.CHAIR, ParticipantGroup.HOST),
    ("Zarghuna Stanikzai", Sex.FEMALE, CouncilRole.DEPUTY_CHAIR, ParticipantGroup.RETURNEE_ABROAD),
    ("Mohammad Qasim", Sex.MALE, CouncilRole.SECRETARY, ParticipantGroup.IDP),
    ("Bibi Hawa", Sex.FEMALE, CouncilRole.TREASURER, ParticipantGroup.HOST),
    ("Gul Ahmad", Sex.MALE, CouncilRole.MEMBER, ParticipantGroup.RETURNEE_ABROAD),
    ("Nazifa Sherzad", Sex.FEMALE, CouncilRole.MEMBER, ParticipantGroup.IDP),
    ("Abdul Rahman", Sex.MALE, CouncilRole.MEMBER, ParticipantGroup.HOST),
    ("Shazia Momand", Sex.FEMALE, CouncilRole.MEMBER, ParticipantGroup.RETURNED_IDP),
]

# (sector, title, description, raised by, votes, agreed rank, actions)
# actions: (description, organisation acronym, other responsible, budget, currency, months from start, months long)
PRIORITIES = [
    (
        Sector.WSH,
        "Safe water points",
        "Women walk up to an hour to the stream; two of the four hand pumps in Kaga and Mamakhel are broken.",
        [RaisedBy.WOMEN, RaisedBy.RETURNEES, RaisedBy.IDPS],
        38,
        1,
        [
            ("Rehabilitate four hand pumps in Kaga and Mamakhel", "IOM", "", "720000", "AFN", 1, 3),
            ("Form and train a water user committee with at least half women", "", "Kaga CDC", "60000", "AFN", 1, 2),
        ],
    ),
    (
        Sector.HEA,
        "Access to the health centre",
        "The track to the comprehensive health centre is closed by floods each spring; no female health worker.",
        [RaisedBy.WOMEN, RaisedBy.ELDERS],
        31,
        2,
        [
            ("Grade and gravel 3 km of road from Wazir Tangi to the health centre", "IOM", "", "1150000", "AFN", 2, 4),
            (
                "Ask the provincial health directorate for a midwife at the sub-centre",
                "",
                "CDC with DoPH",
                None,
                "",
                1,
                6,
            ),
        ],
    ),
    (
        Sector.ERY,
        "Livelihoods for women",
        "Returnee and displaced women head many households and have no income.",
        [RaisedBy.WOMEN, RaisedBy.YOUTH],
        27,
        3,
        [
            ("Tailoring and food-processing training for 60 women", "IOM-LH", "", "18000", "USD", 3, 4),
            ("Start-up kits for the women who finish the training", "IOM-LH", "", "9000", "USD", 7, 2),
        ],
    ),
    (
        Sector.EDU,
        "Classrooms for girls",
        "Girls study in a tent at Mamakhel school.",
        [RaisedBy.WOMEN, RaisedBy.COUNCIL],
        27,
        4,
        [("Build two classrooms at Mamakhel school", "UNICEF", "", "2100000", "AFN", 4, 6)],
    ),
]


def _months_after(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def load(demo) -> None:
    organisation = demo.organisations.get("IOM")
    field, manager = demo.users.get("field.khogyani"), demo.users.get("manager")
    if organisation is None or field is None or manager is None:
        return
    target_area = (
        TargetArea.objects.filter(
            round__status=RoundStatus.APPROVED, round__organisation=organisation, area__pcode=DISTRICT
        )
        .select_related("area", "round")
        .order_by("-round__approved_at", "-id")
        .first()
    )
    if target_area is None or Plan.objects.filter(target_area=target_area, title=PLAN_TITLE).exists():
        return

    today = timezone.localdate()
    council = Council.objects.filter(target_area=target_area, name=COUNCIL_NAME).first()
    if council is None:
        council = services.council_create(
            actor=field,
            target_area=target_area,
            name=COUNCIL_NAME,
            settlement=demo.settlements.get("AF0608S001"),
            registration_code="NGR-KHG-0142",
            established_on=datetime.date(2019, 5, 12),
        )
        for name, sex, role, group in MEMBERS:
            services.council_member_add(
                actor=field, council=council, name=name, sex=sex, role=role, population_group=group
            )

    mixed = Workshop.objects.filter(target_area=target_area, place="Kaga community hall").first() or (
        services.workshop_create(
            actor=field,
            target_area=target_area,
            council=council,
            held_on=today - datetime.timedelta(days=60),
            place="Kaga community hall",
            settlement=demo.settlements.get("AF0608S001"),
            facilitators="Farida Ahmadzai (IOM)\nNoorullah Safi (IOM community mobiliser)",
            participation={
                ParticipantGroup.IDP: (6, 14),
                ParticipantGroup.RETURNEE_ABROAD: (4, 11),
                ParticipantGroup.HOST: (3, 9),
            },
            notes="Open meeting with the CDC; problem tree and voting with beans. Few women attended: a "
            "separate women's session was held a week later.",
        )
    )
    women = Workshop.objects.filter(target_area=target_area, place="Mamakhel girls' school").first() or (
        services.workshop_create(
            actor=field,
            target_area=target_area,
            council=council,
            held_on=today - datetime.timedelta(days=53),
            place="Mamakhel girls' school",
            settlement=demo.settlements.get("AF0608S002"),
            facilitators="Farida Ahmadzai (IOM)\nZarghuna Stanikzai (CDC deputy chair)",
            participation={
                ParticipantGroup.IDP: (12, 0),
                ParticipantGroup.RETURNEE_ABROAD: (9, 0),
                ParticipantGroup.HOST: (7, 0),
            },
            notes="Women's session: the women's votes were added to the open meeting's.",
        )
    )

    start = _months_after(today, -1)
    plan = services.plan_create(
        actor=field,
        target_area=target_area,
        title=PLAN_TITLE,
        period_start=start,
        period_end=_months_after(start, 12) - datetime.timedelta(days=1),
        council=council,
        workshops=[mixed, women],
        vision="Every family in Kaga, Mamakhel and Wazir Tangi has safe water near home, can reach the "
        "health centre in all seasons, and women earn an income.",
    )
    organisations = {o.acronym: o for o in Organisation.objects.filter(acronym__in=["IOM", "IOM-LH", "UNICEF"])}
    first_action = None
    for sector, title, description, raised_by, votes, rank, actions in PRIORITIES:
        priority = services.priority_add(
            actor=field,
            plan=plan,
            sector=sector,
            title=title,
            description=description,
            raised_by=raised_by,
            votes=votes,
            rank=rank,
        )
        for text, acronym, other, budget, currency, offset, length in actions:
            begins = _months_after(start, offset - 1)
            action = services.action_add(
                actor=field,
                priority=priority,
                description=text,
                responsible_organisation=organisations.get(acronym),
                responsible_other=other,
                budget=Decimal(budget) if budget else None,
                currency=currency,
                start_on=begins,
                end_on=_months_after(begins, length) - datetime.timedelta(days=1),
            )
            first_action = first_action or action

    services.plan_transition(actor=field, plan=plan, verb="submit")
    services.plan_transition(actor=manager, plan=plan, verb="approve", expected_version=plan.version)
    services.plan_transition(actor=manager, plan=plan, verb="start")
    services.action_update(
        actor=field,
        action=first_action,
        description=first_action.description,
        responsible_organisation=first_action.responsible_organisation,
        responsible_other=first_action.responsible_other,
        budget=first_action.budget,
        currency=first_action.currency,
        start_on=first_action.start_on,
        end_on=first_action.end_on,
        status=ActionStatus.IN_PROGRESS,
        reason="Works started on the two broken pumps in Kaga; the contractor was selected with the CDC.",
    )
