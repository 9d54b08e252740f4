"""Thin task shims: ids in, call a service or selector, nothing else."""

from celery import shared_task
from django.db import connection


@shared_task(name="core.health_ping")
def health_ping() -> dict:
    """Proves a worker can take a task from the broker and reach the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (value,) = cursor.fetchone()
    return {"status": "ok", "database": value == 1}


@shared_task(name="core.retention_sweep")
def retention_sweep() -> dict:
    from core.context import Origin, origin
    from core.services import retention_sweep as sweep

    with origin(Origin(channel="task")):
        return sweep(actor=None)
