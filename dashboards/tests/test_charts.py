from decimal import Decimal

from dashboards.charts import bar_chart


def test_bars_are_scaled_to_the_largest_value():
    chart = bar_chart([("a", 10), ("b", 5), ("c", 0)], width=300, label_width=100, value_room=0)
    assert [bar.width for bar in chart.bars] == [200, 100, 0]
    assert chart.bars[1].y > chart.bars[0].y
    assert chart.height == 8 + 3 * 26


def test_a_fixed_maximum_caps_the_bars_and_small_values_stay_visible():
    chart = bar_chart([("over", Decimal("150.0")), ("tiny", Decimal("0.1")), ("none", None)], maximum=100)
    assert chart.bars[0].width == 480 - 170 - 60
    assert chart.bars[1].width == 1
    assert chart.bars[2].value == 0


def test_an_empty_chart_says_so():
    assert bar_chart([]).is_empty
    assert bar_chart([("a", 0)]).is_empty
