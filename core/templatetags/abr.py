from django import template

from core.calendars import format_date

register = template.Library()


@register.simple_tag
def show_date(value):
    """A date in the signed-in user's calendar (Gregorian or Solar Hijri)."""
    from core.context import current_calendar

    return format_date(value, current_calendar())
