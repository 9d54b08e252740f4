"""How long concluded check-ins keep what people said (``core.retention``).

After the period the check-in keeps its wave, dates, outcome and the status of each durable-solutions
criterion, for completion rates and trends, but loses the officer's notes and the note of every answer.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from core.retention import RetentionRule, register_retention

from .models import FINAL_STATUSES, CheckIn

THREE_YEARS = 3 * 365


def concluded_checkins_expired(cutoff: datetime.datetime) -> QuerySet:
    return CheckIn.objects.filter(status__in=FINAL_STATUSES, completed_at__lt=cutoff, anonymised_at__isnull=True)


def checkins_anonymise(queryset: QuerySet) -> int:
    now = timezone.now()
    rows = list(queryset.only("pk", "answers"))
    for check_in in rows:
        check_in.answers = {
            criterion: {"status": (answer or {}).get("status", "not_asked"), "note": ""}
            for criterion, answer in (check_in.answers or {}).items()
        }
        check_in.notes = ""
        check_in.anonymised_at = now
    return CheckIn.objects.bulk_update(rows, ["answers", "notes", "anonymised_at"], batch_size=1000)


def register() -> None:
    register_retention(
        RetentionRule(
            key="monitoring.check_in",
            label="Concluded check-in calls: notes and what was said on each criterion",
            default_days=THREE_YEARS,
            expired=concluded_checkins_expired,
            anonymise=checkins_anonymise,
        )
    )
