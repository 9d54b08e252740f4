"""Template helpers of assistance pages."""

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def household_url(household_id) -> str:
    """The household's page in profiling where it exists, else the household's assistance page here."""
    try:
        return reverse("profiling:household_detail", args=[household_id])
    except NoReverseMatch:
        return reverse("assistance:household_plan", args=[household_id])


@register.filter
def status_badge(status: str) -> str:
    """The badge class of a record, list or project status."""
    return {
        "delivered": "good",
        "approved": "good",
        "completed": "good",
        "cancelled": "bad",
        "rejected": "warn",
        "suspended": "warn",
        "submitted": "warn",
    }.get(status, "")
