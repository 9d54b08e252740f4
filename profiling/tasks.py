"""Celery shims of profiling: ids in, run the service through ``core.jobs.run_job``."""

from __future__ import annotations

from celery import shared_task

from core.context import Origin, origin
from core.jobs import run_job


@shared_task(name="profiling.rescore_households")
def rescore_households_task(job_id: int) -> None:
    """Rescore every household of the organisation after a vulnerability model was activated."""
    from . import services
    from .models import VulnerabilityModel

    def work(job, progress):
        model = VulnerabilityModel.objects.get(pk=job.params["model_id"])
        return services.households_rescore(actor=job.created_by, model=model, progress=progress)

    with origin(Origin(channel="task")):
        run_job(job_id, work)


@shared_task(name="profiling.import_households")
def import_households_task(job_id: int) -> None:
    """Check or import an uploaded household file; the uploaded files are deleted afterwards."""
    from django.core.files.storage import default_storage
    from django.urls import reverse

    from . import services

    def work(job, progress):
        params = job.params
        try:
            with default_storage.open(params["households"], "rb") as households:
                members = default_storage.open(params["members"], "rb") if params.get("members") else None
                try:
                    report = services.household_import(
                        actor=job.created_by,
                        households_file=households,
                        households_name=params["households_name"],
                        members_file=members,
                        members_name=params.get("members_name") or None,
                        validate_only=params["validate_only"],
                        job=job,
                        progress=progress,
                    )
                finally:
                    if members is not None:
                        members.close()
        finally:
            # People's data does not stay on disk once the import has read it.
            for name in (params.get("households"), params.get("members")):
                if name and default_storage.exists(name):
                    default_storage.delete(name)
        report["url"] = reverse("profiling:import_report", args=[job.pk])
        report["link_text"] = str(_link_text(params["validate_only"]))
        return report

    with origin(Origin(channel="task")):
        run_job(job_id, work)


def _link_text(validate_only: bool):
    from django.utils.translation import gettext_lazy as _

    return _("See the check report") if validate_only else _("See the imported households")
