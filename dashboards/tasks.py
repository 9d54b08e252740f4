"""Celery shims of dashboards: ids in, the work is in ``dashboards.jobs``."""

from celery import shared_task

from core.context import Origin, origin
from core.jobs import run_job

from .jobs import run_fivew_export


@shared_task(name="dashboards.fivew_export")
def fivew_export_task(job_id: int) -> None:
    """Write the 5W workbook of a queued job; progress and the download link show on the job's page."""
    with origin(Origin(channel="task")):
        run_job(job_id, run_fivew_export)
