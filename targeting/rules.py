"""How areas are scored for targeting. Pure functions: no database, tested directly.

An area's score is a weighted mean of its indicators, each normalised across the areas being ranked
(min-max to 0..1), on a 0-100 scale::

    score = 100 * sum(weight_i * normalised_i) / sum(weight_i)

Indicators come from the DTM figures of the round's datasets (summed over periods; a severity score is
averaged). An indicator an area has no figure for contributes nothing and is shown as "no data" in the
breakdown, so the table says why a score is what it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from .models import PopulationGroup

IDP_GROUPS = (PopulationGroup.ARRIVAL_IDPS, PopulationGroup.IDPS)
RETURNEE_GROUPS = (PopulationGroup.RETURNED_IDPS, PopulationGroup.RETURNEES_ABROAD, PopulationGroup.RETURNEES)
LEFT_GROUPS = (PopulationGroup.FLED_IDPS, PopulationGroup.OUT_MIGRANTS)
SEVERITY_GROUPS = (PopulationGroup.RETURN_INDEX,)


@dataclass(frozen=True)
class AreaFigures:
    """What the datasets of a round say about one area: people per population group (in one unit),
    severity scores per group, and the same counts in the comparison dataset (None when not compared)."""

    area_id: int
    pcode: str
    counts: Mapping[str, Decimal] = field(default_factory=dict)
    severity: Mapping[str, Decimal] = field(default_factory=dict)
    previous: Mapping[str, Decimal] | None = None


def _sum(counts: Mapping[str, Decimal], groups: Sequence[str]) -> Decimal | None:
    present = [counts[g] for g in groups if g in counts]
    return sum(present, Decimal(0)) if present else None


def idps(f: AreaFigures) -> Decimal | None:
    return _sum(f.counts, IDP_GROUPS)


def returnees(f: AreaFigures) -> Decimal | None:
    return _sum(f.counts, RETURNEE_GROUPS)


def caseload(counts: Mapping[str, Decimal]) -> Decimal | None:
    """IDPs living in the area plus returnees: the people an area-based response works with."""
    return _sum(counts, IDP_GROUPS + RETURNEE_GROUPS)


def total(f: AreaFigures) -> Decimal | None:
    return caseload(f.counts)


def _share(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if whole is None or whole == 0:
        return None
    return (part or Decimal(0)) / whole


def returnee_share(f: AreaFigures) -> Decimal | None:
    return _share(returnees(f), total(f))


def idp_share(f: AreaFigures) -> Decimal | None:
    return _share(idps(f), total(f))


def left(f: AreaFigures) -> Decimal | None:
    return _sum(f.counts, LEFT_GROUPS)


def growth(f: AreaFigures) -> Decimal | None:
    """Relative change of the caseload since the comparison dataset (0.25 = a quarter more people).

    None without a comparison, or when the area had no caseload then (a change from nothing has no ratio;
    ``growth_people`` ranks such areas).
    """
    if f.previous is None:
        return None
    before, now = caseload(f.previous), total(f)
    if before is None or before == 0 or now is None:
        return None
    return (now - before) / before


def growth_people(f: AreaFigures) -> Decimal | None:
    """Change in the number of people (IDPs + returnees) since the comparison dataset."""
    if f.previous is None:
        return None
    now = total(f)
    if now is None:
        return None
    return now - (caseload(f.previous) or Decimal(0))


def return_index(f: AreaFigures) -> Decimal | None:
    """Severity of conditions in places of return, 0 (low) to 100 (high): DTM Iraq's Return Index."""
    return f.severity.get(PopulationGroup.RETURN_INDEX)


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    compute: Callable[[AreaFigures], Decimal | None]
    is_ratio: bool = False
    needs_comparison: bool = False


INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in (
        Indicator("total", _("IDPs and returnees (people)"), total),
        Indicator("returnees", _("Returnees (returned IDPs and from abroad)"), returnees),
        Indicator("idps", _("IDPs living in the area"), idps),
        Indicator("returnee_share", _("Returnee share of IDPs and returnees"), returnee_share, is_ratio=True),
        Indicator("idp_share", _("IDP share of IDPs and returnees"), idp_share, is_ratio=True),
        Indicator("left", _("People who left (fled IDPs and out-migrants)"), left),
        Indicator("growth", _("Growth since the comparison round"), growth, is_ratio=True, needs_comparison=True),
        Indicator(
            "growth_people", _("Change in people since the comparison round"), growth_people, needs_comparison=True
        ),
        Indicator("return_index", _("Return Index severity (0-100)"), return_index),
    )
}


def indicator_choices() -> list[tuple[str, str]]:
    return [(i.key, i.label) for i in INDICATORS.values()]


def clean_weights(raw: Mapping[str, object]) -> tuple[dict[str, float], dict[str, str]]:
    """Weights as numbers, dropping zeros, and the problems found (indicator -> message)."""
    weights: dict[str, float] = {}
    problems: dict[str, str] = {}
    for key, value in raw.items():
        if key not in INDICATORS:
            problems[key] = str(_("is not an indicator this system computes"))
            continue
        try:
            number = Decimal(str(value).strip() or "0")
        except (InvalidOperation, ValueError):
            problems[key] = str(_("'%(value)s' is not a number") % {"value": value})
            continue
        if not number.is_finite() or number < 0:
            problems[key] = str(_("must be zero or more"))
        elif number > 0:
            weights[key] = float(number)
    if not weights and not problems:
        problems["weights"] = str(_("give at least one indicator a weight above zero"))
    return weights, problems


def needs_comparison(weights: Mapping[str, float]) -> bool:
    return any(INDICATORS[k].needs_comparison for k, w in weights.items() if w and k in INDICATORS)


@dataclass(frozen=True)
class AreaResult:
    area_id: int
    pcode: str
    score: Decimal
    rank: int
    breakdown: dict


def _normaliser(values: Sequence[Decimal]) -> Callable[[Decimal], float]:
    """Min-max scaling over the areas that have a value. When every area has the same value the
    indicator cannot tell them apart: a positive value counts fully, zero counts nothing."""
    low, high = min(values), max(values)
    if high == low:
        return lambda v: 1.0 if v > 0 else 0.0
    span = high - low
    return lambda v: float((v - low) / span)


def _plain(value: Decimal | None, *, ratio: bool) -> float | None:
    if value is None:
        return None
    return round(float(value), 4 if ratio else 2)


def score_areas(areas: Sequence[AreaFigures], weights: Mapping[str, float]) -> list[AreaResult]:
    """Score and rank ``areas`` with ``weights`` (indicator -> weight >= 0). Highest score ranks first;
    equal scores share a rank (1, 2, 2, 4), listed by P-code.

    Each result's breakdown holds, per weighted indicator, the raw value, the normalised value (0..1 or
    None for no data), the weight and the contribution to the score, plus the figures it came from.
    """
    weighted = {k: float(w) for k, w in weights.items() if k in INDICATORS and w and float(w) > 0}
    if not weighted:
        raise ValueError("no indicator has a weight above zero")
    weight_sum = sum(weighted.values())
    raw = {key: [INDICATORS[key].compute(a) for a in areas] for key in weighted}
    scalers = {}
    for key, values in raw.items():
        present = [v for v in values if v is not None]
        scalers[key] = _normaliser(present) if present else None

    unsorted: list[tuple[Decimal, AreaFigures, dict]] = []
    for index, area in enumerate(areas):
        indicators = {}
        points = 0.0
        for key, weight in weighted.items():
            value = raw[key][index]
            normalised = scalers[key](value) if value is not None else None
            contribution = 100 * weight * (normalised or 0.0) / weight_sum
            points += contribution
            indicators[key] = {
                "value": _plain(value, ratio=INDICATORS[key].is_ratio),
                "normalised": round(normalised, 4) if normalised is not None else None,
                "weight": weight,
                "contribution": round(contribution, 4),
            }
        breakdown = {
            "indicators": indicators,
            "figures": {g: _plain(v, ratio=False) for g, v in sorted(area.counts.items())},
            "severity": {g: _plain(v, ratio=False) for g, v in sorted(area.severity.items())},
            "previous": (
                {g: _plain(v, ratio=False) for g, v in sorted(area.previous.items())}
                if area.previous is not None
                else None
            ),
        }
        unsorted.append((Decimal(str(round(points, 4))), area, breakdown))

    unsorted.sort(key=lambda item: (-item[0], item[1].pcode))
    results: list[AreaResult] = []
    for position, (score, area, breakdown) in enumerate(unsorted, start=1):
        rank = results[-1].rank if results and results[-1].score == score else position
        results.append(AreaResult(area.area_id, area.pcode, score, rank, breakdown))
    return results


def shade(score: Decimal | float | None) -> int:
    """The shading band (0-4) of a 0-100 score for the choropleth-style tables; -1 for no score."""
    if score is None:
        return -1
    return min(4, max(0, int(float(score) // 20)))
