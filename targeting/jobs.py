"""Background work of targeting: a DTM file import (or validation) run by ``tasks.dtm_import_task``.

The uploaded file waits in ``default_storage``; the job's params say how to read it. The job's result
is the import report that the import page shows: counts, columns read, unmatched rows, the dataset.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.translation import gettext as _

from core.jobs import Progress
from core.models import Job
from core.tabular import ImportFailed, RowProblem

from . import services
from .importer import ImportPlan, file_digest, read_plan
from .models import DtmDataset

REPORT_ROWS = 500  # unmatched rows and name matches shown on the import page; the dataset keeps more


def _summary(plan: ImportPlan) -> dict:
    return {
        "rows": plan.rows,
        "figures": len(plan.figures),
        "areas": plan.areas,
        "level": plan.level,
        "columns": plan.columns,
        "ignored": plan.ignored,
        "unmatched": plan.unmatched[:REPORT_ROWS],
        "unmatched_count": plan.unmatched_count,
        "matched_by_name": plan.matched_by_name[:REPORT_ROWS],
        "matched_by_name_count": plan.matched_by_name_count,
    }


def _as_import_failure(error: ValidationError) -> ImportFailed:
    messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    return ImportFailed(RowProblem(0, field, message) for field, items in messages.items() for message in items)


def run_dtm_import(job: Job, progress: Progress) -> dict:
    """Read the job's file and import it, or only validate it; ``ImportFailed`` carries the problems."""
    params = job.params
    path = params["path"]
    try:
        with default_storage.open(path, "rb") as handle:
            data = handle.read()
        common = {
            "file_name": params["file_name"],
            "source": params["source"],
            "admin_level": params.get("admin_level") or None,
            "sheet": params.get("sheet") or None,
            "progress": progress,
        }
        if params.get("validate_only"):
            existing = DtmDataset.objects.filter(
                organisation_id=job.organisation.data_owner_id if job.organisation_id else None,
                file_sha256=file_digest(data),
            ).first()
            plan = read_plan(data, **common)
            result = {"validate_only": True, **_summary(plan)}
            if existing is not None:
                result["already_imported"] = {"id": existing.pk, "label": str(existing)}
            return result
        try:
            outcome = services.dtm_dataset_import(
                actor=job.created_by,
                data=data,
                round_label=params["round_label"],
                reporting_date=datetime.date.fromisoformat(params["reporting_date"]),
                **common,
            )
        except ValidationError as error:
            raise _as_import_failure(error) from error
        dataset = outcome.dataset
        result = {
            "validate_only": False,
            "dataset_id": dataset.pk,
            "url": reverse("targeting:dataset_detail", args=[dataset.pk]),
            "link_text": _("Open the dataset"),
            "already_imported": outcome.already_imported,
        }
        if outcome.plan is not None:
            result.update(_summary(outcome.plan))
        else:
            result.update({"rows": dataset.row_count, "figures": dataset.figure_count})
        return result
    finally:
        default_storage.delete(path)
