"""Pure decisions of assistance: age groups, repeat windows and overlaps, reached figures and their
disaggregation. No database here: services and selectors turn rows into these plain values.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

AGE_GROUPS = ("0-5", "6-17", "18-59", "60+")
SEXES = ("f", "m")
UNKNOWN = "unknown"
DIMENSIONS = ("sex", "age_group", "displacement_status", "disability")


# --- ages ------------------------------------------------------------------------------------------


def age_on(born: datetime.date | None, day: datetime.date) -> int | None:
    """Completed years on ``day``; None when the date of birth is unknown."""
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_group(born: datetime.date | None, day: datetime.date) -> str:
    """The reporting age group (0-5, 6-17, 18-59, 60+) on ``day``, or ``unknown``."""
    age = age_on(born, day)
    if age is None or age < 0:
        return UNKNOWN
    if age <= 5:
        return "0-5"
    if age <= 17:
        return "6-17"
    if age <= 59:
        return "18-59"
    return "60+"


def birth_dates_for_age(min_age: int | None, max_age: int | None, day: datetime.date):
    """The range of dates of birth of people aged ``min_age``..``max_age`` (inclusive) on ``day``.

    Returns ``(born_after, born_on_or_before)``: born strictly after the first date and on or before the
    second. Either side is None when open.
    """

    def years_before(years: int) -> datetime.date:
        try:
            return day.replace(year=day.year - years)
        except ValueError:  # 29 February in a year without one
            return day.replace(year=day.year - years, day=28)

    latest = years_before(min_age) if min_age is not None else None
    earliest = years_before(max_age + 1) if max_age is not None else None
    return earliest, latest


# --- repeat windows and overlaps ------------------------------------------------------------------


def blocked_until(delivered_on: datetime.date, window_days: int | None) -> datetime.date | None:
    """The first day the beneficiary may receive the activity again; None when it is once only."""
    if window_days is None:
        return None
    return delivered_on + datetime.timedelta(days=window_days)


def windows_overlap(
    start_a: datetime.date, end_a: datetime.date | None, start_b: datetime.date, end_b: datetime.date | None
) -> bool:
    """Half-open windows ``[start, end)`` (None: no end) overlap. An empty window (end == start) overlaps nothing."""
    if end_a is not None and end_a <= start_a:
        return False
    if end_b is not None and end_b <= start_b:
        return False
    return (end_b is None or start_a < end_b) and (end_a is None or start_b < end_a)


@dataclass(frozen=True)
class Delivery:
    """A delivered record as plain data, enough to decide overlaps and to explain them."""

    record_id: int
    household_id: int
    member_id: int | None
    activity_type_id: int
    overlap_key: str
    delivered_on: datetime.date
    blocked_until: datetime.date | None
    implementer_id: int
    activity_name: str = ""
    implementer_name: str = ""


@dataclass(frozen=True)
class Candidate:
    """An activity about to be delivered (or planned for a date) to a household or one of its members."""

    household_id: int
    member_id: int | None
    activity_type_id: int
    overlap_key: str
    delivered_on: datetime.date
    window_days: int | None
    implementer_id: int

    @property
    def blocked_until(self) -> datetime.date | None:
        return blocked_until(self.delivered_on, self.window_days)


@dataclass(frozen=True)
class Overlap:
    existing: Delivery
    same_organisation: bool

    @property
    def free_from(self) -> datetime.date | None:
        """When the existing delivery stops blocking a repeat (None: never)."""
        return self.existing.blocked_until


def same_beneficiary(candidate: Candidate, delivery: Delivery) -> bool:
    """Same household, and the same person unless one of the two went to the whole household."""
    if candidate.household_id != delivery.household_id:
        return False
    if candidate.member_id is None or delivery.member_id is None:
        return True
    return candidate.member_id == delivery.member_id


def find_overlaps(candidate: Candidate, deliveries: Iterable[Delivery], *, exclude_record: int | None = None):
    """Deliveries that the candidate would repeat inside a window: same beneficiary, same activity or
    overlap group, and the two windows (each delivery's own) overlapping. Same organisation first."""
    found = []
    for delivery in deliveries:
        if exclude_record is not None and delivery.record_id == exclude_record:
            continue
        if delivery.overlap_key != candidate.overlap_key or not same_beneficiary(candidate, delivery):
            continue
        if windows_overlap(
            candidate.delivered_on, candidate.blocked_until, delivery.delivered_on, delivery.blocked_until
        ):
            found.append(Overlap(delivery, delivery.implementer_id == candidate.implementer_id))
    return sorted(found, key=lambda o: (not o.same_organisation, o.existing.delivered_on, o.existing.record_id))


def refusing(overlaps: Sequence[Overlap]) -> Overlap | None:
    """The overlap that refuses the delivery: one by the same organisation. Others are only reported."""
    return next((o for o in overlaps if o.same_organisation), None)


def overlap_message(overlap: Overlap, *, beneficiary: str) -> str:
    """A message a field officer can act on: what, when, by whom, and when a repeat becomes possible."""
    existing = overlap.existing
    params = {
        "who": beneficiary,
        "activity": existing.activity_name or _("this activity"),
        "date": existing.delivered_on.isoformat(),
        "org": existing.implementer_name or "?",
    }
    if existing.blocked_until is None:
        return _("%(who)s already received %(activity)s on %(date)s (%(org)s); it is given only once.") % params
    params["free"] = existing.blocked_until.isoformat()
    return (
        _("%(who)s already received %(activity)s on %(date)s (%(org)s); it can be given again from %(free)s.") % params
    )


# --- reached figures and disaggregation --------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryRow:
    """A delivered record, as an indicator counts it."""

    record_id: int
    household_id: int
    member_id: int | None
    activity_type_id: int
    programme_id: int | None
    delivered_on: datetime.date
    area_path: str
    displacement_status: str


@dataclass(frozen=True)
class MemberRow:
    member_id: int
    household_id: int
    sex: str
    date_of_birth: datetime.date | None
    has_disability: bool
    is_head: bool = False


@dataclass(frozen=True)
class ProjectRow:
    project_id: int
    project_type: str
    programme_id: int | None
    area_path: str
    status: str
    completed_on: datetime.date | None
    reached: Mapping[tuple[str, str], int] = field(default_factory=dict)
    """People reached by (sex, age group)."""
    with_disability: int = 0


@dataclass(frozen=True)
class TargetSpec:
    """What one target counts: where, when, for which programme, and how."""

    count_by: str
    area_path: str
    period_start: datetime.date
    period_end: datetime.date
    activity_type_ids: frozenset[int] = frozenset()
    project_types: frozenset[str] = frozenset()
    programme_id: int | None = None


@dataclass
class Reached:
    total: int = 0
    breakdown: dict[str, dict[str, int]] = field(default_factory=dict)
    sex_age: dict[tuple[str, str], int] = field(default_factory=dict)

    def share(self, dimension: str, value: str) -> int:
        return self.breakdown.get(dimension, {}).get(value, 0)


def percent(reached: int, target: int) -> Decimal | None:
    """Reached as a percentage of the target, one decimal; None when there is no target to reach."""
    if not target:
        return None
    return (Decimal(reached) * 100 / Decimal(target)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def in_spec(spec: TargetSpec, *, area_path: str, day: datetime.date | None, programme_id: int | None) -> bool:
    if day is None or not (spec.period_start <= day <= spec.period_end):
        return False
    if not area_path.startswith(spec.area_path):
        return False
    return spec.programme_id is None or programme_id == spec.programme_id


def _person_attributes(member: MemberRow, day: datetime.date, displacement_status: str) -> dict[str, str]:
    return {
        "sex": member.sex if member.sex in SEXES else UNKNOWN,
        "age_group": age_group(member.date_of_birth, day),
        "displacement_status": displacement_status or UNKNOWN,
        "disability": "yes" if member.has_disability else "no",
    }


def _tally(units: Mapping[object, dict[str, str]]) -> Reached:
    breakdown: dict[str, Counter] = {d: Counter() for d in DIMENSIONS}
    sex_age: Counter = Counter()
    for attributes in units.values():
        for dimension in DIMENSIONS:
            breakdown[dimension][attributes[dimension]] += 1
        sex_age[(attributes["sex"], attributes["age_group"])] += 1
    return Reached(
        total=len(units),
        breakdown={d: dict(c) for d, c in breakdown.items()},
        sex_age=dict(sex_age),
    )


def tally_groups(groups: Iterable[tuple[Mapping[str, str], int]]) -> Reached:
    """The same figure as ``_tally``, from units already counted by their attributes: ``(attributes, n)``
    pairs, ``n`` units sharing the attributes (``sex``, ``age_group``, ``displacement_status``, ``disability``)."""
    breakdown: dict[str, Counter] = {d: Counter() for d in DIMENSIONS}
    sex_age: Counter = Counter()
    total = 0
    for attributes, count in groups:
        if not count:
            continue
        total += count
        for dimension in DIMENSIONS:
            breakdown[dimension][attributes[dimension]] += count
        sex_age[(attributes["sex"], attributes["age_group"])] += count
    return Reached(total=total, breakdown={d: dict(c) for d, c in breakdown.items()}, sex_age=dict(sex_age))


def reached_households(deliveries: Iterable[DeliveryRow], members: Mapping[int, Sequence[MemberRow]]) -> Reached:
    """Distinct households. A household is described by its head (sex, age group on its first delivery in
    the period), its displacement status, and whether any member has a disability."""
    first: dict[int, DeliveryRow] = {}
    for row in deliveries:
        seen = first.get(row.household_id)
        if seen is None or (row.delivered_on, row.record_id) < (seen.delivered_on, seen.record_id):
            first[row.household_id] = row
    units = {}
    for household_id, row in first.items():
        people = members.get(household_id, ())
        head = next((m for m in people if m.is_head), None)
        units[household_id] = {
            "sex": head.sex if head and head.sex in SEXES else UNKNOWN,
            "age_group": age_group(head.date_of_birth, row.delivered_on) if head else UNKNOWN,
            "displacement_status": row.displacement_status or UNKNOWN,
            "disability": "yes" if any(m.has_disability for m in people) else "no",
        }
    return _tally(units)


def reached_individuals(deliveries: Iterable[DeliveryRow], members: Mapping[int, Sequence[MemberRow]]) -> Reached:
    """Distinct people: the member a record names, or every member of a household that received a
    household activity. Each person counts once, with their age on their first delivery in the period."""
    first: dict[int, tuple[datetime.date, MemberRow, str]] = {}
    for row in sorted(deliveries, key=lambda r: (r.delivered_on, r.record_id)):
        people = members.get(row.household_id, ())
        if row.member_id is not None:
            people = [m for m in people if m.member_id == row.member_id]
        for member in people:
            first.setdefault(member.member_id, (row.delivered_on, member, row.displacement_status))
    units = {pk: _person_attributes(m, day, status) for pk, (day, m, status) in first.items()}
    return _tally(units)


def reached_projects(projects: Iterable[ProjectRow], *, people: bool) -> Reached:
    """Completed projects (count), or the people they reach (sum of the reported figures)."""
    projects = list(projects)
    if not people:
        return Reached(total=len(projects), breakdown={"project_type": dict(Counter(p.project_type for p in projects))})
    sex_age: Counter = Counter()
    disability = 0
    for project in projects:
        for key, value in project.reached.items():
            sex_age[key] += value
        disability += project.with_disability
    total = sum(sex_age.values())
    by_sex: Counter = Counter()
    by_age: Counter = Counter()
    for (sex, group), value in sex_age.items():
        by_sex[sex] += value
        by_age[group] += value
    breakdown = {
        "sex": dict(by_sex),
        "age_group": dict(by_age),
        "displacement_status": {UNKNOWN: total} if total else {},
        "disability": {"yes": disability, "no": max(total - disability, 0)} if total else {},
    }
    return Reached(total=total, breakdown=breakdown, sex_age=dict(sex_age))


def compute_reached(
    spec: TargetSpec,
    *,
    deliveries: Iterable[DeliveryRow] = (),
    members: Mapping[int, Sequence[MemberRow]] | None = None,
    projects: Iterable[ProjectRow] = (),
) -> Reached:
    """The reached figure of one target from plain rows (which may hold more than the target needs)."""
    if spec.count_by in ("projects", "project_people"):
        chosen = [
            p
            for p in projects
            if p.status == "completed"
            and (not spec.project_types or p.project_type in spec.project_types)
            and in_spec(spec, area_path=p.area_path, day=p.completed_on, programme_id=p.programme_id)
        ]
        return reached_projects(chosen, people=spec.count_by == "project_people")
    chosen = [
        d
        for d in deliveries
        if d.activity_type_id in spec.activity_type_ids
        and in_spec(spec, area_path=d.area_path, day=d.delivered_on, programme_id=d.programme_id)
    ]
    members = members or {}
    if spec.count_by == "households":
        return reached_households(chosen, members)
    return reached_individuals(chosen, members)


def group_members(rows: Iterable[MemberRow]) -> dict[int, list[MemberRow]]:
    grouped: dict[int, list[MemberRow]] = defaultdict(list)
    for row in rows:
        grouped[row.household_id].append(row)
    return dict(grouped)
