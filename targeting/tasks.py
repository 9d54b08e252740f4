"""Celery shims of targeting: ids in, the work is in ``targeting.jobs``."""

from celery import shared_task

from core.context import Origin, origin
from core.jobs import run_job

from .jobs import run_dtm_import


@shared_task(name="targeting.dtm_import")
def dtm_import_task(job_id: int) -> None:
    """Import or validate the DTM file of a queued job; progress shows on the job's page."""
    with origin(Origin(channel="task")):
        run_job(job_id, run_dtm_import)
