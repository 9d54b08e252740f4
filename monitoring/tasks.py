"""Celery shims of monitoring, run daily by beat (``CELERY_BEAT_SCHEDULE``): each calls one service.
Running one twice, or on two workers at once, has the effect of running it once."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="monitoring.schedule_returnee_checkins")
def schedule_returnee_checkins() -> int:
    from core.context import Origin, origin

    from . import services

    with origin(Origin(channel="task")):
        return services.checkin_schedules_for_returnees(actor=None)


@shared_task(name="monitoring.send_checkin_reminders")
def send_checkin_reminders() -> dict:
    from core.context import Origin, origin

    from . import services

    with origin(Origin(channel="task")):
        return services.checkin_reminders_send(actor=None)
