"""Reads of assistance: reached figures from stored records (the hand-counted fixture of test_rules, in the
database), the cross-organisation overlap report, and what field staff have due."""

import datetime

import pytest
from django.utils import timezone

from assistance import selectors
from assistance.models import CountBy, Indicator, ProjectStatus, ProjectType, RecordStatus
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
TODAY = timezone.localdate()


@pytest.fixture
def fixture(places, iom, nrc):
    """The households and deliveries of ``test_rules`` (see the table there), stored. Repeats inside a window
    are by other organisations (NRC, BRAC), as the database allows only those."""
    brac = OrganisationFactory(acronym="BRAC", name="BRAC")
    programme = ProgrammeFactory(organisation=iom, code="abr-2026")
    h1 = HouseholdFactory(settlement=places.kaga, displacement_status="idp", head__sex="m", head__born=D(1980, 5, 1))
    MemberFactory(household=h1, sex="f", date_of_birth=D(2022, 1, 1))
    grandmother = MemberFactory(
        household=h1, sex="f", date_of_birth=D(1960, 1, 1), has_disability=True, relationship="parent"
    )
    h2 = HouseholdFactory(
        settlement=places.kaga, displacement_status="returnee_abroad", head__sex="f", head__born=D(1990, 6, 15)
    )
    son = MemberFactory(household=h2, sex="m", date_of_birth=D(2010, 2, 1))
    h3 = HouseholdFactory(settlement=places.kaga, displacement_status="host", head__sex="m", head__born=D(1966, 3, 2))
    h4 = HouseholdFactory(settlement=places.karizak, displacement_status="idp", head__sex="f", head__born=D(1985, 1, 1))
    other_org = OrganisationFactory(acronym="OTHER", name="Other Agency")
    h5 = HouseholdFactory(settlement=places.kaga, organisation=other_org)

    repair, hygiene, apprenticeship = (
        activity("shl-repair"),
        activity("wsh-hygiene-kit"),
        activity("ery-apprenticeship"),
    )

    def delivered(household, on, activity_type=repair, **kwargs):
        return RecordFactory(
            household=household, activity_type=activity_type, delivered=True, delivered_on=on, **kwargs
        )

    delivered(h1, D(2026, 3, 1), programme=programme)
    delivered(h1, D(2026, 6, 1), implementing_organisation=nrc)
    delivered(h2, D(2026, 3, 10), programme=programme)
    delivered(h3, D(2026, 3, 1))
    delivered(h3, D(2026, 4, 1), implementing_organisation=nrc)
    delivered(h4, D(2026, 3, 1))
    delivered(h2, D(2025, 12, 31), implementing_organisation=brac)
    delivered(h2, D(2026, 3, 1), hygiene)
    delivered(h2, D(2026, 5, 1), apprenticeship, member=son)
    delivered(h2, D(2026, 9, 1), apprenticeship, member=son, implementing_organisation=nrc)
    delivered(h1, D(2026, 5, 2), apprenticeship, member=grandmother)
    delivered(h5, D(2026, 3, 1))  # another organisation's household: never in IOM's figures
    RecordFactory(household=h1, activity_type=repair, approved=True)  # not delivered: not reached
    return {"programme": programme, "households": [h1, h2, h3, h4]}


def _target(places, code, **kwargs):
    kwargs.setdefault("area", places.khogyani)
    return TargetFactory(indicator=indicator(code) if isinstance(code, str) else code, **kwargs)


def test_reached_figures_from_stored_records_match_the_hand_count(
    places, fixture, manager, admin_user, django_assert_max_num_queries
):
    individuals = Indicator.objects.create(
        code="SHL-IND",
        name="People whose shelter was repaired",
        sector="SHL",
        unit="people",
        count_by=CountBy.INDIVIDUALS,
    )
    individuals.activity_types.set([activity("shl-repair")])
    households = _target(places, "SHL-01", target=4)
    people = _target(places, individuals, target=12)
    apprentices = _target(places, "ERY-01", target=4)
    for_programme = _target(places, "SHL-01", programme=fixture["programme"], target=2)
    wide = _target(places, "SHL-01", area=places.afg, period_start=D(2025, 1, 1), target=10)
    targets = list(selectors.targets_for_user(manager).order_by("pk"))
    assert wide not in targets, "a country-wide target is outside a provincial manager's areas"
    targets.append(selectors.targets_for_user(admin_user).get(pk=wide.pk))
    with django_assert_max_num_queries(3):
        reached = selectors.reached_for_targets(targets)

    assert reached[households.pk].total == 3
    assert reached[households.pk].breakdown == {
        "sex": {"m": 2, "f": 1},
        "age_group": {"18-59": 3},
        "displacement_status": {"idp": 1, "returnee_abroad": 1, "host": 1},
        "disability": {"yes": 1, "no": 2},
    }
    assert reached[people.pk].total == 6
    assert reached[people.pk].breakdown["age_group"] == {"18-59": 3, "0-5": 1, "60+": 1, "6-17": 1}
    assert reached[people.pk].breakdown["displacement_status"] == {"idp": 3, "returnee_abroad": 2, "host": 1}
    assert reached[people.pk].sex_age == {
        ("m", "18-59"): 2,
        ("f", "0-5"): 1,
        ("f", "60+"): 1,
        ("f", "18-59"): 1,
        ("m", "6-17"): 1,
    }
    assert reached[apprentices.pk].total == 2
    assert reached[apprentices.pk].sex_age == {("m", "6-17"): 1, ("f", "60+"): 1}
    assert reached[for_programme.pk].total == 2
    assert reached[wide.pk].total == 4  # Injil and the 2025 delivery come in; the other organisation's does not


def test_projects_count_when_completed_inside_the_area_and_period(places, iom, manager):
    ProjectFactory(area=places.kaga, completed=True, completed_on=D(2026, 4, 1), reached_f_18_59=40, reached_m_60=5)
    ProjectFactory(area=places.kaga, status=ProjectStatus.ONGOING, progress_percent=70, reached_f_18_59=99)
    ProjectFactory(area=places.karizak, completed=True)
    ProjectFactory(
        area=places.kaga,
        project_type=ProjectType.HEALTH_CENTRE,
        sector="HEA",
        completed=True,
        reached_f_0_5=300,
        reached_m_0_5=280,
        reached_f_18_59=900,
        reached_with_disability=25,
    )
    water_points = _target(places, "WSH-02", target=4)
    health_people = _target(places, "HEA-02", target=2000)
    reached = selectors.reached_for_targets([water_points, health_people])
    assert reached[water_points.pk].total == 1
    assert reached[health_people.pk].total == 1480
    assert reached[health_people.pk].breakdown["sex"] == {"f": 1200, "m": 280}
    assert reached[health_people.pk].breakdown["disability"] == {"yes": 25, "no": 1455}


def test_cross_organisation_overlaps_need_the_same_beneficiary_and_overlapping_windows(places, iom, nrc, manager):
    household = HouseholdFactory(settlement=places.kaga)
    sister, brother = MemberFactory(household=household), MemberFactory(household=household, sex="m")
    kit, jobs, hlp = activity("shl-winterization-kit"), activity("ery-job-placement"), activity("pro-hlp-counselling")
    # within the window, other organisation: reported
    RecordFactory(
        household=household,
        activity_type=kit,
        delivered=True,
        delivered_on=D(2026, 1, 5),
        implementing_organisation=nrc,
    )
    repeat = RecordFactory(household=household, activity_type=kit, delivered=True, delivered_on=D(2026, 2, 1))
    # a year later: outside the window
    RecordFactory(
        household=household, activity_type=kit, delivered=True, delivered_on=D(2027, 1, 1) - datetime.timedelta(days=1)
    )
    # different people in the same household: not the same beneficiary
    RecordFactory(household=household, member=sister, activity_type=jobs, delivered=True, delivered_on=D(2026, 3, 1))
    RecordFactory(
        household=household,
        member=brother,
        activity_type=jobs,
        delivered=True,
        delivered_on=D(2026, 3, 2),
        implementing_organisation=nrc,
    )
    # no repeat window: never an overlap
    RecordFactory(household=household, activity_type=hlp, delivered=True, delivered_on=D(2026, 3, 1))
    RecordFactory(
        household=household,
        activity_type=hlp,
        delivered=True,
        delivered_on=D(2026, 3, 3),
        implementing_organisation=nrc,
    )
    assert list(selectors.cross_org_overlaps_for_user(manager)) == [repeat]


def test_overlaps_report_is_scoped(places, nrc, field_officer_injil, other_org_officer, manager):
    household = HouseholdFactory(settlement=places.kaga)
    kit = activity("shl-winterization-kit")
    RecordFactory(
        household=household,
        activity_type=kit,
        delivered=True,
        delivered_on=D(2026, 1, 5),
        implementing_organisation=nrc,
    )
    RecordFactory(household=household, activity_type=kit, delivered=True, delivered_on=D(2026, 2, 1))
    assert selectors.cross_org_overlaps_for_user(manager).count() == 1
    assert selectors.cross_org_overlaps_for_user(field_officer_injil).count() == 0
    assert selectors.cross_org_overlaps_for_user(other_org_officer).count() == 0


def test_distributions_due_are_grouped_by_activity_and_settlement(places, field_officer, field_officer_injil):
    kit = activity("shl-winterization-kit")
    for _ in range(3):
        RecordFactory(
            household=HouseholdFactory(settlement=places.kaga), activity_type=kit, approved=True, planned_date=TODAY
        )
    RecordFactory(
        household=HouseholdFactory(settlement=places.kaga),
        activity_type=kit,
        approved=True,
        planned_date=TODAY + datetime.timedelta(days=60),
    )
    RecordFactory(household=HouseholdFactory(settlement=places.kaga), activity_type=kit, status=RecordStatus.PLANNED)
    due = selectors.distributions_due_for_user(field_officer)
    assert [(d["activity_type__name"], d["household__settlement__pcode"], d["count"]) for d in due] == [
        ("Winterization kit (blankets, heating fuel)", "AF0608S001", 3)
    ]
    assert selectors.distributions_due_for_user(field_officer_injil) == []
