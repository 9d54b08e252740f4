import datetime

from django import template
from django.utils import timezone

from core.calendars import format_date

register = template.Library()


def _in_users_calendar(value, with_time: bool = False) -> str:
    from core.context import current_calendar

    if value in (None, ""):
        return ""
    time = ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        time = value.strftime(" %H:%M") if with_time else ""
    return format_date(value, current_calendar()) + time


@register.simple_tag
def show_date(value):
    """A date in the signed-in user's calendar (Gregorian or Solar Hijri)."""
    return _in_users_calendar(value)


@register.filter
def in_calendar(value, arg: str = ""):
    """The filter form of ``show_date``, usable inside ``blocktranslate``; ``|in_calendar:"time"`` adds the
    local time of a datetime."""
    return _in_users_calendar(value, with_time=arg == "time")
