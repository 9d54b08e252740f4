"""Formatting of targeting figures in templates: indicator values, shares, score bands."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _

register = template.Library()

BAND_LABELS = {
    -1: "no score",
    0: "0-19",
    1: "20-39",
    2: "40-59",
    3: "60-79",
    4: "80-100",
}


@register.filter
def indicator_value(value, indicator) -> str:
    """A raw indicator value as people read it: a share in per cent, a count with separators."""
    if value is None:
        return _("no data")
    if getattr(indicator, "is_ratio", False):
        return f"{float(value) * 100:.1f} %"
    number = float(value)
    return intcomma(round(number)) if number == int(number) or abs(number) >= 100 else f"{number:.2f}"


@register.filter
def figure(value) -> str:
    if value is None or value == "":
        return "—"
    number = float(value)
    return intcomma(int(number)) if number == int(number) else f"{number:.2f}"


@register.filter
def band_label(band) -> str:
    return BAND_LABELS.get(band, "")


@register.filter
def percent(value) -> str:
    if value is None:
        return "—"
    return f"{float(value) * 100:.0f} %"
