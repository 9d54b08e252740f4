"""Running background jobs with progress a user can watch.

A task is a thin shim around ``run_job``::

    @shared_task(name="targeting.dtm_import")
    def dtm_import_task(job_id: int) -> None:
        run_job(job_id, lambda job, progress: services.dtm_import(..., progress=progress))

``work`` receives the job and a ``progress(done, total)`` callable and returns a JSON-safe result. Progress
is written to the cache, not the database, so it is visible while the work's own transaction is open.
The job row records the start, the end and the result or error; those writes are bookkeeping of the
job itself, not changes to programme data, so they are not audit events (the work's services audit).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from .models import Job, JobStatus
from .tabular import ImportFailed

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
PROGRESS_TTL = 60 * 60 * 6


def _progress_key(job_id: int) -> str:
    return f"abr:job:{job_id}:progress"


def report_progress(job_id: int, done: int, total: int) -> None:
    cache.set(_progress_key(job_id), (done, total), PROGRESS_TTL)


def job_progress(job: Job) -> tuple[int, int]:
    """(done, total) of a job: live from the cache while it runs, from the row once finished."""
    if not job.is_finished:
        live = cache.get(_progress_key(job.pk))
        if live:
            return live
    return job.progress_done, job.progress_total


def run_job(job_id: int, work: Callable[[Job, Progress], dict[str, Any]]) -> None:
    """Run ``work`` for a queued job once; a job already started (a redelivered task) is left alone."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        logger.info("job %s is not queued any more; skipping", job_id)
        return
    job = Job.objects.get(pk=job_id)
    last = [0, 0]

    def progress(done: int, total: int) -> None:
        last[:] = [done, total]
        report_progress(job_id, done, total)

    try:
        result = work(job, progress)
    except ImportFailed as failure:
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            error=str(failure)[:5000],
            result={"problems": [vars(p) for p in failure.problems[:1000]]},
        )
        return
    except Exception as exc:
        logger.exception("job %s failed", job_id)
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, finished_at=timezone.now(), error=f"{exc.__class__.__name__}: {exc}"[:5000]
        )
        raise
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.SUCCEEDED,
        finished_at=timezone.now(),
        result=result or {},
        progress_done=last[0] or last[1],
        progress_total=last[1],
    )
