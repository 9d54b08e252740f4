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


@shared_task(name="dashboards.count_figures")
def count_figures_task(snapshot_id: int) -> None:
    """Count one dashboard snapshot (queued when a page found it stale or new)."""
    from .models import FigureSnapshot
    from .snapshots import figure_snapshot_count

    snapshot = FigureSnapshot.objects.select_related("counted_for").filter(pk=snapshot_id).first()
    if snapshot is not None:
        with origin(Origin(channel="task")):
            figure_snapshot_count(snapshot=snapshot)


@shared_task(name="dashboards.refresh_figures")
def refresh_figures_task() -> dict:
    """Keep the managers' dashboards counted: see ``snapshots.figure_snapshots_refresh``."""
    from .snapshots import figure_snapshots_refresh

    with origin(Origin(channel="task")):
        return figure_snapshots_refresh()
