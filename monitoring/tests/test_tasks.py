"""The daily beat tasks: scheduled in settings, and run through the real Redis broker and a worker."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from monitoring import tasks
from monitoring.models import CheckIn, Notification
from profiling.tests.factories import HouseholdFactory

from .factories import CheckInFactory


def test_beat_runs_the_scan_daily():
    entries = {e["task"]: e for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "monitoring.send_checkin_reminders" in entries
    assert "monitoring.schedule_returnee_checkins" in entries
    assert tasks.send_checkin_reminders.name == "monitoring.send_checkin_reminders"


@pytest.mark.redis
def test_reminder_task_through_the_broker_twice_reminds_once(redis_worker, places, iom, field_officer):
    household = HouseholdFactory(
        organisation=iom, settlement=places.kaga, registered_by=field_officer, head_name="Bibi Hawa Ahmadzai"
    )
    CheckInFactory(household=household, due_on=timezone.localdate() - datetime.timedelta(days=1))
    returnee = HouseholdFactory(
        organisation=iom,
        settlement=places.kaga,
        registered_by=field_officer,
        returnee=True,
        arrival_date=timezone.localdate() - datetime.timedelta(days=8),
    )
    scheduled = tasks.schedule_returnee_checkins.apply_async(queue=redis_worker).get(timeout=30)
    assert scheduled == 3
    assert CheckIn.objects.filter(household=returnee).count() == 3
    first = tasks.send_checkin_reminders.apply_async(queue=redis_worker).get(timeout=30)
    second = tasks.send_checkin_reminders.apply_async(queue=redis_worker).get(timeout=30)
    assert first["emails"] == 2  # the overdue call and the returnee's first call
    assert second["emails"] == 0
    assert Notification.objects.filter(channel="email").count() == 2
    [message] = mail.outbox
    assert message.to == [field_officer.email]
    assert "Bibi Hawa" not in message.body
