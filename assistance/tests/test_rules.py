"""The pure rules: age groups, repeat windows and overlaps, reached figures against hand-counted fixtures."""

import datetime
from decimal import Decimal

import pytest

from assistance import rules

D = datetime.date


# --- ages -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "day", "group"),
    [
        (D(2020, 3, 1), D(2026, 2, 28), "0-5"),  # 5 the day before the sixth birthday
        (D(2020, 3, 1), D(2026, 3, 1), "6-17"),  # 6 on the birthday
        (D(2008, 3, 2), D(2026, 3, 1), "6-17"),  # 17, turns 18 tomorrow
        (D(2008, 3, 1), D(2026, 3, 1), "18-59"),
        (D(1966, 3, 2), D(2026, 3, 1), "18-59"),  # 59 on the day before turning 60
        (D(1966, 3, 1), D(2026, 3, 1), "60+"),
        (D(2024, 2, 29), D(2026, 2, 28), "0-5"),
        (None, D(2026, 3, 1), "unknown"),
        (D(2027, 1, 1), D(2026, 3, 1), "unknown"),  # born after the day: a data error, not a baby
    ],
)
def test_age_group_on_the_delivery_date(born, day, group):
    assert rules.age_group(born, day) == group


def test_birth_dates_for_an_age_range_are_inclusive():
    day = D(2026, 3, 1)
    born_after, born_by = rules.birth_dates_for_age(18, 24, day)
    assert born_after == D(2001, 3, 1)  # someone born on 2001-03-01 is 25 on the day
    assert born_by == D(2008, 3, 1)  # someone born on 2008-03-01 is 18 on the day
    assert rules.age_on(D(2001, 3, 2), day) == 24
    assert rules.birth_dates_for_age(None, None, day) == (None, None)
    assert rules.birth_dates_for_age(18, None, D(2028, 2, 29)) == (None, D(2010, 2, 28))


# --- windows and overlaps ---------------------------------------------------------------------------


def _delivery(**overrides):
    values = {
        "record_id": 1,
        "household_id": 10,
        "member_id": None,
        "activity_type_id": 100,
        "overlap_key": "shelter",
        "delivered_on": D(2026, 1, 10),
        "blocked_until": D(2026, 7, 9),
        "implementer_id": 1,
        "activity_name": "Shelter repair",
        "implementer_name": "IOM",
    }
    values.update(overrides)
    return rules.Delivery(**values)


def _candidate(**overrides):
    values = {
        "household_id": 10,
        "member_id": None,
        "activity_type_id": 100,
        "overlap_key": "shelter",
        "delivered_on": D(2026, 3, 1),
        "window_days": 180,
        "implementer_id": 1,
    }
    values.update(overrides)
    return rules.Candidate(**values)


def test_blocked_until_counts_days_and_once_only_never_ends():
    assert rules.blocked_until(D(2026, 1, 10), 180) == D(2026, 7, 9)
    assert rules.blocked_until(D(2026, 1, 10), 0) == D(2026, 1, 10)
    assert rules.blocked_until(D(2026, 1, 10), None) is None


def test_windows_are_half_open_and_empty_windows_overlap_nothing():
    assert rules.windows_overlap(D(2026, 1, 1), D(2026, 2, 1), D(2026, 1, 31), D(2026, 3, 1))
    assert not rules.windows_overlap(D(2026, 1, 1), D(2026, 2, 1), D(2026, 2, 1), D(2026, 3, 1))
    assert rules.windows_overlap(D(2026, 1, 1), None, D(2030, 1, 1), D(2030, 2, 1))
    assert not rules.windows_overlap(D(2026, 1, 1), D(2026, 1, 1), D(2026, 1, 1), None)


def test_same_activity_inside_the_window_is_refused_with_dates_and_organisation():
    overlaps = rules.find_overlaps(_candidate(), [_delivery()])
    refusing = rules.refusing(overlaps)
    assert refusing is not None
    assert refusing.existing.record_id == 1
    message = rules.overlap_message(refusing, beneficiary="HH-0000001")
    assert message == (
        "HH-0000001 already received Shelter repair on 2026-01-10 (IOM); it can be given again from 2026-07-09."
    )


def test_a_repeat_on_the_first_free_day_is_allowed():
    assert rules.find_overlaps(_candidate(delivered_on=D(2026, 7, 9)), [_delivery()]) == []
    # ...and the earlier delivery's window is what counts, not the new one's length
    assert rules.find_overlaps(_candidate(delivered_on=D(2026, 7, 9), window_days=3650), [_delivery()]) == []


def test_a_later_delivery_already_recorded_blocks_an_earlier_date_inside_the_new_window():
    later = _delivery(delivered_on=D(2026, 5, 1), blocked_until=D(2026, 10, 28))
    assert rules.find_overlaps(_candidate(delivered_on=D(2026, 3, 1)), [later])
    assert not rules.find_overlaps(_candidate(delivered_on=D(2025, 10, 1)), [later])  # window ends 2026-03-30


def test_overlap_group_other_household_other_member_and_no_window():
    shelter_build = _delivery(activity_type_id=101, activity_name="Shelter construction")
    assert rules.find_overlaps(_candidate(), [shelter_build]), "same overlap group counts as the same activity"
    assert not rules.find_overlaps(_candidate(overlap_key="latrine"), [shelter_build])
    assert not rules.find_overlaps(_candidate(household_id=11), [_delivery()])
    # Individual activities: per person, but a delivery to the whole household covers everyone in it
    assert not rules.find_overlaps(_candidate(member_id=5), [_delivery(member_id=6)])
    assert rules.find_overlaps(_candidate(member_id=5), [_delivery(member_id=5)])
    assert rules.find_overlaps(_candidate(member_id=5), [_delivery(member_id=None)])
    # A window of 0 days: a consultation may be repeated at any time
    no_window = _delivery(blocked_until=D(2026, 1, 10))
    assert not rules.find_overlaps(_candidate(delivered_on=D(2026, 1, 10), window_days=0), [no_window])


def test_once_only_activity_is_refused_forever_and_said_so():
    grant = _delivery(
        overlap_key="grant-departure", blocked_until=None, activity_name="Departure grant", delivered_on=D(2020, 1, 1)
    )
    overlaps = rules.find_overlaps(
        _candidate(overlap_key="grant-departure", window_days=None, delivered_on=D(2030, 1, 1)), [grant]
    )
    message = rules.overlap_message(rules.refusing(overlaps), beneficiary="HH-1")
    assert message == "HH-1 already received Departure grant on 2020-01-01 (IOM); it is given only once."


def test_another_organisations_delivery_is_reported_not_refusing():
    other = _delivery(record_id=2, implementer_id=2, implementer_name="NRC")
    overlaps = rules.find_overlaps(_candidate(), [other])
    assert len(overlaps) == 1
    assert not overlaps[0].same_organisation
    assert rules.refusing(overlaps) is None
    ours = _delivery(record_id=3, delivered_on=D(2026, 2, 1), blocked_until=D(2026, 7, 31))
    overlaps = rules.find_overlaps(_candidate(), [other, ours])
    assert [o.existing.record_id for o in overlaps] == [3, 2], "the refusing overlap comes first"
    assert rules.refusing(overlaps).existing.record_id == 3
    assert rules.find_overlaps(_candidate(), [ours], exclude_record=3) == []


def test_percent_of_target():
    assert rules.percent(45, 60) == Decimal("75.0")
    assert rules.percent(1, 3) == Decimal("33.3")
    assert rules.percent(2, 3) == Decimal("66.7")
    assert rules.percent(130, 100) == Decimal("130.0")
    assert rules.percent(5, 0) is None


# --- reached: hand-counted fixture --------------------------------------------------------------------
#
# Khogyani (AFG/AF06/AF0608/), period 2026. Activity 1 = shelter (households), 2 = hygiene kit,
# 3 = apprenticeship (individuals). Programme 7.
#
#   H1 idp              head m 1980-05-01 | child f 2022-01-01 | grandmother f 1960-01-01, disability
#   H2 returnee_abroad  head f 1990-06-15 | son m 2010-02-01
#   H3 host             head m 1966-03-02 (59 on 2026-03-01, 60 on 2026-04-01)
#   H4 idp in Injil (AFG/AF32/AF3202/) head f 1985-01-01 — outside the area
#
# Deliveries:                                         counted for shelter in Khogyani 2026?
#   R1  H1 shelter 2026-03-01                         yes
#   R2  H1 shelter 2026-06-01                         same household again: once
#   R3  H2 shelter 2026-03-10                         yes
#   R4  H3 shelter 2026-03-01                         yes (first delivery: head is 59)
#   R5  H3 shelter 2026-04-01                         same household again
#   R6  H4 shelter 2026-03-01                         no: Injil
#   R7  H2 shelter 2025-12-31                         no: before the period
#   R8  H2 hygiene 2026-03-01                         no: other activity
#   R9  H2 son apprenticeship 2026-05-01, R10 again 2026-09-01, R11 H1 grandmother apprenticeship 2026-05-02

KHOGYANI = "AFG/AF06/AF0608/"
INJIL = "AFG/AF32/AF3202/"


def _row(pk, hh, day, activity_type=1, member=None, path=KHOGYANI, status="idp", programme=7):
    return rules.DeliveryRow(pk, hh, member, activity_type, programme, day, path + f"S{hh}/", status)


DELIVERIES = [
    _row(1, 1, D(2026, 3, 1)),
    _row(2, 1, D(2026, 6, 1)),
    _row(3, 2, D(2026, 3, 10), status="returnee_abroad"),
    _row(4, 3, D(2026, 3, 1), status="host"),
    _row(5, 3, D(2026, 4, 1), status="host"),
    _row(6, 4, D(2026, 3, 1), path=INJIL),
    _row(7, 2, D(2025, 12, 31), status="returnee_abroad"),
    _row(8, 2, D(2026, 3, 1), activity_type=2, status="returnee_abroad"),
    _row(9, 2, D(2026, 5, 1), activity_type=3, member=22, status="returnee_abroad"),
    _row(10, 2, D(2026, 9, 1), activity_type=3, member=22, status="returnee_abroad"),
    _row(11, 1, D(2026, 5, 2), activity_type=3, member=13),
]
MEMBERS = rules.group_members(
    [
        rules.MemberRow(11, 1, "m", D(1980, 5, 1), False, is_head=True),
        rules.MemberRow(12, 1, "f", D(2022, 1, 1), False),
        rules.MemberRow(13, 1, "f", D(1960, 1, 1), True),
        rules.MemberRow(21, 2, "f", D(1990, 6, 15), False, is_head=True),
        rules.MemberRow(22, 2, "m", D(2010, 2, 1), False),
        rules.MemberRow(31, 3, "m", D(1966, 3, 2), False, is_head=True),
        rules.MemberRow(41, 4, "f", D(1985, 1, 1), False, is_head=True),
    ]
)


def _spec(count_by, types, programme=None):
    return rules.TargetSpec(
        count_by=count_by,
        area_path=KHOGYANI,
        period_start=D(2026, 1, 1),
        period_end=D(2026, 12, 31),
        activity_type_ids=frozenset(types),
        programme_id=programme,
    )


def test_households_reached_are_distinct_and_described_by_their_head():
    reached = rules.compute_reached(_spec("households", {1}), deliveries=DELIVERIES, members=MEMBERS)
    assert reached.total == 3
    assert reached.breakdown["sex"] == {"m": 2, "f": 1}
    assert reached.breakdown["age_group"] == {"18-59": 3}  # H3's head is counted at 59, on his first delivery
    assert reached.breakdown["displacement_status"] == {"idp": 1, "returnee_abroad": 1, "host": 1}
    assert reached.breakdown["disability"] == {"yes": 1, "no": 2}


def test_individuals_reached_by_household_activities_are_every_member_once():
    reached = rules.compute_reached(_spec("individuals", {1}), deliveries=DELIVERIES, members=MEMBERS)
    assert reached.total == 6
    assert reached.breakdown["sex"] == {"m": 3, "f": 3}
    assert reached.breakdown["age_group"] == {"18-59": 3, "0-5": 1, "60+": 1, "6-17": 1}
    assert reached.breakdown["displacement_status"] == {"idp": 3, "returnee_abroad": 2, "host": 1}
    assert reached.breakdown["disability"] == {"no": 5, "yes": 1}
    assert reached.sex_age == {
        ("m", "18-59"): 2,
        ("f", "0-5"): 1,
        ("f", "60+"): 1,
        ("f", "18-59"): 1,
        ("m", "6-17"): 1,
    }
    assert sum(reached.sex_age.values()) == reached.total


def test_individual_activities_count_the_person_named_once():
    reached = rules.compute_reached(_spec("individuals", {3}), deliveries=DELIVERIES, members=MEMBERS)
    assert reached.total == 2
    assert reached.sex_age == {("m", "6-17"): 1, ("f", "60+"): 1}
    assert reached.breakdown["disability"] == {"no": 1, "yes": 1}
    households = rules.compute_reached(_spec("households", {3}), deliveries=DELIVERIES, members=MEMBERS)
    assert households.total == 2


def test_several_activities_and_programme_filter():
    assert rules.compute_reached(_spec("households", {1, 2}), deliveries=DELIVERIES, members=MEMBERS).total == 3
    assert (
        rules.compute_reached(_spec("households", {1}, programme=7), deliveries=DELIVERIES, members=MEMBERS).total == 3
    )
    assert (
        rules.compute_reached(_spec("households", {1}, programme=8), deliveries=DELIVERIES, members=MEMBERS).total == 0
    )
    wider = rules.TargetSpec("households", "AFG/", D(2025, 1, 1), D(2026, 12, 31), frozenset({1}))
    assert rules.compute_reached(wider, deliveries=DELIVERIES, members=MEMBERS).total == 4


def test_household_without_recorded_members_counts_with_unknown_head():
    rows = [_row(1, 9, D(2026, 2, 1))]
    reached = rules.compute_reached(_spec("households", {1}), deliveries=rows, members={})
    assert reached.total == 1
    assert reached.breakdown["sex"] == {"unknown": 1}
    individuals = rules.compute_reached(_spec("individuals", {1}), deliveries=rows, members={})
    assert individuals.total == 0


def test_projects_and_people_reached_by_completed_projects():
    water = {("f", "0-5"): 10, ("f", "18-59"): 40, ("m", "18-59"): 35, ("m", "60+"): 5}
    projects = [
        rules.ProjectRow(1, "water_point", None, KHOGYANI + "S1/", "completed", D(2026, 4, 1), water, 3),
        rules.ProjectRow(2, "water_point", None, KHOGYANI + "S2/", "ongoing", None, water, 3),
        rules.ProjectRow(3, "water_point", None, INJIL + "S1/", "completed", D(2026, 4, 1), water, 3),
        rules.ProjectRow(4, "health_centre", None, KHOGYANI, "completed", D(2026, 5, 1), {("f", "6-17"): 7}, 0),
        rules.ProjectRow(5, "water_point", None, KHOGYANI, "completed", D(2027, 1, 1), water, 3),
    ]
    spec = rules.TargetSpec(
        "projects", KHOGYANI, D(2026, 1, 1), D(2026, 12, 31), project_types=frozenset({"water_point"})
    )
    assert rules.compute_reached(spec, projects=projects).total == 1
    people = rules.compute_reached(
        rules.TargetSpec("project_people", KHOGYANI, D(2026, 1, 1), D(2026, 12, 31)), projects=projects
    )
    assert people.total == 90 + 7
    assert people.breakdown["sex"] == {"f": 57, "m": 40}
    assert people.breakdown["age_group"] == {"0-5": 10, "18-59": 75, "60+": 5, "6-17": 7}
    assert people.breakdown["disability"] == {"yes": 3, "no": 94}
