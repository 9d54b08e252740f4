"""E-mail telling an officer which check-in calls are due. Like the referral notices it carries no personal
data: a count, the due dates and a link; the officer signs in to see who to call."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import CheckIn


def _link(path: str) -> str:
    return f"{getattr(settings, 'ABR_SITE_URL', '').rstrip('/')}{path}"


def checkins_due(user_id: int, check_in_ids: list[int]) -> int:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return 0
    dues = sorted(CheckIn.objects.filter(pk__in=check_in_ids).values_list("due_until", flat=True))
    if not dues:
        return 0
    today = timezone.localdate()
    overdue = sum(1 for day in dues if day < today)
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = ngettext("%(n)d check-in call is due", "%(n)d check-in calls are due", len(dues)) % {"n": len(dues)}
        body = _(
            "Check-in calls waiting for you: %(count)d, of which overdue: %(overdue)d.\n"
            "The oldest window closes on %(oldest)s.\n\n"
            "Sign in to see whom to call: %(link)s\n"
        ) % {
            "count": len(dues),
            "overdue": overdue,
            "oldest": dues[0].isoformat(),
            "link": _link(reverse("monitoring:checkin_list")),
        }
    return send_mail(subject, body, None, [user.email])
