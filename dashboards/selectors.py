"""Reads behind the manager dashboard, the area view and the 5W report.

Every figure starts from another stage's selector (so it is scoped to the user exactly as that stage's
own pages are) and is counted by the database in a fixed number of grouped, conditional aggregates:
the number of queries does not depend on how many households, records or referrals there are.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance import rules as assistance_rules
from assistance.models import (
    REACHED_FIELDS,
    ActivityType,
    AssistanceRecord,
    CommunityProject,
    ProjectStatus,
    ProjectType,
    RecordStatus,
)
from assistance.selectors import (
    RecordFilters,
    project_list_for_user,
    reached_for_targets,
    record_list_for_user,
    target_list_for_user,
)
from caps.models import PlanStatus
from caps.selectors import priorities_for_user
from core.models import AdminArea, Job, Organisation
from core.scoping import scope_for
from profiling.models import DisplacementStatus, Member, Sex
from profiling.selectors import households_for_user, members_for_user
from referrals.models import ReferralStatus
from referrals.selectors import overdue_q, referrals_for_user
from targeting.models import DtmDataset, FigureUnit, PopulationGroup
from targeting.selectors import datasets_for_user, figures_for_user

AGE_GROUPS = (("0-5", 0, 5), ("6-17", 6, 17), ("18-59", 18, 59), ("60+", 60, None))


@dataclass(frozen=True)
class DashboardFilters:
    """What the manager narrowed the dashboard to. ``organisation`` is the implementing organisation."""

    area: AdminArea | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    sector: str = ""
    organisation: Organisation | None = None

    @property
    def area_path(self) -> str:
        return self.area.path if self.area else ""

    @property
    def reference_day(self) -> datetime.date:
        """Ages are counted on the last day of the period (today when it is open)."""
        return self.end or timezone.localdate()

    def as_params(self) -> dict:
        params = {
            "area": self.area.pcode if self.area else "",
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
            "sector": self.sector,
            "organisation": self.organisation.pk if self.organisation else "",
        }
        return {k: v for k, v in params.items() if v not in ("", None)}


def _age_q(min_age: int | None, max_age: int | None, day: datetime.date, prefix: str = "") -> Q:
    born_after, born_by = assistance_rules.birth_dates_for_age(min_age, max_age, day)
    query = Q(**{f"{prefix}date_of_birth__isnull": False})
    if born_after is not None:
        query &= Q(**{f"{prefix}date_of_birth__gt": born_after})
    if born_by is not None:
        query &= Q(**{f"{prefix}date_of_birth__lte": born_by})
    return query


# --- the records counted ----------------------------------------------------------------------------


def delivered_records(user, filters: DashboardFilters) -> QuerySet[AssistanceRecord]:
    """Delivered assistance the user may see, narrowed by the dashboard filters (assistance's own list filters)."""
    return record_list_for_user(
        user,
        RecordFilters(
            status=RecordStatus.DELIVERED,
            sector=filters.sector,
            area_path=filters.area_path,
            implementing_organisation_id=filters.organisation.pk if filters.organisation else None,
            delivered_from=filters.start,
            delivered_to=filters.end,
        ),
    ).order_by()


def completed_projects(user, filters: DashboardFilters) -> QuerySet[CommunityProject]:
    queryset = project_list_for_user(
        user, status=ProjectStatus.COMPLETED, sector=filters.sector, area_path=filters.area_path
    )
    if filters.start:
        queryset = queryset.filter(completed_on__gte=filters.start)
    if filters.end:
        queryset = queryset.filter(completed_on__lte=filters.end)
    if filters.organisation:
        queryset = queryset.filter(implementing_organisation=filters.organisation)
    return queryset.order_by()


def reached_member_sets(user, filters: DashboardFilters) -> tuple[QuerySet, QuerySet]:
    """People reached, as two disjoint sets: every member of a household given household assistance, and
    each person given individual assistance whose household was not. Together they count each person once
    however often assisted. Two sets rather than one ``IN … OR IN …``: each is a plain semi-join (or
    anti-join) for PostgreSQL, which an ``OR`` of subqueries is not (it re-runs them row by row at scale)."""
    delivered = delivered_records(user, filters)
    household_level = delivered.filter(member__isnull=True)
    in_assisted_household = Exists(household_level.filter(household_id=OuterRef("household_id")))
    members = members_for_user(user).order_by()
    whole_households = members.filter(in_assisted_household)
    individuals = members.filter(Exists(delivered.filter(member_id=OuterRef("pk")))).exclude(in_assisted_household)
    return whole_households, individuals


def reached_people_count(user, filters: DashboardFilters) -> int:
    return sum(queryset.aggregate(n=Count("pk"))["n"] for queryset in reached_member_sets(user, filters))


# --- headline figures and disaggregation -------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    households_assisted: int
    people_assisted: int
    communities_engaged: int
    projects_completed: int
    project_people: int
    total_beneficiaries: int


def headline(user, filters: DashboardFilters, *, people_assisted: int | None = None) -> Headline:
    """Households and communities from one grouped query over the records, projects from one over the
    projects, people (unless already counted by ``people_disaggregated``) from one over the members."""
    delivered = delivered_records(user, filters)
    projects = completed_projects(user, filters)
    per_settlement = delivered.values_list("household__settlement_id").annotate(n=Count("household_id", distinct=True))
    settlements, households = set(), 0
    for settlement_id, count in per_settlement:
        settlements.add(settlement_id)
        households += count  # a household lives in one settlement: the sum counts each once
    if people_assisted is None:
        people_assisted = reached_people_count(user, filters)
    people = people_assisted
    totals = projects.aggregate(n=Count("pk"), **{name: Sum(name) for name, _sex, _age in REACHED_FIELDS})
    settlements |= set(projects.values_list("area_id", flat=True).distinct())
    communities = len(settlements)
    project_people = sum(totals[name] or 0 for name, _sex, _age in REACHED_FIELDS)
    return Headline(
        households_assisted=households,
        people_assisted=people,
        communities_engaged=communities,
        projects_completed=totals["n"],
        project_people=project_people,
        total_beneficiaries=people + project_people,
    )


@dataclass
class Disaggregation:
    total: int = 0
    sex_age: dict[tuple[str, str], int] = field(default_factory=dict)
    sex: dict[str, int] = field(default_factory=dict)
    age_group: dict[str, int] = field(default_factory=dict)
    displacement_status: dict[str, int] = field(default_factory=dict)
    disability: dict[str, int] = field(default_factory=dict)


def people_disaggregated(user, filters: DashboardFilters) -> Disaggregation:
    """People reached by sex and age group, displacement status and disability (Washington Group short
    set: any domain answered 3 or 4), in two queries of conditional counts (one per set of people)."""
    day = filters.reference_day
    counts = {"total": Count("pk")}
    for sex in (Sex.FEMALE, Sex.MALE):
        for group, low, high in AGE_GROUPS:
            counts[f"sa_{sex}_{group}"] = Count("pk", filter=Q(sex=sex) & _age_q(low, high, day))
        counts[f"sa_{sex}_unknown"] = Count("pk", filter=Q(sex=sex, date_of_birth__isnull=True))
    for status in DisplacementStatus.values:
        counts[f"ds_{status}"] = Count("pk", filter=Q(household__displacement_status=status))
    counts["dis_yes"] = Count("pk", filter=Q(has_disability=True))
    row: dict[str, int] = defaultdict(int)
    for queryset in reached_member_sets(user, filters):
        for name, value in queryset.aggregate(**counts).items():
            row[name] += value
    result = Disaggregation(total=row["total"])
    for sex in (Sex.FEMALE, Sex.MALE):
        for group in [g for g, _l, _h in AGE_GROUPS] + ["unknown"]:
            value = row[f"sa_{sex}_{group}"]
            result.sex_age[(sex, group)] = value
            result.sex[sex] = result.sex.get(sex, 0) + value
            result.age_group[group] = result.age_group.get(group, 0) + value
    result.sex["other"] = result.total - sum(result.sex.values())
    result.displacement_status = {status: row[f"ds_{status}"] for status in DisplacementStatus.values}
    result.disability = {"yes": row["dis_yes"], "no": result.total - row["dis_yes"]}
    return result


# --- results against targets ---------------------------------------------------------------------------


@dataclass
class IndicatorResult:
    code: str
    name: str
    sector: str
    unit: str
    count_by: str
    target: int = 0
    reached: int = 0
    female: int = 0
    male: int = 0
    targets: int = 0

    @property
    def percent(self):
        return assistance_rules.percent(self.reached, self.target)


def indicator_results(user, filters: DashboardFilters) -> list[IndicatorResult]:
    """Targets against reached per indicator (communities engaged, people with access to services,
    projects, businesses, TVET graduates, jobs, MHPSS, total beneficiaries… as the programme defined its
    indicators), summed over the targets in the filters. Reached is counted by assistance's own rule
    (``reached_for_targets``: each household or person once per target), in a fixed number of queries."""
    targets = target_list_for_user(user, sector=filters.sector, area_path=filters.area_path)
    if filters.start:
        targets = targets.filter(period_end__gte=filters.start)
    if filters.end:
        targets = targets.filter(period_start__lte=filters.end)
    targets = list(targets.order_by("indicator__sector", "indicator__code", "pk"))
    reached = reached_for_targets(targets)
    results: dict[int, IndicatorResult] = {}
    for target in targets:
        indicator = target.indicator
        result = results.setdefault(
            indicator.pk,
            IndicatorResult(
                code=indicator.code,
                name=indicator.name,
                sector=indicator.sector,
                unit=indicator.unit,
                count_by=indicator.count_by,
            ),
        )
        figure = reached.get(target.pk, assistance_rules.Reached())
        result.target += target.target
        result.reached += figure.total
        result.female += figure.share("sex", "f")
        result.male += figure.share("sex", "m")
        result.targets += 1
    return list(results.values())


# --- pipelines ----------------------------------------------------------------------------------------


def profiling_pipeline(user, filters: DashboardFilters) -> list[dict]:
    """Households profiled → planned, approved or assisted → assisted: two queries (households, records)."""
    households = households_for_user(user).order_by()
    if filters.area:
        households = households.filter(settlement__path__startswith=filters.area.path)
    profiled = households.count()
    records = record_list_for_user(
        user,
        RecordFilters(
            sector=filters.sector,
            area_path=filters.area_path,
            implementing_organisation_id=filters.organisation.pk if filters.organisation else None,
        ),
    ).order_by()
    delivered = Q(status=RecordStatus.DELIVERED)
    if filters.start:
        delivered &= Q(delivered_on__gte=filters.start)
    if filters.end:
        delivered &= Q(delivered_on__lte=filters.end)
    row = records.aggregate(
        planned=Count(
            "household_id",
            distinct=True,
            filter=Q(status__in=(RecordStatus.PLANNED, RecordStatus.APPROVED)) | delivered,
        ),
        assisted=Count("household_id", distinct=True, filter=delivered),
    )
    return [
        {"stage": _("Profiled"), "households": profiled},
        {"stage": _("Planned or assisted"), "households": row["planned"]},
        {"stage": _("Assisted"), "households": row["assisted"]},
    ]


def referral_pipeline(user, filters: DashboardFilters) -> list[dict]:
    """Referrals by status, with how many of each are overdue, in one query."""
    referrals = referrals_for_user(user).order_by()
    if filters.area:
        referrals = referrals.filter(area__path__startswith=filters.area.path)
    if filters.sector:
        referrals = referrals.filter(sector=filters.sector)
    if filters.start:
        referrals = referrals.filter(sent_at__date__gte=filters.start)
    if filters.end:
        referrals = referrals.filter(sent_at__date__lte=filters.end)
    today = timezone.localdate()
    counts = {}
    for status in ReferralStatus.values:
        counts[f"n_{status}"] = Count("pk", filter=Q(status=status))
        counts[f"o_{status}"] = Count("pk", filter=Q(status=status) & overdue_q(today))
    row = referrals.aggregate(**counts)
    labels = dict(ReferralStatus.choices)
    return [
        {"status": str(labels[s]), "referrals": row[f"n_{s}"], "overdue": row[f"o_{s}"]} for s in ReferralStatus.values
    ]


def cap_pipeline(user, filters: DashboardFilters) -> list[dict]:
    """Community Action Plan priorities by the status of their plan, in one query."""
    priorities = priorities_for_user(user).order_by()
    if filters.area:
        priorities = priorities.filter(plan__target_area__area__path__startswith=filters.area.path)
    if filters.sector:
        priorities = priorities.filter(sector=filters.sector)
    row = priorities.aggregate(**{s: Count("pk", filter=Q(plan__status=s)) for s in PlanStatus.values})
    labels = dict(PlanStatus.choices)
    return [{"status": str(labels[s]), "priorities": row[s]} for s in PlanStatus.values]


# --- per area ------------------------------------------------------------------------------------------

IDP_GROUPS = (PopulationGroup.IDPS, PopulationGroup.ARRIVAL_IDPS)
RETURNEE_GROUPS = (PopulationGroup.RETURNEES, PopulationGroup.RETURNEES_ABROAD, PopulationGroup.RETURNED_IDPS)


@dataclass
class AreaFigures:
    pcode: str
    name: str = ""
    level: int = 0
    parent_pcode: str = ""
    dtm_idps: int = 0
    dtm_returnees: int = 0
    households_profiled: int = 0
    households_assisted: int = 0
    referrals: int = 0
    referrals_overdue: int = 0


def _codes(path: str) -> list[str]:
    return [code for code in path.split("/") if code]


def dtm_datasets(user) -> QuerySet[DtmDataset]:
    return datasets_for_user(user).order_by("-reporting_date", "-pk")


def area_figures(user, filters: DashboardFilters, *, dataset: DtmDataset | None = None) -> list[AreaFigures]:
    """Per province and district: DTM IDPs and returnees (individuals, in ``dataset``, by default the latest)
    beside households profiled and assisted and referrals. Queries are grouped by place, so their number
    is fixed and their rows bounded by the number of places, not of households."""
    rows: dict[str, AreaFigures] = {}

    def add(path: str, **values) -> None:
        codes = _codes(path)
        for depth in (1, 2):  # admin1 and admin2 below the country
            if len(codes) > depth:
                figures = rows.setdefault(codes[depth], AreaFigures(pcode=codes[depth], level=depth))
                figures.parent_pcode = codes[depth - 1]
                for name, value in values.items():
                    setattr(figures, name, getattr(figures, name) + int(value or 0))

    if dataset is None:
        dataset = dtm_datasets(user).first()
    if dataset is not None:
        figures = figures_for_user(user).filter(dataset=dataset, unit=FigureUnit.INDIVIDUALS).order_by()
        if filters.area:
            figures = figures.filter(area__path__startswith=filters.area.path)
        for row in figures.values("area__path").annotate(
            idps=Sum("value", filter=Q(population_group__in=IDP_GROUPS)),
            returnees=Sum("value", filter=Q(population_group__in=RETURNEE_GROUPS)),
        ):
            add(row["area__path"], dtm_idps=row["idps"], dtm_returnees=row["returnees"])

    households = households_for_user(user).order_by()
    if filters.area:
        households = households.filter(settlement__path__startswith=filters.area.path)
    delivered = delivered_records(user, filters)
    for row in households.values("settlement__parent__path").annotate(
        profiled=Count("pk"), assisted=Count("pk", filter=Q(Exists(delivered.filter(household_id=OuterRef("pk")))))
    ):
        add(row["settlement__parent__path"], households_profiled=row["profiled"], households_assisted=row["assisted"])

    referrals = referrals_for_user(user).order_by()
    if filters.area:
        referrals = referrals.filter(area__path__startswith=filters.area.path)
    today = timezone.localdate()
    for row in referrals.values("area__path").annotate(n=Count("pk"), overdue=Count("pk", filter=overdue_q(today))):
        add(row["area__path"], referrals=row["n"], referrals_overdue=row["overdue"])

    scope = scope_for(user)
    names = dict(AdminArea.objects.filter(pcode__in=list(rows)).values_list("pcode", "name")) if scope else {}
    for figures in rows.values():
        figures.name = names.get(figures.pcode, "")
    provinces = sorted((r for r in rows.values() if r.level == 1), key=lambda r: r.pcode)
    ordered = []
    for province in provinces:
        ordered.append(province)
        ordered += sorted(
            (r for r in rows.values() if r.level == 2 and r.parent_pcode == province.pcode), key=lambda r: r.pcode
        )
    return ordered


def export_jobs_for_user(user) -> QuerySet[Job]:
    """The 5W workbooks the user asked for, newest first (a job is only ever its requester's)."""
    if scope_for(user) is None:
        return Job.objects.none()
    return Job.objects.filter(created_by=user, kind="dashboards.fivew_export").order_by("-created_at", "-pk")


# --- 5W ------------------------------------------------------------------------------------------------


@dataclass
class FiveWRow:
    """One line of the 5W: who (organisation), what (sector, activity), where (admin1/admin2), when (month),
    for whom (households and people by sex and age)."""

    organisation: str
    organisation_name: str
    sector: str
    activity_code: str
    activity: str
    adm1_code: str
    adm1_name: str
    adm2_code: str
    adm2_name: str
    month: str
    households: int = 0
    individuals: int = 0
    f_children: int = 0
    f_adults: int = 0
    m_children: int = 0
    m_adults: int = 0
    with_disability: int = 0

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _month(value) -> str:
    return value.strftime("%Y-%m") if value else ""


# People per organisation, activity type, district and month: each person once per group (the members of a
# household given household assistance, or the person given it), then counted by sex, age and disability.
# The DISTINCT over narrow id columns is one hash, where COUNT(DISTINCT …) per figure over text keys sorted
# millions of rows once per figure. {records} is the scoped records' own compiled SQL.
_FIVEW_PEOPLE_SQL = """
SELECT p.org, p.activity, p.district, p.month,
    COUNT(*),
    COUNT(*) FILTER (WHERE p.sex = %s AND p.born > %s AND p.born <= %s),
    COUNT(*) FILTER (WHERE p.sex = %s AND p.born <= %s),
    COUNT(*) FILTER (WHERE p.sex = %s AND p.born > %s AND p.born <= %s),
    COUNT(*) FILTER (WHERE p.sex = %s AND p.born <= %s),
    COUNT(*) FILTER (WHERE p.disabled)
FROM (
    SELECT DISTINCT r.org, r.activity, r.district, r.month, m.id, m.sex, m.date_of_birth AS born,
        m.has_disability AS disabled
    FROM ({records}) r
    JOIN {member} m ON m.household_id = r.home AND (r.person IS NULL OR r.person = m.id)
) p
GROUP BY p.org, p.activity, p.district, p.month"""


def fivew_rows(user, filters: DashboardFilters) -> list[FiveWRow]:
    """The 5W of delivered assistance and completed projects, one row per organisation, activity, district
    and month, in a fixed number of queries whatever the number of records (rows: one per group).
    Records are grouped by ids; names and codes are looked up once per organisation, activity and place."""
    day = filters.reference_day
    delivered = delivered_records(user, filters)
    rows: dict[tuple, FiveWRow] = {}

    def row_for(key: tuple, path: str) -> FiveWRow:
        if key not in rows:
            codes = _codes(path)
            rows[key] = FiveWRow(
                organisation=key[0],
                organisation_name=key[1],
                sector=key[2],
                activity_code=key[3],
                activity=key[4],
                adm1_code=codes[1] if len(codes) > 1 else "",
                adm1_name="",
                adm2_code=codes[2] if len(codes) > 2 else "",
                adm2_name="",
                month=key[6],
            )
        return rows[key]

    grouped = delivered.annotate(
        org=F("implementing_organisation_id"),
        activity=F("activity_type_id"),
        district=F("household__settlement__parent_id"),
        month=TruncMonth("delivered_on"),
    )
    households = list(
        grouped.values("org", "activity", "district", "month").annotate(n=Count("household_id", distinct=True))
    )
    children_after, children_by = assistance_rules.birth_dates_for_age(0, 17, day)
    _adults_after, adults_by = assistance_rules.birth_dates_for_age(18, None, day)
    records = grouped.annotate(home=F("household_id"), person=F("member_id")).values(
        "home", "person", "org", "activity", "district", "month"
    )
    try:
        records_sql, records_params = records.query.sql_with_params()
    except EmptyResultSet:  # a scope that can see no record at all
        people = []
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                _FIVEW_PEOPLE_SQL.format(records=records_sql, member=Member._meta.db_table),
                [  # in the order of the placeholders: the counts' filters, then the records' subquery
                    *(Sex.FEMALE, children_after, children_by),
                    *(Sex.FEMALE, adults_by),
                    *(Sex.MALE, children_after, children_by),
                    *(Sex.MALE, adults_by),
                    *records_params,
                ],
            )
            people = cursor.fetchall()

    organisations = {
        pk: (acronym, name)
        for pk, acronym, name in Organisation.objects.filter(
            pk__in={r["org"] for r in households} | {r[0] for r in people}
        ).values_list("pk", "acronym", "name")
    }
    activities = {
        pk: (sector, code, name)
        for pk, sector, code, name in ActivityType.objects.filter(
            pk__in={r["activity"] for r in households} | {r[1] for r in people}
        ).values_list("pk", "sector", "code", "name")
    }
    districts = dict(
        AdminArea.objects.filter(pk__in={r["district"] for r in households} | {r[2] for r in people}).values_list(
            "pk", "path"
        )
    )

    def record_row(org, activity, district, month) -> FiveWRow:
        path = districts.get(district, "")
        key = (*organisations.get(org, ("", "")), *activities.get(activity, ("", "", "")), path, _month(month))
        return row_for(key, path)

    for row in households:
        record_row(row["org"], row["activity"], row["district"], row["month"]).households = row["n"]
    people_fields = ("individuals", "f_children", "f_adults", "m_children", "m_adults", "with_disability")
    for org, activity, district, month, *counts in people:
        if isinstance(month, str):  # SQLite returns the truncated month as text
            month = datetime.date.fromisoformat(month[:10])
        target = record_row(org, activity, district, month)
        for name, value in zip(people_fields, counts, strict=True):
            setattr(target, name, value)

    project_keys = ("implementing_organisation__acronym", "implementing_organisation__name", "sector", "project_type")
    reached = {name: Sum(name) for name, _sex, _age in REACHED_FIELDS}
    for row in (
        completed_projects(user, filters)
        .annotate(month=TruncMonth("completed_on"))
        .values(*project_keys, "area__path", "month")
        .annotate(households=Sum("households_reached"), with_disability=Sum("reached_with_disability"), **reached)
    ):
        codes = _codes(row["area__path"])
        district_path = "/".join(codes[:3]) + "/"
        key = (
            row[project_keys[0]],
            row[project_keys[1]],
            row["sector"],
            f"project:{row['project_type']}",
            _project_label(row["project_type"]),
            district_path,
            _month(row["month"]),
        )
        target = row_for(key, district_path)
        target.households += row["households"] or 0
        target.with_disability += row["with_disability"] or 0
        for name, sex, age in REACHED_FIELDS:
            value = row[name] or 0
            target.individuals += value
            adult = age in ("18-59", "60+")
            attribute = f"{sex}_{'adults' if adult else 'children'}"
            setattr(target, attribute, getattr(target, attribute) + value)

    codes = {c for r in rows.values() for c in (r.adm1_code, r.adm2_code) if c}
    names = dict(AdminArea.objects.filter(pcode__in=codes).values_list("pcode", "name"))
    for row in rows.values():
        row.adm1_name = names.get(row.adm1_code, "")
        row.adm2_name = names.get(row.adm2_code, "")
    return sorted(
        rows.values(), key=lambda r: (r.month, r.organisation, r.sector, r.activity_code, r.adm1_code, r.adm2_code)
    )


def _project_label(project_type: str) -> str:
    return str(dict(ProjectType.choices).get(project_type, project_type))


def sum_rows(rows: Iterable[FiveWRow]) -> dict:
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        for name in ("households", "individuals", "f_children", "f_adults", "m_children", "m_adults"):
            totals[name] += getattr(row, name)
    return dict(totals)


# --- the dashboard as a whole, counted in the background ---------------------------------------------


@dataclass
class DashboardFigures:
    computed_at: datetime.datetime
    headline: Headline
    people: Disaggregation
    results: list[IndicatorResult]
    pipelines: dict[str, list[dict]]


def count_dashboard_figures(user, filters: DashboardFilters) -> DashboardFigures:
    """Everything the programme dashboard shows, counted now in a fixed number of aggregate queries.
    Seconds for a national scope at a million households: pages read a ``FigureSnapshot`` instead."""
    from core.pipelines import pipelines_for

    people = people_disaggregated(user, filters)
    return DashboardFigures(
        computed_at=timezone.now(),
        headline=headline(user, filters, people_assisted=people.total),
        people=people,
        results=indicator_results(user, filters),
        pipelines={panel.key: panel.rows(user, filters) for panel in pipelines_for(user)},
    )


def scope_fingerprint(user, view: str, params: dict, language: str) -> str | None:
    """What a dashboard view's figures depend on, hashed: organisation, role, areas, permissions (sensitive
    cases), the panels the user sees, the language of the labels, the view and its filters. None without
    a scope."""
    import hashlib
    import json

    from core.pipelines import pipelines_for

    scope = scope_for(user)
    if scope is None:
        return None
    parts = [
        scope.organisation_id,
        scope.data_owner_id,
        scope.role,
        sorted(scope.area_paths),
        [[g.owner_id, sorted(g.resources), sorted(g.area_paths), g.identifiable] for g in scope.grants],
        sorted(user.get_all_permissions()),
        [panel.key for panel in pipelines_for(user)],
        language,
        view,
        params,
    ]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


# Raised when the shape of the stored figures changes: older snapshots are then recounted, never misread.
FIGURES_VERSION = 1


def figures_as_json(figures: DashboardFigures) -> dict:
    """The programme figures as JSON for a ``FigureSnapshot`` (labels already in the snapshot's language)."""
    from dataclasses import asdict

    people = asdict(figures.people)
    people["sex_age"] = [[sex, group, value] for (sex, group), value in figures.people.sex_age.items()]
    return {
        "version": FIGURES_VERSION,
        "headline": asdict(figures.headline),
        "people": people,
        "results": [asdict(result) for result in figures.results],
        "pipelines": {key: [dict(row) for row in rows] for key, rows in figures.pipelines.items()},
    }


def figures_readable(data: dict | None) -> bool:
    return bool(data) and data.get("version") == FIGURES_VERSION


def figures_from_json(data: dict, counted_at: datetime.datetime) -> DashboardFigures:
    people = dict(data["people"])
    people["sex_age"] = {(sex, group): value for sex, group, value in people["sex_age"]}
    return DashboardFigures(
        computed_at=counted_at,
        headline=Headline(**data["headline"]),
        people=Disaggregation(**people),
        results=[IndicatorResult(**row) for row in data["results"]],
        pipelines=data["pipelines"],
    )


@dataclass
class AreaView:
    computed_at: datetime.datetime
    rows: list[AreaFigures]


def _count_programme(user, filters: DashboardFilters, params: dict) -> dict:
    return figures_as_json(count_dashboard_figures(user, filters))


def _count_areas(user, filters: DashboardFilters, params: dict) -> dict:
    from dataclasses import asdict

    dataset = dtm_datasets(user).filter(pk=params["dataset"]).first() if params.get("dataset") else None
    rows = area_figures(user, filters, dataset=dataset)
    return {"version": FIGURES_VERSION, "rows": [asdict(row) for row in rows]}


def _read_areas(data: dict, counted_at: datetime.datetime) -> AreaView:
    return AreaView(computed_at=counted_at, rows=[AreaFigures(**row) for row in data["rows"]])


@dataclass(frozen=True)
class SnapshotView:
    """A dashboard page whose figures are counted in the background: how to count them (as JSON, with the
    user's scope) and how to read them back."""

    count: Callable[[Any, DashboardFilters, dict], dict]
    read: Callable[[dict, datetime.datetime], Any]


SNAPSHOT_VIEWS: dict[str, SnapshotView] = {
    "programme": SnapshotView(count=_count_programme, read=figures_from_json),
    "areas": SnapshotView(count=_count_areas, read=_read_areas),
}
