"""Retention: after the period a concluded check-in keeps its outcome and the status of each criterion,
and loses the notes; open check-ins and recent ones are left alone."""

import datetime

from django.utils import timezone

from core.services import retention_sweep
from monitoring.models import CheckIn

from .factories import CheckInFactory


def test_old_concluded_check_ins_lose_their_notes_and_keep_the_statuses(household):
    old = timezone.now() - datetime.timedelta(days=4 * 365)
    answers = {"safety": {"status": "not_met", "note": "Threatened by a neighbour"}}
    expired = CheckInFactory(
        household=household, wave="w2", status="completed", completed_at=old, answers=answers, notes="Long talk"
    )
    recent = CheckInFactory(
        household=household, wave="m3", status="completed", completed_at=timezone.now(), answers=answers
    )
    still_open = CheckInFactory(household=household, wave="m9", answers=answers)
    done = retention_sweep(actor=None)
    assert done["monitoring.check_in"] == 1
    expired.refresh_from_db()
    assert expired.answers == {"safety": {"status": "not_met", "note": ""}}
    assert expired.notes == ""
    assert expired.anonymised_at is not None
    assert CheckIn.objects.get(pk=recent.pk).answers == answers
    assert CheckIn.objects.get(pk=still_open.pk).answers == answers
    assert retention_sweep(actor=None)["monitoring.check_in"] == 0
