"""Celery: settings, the beat schedule in code, and a task through a real Redis broker and worker."""

import pytest
from django.conf import settings

from abr.celery import app
from core.tasks import health_ping


def test_celery_speaks_json_only_and_bounds_every_task():
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"
    assert app.conf.task_acks_late is True
    assert app.conf.task_time_limit
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit


def test_health_task_in_process(db):
    assert health_ping.delay().get() == {"status": "ok", "database": True}


@pytest.mark.django_db(transaction=True)
def test_beat_schedule_lives_in_code_and_reaches_the_database():
    """The scheduler manages its own connections, hence a transactional test."""
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    assert settings.CELERY_BEAT_SCHEDULE["core-health-ping"]["task"] == "core.health_ping"
    DatabaseScheduler(app=app)
    assert PeriodicTask.objects.filter(name="core-health-ping", task="core.health_ping", enabled=True).exists()


@pytest.mark.redis
def test_health_task_through_redis_and_a_real_worker(redis_worker):
    result = health_ping.apply_async(queue=redis_worker)
    assert result.get(timeout=30) == {"status": "ok", "database": True}
