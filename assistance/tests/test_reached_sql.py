"""Reached counted by the database (``reached_for_targets``) against the same figures counted in Python from
the rows (``reached_for_targets_from_rows``, ``rules.compute_reached``), on a varied fixture: households and
people, heads missing or of unknown age, births on the day of delivery and on 29 February, people assisted
individually and with their household, several activity types, periods, programmes, areas and organisations,
and completed projects."""

import datetime
import random

import pytest

from assistance import selectors
from assistance.models import CountBy, Indicator, IndicatorTarget, ProjectStatus, ProjectType
from core.tests.factories import OrganisationFactory

from .factories import (
    HouseholdFactory,
    MemberFactory,
    ProgrammeFactory,
    ProjectFactory,
    RecordFactory,
    TargetFactory,
    activity,
    indicator,
)

D = datetime.date
ACTIVITIES = ("shl-repair", "wsh-hygiene-kit", "ery-apprenticeship", "shl-nfi-kit")
BIRTHS = (None, D(1960, 2, 29), D(1980, 5, 1), D(2020, 3, 15), D(2026, 3, 15), D(2030, 1, 1), D(2008, 6, 30))


def _custom(code, count_by, activities):
    made = Indicator.objects.create(code=code, name=code, sector="SHL", unit="people", count_by=count_by)
    made.activity_types.set([activity(a) for a in activities])
    return made


@pytest.fixture
def varied(places, iom, nrc):
    rng = random.Random(20260315)
    programme = ProgrammeFactory(organisation=iom, code="abr-sql")
    days = [D(2025, 12, 31), D(2026, 1, 1), D(2026, 3, 15), D(2026, 6, 29), D(2026, 6, 30), D(2026, 12, 31)]
    for n in range(24):
        organisation = iom if n % 5 else nrc
        settlement = places.kaga if n % 3 else places.karizak
        has_head = n % 7 != 3
        household = HouseholdFactory(
            organisation=organisation,
            settlement=settlement,
            displacement_status=rng.choice(["idp", "host", "returnee_abroad", ""]),
            head=has_head,
            head__sex=rng.choice(["f", "m"]),
            head__born=rng.choice(BIRTHS),
            head__disability=rng.random() < 0.2,
        )
        if n % 11 == 4:  # a second head: the first one (by id) describes the household
            MemberFactory(household=household, sex="f", date_of_birth=D(1950, 1, 1), relationship="head")
        members = [
            MemberFactory(
                household=household,
                sex=rng.choice(["f", "m"]),
                date_of_birth=rng.choice(BIRTHS),
                has_disability=rng.random() < 0.15,
            )
            for _ in range(rng.randint(0, 4))
        ]
        used = set()
        for _ in range(rng.randint(0, 5)):
            code, day = rng.choice(ACTIVITIES), rng.choice(days)
            member = rng.choice(members) if members and rng.random() < 0.4 else None
            implementer = rng.choice([iom, nrc])
            key = (code, member.pk if member else None, implementer.pk)  # repeats inside a window: by another
            if key in used:
                continue
            used.add(key)
            RecordFactory(
                household=household,
                member=member,
                activity_type=activity(code),
                delivered=True,
                delivered_on=day,
                programme=programme if rng.random() < 0.5 else None,
                implementing_organisation=implementer,
            )
        if n % 4 == 0:
            RecordFactory(household=household, activity_type=activity("shl-repair"), approved=True)
    for n, area in enumerate([places.kaga, places.kaga, places.karizak, places.kaga]):
        ProjectFactory(
            organisation=iom if n != 3 else nrc,
            area=area,
            project_type=ProjectType.WATER_POINT if n % 2 else ProjectType.HEALTH_CENTRE,
            completed=True,
            completed_on=D(2026, 4, 1) if n else D(2025, 11, 1),
            programme=programme if n == 1 else None,
            reached_f_18_59=10 * (n + 1),
            reached_m_0_5=n,
            reached_with_disability=n,
        )
    ProjectFactory(area=places.kaga, status=ProjectStatus.ONGOING, progress_percent=50, reached_f_0_5=7)
    return programme


def test_database_counts_match_the_python_count_target_by_target(places, iom, nrc, varied):
    households = _custom("SQL-HH", CountBy.HOUSEHOLDS, ["shl-repair", "wsh-hygiene-kit"])
    people = _custom("SQL-IND", CountBy.INDIVIDUALS, ["shl-repair", "ery-apprenticeship", "shl-nfi-kit"])
    nothing = _custom("SQL-NONE", CountBy.INDIVIDUALS, [])
    targets = []
    for organisation in (iom, nrc):
        for counted in (households, people, nothing, indicator("SHL-01"), indicator("ERY-01")):
            for area, start, end, programme in (
                (places.afg, D(2025, 1, 1), D(2026, 12, 31), None),
                (places.khogyani, D(2026, 1, 1), D(2026, 6, 29), None),
                (places.afg, D(2026, 3, 15), D(2026, 12, 31), varied),
                (places.karizak.parent, D(2026, 6, 30), D(2026, 6, 30), None),
            ):
                targets.append(
                    TargetFactory(
                        organisation=organisation,
                        indicator=counted,
                        area=area,
                        period_start=start,
                        period_end=end,
                        programme=programme,
                    )
                )
        for code in ("WSH-02", "HEA-02", "HEA-01"):
            for area in (places.afg, places.karizak):
                targets.append(TargetFactory(organisation=organisation, indicator=indicator(code), area=area))
    targets = list(
        IndicatorTarget.objects.filter(pk__in=[t.pk for t in targets])
        .select_related("indicator", "area")
        .prefetch_related("indicator__activity_types")
        .order_by("pk")
    )
    by_database = selectors.reached_for_targets(targets)
    assert any(figure.total for figure in by_database.values())
    for target in targets:
        expected = selectors.reached_for_targets_from_rows([target])[target.pk]
        assert by_database[target.pk] == expected, (target.indicator.code, target.area.pcode, target.period_start)
    # All targets of both organisations at once: each still counts only its own organisation's households.
    assert selectors.reached_for_targets_from_rows(targets) == by_database
    one_organisation = [t for t in targets if t.organisation_id == iom.pk]
    assert selectors.reached_for_targets(one_organisation) == selectors.reached_for_targets_from_rows(one_organisation)


def test_database_counts_of_no_targets_and_of_targets_reaching_nobody(places, iom):
    assert selectors.reached_for_targets([]) == {}
    empty = [
        TargetFactory(organisation=iom, indicator=indicator(code), area=places.kaga)
        for code in ("SHL-01", "ERY-01", "WSH-02", "HEA-02")
    ]
    assert selectors.reached_for_targets(empty) == selectors.reached_for_targets_from_rows(empty)


def test_another_organisation_in_the_same_call_changes_nothing(places, iom, nrc, varied):
    """Each target counts its own organisation's households whatever other targets are asked for with it."""
    brac = OrganisationFactory(acronym="BRAC", name="BRAC")
    own = TargetFactory(organisation=iom, indicator=indicator("SHL-01"), area=places.afg)
    theirs = TargetFactory(organisation=nrc, indicator=indicator("SHL-01"), area=places.afg)
    nobody = TargetFactory(organisation=brac, indicator=indicator("SHL-01"), area=places.afg)
    alone = selectors.reached_for_targets([own])[own.pk]
    together = selectors.reached_for_targets([own, theirs, nobody])
    assert together[own.pk] == alone
    assert together[theirs.pk] == selectors.reached_for_targets([theirs])[theirs.pk]
    assert together[nobody.pk].total == 0
