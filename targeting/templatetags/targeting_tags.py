"""Formatting of targeting figures in templates: indicator values, shares, score bands."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def indicator_value(value, indicator) -> str:
    """A raw indicator value as people read it: a share in per cent, a count with separators."""
    if value is None or value == "":
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
