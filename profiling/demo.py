"""Demo households (with members and consents), assessments and facilities in the demo settlements.

Registered through the services, so scores, duplicates and audit events are what real use produces.
Households are only registered where targeting's demo approved a target area; without one the loader
registers nothing. Running it twice changes nothing (demo submission ids and titles are looked up first).
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from targeting.models import RoundStatus, TargetArea

from . import services
from .models import CommunityAssessment, Facility, Household

FEMALE = ["Zarmina", "Bibi Hawa", "Fatima", "Nazia", "Gulalai", "Shabnam", "Marzia", "Freshta", "Laila", "Parwana"]
MALE = [
    "Gul Ahmad",
    "Mohammad Nabi",
    "Abdul Rahim",
    "Sayed Jan",
    "Noor Agha",
    "Habibullah",
    "Shir Khan",
    "Ahmad Zia",
    "Wali Mohammad",
    "Rahmatullah",
]
FAMILY = ["Ahmadzai", "Safi", "Noori", "Rahimi", "Stanikzai", "Wardak", "Popal", "Khogyani", "Mohmand", "Hotak"]
CHILD_NAMES = {"f": ["Mina", "Soraya", "Sahar", "Madina", "Hasina"], "m": ["Omid", "Sami", "Bilal", "Jawad", "Yama"]}

SETTLEMENTS = [
    ("AF0608S001", "field.khogyani"),
    ("AF0608S002", "field.khogyani"),
    ("AF0608S003", "field.khogyani"),
    ("AF3202S001", "field.injil"),
    ("AF3202S002", "field.injil"),
    ("AF3202S003", "field.injil"),
]


def _members(rng: random.Random, today: datetime.date, head_female: bool, family: str) -> list:
    head_sex = "f" if head_female else "m"
    head_age = rng.choice([rng.randint(22, 55), rng.randint(60, 72)] if rng.random() < 0.2 else [rng.randint(22, 55)])
    head_name = f"{rng.choice(FEMALE if head_female else MALE)} {family}"
    members = [
        services.MemberInput(
            name=head_name,
            sex=head_sex,
            relationship="head",
            date_of_birth=datetime.date(today.year - head_age, rng.randint(1, 12), rng.randint(1, 28)),
            wg={"wg_walking": 3} if rng.random() < 0.12 else {"wg_seeing": 2},
            chronic_illness=rng.random() < 0.15,
            documents=["tazkira"] if rng.random() < 0.8 else [],
        )
    ]
    if not head_female or rng.random() < 0.3:
        members.append(
            services.MemberInput(
                name=f"{rng.choice(FEMALE)} {family}",
                sex="f",
                relationship="spouse",
                age=max(18, head_age - rng.randint(0, 8)),
                pregnant_or_lactating=rng.random() < 0.25,
                documents=["tazkira"] if rng.random() < 0.6 else [],
            )
        )
    for _ in range(rng.randint(1, 6)):
        sex = rng.choice("fm")
        members.append(
            services.MemberInput(
                name=f"{rng.choice(CHILD_NAMES[sex])} {family}",
                sex=sex,
                relationship="child",
                age=rng.randint(0, 17),
                wg={"wg_hearing": 4} if rng.random() < 0.05 else {},
                documents=["birth_certificate"] if rng.random() < 0.3 else [],
            )
        )
    return members


def load(demo) -> None:
    organisation = demo.organisations["IOM"]
    approved = TargetArea.objects.filter(round__status=RoundStatus.APPROVED, round__organisation=organisation)
    if not approved.exists():
        return
    rng = random.Random(2026)
    today = timezone.localdate()
    for n in range(30):
        pcode, username = SETTLEMENTS[n % len(SETTLEMENTS)]
        settlement = demo.settlements.get(pcode)
        actor = demo.users.get(username)
        submission_id = f"demo-household-{n:03d}"
        if settlement is None or actor is None or Household.objects.filter(submission_id=submission_id).exists():
            continue
        if not approved.filter(area__pcode__in=[c for c in settlement.path.split("/") if c]).exists():
            continue
        family = FAMILY[n % len(FAMILY)]
        status = rng.choice(["returnee_abroad", "returnee_abroad", "idp", "returned_idp", "host"])
        data = services.HouseholdInput(
            settlement=settlement,
            displacement_status=status,
            shelter_type=rng.choice(["owned_house", "rented", "hosted", "tent", "makeshift", "damaged_house"]),
            arrival_date=today - datetime.timedelta(days=rng.randint(20, 700)) if status != "host" else None,
            phone=f"07{rng.randint(0, 99):02d}{rng.randint(0, 999999):06d}" if rng.random() < 0.85 else "",
            intention=rng.choice(["stay", "integrate", "return", "undecided"]),
            return_barriers=rng.sample(
                [
                    "housing_destroyed",
                    "no_livelihoods",
                    "no_services",
                    "explosive_hazards",
                    "insecurity",
                    "tribal_ethnic_tensions",
                    "missing_documents",
                    "fear_trauma",
                ],
                k=rng.randint(0, 3),
            )
            if status != "host"
            else [],
            has_income=rng.random() < 0.55,
            has_debt=rng.random() < 0.45,
        )
        consent_referral = rng.random() < 0.9
        consents = [
            services.ConsentInput(purpose="registration", given=True, legal_basis="consent"),
            services.ConsentInput(purpose="referral", given=consent_referral, legal_basis="consent"),
            services.ConsentInput(purpose="partner_sharing", given=rng.random() < 0.6, legal_basis="consent"),
        ]
        members = _members(rng, today, head_female=rng.random() < 0.3, family=family)
        try:
            services.household_register(
                actor=actor, data=data, members=members, consents=consents, submission_id=submission_id
            )
        except services.DuplicatesFound as found:
            # The demo shows the review screen: keep the pair for a reviewer.
            services.household_register(
                actor=actor,
                data=data,
                members=members,
                consents=consents,
                submission_id=submission_id,
                acknowledged_duplicates=[c.household_id for c in found.candidates],
            )
    _assessments_and_facilities(demo, approved)


def _assessments_and_facilities(demo, approved) -> None:
    today = timezone.localdate()
    for target in approved.select_related("area"):
        actor = next(
            (
                u
                for u in demo.users.values()
                if u.membership.role == "field_staff"
                and u.membership.areas.filter(pk__in=[target.area_id, target.area.parent_id]).exists()
            ),
            None,
        )
        if actor is None:
            continue
        settlement = next((s for s in demo.settlements.values() if s.path.startswith(target.area.path)), target.area)
        samples = [
            {
                "kind": "fgd",
                "title": f"Women's focus group, {settlement.name}",
                "participants_female": 12,
                "participants_male": 0,
                "priority_sectors": ["WSH", "HEA", "PRO-GBV"],
                "findings": "Women walk over an hour for water; no female health worker at the clinic.",
            },
            {
                "kind": "kii",
                "title": f"Community elder, {settlement.name}",
                "informant_role": "Malik (village elder)",
                "priority_sectors": ["SHL", "ERY"],
                "findings": "Returnee families rent rooms they cannot afford; day labour is scarce after harvest.",
            },
        ]
        for sample in samples:
            if CommunityAssessment.objects.filter(title=sample["title"], target_area=target).exists():
                continue
            services.assessment_save(
                actor=actor,
                assessment=None,
                values={
                    "target_area": target,
                    "area": settlement,
                    "held_on": today - datetime.timedelta(days=40),
                    **sample,
                },
            )
        facilities = [
            (f"{settlement.name} basic health centre", "health_centre", "HEA", "partial"),
            (f"{settlement.name} boys' and girls' school", "school", "EDU", "functioning"),
            (f"{settlement.name} hand pump 2", "water_point", "WSH", "not_functioning"),
        ]
        for name, kind, sector, status in facilities:
            if Facility.objects.filter(name=name, target_area=target).exists():
                continue
            services.facility_save(
                actor=actor,
                facility=None,
                values={
                    "target_area": target,
                    "area": settlement,
                    "name": name,
                    "facility_type": kind,
                    "sector": sector,
                    "status": status,
                    "verified_on": today - datetime.timedelta(days=30),
                    "operator": "Ministry of Public Health" if sector == "HEA" else "",
                },
            )
