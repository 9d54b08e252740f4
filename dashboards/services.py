"""Writes of the dashboards app: only asking for an export to be built in the background (the figures
the pages show are kept by ``dashboards.snapshots``)."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import service
from core.models import Job
from core.services import job_create

FIVEW_EXPORT_KIND = "dashboards.fivew_export"


@service
def fivew_export_request(*, actor, filters: dict, shared: bool, file_format: str = "xlsx") -> Job:
    """Queue the 5W file (``xlsx`` or ``csv``) for ``actor`` with these filters
    (``DashboardFilters.as_params()``); the job builds it with the actor's own scope, and its page offers
    the download. A worker builds it: nationally the 5W groups millions of rows, too long for a request."""
    if file_format not in ("xlsx", "csv"):
        raise ValueError(f"unknown 5W format {file_format!r}")
    if file_format == "csv":
        label = _("5W report (CSV, for sharing)") if shared else _("5W report (CSV)")
    else:
        label = _("5W report (XLSX, for sharing)") if shared else _("5W report (XLSX)")
    params = {"filters": filters, "shared": shared, "format": file_format}
    job = job_create(actor=actor, kind=FIVEW_EXPORT_KIND, label=label, params=params)
    from .tasks import fivew_export_task

    transaction.on_commit(partial(fivew_export_task.delay, job.pk))
    return job
