"""The scoring rule, tested directly: normalisation across the areas ranked, weights, growth, breakdown."""

from decimal import Decimal as D

import pytest

from targeting import rules
from targeting.rules import AreaFigures, clean_weights, score_areas, shade


def area(pk, pcode, previous=None, severity=None, **counts):
    return AreaFigures(
        area_id=pk,
        pcode=pcode,
        counts={k: D(v) for k, v in counts.items()},
        severity={k: D(v) for k, v in (severity or {}).items()},
        previous={k: D(v) for k, v in previous.items()} if previous is not None else None,
    )


def test_indicators_from_figures():
    a = area(1, "A", arrival_idps=300, idps=100, returned_idps=200, returnees_abroad=400, fled_idps=50, out_migrants=5)
    assert rules.idps(a) == 400
    assert rules.returnees(a) == 600
    assert rules.total(a) == 1000
    assert rules.returnee_share(a) == D("0.6")
    assert rules.idp_share(a) == D("0.4")
    assert rules.left(a) == 55
    assert rules.growth(a) is None  # no comparison
    assert rules.return_index(a) is None


def test_growth_between_rounds():
    grown = area(1, "A", previous={"arrival_idps": 400}, arrival_idps=500)
    assert rules.growth(grown) == D("0.25")
    assert rules.growth_people(grown) == 100
    new = area(2, "B", previous={}, arrival_idps=80)
    assert rules.growth(new) is None  # no ratio from nothing
    assert rules.growth_people(new) == 80
    shrunk = area(3, "C", previous={"returnees": 1000}, returnees=600)
    assert rules.growth(shrunk) == D("-0.4")


def test_min_max_normalisation_and_weights_make_a_0_to_100_score():
    areas = [
        area(1, "AF0601", arrival_idps=1000, returnees_abroad=0),
        area(2, "AF0602", arrival_idps=500, returnees_abroad=500),
        area(3, "AF0603", arrival_idps=0, returnees_abroad=100),
    ]
    results = score_areas(areas, {"total": 3, "returnee_share": 1})
    by_code = {r.pcode: r for r in results}
    # total: 1000, 1000, 100 -> 1, 1, 0;   returnee share: 0, 0.5, 1 -> 0, 0.5, 1
    assert by_code["AF0601"].score == D("75.0000")  # 100 * (3*1 + 1*0) / 4
    assert by_code["AF0602"].score == D("87.5000")  # 100 * (3*1 + 1*0.5) / 4
    assert by_code["AF0603"].score == D("25.0000")  # 100 * (3*0 + 1*1) / 4
    assert [r.pcode for r in results] == ["AF0602", "AF0601", "AF0603"]
    assert [r.rank for r in results] == [1, 2, 3]


def test_breakdown_shows_the_figures_and_how_each_indicator_counts():
    results = score_areas(
        [area(1, "A", arrival_idps=1000, returned_idps=0), area(2, "B", arrival_idps=250, returned_idps=250)],
        {"total": 1, "returnee_share": 1},
    )
    top = results[0]
    assert top.pcode == "A"
    assert top.breakdown["figures"] == {"arrival_idps": 1000.0, "returned_idps": 0.0}
    total = top.breakdown["indicators"]["total"]
    assert total == {"value": 1000.0, "normalised": 1.0, "weight": 1.0, "contribution": 50.0}
    share = top.breakdown["indicators"]["returnee_share"]
    assert share == {"value": 0.0, "normalised": 0.0, "weight": 1.0, "contribution": 0.0}
    contributions = sum(i["contribution"] for i in top.breakdown["indicators"].values())
    assert D(str(contributions)) == top.score


def test_missing_data_contributes_nothing_and_is_marked():
    results = score_areas(
        [
            area(1, "A", severity={"return_index": 80}, returnees=100),
            area(2, "B", returnees=100),
            area(3, "C", severity={"return_index": 20}, returnees=100),
        ],
        {"return_index": 1},
    )
    by_code = {r.pcode: r for r in results}
    assert by_code["A"].score == 100
    assert by_code["C"].score == 0
    assert by_code["B"].breakdown["indicators"]["return_index"]["normalised"] is None
    assert by_code["B"].score == 0


def test_equal_values_cannot_tell_areas_apart():
    results = score_areas([area(1, "A", idps=10), area(2, "B", idps=10), area(3, "C", idps=0)], {"idps": 1})
    assert [(r.pcode, r.score, r.rank) for r in results] == [("A", 100, 1), ("B", 100, 1), ("C", 0, 3)]
    only = score_areas([area(1, "A", idps=10)], {"idps": 1})
    assert only[0].score == 100


def test_scoring_is_pure_and_repeatable():
    areas = [area(i, f"P{i:03d}", idps=i * 7 % 13, returnees=i * 5 % 11) for i in range(1, 40)]
    weights = {"total": 1, "returnee_share": 2}
    first = score_areas(areas, weights)
    assert first == score_areas(list(areas), dict(weights))


def test_weights_are_checked():
    assert clean_weights({"total": "2", "growth": 0}) == ({"total": 2.0}, {})
    weights, problems = clean_weights({"total": "-1", "popularity": 3, "idps": "lots"})
    assert weights == {}
    assert set(problems) == {"total", "popularity", "idps"}
    assert clean_weights({})[1] == {"weights": "give at least one indicator a weight above zero"}
    with pytest.raises(ValueError, match="no indicator has a weight"):
        score_areas([area(1, "A", idps=1)], {"total": 0})


def test_comparison_is_needed_only_for_growth():
    assert rules.needs_comparison({"growth": 1})
    assert rules.needs_comparison({"growth_people": 0.5, "total": 1})
    assert not rules.needs_comparison({"total": 1, "growth": 0})


def test_shading_bands():
    assert [shade(v) for v in (None, 0, 19.9, 20, 59, 79.99, 80, 100)] == [-1, 0, 0, 1, 2, 3, 4, 4]
