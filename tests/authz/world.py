"""The world the authorization matrix runs in: one user per role and, for every kind of record, one in
the users' own area, one in another area of the same organisation, and one of another organisation.

Everyone works for IOM in Nangarhar (AF06). "Other area" is Herat (AF32); "other organisation" is a second
agency working in Nangarhar. The partner user belongs to NRC and has no area.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from core.models import AdminLevel, Job, JobStatus, Role
from core.tests.factories import AdminAreaFactory, OrganisationFactory, UserFactory

OWN, OTHER_AREA, OTHER_ORG = "own", "other_area", "other_org"
POSITIONS = (OWN, OTHER_AREA, OTHER_ORG)
ROLES = (Role.FIELD_STAFF, Role.DESK_OFFICER, Role.MANAGER, Role.PARTNER, Role.ADMIN)


@dataclass
class World:
    users: dict[str, object] = field(default_factory=dict)
    objects: dict[str, dict[str, object]] = field(default_factory=dict)
    jobs: dict[tuple[str, str], Job] = field(default_factory=dict)

    def add(self, kind: str, **by_position) -> None:
        self.objects[kind] = by_position


def _places():
    afg = AdminAreaFactory(pcode="AFG", name="Afghanistan", level=AdminLevel.COUNTRY, country_code="AFG")
    nangarhar = AdminAreaFactory(pcode="AF06", name="Nangarhar", parent=afg)
    khogyani = AdminAreaFactory(pcode="AF0608", name="Khogyani", parent=nangarhar)
    kaga = AdminAreaFactory(pcode="AF0608S001", name="Kaga", parent=khogyani)
    herat = AdminAreaFactory(pcode="AF32", name="Hirat", parent=afg)
    injil = AdminAreaFactory(pcode="AF3202", name="Injil", parent=herat)
    karizak = AdminAreaFactory(pcode="AF3202S002", name="Karizak", parent=injil)
    return afg, nangarhar, khogyani, kaga, herat, injil, karizak


def build_world() -> World:
    from caps.tests.factories import (
        ActionFactory,
        CouncilFactory,
        CouncilMemberFactory,
        PlanFactory,
        PriorityFactory,
        WorkshopFactory,
    )
    from core import services as core_services
    from profiling.models import DuplicatePair
    from profiling.tests.factories import AssessmentFactory, FacilityFactory, HouseholdFactory, targeted
    from targeting.tests.factories import DtmDatasetFactory, ScoringModelFactory, TargetingRoundFactory

    world = World()
    _afg, nangarhar, khogyani, kaga, herat, injil, karizak = _places()
    iom = OrganisationFactory(acronym="IOM", name="International Organization for Migration")
    other = OrganisationFactory(acronym="OTHER", name="Other Agency")
    nrc = OrganisationFactory(acronym="NRC", name="Norwegian Refugee Council", partner=True)
    for role in ROLES:
        if role == Role.PARTNER:
            world.users[role] = UserFactory(username="m-partner", role=role, organisation=nrc, areas=[])
        else:
            world.users[role] = UserFactory(username=f"m-{role}", role=role, organisation=iom, areas=[nangarhar])
    someone_else = UserFactory(username="m-someone", role=Role.MANAGER, organisation=iom, areas=[nangarhar])
    outsider = UserFactory(username="m-outsider", role=Role.MANAGER, organisation=other, areas=[nangarhar])

    world.add("area", own=khogyani, other_area=injil)
    world.add("membership", own=someone_else.membership)
    admin = world.users[Role.ADMIN]
    token, _secret = core_services.api_token_create(
        actor=admin,
        organisation=nrc,
        name="matrix",
        scopes=["reference:read"],
        expires_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3),
    )
    world.add("token", own=token)
    agreement = core_services.agreement_save(
        actor=admin,
        partner=nrc,
        owner=iom,
        reference="DSA-MATRIX",
        title="Matrix",
        resources=["households"],
        areas=[herat],
        identifiable=False,
        valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2099, 1, 1),
    )
    world.add("agreement", own=agreement)
    for role, user in [*world.users.items(), ("someone", someone_else)]:
        for kind in ("core.job", "targeting.dtm_import", "profiling.import", "dashboards.fivew_export"):
            world.jobs[(role, kind)] = Job.objects.create(
                kind=kind, label=kind, created_by=user, status=JobStatus.SUCCEEDED, params={}, result={}
            )

    # targeting
    world.add(
        "dataset",
        own=DtmDatasetFactory(organisation=iom),
        other_org=DtmDatasetFactory(organisation=other),
    )
    world.add(
        "scoring_model", own=ScoringModelFactory(organisation=iom), other_org=ScoringModelFactory(organisation=other)
    )
    world.add(
        "round",
        own=TargetingRoundFactory(organisation=iom, area=nangarhar, scored=True),
        other_area=TargetingRoundFactory(organisation=iom, area=herat, scored=True),
        other_org=TargetingRoundFactory(organisation=other, area=nangarhar, scored=True),
    )
    from targeting.models import TargetArea

    world.add(
        "round_target",
        **{
            position: TargetArea.objects.create(round=round_, area=round_.area, rationale="matrix")
            for position, round_ in world.objects["round"].items()
        },
    )

    # profiling
    own_target = targeted(khogyani, iom)
    herat_target = targeted(injil, iom)
    other_target = targeted(khogyani, other)
    households = {
        OWN: HouseholdFactory(settlement=kaga, organisation=iom, head_name="Own Household", members=2),
        OTHER_AREA: HouseholdFactory(settlement=karizak, organisation=iom, head_name="Herat Household", members=2),
        OTHER_ORG: HouseholdFactory(settlement=kaga, organisation=other, head_name="Other Org Household", members=2),
    }
    world.add("household", **households)
    world.add(
        "duplicate",
        **{
            position: DuplicatePair.objects.create(
                household=household,
                candidate=HouseholdFactory(settlement=household.settlement, organisation=household.organisation),
                reasons=["phone"],
            )
            for position, household in households.items()
        },
    )
    targets = {OWN: own_target, OTHER_AREA: herat_target, OTHER_ORG: other_target}
    world.add("target_area", **targets)
    world.add(
        "assessment",
        **{p: AssessmentFactory(target_area=t, organisation=t.round.organisation) for p, t in targets.items()},
    )
    world.add(
        "facility", **{p: FacilityFactory(target_area=t, organisation=t.round.organisation) for p, t in targets.items()}
    )

    # caps
    plans = {p: PlanFactory(target_area=t) for p, t in targets.items()}
    world.add("plan", **plans)
    priorities = {p: PriorityFactory(plan=plan) for p, plan in plans.items()}
    world.add("priority", **priorities)
    world.add("action", **{p: ActionFactory(priority=priority) for p, priority in priorities.items()})
    councils = {p: CouncilFactory(target_area=t) for p, t in targets.items()}
    world.add("council", **councils)
    world.add("council_member", **{p: CouncilMemberFactory(council=c) for p, c in councils.items()})
    world.add("workshop", **{p: WorkshopFactory(target_area=t) for p, t in targets.items()})
    organisations = {OWN: iom, OTHER_AREA: iom, OTHER_ORG: other}
    _assistance(world, households, targets, organisations, world.users[Role.MANAGER])
    _referrals(world, households, organisations, nrc, {OWN: kaga, OTHER_AREA: karizak, OTHER_ORG: kaga})
    _monitoring(world, households)
    world.outsider = outsider
    return world


def _assistance(world: World, households, targets, organisations, manager) -> None:
    from assistance.models import BeneficiaryList
    from assistance.tests.factories import (
        ProgrammeFactory,
        ProjectFactory,
        RecordFactory,
        TargetFactory,
        activity,
        indicator,
    )

    kit = activity("shl-nfi-kit")
    world.add("activity_type", own=kit)
    world.add("indicator", own=indicator("SHL-01"))
    world.add("record", **{p: RecordFactory(household=h) for p, h in households.items()})
    world.add(
        "programme",
        own=ProgrammeFactory(organisation=organisations[OWN]),
        other_org=ProgrammeFactory(organisation=organisations[OTHER_ORG]),
    )
    world.add(
        "beneficiary_list",
        **{
            p: BeneficiaryList.objects.create(
                organisation=organisations[p],
                title=f"Kits {p}",
                activity_type=kit,
                area=h.settlement,
                planned_date=datetime.date(2026, 5, 1),
                created_by=manager,
            )
            for p, h in households.items()
        },
    )
    world.add(
        "project",
        **{
            p: ProjectFactory(organisation=organisations[p], area=t.area, name=f"Water point {p}")
            for p, t in targets.items()
        },
    )
    world.add("target", **{p: TargetFactory(organisation=organisations[p], area=t.area) for p, t in targets.items()})
    world.add("settlement", own=households[OWN].settlement, other_area=households[OTHER_AREA].settlement)


def _referrals(world: World, households, organisations, nrc, places) -> None:
    """Referrals of each position are addressed to NRC (the partner), except the other agency's, which goes
    to a provider of its own: the partner reaches the first two and not the third."""
    from referrals.tests.factories import (
        ComplaintFactory,
        FollowUpFactory,
        ReferralFactory,
        ResourceCentreFactory,
        ServiceFactory,
        VisitFactory,
    )

    nrc_service = ServiceFactory(provider=nrc, maintained_by=organisations[OWN], name="NRC legal aid")
    other_service = ServiceFactory(
        provider=organisations[OTHER_ORG], maintained_by=organisations[OTHER_ORG], name="Other agency clinic"
    )
    world.add("service", own=nrc_service)
    referrals = {
        position: ReferralFactory(household=household, service=other_service if position == OTHER_ORG else nrc_service)
        for position, household in households.items()
    }
    world.add("referral", **referrals)
    world.add("follow_up", **{p: FollowUpFactory(referral=r) for p, r in referrals.items()})
    centres = {p: ResourceCentreFactory(organisation=organisations[p], area=places[p], name=f"CRC {p}") for p in places}
    world.add("visit", **{p: VisitFactory(centre=c) for p, c in centres.items()})
    world.add(
        "complaint",
        **{p: ComplaintFactory(organisation=organisations[p], area=places[p]) for p in places},
    )


def _monitoring(world: World, households) -> None:
    from monitoring.tests.factories import CheckInFactory, MovementFactory

    world.add("movement", **{p: MovementFactory(household=h) for p, h in households.items()})
    world.add("check_in", **{p: CheckInFactory(household=h, wave="w2") for p, h in households.items()})
