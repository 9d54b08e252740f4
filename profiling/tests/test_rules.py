"""The pure rules: WG-SS disability, ages, dependency ratio, vulnerability score and band, names and phones."""

import datetime
from decimal import Decimal

import pytest

from profiling import rules
from profiling.models import BARRIER_CATEGORY, ReturnBarrier

TODAY = datetime.date(2025, 3, 1)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ((1, 1, 1, 1, 1, 1), False),
        ((2, 2, 2, 2, 2, 2), False),
        ((1, 3, 1, 1, 1, 1), True),
        ((1, 1, 1, 1, 1, 4), True),
        ((None, None, 3, None, None, None), True),
        ((None,) * 6, False),
        ((), False),
    ],
)
def test_wg_ss_disability_is_any_domain_answered_3_or_4(answers, expected):
    assert rules.wg_disability(answers) is expected


def test_age_from_birth_date_counts_completed_years():
    assert rules.age_on(datetime.date(1990, 3, 2), TODAY) == 34
    assert rules.age_on(datetime.date(1990, 3, 1), TODAY) == 35
    born, age, estimated = rules.age_from(date_of_birth=datetime.date(2020, 1, 1), stated_age=None, on=TODAY)
    assert (born, age, estimated) == (datetime.date(2020, 1, 1), 5, False)


def test_stated_age_gives_an_estimated_birth_date_that_keeps_the_age_true():
    born, age, estimated = rules.age_from(date_of_birth=None, stated_age=30, on=TODAY)
    assert estimated is True
    assert age == 30
    assert born.month == 7
    assert born.day == 1
    assert rules.age_from(date_of_birth=None, stated_age=None, on=TODAY) == (None, None, False)
    with pytest.raises(ValueError, match="between 0 and 120"):
        rules.estimated_birth_date(130, TODAY)


@pytest.mark.parametrize(
    ("age", "group"),
    [(0, "0-5"), (5, "0-5"), (6, "6-17"), (17, "6-17"), (18, "18-59"), (59, "18-59"), (60, "60+"), (None, None)],
)
def test_age_groups_for_disaggregation(age, group):
    assert rules.age_group(age) == group


def test_dependency_ratio_is_dependants_per_working_age_member():
    assert rules.dependency_ratio([35, 30, 10, 8, 2, 65]) == Decimal("2.00")
    assert rules.dependency_ratio([35, 30]) == Decimal("0.00")
    assert rules.dependency_ratio([70, 10]) is None  # no one of working age
    assert rules.dependency_ratio([40, None, 3]) == Decimal("1.00")  # unknown ages left out


def member(sex="m", age=40, relationship="head", **kw):
    return rules.MemberFacts(sex=sex, age=age, relationship=relationship, documents=("tazkira",), **kw)


def test_criteria_met_cover_every_rule():
    facts = rules.HouseholdFacts(
        members=(
            member(sex="f", age=64),
            member(age=10, relationship="grandchild", wg_answers=(1, 1, 3, 1, 1, 1)),
            rules.MemberFacts(sex="f", age=30, relationship="child", chronic_illness=True, pregnant_or_lactating=True),
        ),
        critical_shelter=True,
        has_income=False,
        has_debt=True,
    )
    met = rules.criteria_met(facts, rules.DEFAULT_PARAMETERS)
    assert set(met) == {
        "female_headed",
        "elderly_headed",
        "disability",
        "chronic_illness",
        "pregnant_lactating",
        "no_income",
        "debt",
        "critical_shelter",
        "missing_documents",  # the 30-year-old has no document
        "high_dependency",  # the 64- and 10-year-old depend on one adult: 2.0 > 1.5
    }
    child_headed = rules.HouseholdFacts(
        members=(member(age=16), *tuple(member(age=5, relationship="sibling") for _ in range(7)))
    )
    met = rules.criteria_met(child_headed, rules.DEFAULT_PARAMETERS)
    assert "child_headed" in met
    assert "large_household" in met
    assert "high_dependency" in met


def test_score_is_the_sum_of_weights_and_band_the_highest_reached():
    spec = rules.VulnerabilitySpec(
        weights={"female_headed": 3, "no_income": 2, "debt": 1.5},
        bands=[["low", 0], ["medium", 4], ["high", 6]],
    )
    facts = rules.HouseholdFacts(members=(member(sex="f"),), has_income=False, has_debt=True)
    result = rules.vulnerability(facts, spec)
    assert result.score == Decimal("6.50")
    assert result.band == "high"
    assert result.criteria == ("female_headed", "no_income", "debt")
    assert rules.vulnerability(rules.HouseholdFacts(members=(member(),)), spec).band == "low"
    assert rules.band_for(Decimal("3.99"), spec.bands) == "low"
    assert rules.band_for(Decimal("4"), spec.bands) == "medium"


def test_manager_typed_models_are_checked():
    assert rules.check_spec(rules.DEFAULT_WEIGHTS, rules.DEFAULT_PARAMETERS, rules.DEFAULT_BANDS) == {}
    assert "weights" in rules.check_spec({"shoe_size": 1}, rules.DEFAULT_PARAMETERS, rules.DEFAULT_BANDS)
    assert "weights" in rules.check_spec({"debt": -1}, rules.DEFAULT_PARAMETERS, rules.DEFAULT_BANDS)
    assert "bands" in rules.check_spec({}, rules.DEFAULT_PARAMETERS, [["low", 0], ["high", 0]])
    assert "bands" in rules.check_spec({}, rules.DEFAULT_PARAMETERS, [["low", 2]])
    assert "bands" in rules.check_spec({}, rules.DEFAULT_PARAMETERS, [["a", 0], ["a", 3]])
    assert "parameters" in rules.check_spec({}, {"dependency_ratio_above": 0}, rules.DEFAULT_BANDS)


def test_every_barrier_has_a_category_from_the_iraq_table():
    assert set(BARRIER_CATEGORY) == set(ReturnBarrier.values)
    assert BARRIER_CATEGORY["housing_destroyed"] == 1
    assert BARRIER_CATEGORY["tribal_ethnic_tensions"] == 2
    assert BARRIER_CATEGORY["explosive_hazards"] == 3
    assert rules.barrier_categories(["armed_actors", "fear_trauma", "nonsense"], BARRIER_CATEGORY) == [2, 3]


def test_names_match_across_spelling_and_order():
    assert rules.name_similarity("Mohammad Gul Ahmadzai", "Muhammad Gul Ahmadzai") == 100
    assert rules.name_similarity("Gul Ahmad", "Ahmad Gul") == 100
    assert rules.name_similarity("Abdul Rahim", "Abdel Raheem") >= rules.NAME_SIMILARITY_THRESHOLD
    assert rules.name_similarity("Gul Ahmad", "Zarmina Safi") < 50


def test_phone_key_ignores_prefixes_and_spacing():
    assert rules.phone_key("+93 700 123 456") == rules.phone_key("0700123456") == "700123456"
    assert rules.phone_key("0093-700-123-456") == "700123456"
    assert rules.phone_key("123") == ""


def test_birth_dates_match_exactly_or_within_a_year_when_estimated():
    a = datetime.date(1980, 5, 1)
    assert rules.births_match(a, False, a, False)
    assert not rules.births_match(a, False, datetime.date(1980, 5, 2), False)
    assert rules.births_match(a, False, datetime.date(1981, 7, 1), True)
    assert not rules.births_match(a, True, datetime.date(1983, 7, 1), False)
    assert not rules.births_match(None, False, a, False)
