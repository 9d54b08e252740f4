"""Reads of assistance, each starting from ``core.scoping.scoped`` so a user sees only their own work."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from caps.models import Action, PlanStatus
from caps.selectors import cap_actions_for_user
from core.models import AdminArea, Organisation, OrganisationKind, Role
from core.scoping import paths_q, scope_for, scoped
from profiling.models import Household, Member, Relationship
from profiling.selectors import households_for_user, members_for_user
from targeting.selectors import target_areas_for_user, targeted_settlements_for_user

from . import rules
from .models import (
    OPEN_STATUSES,
    REACHED_FIELDS,
    ActivityType,
    AssistanceRecord,
    BeneficiaryKind,
    BeneficiaryList,
    CommunityProject,
    Indicator,
    IndicatorTarget,
    ListStatus,
    Programme,
    ProjectStatus,
    ProjectUpdate,
    RecordStatus,
)

FAR_FUTURE = datetime.date(9999, 12, 31)

# --- reference data ---------------------------------------------------------------------------------


def activity_types_for_user(user, *, include_inactive: bool = False) -> QuerySet[ActivityType]:
    """Activity types are programme-wide reference data: any signed-in member may read them."""
    if scope_for(user) is None:
        return ActivityType.objects.none()
    queryset = ActivityType.objects.all()
    if not include_inactive:
        queryset = queryset.filter(is_active=True)
    return queryset


def activity_type_get_for_user(*, user, pk: int, include_inactive: bool = False) -> ActivityType:
    return activity_types_for_user(user, include_inactive=include_inactive).get(pk=pk)


def activity_type_for_grant(kind: str) -> ActivityType | None:
    """The activity type in use for a return grant (departure, reinstallation, reintegration)."""
    return ActivityType.objects.filter(grant_kind=kind, is_active=True).order_by("order", "pk").first()


def indicators_for_user(user, *, include_inactive: bool = False) -> QuerySet[Indicator]:
    if scope_for(user) is None:
        return Indicator.objects.none()
    queryset = Indicator.objects.prefetch_related("activity_types")
    return queryset if include_inactive else queryset.filter(is_active=True)


def indicator_get_for_user(*, user, pk: int) -> Indicator:
    return indicators_for_user(user, include_inactive=True).get(pk=pk)


def programmes_for_user(user) -> QuerySet[Programme]:
    return scoped(Programme.objects.all(), user).select_related("donor")


def programme_get_for_user(*, user, pk: int) -> Programme:
    return programmes_for_user(user).get(pk=pk)


def donors() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.DONOR, is_active=True)


def implementers() -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_active=True).exclude(kind=OrganisationKind.DONOR)


def planning_areas_for_user(user) -> QuerySet[AdminArea]:
    """Places a list or a project can be for: approved target areas and the settlements inside them."""
    target_area_ids = target_areas_for_user(user).values("area_id")
    settlement_ids = targeted_settlements_for_user(user).values("pk")
    scope = scope_for(user)
    if scope is None:
        return AdminArea.objects.none()
    return (
        AdminArea.objects.filter(Q(pk__in=target_area_ids) | Q(pk__in=settlement_ids))
        .filter(scope.areas_q())
        .select_related("parent")
        .order_by("path")
    )


def reporting_areas_for_user(user) -> QuerySet[AdminArea]:
    """Places a target can be set for: target areas, and the areas the user is assigned to."""
    scope = scope_for(user)
    if scope is None:
        return AdminArea.objects.none()
    target_area_ids = target_areas_for_user(user).values("area_id")
    return (
        AdminArea.objects.filter(Q(pk__in=target_area_ids) | Q(pk__in=scope.area_ids))
        .select_related("parent")
        .order_by("path")
    )


LINKABLE_PLAN_STATUSES = (PlanStatus.APPROVED, PlanStatus.IN_IMPLEMENTATION)


def cap_actions_to_carry_out(user, *, area: AdminArea | None = None) -> QuerySet[Action]:
    """Actions of approved Community Action Plans (approved or in implementation) the user may see, that a
    project or a distribution can carry out; with ``area``, only plans whose target area covers it."""
    queryset = cap_actions_for_user(user).filter(priority__plan__status__in=LINKABLE_PLAN_STATUSES)
    if area is not None:
        ancestors = [code for code in area.path.split("/") if code]
        queryset = queryset.filter(priority__plan__target_area__area__pcode__in=ancestors)
    return queryset.select_related("priority__plan").order_by("priority__plan__title", "priority__position", "position")


def projects_for_actions(user, actions) -> QuerySet[CommunityProject]:
    return projects_for_user(user).filter(cap_action__in=actions).order_by("reference")


def lists_for_actions(user, actions) -> QuerySet[BeneficiaryList]:
    return beneficiary_lists_for_user(user).filter(cap_action__in=actions).order_by("-planned_date", "pk")


# --- assistance records -------------------------------------------------------------------------


def records_for_user(user) -> QuerySet[AssistanceRecord]:
    return scoped(AssistanceRecord.objects.all(), user).select_related(
        "household__settlement__parent",
        "member",
        "activity_type",
        "implementing_organisation",
        "donor",
        "programme",
    )


def record_get_for_user(*, user, pk: int) -> AssistanceRecord:
    """One record the user may see; absent and not-yours both raise ``AssistanceRecord.DoesNotExist``."""
    return records_for_user(user).select_related("planned_by", "approved_by", "delivered_by").get(pk=pk)


@dataclass(frozen=True)
class RecordFilters:
    status: str = ""
    sector: str = ""
    activity_type_id: int | None = None
    area_path: str = ""
    implementing_organisation_id: int | None = None
    programme_id: int | None = None
    delivered_from: datetime.date | None = None
    delivered_to: datetime.date | None = None
    text: str = ""


def record_list_for_user(user, filters: RecordFilters | None = None) -> QuerySet[AssistanceRecord]:
    filters = filters or RecordFilters()
    queryset = records_for_user(user)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.sector:
        queryset = queryset.filter(activity_type__sector=filters.sector)
    if filters.activity_type_id:
        queryset = queryset.filter(activity_type_id=filters.activity_type_id)
    if filters.area_path:
        queryset = queryset.filter(household__settlement__path__startswith=filters.area_path)
    if filters.implementing_organisation_id:
        queryset = queryset.filter(implementing_organisation_id=filters.implementing_organisation_id)
    if filters.programme_id:
        queryset = queryset.filter(programme_id=filters.programme_id)
    if filters.delivered_from:
        queryset = queryset.filter(delivered_on__gte=filters.delivered_from)
    if filters.delivered_to:
        queryset = queryset.filter(delivered_on__lte=filters.delivered_to)
    if filters.text:
        queryset = queryset.filter(
            Q(household__reference__icontains=filters.text) | Q(household__head_name__icontains=filters.text)
        )
    return queryset.order_by("-updated_at", "-id")


def household_assistance_for_user(user, household: Household) -> QuerySet[AssistanceRecord]:
    return records_for_user(user).filter(household=household).order_by("-delivered_on", "-planned_date", "-id")


def _overlap_types(activity_types: Iterable[ActivityType]) -> dict[int, ActivityType]:
    """Every activity type sharing an overlap key with one of ``activity_types`` (the table is small)."""
    keys = {t.overlap_key for t in activity_types}
    return {t.pk: t for t in ActivityType.objects.all() if t.overlap_key in keys}


def _implementer_owner() -> Case:
    return Case(
        When(
            implementing_organisation__kind=OrganisationKind.INTERNAL_UNIT,
            implementing_organisation__parent__isnull=False,
            then=F("implementing_organisation__parent_id"),
        ),
        default=F("implementing_organisation_id"),
        output_field=IntegerField(),
    )


def deliveries_for_households(
    household_ids: Iterable[int], activity_types: Iterable[ActivityType]
) -> list[rules.Delivery]:
    """Delivered records of these households that share an overlap key with ``activity_types``, as plain
    rows for ``rules.find_overlaps``. Used by services, which have already checked access to the households."""
    related = _overlap_types(activity_types)
    rows = (
        AssistanceRecord.objects.filter(
            household_id__in=list(household_ids), status=RecordStatus.DELIVERED, activity_type_id__in=list(related)
        )
        .annotate(implementer_owner=_implementer_owner())
        .values(
            "pk",
            "household_id",
            "member_id",
            "activity_type_id",
            "delivered_on",
            "blocked_until",
            "implementer_owner",
            "implementing_organisation__acronym",
        )
    )
    return [
        rules.Delivery(
            record_id=row["pk"],
            household_id=row["household_id"],
            member_id=row["member_id"],
            activity_type_id=row["activity_type_id"],
            overlap_key=related[row["activity_type_id"]].overlap_key,
            delivered_on=row["delivered_on"],
            blocked_until=row["blocked_until"],
            implementer_id=row["implementer_owner"],
            activity_name=related[row["activity_type_id"]].name,
            implementer_name=row["implementing_organisation__acronym"],
        )
        for row in rows
    ]


def open_records_for_households(household_ids: Iterable[int], activity_types: Iterable[ActivityType]):
    """(household, member, overlap key) of planned or approved records, to avoid planning the same twice."""
    related = _overlap_types(activity_types)
    rows = AssistanceRecord.objects.filter(
        household_id__in=list(household_ids), status__in=OPEN_STATUSES, activity_type_id__in=list(related)
    ).values_list("pk", "household_id", "member_id", "activity_type_id")
    return [(pk, hh, member, related[type_id].overlap_key) for pk, hh, member, type_id in rows]


# --- beneficiary lists --------------------------------------------------------------------------


def beneficiary_lists_for_user(user, *, status: str = "") -> QuerySet[BeneficiaryList]:
    queryset = scoped(BeneficiaryList.objects.all(), user).select_related(
        "activity_type", "area", "programme", "created_by", "decided_by"
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.annotate(
        record_count=Count("records", filter=~Q(records__status=RecordStatus.CANCELLED)),
        delivered_count=Count("records", filter=Q(records__status=RecordStatus.DELIVERED)),
    ).order_by("-created_at", "-id")


def beneficiary_list_get_for_user(*, user, pk: int) -> BeneficiaryList:
    return beneficiary_lists_for_user(user).select_related("cap_action__priority__plan").get(pk=pk)


def beneficiary_list_records(user, beneficiary_list: BeneficiaryList) -> QuerySet[AssistanceRecord]:
    return (
        records_for_user(user)
        .filter(beneficiary_list=beneficiary_list)
        .order_by("household__settlement__name", "household__reference", "member__name", "id")
    )


def lists_awaiting_approval(user) -> QuerySet[BeneficiaryList]:
    return beneficiary_lists_for_user(user, status=ListStatus.SUBMITTED)


@dataclass(frozen=True)
class ListCriteria:
    """Profiling filters a beneficiary list is built from; kept on the list as JSON."""

    displacement_statuses: tuple[str, ...] = ()
    vulnerability_bands: tuple[str, ...] = ()
    household_disability: str = ""  # "with" / "without" / "" (any)
    sexes: tuple[str, ...] = ()
    min_age: int | None = None
    max_age: int | None = None
    member_disability: bool = False

    def as_json(self, area: AdminArea) -> dict:
        data = {
            "area": area.pcode,
            "displacement_statuses": list(self.displacement_statuses),
            "vulnerability_bands": list(self.vulnerability_bands),
            "household_disability": self.household_disability,
            "sexes": list(self.sexes),
            "min_age": self.min_age,
            "max_age": self.max_age,
            "member_disability": self.member_disability,
        }
        return {k: v for k, v in data.items() if v not in ("", None, [], False)}


@dataclass
class Candidate:
    household: Household
    member: Member | None = None
    reason: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class CandidateSet:
    eligible: list[Candidate]
    excluded: list[Candidate]


def _candidate_households(user, *, area: AdminArea, criteria: ListCriteria) -> QuerySet[Household]:
    # A household recorded as a duplicate of another is assisted through the other one.
    queryset = households_for_user(user).filter(settlement__path__startswith=area.path, duplicate_of__isnull=True)
    if criteria.displacement_statuses:
        queryset = queryset.filter(displacement_status__in=criteria.displacement_statuses)
    if criteria.vulnerability_bands:
        queryset = queryset.filter(vulnerability_band__in=criteria.vulnerability_bands)
    if criteria.household_disability:
        with_disability = Exists(Member.objects.filter(household=OuterRef("pk"), has_disability=True))
        queryset = queryset.filter(with_disability if criteria.household_disability == "with" else ~with_disability)
    return queryset


def list_candidates(
    user,
    *,
    activity_type: ActivityType,
    area: AdminArea,
    criteria: ListCriteria,
    planned_date: datetime.date,
    implementer_owner_id: int,
) -> CandidateSet:
    """Who a list with these criteria would hold, and who is left out and why: already planned for
    the same activity, or already given it by the same organisation inside its repeat window. Deliveries
    by another organisation do not exclude; they are shown as warnings."""
    households = _candidate_households(user, area=area, criteria=criteria).order_by(
        "settlement__name", "reference", "pk"
    )
    if activity_type.beneficiary == BeneficiaryKind.INDIVIDUAL:
        members = members_for_user(user).filter(household__in=households.values("pk"))
        if criteria.sexes:
            members = members.filter(sex__in=criteria.sexes)
        born_after, born_by = rules.birth_dates_for_age(criteria.min_age, criteria.max_age, planned_date)
        if born_after is not None:
            members = members.filter(date_of_birth__gt=born_after)
        if born_by is not None:
            members = members.filter(date_of_birth__lte=born_by)
        if criteria.member_disability:
            members = members.filter(has_disability=True)
        pairs = [
            (m.household, m)
            for m in members.select_related("household__settlement").order_by(
                "household__settlement__name", "household__reference", "name", "pk"
            )
        ]
    else:
        pairs = [(h, None) for h in households]

    household_ids = {h.pk for h, _m in pairs}
    deliveries = deliveries_for_households(household_ids, [activity_type])
    by_household: dict[int, list[rules.Delivery]] = defaultdict(list)
    for delivery in deliveries:
        by_household[delivery.household_id].append(delivery)
    open_keys = {
        (hh, member)
        for _pk, hh, member, key in open_records_for_households(household_ids, [activity_type])
        if key == activity_type.overlap_key
    }
    eligible, excluded = [], []
    for household, member in pairs:
        candidate = Candidate(household=household, member=member)
        member_id = member.pk if member else None
        if (household.pk, member_id) in open_keys or (household.pk, None) in open_keys:
            candidate.reason = "planned"
            excluded.append(candidate)
            continue
        overlaps = rules.find_overlaps(
            rules.Candidate(
                household_id=household.pk,
                member_id=member_id,
                activity_type_id=activity_type.pk,
                overlap_key=activity_type.overlap_key,
                delivered_on=planned_date,
                window_days=activity_type.repeat_window_days,
                implementer_id=implementer_owner_id,
            ),
            by_household.get(household.pk, ()),
        )
        refusing = rules.refusing(overlaps)
        label = member.name if member else household.reference
        if refusing is not None:
            candidate.reason = rules.overlap_message(refusing, beneficiary=label)
            excluded.append(candidate)
            continue
        candidate.warnings = [rules.overlap_message(o, beneficiary=label) for o in overlaps]
        eligible.append(candidate)
    return CandidateSet(eligible=eligible, excluded=excluded)


def vulnerability_bands_for_user(user) -> list[str]:
    """The bands in use among the user's households (band names are set by profiling's scoring model)."""
    return sorted(
        b
        for b in households_for_user(user)
        .exclude(vulnerability_band="")
        .order_by()
        .values_list("vulnerability_band", flat=True)
        .distinct()
        if b
    )


# --- distributions ------------------------------------------------------------------------------


def distributions_due_for_user(user, *, within_days: int = 14, limit: int = 20) -> list[dict]:
    """Approved assistance waiting to be handed over, per activity and settlement, soonest first."""
    horizon = timezone.localdate() + datetime.timedelta(days=within_days)
    return list(
        records_for_user(user)
        .filter(status=RecordStatus.APPROVED)
        .filter(Q(planned_date__isnull=True) | Q(planned_date__lte=horizon))
        .order_by()
        .values(
            "activity_type_id",
            "activity_type__name",
            "household__settlement__pcode",
            "household__settlement__name",
        )
        .annotate(count=Count("pk"), first_date=Min("planned_date"))
        .order_by(F("first_date").asc(nulls_first=True), "activity_type__name", "household__settlement__name")[:limit]
    )


def distribution_records(user, *, activity_type: ActivityType, settlement: AdminArea) -> QuerySet[AssistanceRecord]:
    """Approved records of one activity in one settlement: the list a field officer hands out from."""
    return (
        records_for_user(user)
        .filter(activity_type=activity_type, household__settlement=settlement, status=RecordStatus.APPROVED)
        .order_by("household__head_name", "household__reference", "member__name", "pk")
    )


def settlement_get_for_user(*, user, pcode: str) -> AdminArea:
    scope = scope_for(user)
    if scope is None:
        raise AdminArea.DoesNotExist
    return AdminArea.objects.filter(scope.areas_q(), level=3).select_related("parent").get(pcode=pcode)


# --- cross-organisation overlaps ----------------------------------------------------------------


def _window_end():
    return Coalesce("blocked_until", Value(FAR_FUTURE), output_field=DateField())


def _overlap_key():
    return Coalesce(
        NullIf(F("activity_type__overlap_group"), Value("")), F("activity_type__code"), output_field=CharField()
    )


def cross_org_overlaps_for_user(user) -> QuerySet[AssistanceRecord]:
    """Delivered records that repeat, inside a repeat window, what another organisation delivered to the
    same beneficiary. Each pair is listed once, under the later delivery. Not refused: reported for
    managers to settle with the other organisation."""
    earlier_by_other = (
        AssistanceRecord.objects.filter(status=RecordStatus.DELIVERED, household_id=OuterRef("household_id"))
        .annotate(
            okey=_overlap_key(),
            owner=_implementer_owner(),
            window_end=_window_end(),
            outer_member=ExpressionWrapper(OuterRef("member_zero"), output_field=IntegerField()),
        )
        .filter(okey=OuterRef("okey"))
        .exclude(owner=OuterRef("owner"))
        .filter(Q(member__isnull=True) | Q(outer_member=0) | Q(member_id=OuterRef("member_id")))
        .filter(window_end__gt=F("delivered_on"))
        .filter(window_end__gt=OuterRef("delivered_on"))
        .filter(delivered_on__lt=OuterRef("window_end"))
        .filter(
            Q(delivered_on__lt=OuterRef("delivered_on"))
            | Q(delivered_on=OuterRef("delivered_on"), pk__lt=OuterRef("pk"))
        )
    )
    return (
        records_for_user(user)
        .filter(status=RecordStatus.DELIVERED)
        .annotate(
            okey=_overlap_key(),
            owner=_implementer_owner(),
            window_end=_window_end(),
            member_zero=Coalesce("member_id", Value(0)),
        )
        .filter(window_end__gt=F("delivered_on"))
        .filter(Exists(earlier_by_other))
        .order_by("-delivered_on", "-pk")
    )


def overlap_partners(records: Sequence[AssistanceRecord]) -> dict[int, list[rules.Overlap]]:
    """For records of a page of ``cross_org_overlaps_for_user``: the other organisation's deliveries."""
    if not records:
        return {}
    deliveries = deliveries_for_households({r.household_id for r in records}, {r.activity_type for r in records})
    result = {}
    for record in records:
        owner = record.implementing_organisation.data_owner_id
        candidate = rules.Candidate(
            household_id=record.household_id,
            member_id=record.member_id,
            activity_type_id=record.activity_type_id,
            overlap_key=record.activity_type.overlap_key,
            delivered_on=record.delivered_on,
            window_days=None,
            implementer_id=owner,
        )
        found = [
            o
            for o in rules.find_overlaps(candidate, deliveries, exclude_record=record.pk)
            if not o.same_organisation
            and rules.windows_overlap(
                record.delivered_on, record.blocked_until, o.existing.delivered_on, o.existing.blocked_until
            )
        ]
        result[record.pk] = found
    return result


# --- community projects ----------------------------------------------------------------------------


def projects_for_user(user) -> QuerySet[CommunityProject]:
    return scoped(CommunityProject.objects.all(), user).select_related(
        "area__parent", "programme", "implementing_organisation", "donor"
    )


def project_get_for_user(*, user, pk: int) -> CommunityProject:
    return projects_for_user(user).select_related("created_by", "cap_action__priority__plan").get(pk=pk)


def project_list_for_user(
    user, *, status: str = "", project_type: str = "", sector: str = "", area_path: str = ""
) -> QuerySet[CommunityProject]:
    queryset = projects_for_user(user)
    if status:
        queryset = queryset.filter(status=status)
    if project_type:
        queryset = queryset.filter(project_type=project_type)
    if sector:
        queryset = queryset.filter(sector=sector)
    if area_path:
        queryset = queryset.filter(area__path__startswith=area_path)
    return queryset.order_by("-updated_at", "-id")


def project_updates(project: CommunityProject) -> QuerySet[ProjectUpdate]:
    return project.updates.select_related("reported_by").order_by("-reported_on", "-id")


# --- indicators: targets and reached ------------------------------------------------------------


def targets_for_user(user) -> QuerySet[IndicatorTarget]:
    return (
        scoped(IndicatorTarget.objects.all(), user)
        .select_related("indicator", "programme", "area__parent", "organisation")
        .prefetch_related(Prefetch("indicator__activity_types", queryset=ActivityType.objects.only("pk")))
    )


def target_get_for_user(*, user, pk: int) -> IndicatorTarget:
    return targets_for_user(user).get(pk=pk)


def target_list_for_user(
    user, *, sector: str = "", programme_id: int | None = None, area_path: str = "", on: datetime.date | None = None
) -> QuerySet[IndicatorTarget]:
    queryset = targets_for_user(user)
    if sector:
        queryset = queryset.filter(indicator__sector=sector)
    if programme_id:
        queryset = queryset.filter(programme_id=programme_id)
    if area_path:
        queryset = queryset.filter(area__path__startswith=area_path)
    if on:
        queryset = queryset.filter(period_start__lte=on, period_end__gte=on)
    return queryset


def target_spec(target: IndicatorTarget) -> rules.TargetSpec:
    indicator = target.indicator
    return rules.TargetSpec(
        count_by=indicator.count_by,
        area_path=target.area.path,
        period_start=target.period_start,
        period_end=target.period_end,
        activity_type_ids=frozenset(t.pk for t in indicator.activity_types.all()),
        project_types=frozenset(indicator.project_types or ()),
        programme_id=target.programme_id,
    )


def reached_for_targets_from_rows(targets: Sequence[IndicatorTarget]) -> dict[int, rules.Reached]:
    """Reached figures counted in Python by ``rules.compute_reached`` from every delivery, member and
    project row the targets could count (three queries per organisation: a target counts only its own
    organisation's households and projects, which the rows do not carry). The reference
    ``reached_for_targets`` is checked against in tests, and what it falls back to off PostgreSQL; too
    slow for national targets (it reads every row into memory)."""
    targets = list(targets)
    if not targets:
        return {}
    specs = {t.pk: target_spec(t) for t in targets}
    by_organisation: dict[int, list[int]] = defaultdict(list)
    for target in targets:
        by_organisation[target.organisation_id].append(target.pk)
    result: dict[int, rules.Reached] = {}
    for organisation_id, target_ids in by_organisation.items():
        result.update(_reached_of_organisation(organisation_id, {pk: specs[pk] for pk in target_ids}))
    return result


def _reached_of_organisation(organisation_id: int, specs: dict[int, rules.TargetSpec]) -> dict[int, rules.Reached]:
    chosen = list(specs.values())
    start = min(s.period_start for s in chosen)
    end = max(s.period_end for s in chosen)
    paths = [s.area_path for s in chosen]
    deliveries: list[rules.DeliveryRow] = []
    projects: list[rules.ProjectRow] = []
    record_filter = Q(pk__in=[])
    project_filter = Q(pk__in=[])
    type_ids = set().union(*(s.activity_type_ids for s in chosen if s.count_by in ("households", "individuals")))
    if type_ids:
        record_filter = Q(
            paths_q(paths, "household__settlement__"),
            household__organisation_id=organisation_id,
            activity_type_id__in=type_ids,
            delivered_on__range=(start, end),
        )
    if any(s.count_by in ("projects", "project_people") for s in chosen):
        project_filter = Q(paths_q(paths, "area__"), organisation_id=organisation_id, completed_on__range=(start, end))

    rows = AssistanceRecord.objects.filter(record_filter, status=RecordStatus.DELIVERED).values_list(
        "pk",
        "household_id",
        "member_id",
        "activity_type_id",
        "programme_id",
        "delivered_on",
        "household__settlement__path",
        "household__displacement_status",
    )
    deliveries = [rules.DeliveryRow(*row) for row in rows]
    members: dict[int, list[rules.MemberRow]] = {}
    if any(s.count_by in ("households", "individuals") for s in specs.values()) and deliveries:
        delivered_households = AssistanceRecord.objects.filter(record_filter, status=RecordStatus.DELIVERED).values(
            "household_id"
        )
        member_rows = Member.objects.filter(household_id__in=delivered_households).values_list(
            "pk", "household_id", "sex", "date_of_birth", "has_disability", "relationship"
        )
        members = rules.group_members(
            rules.MemberRow(pk, hh, sex, born, disability, relationship == Relationship.HEAD)
            for pk, hh, sex, born, disability, relationship in member_rows
        )
    reached_names = [name for name, _sex, _age in REACHED_FIELDS]
    for row in CommunityProject.objects.filter(project_filter, status=ProjectStatus.COMPLETED).values(
        "pk",
        "project_type",
        "programme_id",
        "area__path",
        "status",
        "completed_on",
        "reached_with_disability",
        *reached_names,
    ):
        projects.append(
            rules.ProjectRow(
                project_id=row["pk"],
                project_type=row["project_type"],
                programme_id=row["programme_id"],
                area_path=row["area__path"],
                status=row["status"],
                completed_on=row["completed_on"],
                reached={(sex, age): row[name] for name, sex, age in REACHED_FIELDS},
                with_disability=row["reached_with_disability"],
            )
        )
    return {
        pk: rules.compute_reached(spec, deliveries=deliveries, members=members, projects=projects)
        for pk, spec in specs.items()
    }


# Reached counted by the database. The delivered records any target may count are read in one scan (joined
# to their household and settlement); each record is then matched to the targets counting it (one ``CASE``
# per target: its activity types, period, organisation, area by path prefix, programme when it names one),
# the households or people are grouped per target with the day of their first delivery in the period, and
# counted by the attributes the figures are broken down by. Same rule as ``rules.compute_reached``.

_COUNTED_SQL = """
counted AS (
    SELECT t.target_id, r.household_id, r.member_id, r.delivered_on
    FROM {record} r
    JOIN {household} h ON h.id = r.household_id
    JOIN {area} a ON a.id = h.settlement_id
    CROSS JOIN LATERAL (VALUES {matches}) AS t (target_id)
    WHERE r.status = %s
        AND r.activity_type_id = ANY(%s::bigint[])
        AND r.delivered_on BETWEEN %s AND %s
        AND h.organisation_id = ANY(%s::bigint[])
        AND ({paths})
        AND t.target_id IS NOT NULL
)"""


def _counted_sql(specs: dict[int, rules.TargetSpec], organisations: dict[int, int]) -> tuple[str, list]:
    """The ``counted`` CTE (a target and a record it counts, per row) of targets counting households or people.
    A target's ``CASE`` tests only what the scan's own filter does not already decide for it (its organisation,
    area, period or activity types when every target shares them): it is evaluated on every row scanned."""
    chosen = list(specs.values())
    type_ids = sorted(set().union(*(spec.activity_type_ids for spec in chosen)))
    start, end = min(spec.period_start for spec in chosen), max(spec.period_end for spec in chosen)
    owners = sorted({organisations[pk] for pk in specs})
    paths = sorted({spec.area_path for spec in chosen})
    matches, params = [], []
    for pk, spec in specs.items():
        condition = ["TRUE"]
        if sorted(spec.activity_type_ids) != type_ids:
            condition.append("r.activity_type_id = ANY(%s::bigint[])")
            params.append(sorted(spec.activity_type_ids))
        if (spec.period_start, spec.period_end) != (start, end):
            condition.append("r.delivered_on BETWEEN %s AND %s")
            params += [spec.period_start, spec.period_end]
        if len(owners) > 1:
            condition.append("h.organisation_id = %s")
            params.append(organisations[pk])
        if len(paths) > 1:
            condition.append("starts_with(a.path, %s)")
            params.append(spec.area_path)
        if spec.programme_id is not None:
            condition.append("r.programme_id = %s")
            params.append(spec.programme_id)
        matches.append(f"(CASE WHEN {' AND '.join(condition)} THEN %s::bigint END)")
        params.append(pk)
    params += [RecordStatus.DELIVERED, type_ids, start, end, owners, *paths]
    sql = _COUNTED_SQL.format(
        record=AssistanceRecord._meta.db_table,
        household=Household._meta.db_table,
        area=AdminArea._meta.db_table,
        matches=", ".join(matches),
        paths=" OR ".join(["starts_with(a.path, %s)"] * len(paths)),
    )
    return sql, params


_AGE_GROUP_SQL = """
CASE
    WHEN u.born IS NULL OR u.age < 0 THEN 'unknown'
    WHEN u.age <= 5 THEN '0-5'
    WHEN u.age <= 17 THEN '6-17'
    WHEN u.age <= 59 THEN '18-59'
    ELSE '60+'
END"""

_GROUPED_SQL = """
SELECT u.target_id,
    CASE WHEN u.sex IN ('f', 'm') THEN u.sex ELSE 'unknown' END AS sex,
    {age_group} AS age_group,
    COALESCE(NULLIF(u.displacement_status, ''), 'unknown') AS displacement_status,
    CASE WHEN u.disabled THEN 'yes' ELSE 'no' END AS disability,
    count(*)
FROM (
    SELECT units.*,
        extract(year FROM units.day)::int - extract(year FROM units.born)::int
        - CASE WHEN (extract(month FROM units.day), extract(day FROM units.day))
                  < (extract(month FROM units.born), extract(day FROM units.born)) THEN 1 ELSE 0 END AS age
    FROM units
) u
GROUP BY 1, 2, 3, 4, 5"""

# Households: described by their head (first head by id) on their first delivery, any member's disability.
# Heads and people with a disability are read whole from their partial indexes and hash-joined: probing them
# household by household (or narrowing them to the households counted first) cost more at national scale.
_HOUSEHOLDS_SQL = """
WITH {counted},
firsts AS (
    SELECT target_id, household_id, min(delivered_on) AS day FROM counted GROUP BY target_id, household_id
),
heads AS (
    SELECT DISTINCT ON (m.household_id) m.household_id, m.sex, m.date_of_birth
    FROM {member} m
    WHERE m.relationship = %s
    ORDER BY m.household_id, m.id
),
disabled AS (
    SELECT DISTINCT d.household_id
    FROM {member} d
    WHERE d.has_disability
),
units AS (
    SELECT f.target_id, f.day, h.displacement_status, head.sex, head.date_of_birth AS born,
        d.household_id IS NOT NULL AS disabled
    FROM firsts f
    JOIN {household} h ON h.id = f.household_id
    LEFT JOIN heads head ON head.household_id = f.household_id
    LEFT JOIN disabled d ON d.household_id = f.household_id
)
{grouped}"""

_INDIVIDUALS_SQL = """
WITH {counted},
firsts AS (
    SELECT c.target_id, m.id AS member_id, min(c.delivered_on) AS day
    FROM counted c
    JOIN {member} m ON m.household_id = c.household_id AND (c.member_id IS NULL OR m.id = c.member_id)
    GROUP BY c.target_id, m.id
),
units AS (
    SELECT f.target_id, f.day, h.displacement_status, m.sex, m.date_of_birth AS born, m.has_disability AS disabled
    FROM firsts f
    JOIN {member} m ON m.id = f.member_id
    JOIN {household} h ON h.id = m.household_id
)
{grouped}"""

_PROJECTS_SQL = """
WITH targets AS (
    SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::date[], %s::date[], %s::bigint[])
        AS t (target_id, organisation_id, area_path, period_start, period_end, programme_id)
),
target_project_types AS (
    SELECT * FROM unnest(%s::bigint[], %s::text[]) AS tp (target_id, project_type)
)
SELECT t.target_id, p.project_type, count(*), sum(p.reached_with_disability), {sums}
FROM targets t
JOIN {project} p
    ON p.organisation_id = t.organisation_id
    AND p.status = %s
    AND p.completed_on BETWEEN t.period_start AND t.period_end
    AND (t.programme_id IS NULL OR p.programme_id = t.programme_id)
JOIN {area} a ON a.id = p.area_id AND starts_with(a.path, t.area_path)
WHERE NOT EXISTS (SELECT 1 FROM target_project_types tp WHERE tp.target_id = t.target_id)
    OR EXISTS (
        SELECT 1 FROM target_project_types tp WHERE tp.target_id = t.target_id AND tp.project_type = p.project_type
    )
GROUP BY 1, 2"""


def _targets_params(specs: dict[int, rules.TargetSpec], organisations: dict[int, int]) -> list:
    ids = list(specs)
    return [
        ids,
        [organisations[pk] for pk in ids],
        [specs[pk].area_path for pk in ids],
        [specs[pk].period_start for pk in ids],
        [specs[pk].period_end for pk in ids],
        [specs[pk].programme_id for pk in ids],
    ]


def _people_reached(
    sql: str, specs: dict[int, rules.TargetSpec], organisations: dict[int, int], extra_params: Sequence = ()
) -> dict[int, rules.Reached]:
    """One grouped query for the targets counting households (or people): units per target and attributes."""
    specs = {pk: spec for pk, spec in specs.items() if spec.activity_type_ids}
    if not specs:
        return {}
    counted, params = _counted_sql(specs, organisations)
    query = sql.format(
        counted=counted,
        grouped=_GROUPED_SQL.format(age_group=_AGE_GROUP_SQL),
        household=Household._meta.db_table,
        member=Member._meta.db_table,
    )
    groups: dict[int, list] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, *extra_params])
        for target_id, sex, group, status, disability, count in cursor.fetchall():
            attributes = {"sex": sex, "age_group": group, "displacement_status": status, "disability": disability}
            groups[target_id].append((attributes, count))
    return {pk: rules.tally_groups(rows) for pk, rows in groups.items()}


def _projects_reached(
    specs: dict[int, rules.TargetSpec], organisations: dict[int, int]
) -> dict[int, list[rules.ProjectRow]]:
    """Completed projects per target, summed by project type (one row per type): what ``reached_projects``
    counts (people summed, projects counted from ``count``)."""
    if not specs:
        return {}
    pairs = [(pk, kind) for pk, spec in specs.items() for kind in sorted(spec.project_types)]
    query = _PROJECTS_SQL.format(
        project=CommunityProject._meta.db_table,
        area=AdminArea._meta.db_table,
        sums=", ".join(f"sum(p.{name})" for name, _sex, _age in REACHED_FIELDS),
    )
    params = [
        *_targets_params(specs, organisations),
        [pk for pk, _kind in pairs],
        [kind for _pk, kind in pairs],
        ProjectStatus.COMPLETED,
    ]
    rows: dict[int, list[tuple[rules.ProjectRow, int]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        for target_id, project_type, count, disability, *sums in cursor.fetchall():
            reached = {(sex, age): value for (_name, sex, age), value in zip(REACHED_FIELDS, sums, strict=True)}
            row = rules.ProjectRow(
                project_id=0,
                project_type=project_type,
                programme_id=None,
                area_path="",
                status=ProjectStatus.COMPLETED,
                completed_on=None,
                reached=reached,
                with_disability=disability,
            )
            rows[target_id].append((row, count))
    return rows


def reached_for_targets(targets: Sequence[IndicatorTarget]) -> dict[int, rules.Reached]:
    """Reached figures of many targets, counted by the database in at most three grouped queries (targets
    counting households, people, projects) whatever their number: only counts per target and attribute
    come back. Same figures as ``reached_for_targets_from_rows`` (``rules.compute_reached``), which counts
    them where the database is not PostgreSQL (the SQLite of ``make run``: small data, no arrays)."""
    targets = list(targets)
    if not targets:
        return {}
    if connection.vendor != "postgresql":
        return reached_for_targets_from_rows(targets)
    specs = {t.pk: target_spec(t) for t in targets}
    organisations = {t.pk: t.organisation_id for t in targets}

    def kind(*count_by):
        return {pk: spec for pk, spec in specs.items() if spec.count_by in count_by}

    reached = {}
    reached.update(_people_reached(_HOUSEHOLDS_SQL, kind("households"), organisations, [Relationship.HEAD]))
    reached.update(_people_reached(_INDIVIDUALS_SQL, kind("individuals"), organisations))
    projects = _projects_reached(kind("projects", "project_people"), organisations)
    result = {}
    for pk, spec in specs.items():
        if spec.count_by == "projects":
            chosen = projects.get(pk, [])
            result[pk] = rules.Reached(
                total=sum(count for _row, count in chosen),
                breakdown={"project_type": {row.project_type: count for row, count in chosen}},
            )
        elif spec.count_by == "project_people":
            result[pk] = rules.reached_projects([row for row, _count in projects.get(pk, [])], people=True)
        else:
            result[pk] = reached.get(pk) or rules.tally_groups(())
    return result


def can_manage(user) -> bool:
    scope = scope_for(user)
    return scope is not None and scope.role in (Role.MANAGER, Role.ADMIN)
