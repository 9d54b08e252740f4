"""Horizontal bar charts drawn on the server as SVG geometry: no script, no external library.

``bar_chart`` is pure: it turns labelled numbers into bar positions, and ``dashboards/_chart.html``
draws them, with the same numbers in a table beside the chart for screen readers and for copying.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | float | Decimal
    x: int
    y: int
    width: int
    height: int
    text_y: int
    value_x: int


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: tuple[Bar, ...]
    width: int
    height: int
    label_width: int
    maximum: int | float | Decimal

    @property
    def is_empty(self) -> bool:
        return not self.bars or not self.maximum


def bar_chart(
    items: Sequence[tuple[str, int | float | Decimal | None]],
    *,
    title: str = "",
    width: int = 480,
    label_width: int = 170,
    bar_height: int = 18,
    gap: int = 8,
    value_room: int = 60,
    maximum: int | float | Decimal | None = None,
) -> BarChart:
    """Bars scaled to the largest value (or ``maximum``, e.g. 100 for percentages); None counts as 0."""
    values = [(str(label), value or 0) for label, value in items]
    top = maximum if maximum is not None else max((v for _l, v in values), default=0)
    room = max(width - label_width - value_room, 10)
    bars = []
    for index, (label, value) in enumerate(values):
        y = gap + index * (bar_height + gap)
        length = 0 if not top else round(room * min(float(value), float(top)) / float(top))
        if value and length == 0:
            length = 1  # a non-zero value stays visible
        bars.append(
            Bar(
                label=label,
                value=value,
                x=label_width,
                y=y,
                width=length,
                height=bar_height,
                text_y=y + bar_height - 4,
                value_x=label_width + length + 4,
            )
        )
    height = gap + len(bars) * (bar_height + gap)
    return BarChart(
        title=title, bars=tuple(bars), width=width, height=height, label_width=label_width, maximum=top or 0
    )
