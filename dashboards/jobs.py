"""The work of the background 5W export, run by ``tasks.fivew_export_task`` through ``core.jobs.run_job``."""

from __future__ import annotations

import datetime
import tempfile

from django.core.files import File
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.translation import gettext as _

from core.exports import stream_csv, write_xlsx
from core.models import AdminArea, Job, Organisation

from .exports import fivew_columns, threshold_for
from .selectors import DashboardFilters, fivew_rows


def filters_from_params(params: dict) -> DashboardFilters:
    def day(value):
        return datetime.date.fromisoformat(value) if value else None

    area = AdminArea.objects.filter(pcode=params["area"]).first() if params.get("area") else None
    organisation = (
        Organisation.objects.filter(pk=params["organisation"]).first() if params.get("organisation") else None
    )
    return DashboardFilters(
        area=area,
        start=day(params.get("start")),
        end=day(params.get("end")),
        sector=params.get("sector", ""),
        organisation=organisation,
    )


def run_fivew_export(job: Job, progress) -> dict:
    """Build the rows with the requester's scope, write them to a workbook or a CSV file, keep it in storage."""
    user = job.created_by
    filters = filters_from_params(job.params.get("filters", {}))
    rows = fivew_rows(user, filters)
    total = len(rows)
    progress(0, total)

    def counted():
        for index, row in enumerate(rows, start=1):
            if index % 500 == 0:
                progress(index, total)
            yield row

    threshold = threshold_for(bool(job.params.get("shared")))
    csv_file = job.params.get("format") == "csv"
    suffix = "csv" if csv_file else "xlsx"
    with tempfile.TemporaryFile() as handle:
        if csv_file:
            for text in stream_csv(counted(), fivew_columns(), threshold=threshold):
                handle.write(text.encode("utf-8"))
        else:
            write_xlsx(counted(), fivew_columns(), handle, title="5W", threshold=threshold)
        handle.seek(0)
        path = default_storage.save(f"dashboards/exports/{job.pk}/5w-{job.created_at:%Y%m%d}.{suffix}", File(handle))
    progress(total, total)
    return {
        "path": path,
        "rows": total,
        "url": reverse("dashboards:export_download", args=[job.pk]),
        "link_text": _("Download the 5W file") if csv_file else _("Download the 5W workbook"),
    }
