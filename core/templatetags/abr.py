from django import template

from core.calendars import format_date

register = template.Library()


@register.simple_tag(takes_context=True)
def show_date(context, value):
    """A date in the signed-in user's calendar (Gregorian or Solar Hijri)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    calendar = getattr(user, "calendar", "gregorian") if user is not None and user.is_authenticated else "gregorian"
    return format_date(value, calendar)
