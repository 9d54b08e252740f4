"""The import task: ids in, runs once, leaves no upload behind; through a real Redis worker too."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEvent, Job, JobStatus
from core.services import job_create
from targeting import services
from targeting.models import DtmDataset
from targeting.tasks import dtm_import_task

from .samples import AFG_SETTLEMENT_COLUMNS, afg_settlement_rows, csv_bytes, table


def queue(manager, *, validate_only=False):
    return services.dtm_import_queue(
        actor=manager,
        upload=SimpleUploadedFile("bma.csv", csv_bytes(table(AFG_SETTLEMENT_COLUMNS, afg_settlement_rows()))),
        source="afg_baseline",
        round_label="Round 16",
        reporting_date=datetime.date(2025, 6, 30),
        validate_only=validate_only,
    )


def test_the_task_runs_once_and_removes_the_upload(manager, mamakhel, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = queue(manager)
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["rows"] == 5
    assert job.result["unmatched_count"] == 2
    assert job.progress_done == job.progress_total > 0
    assert not default_storage.exists(job.params["path"])
    dtm_import_task(job.pk)  # a redelivered task finds the job finished
    assert DtmDataset.objects.count() == 1
    assert AuditEvent.objects.filter(action="job.create").count() == 1


def test_validation_job_keeps_nothing(manager, mamakhel, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = queue(manager, validate_only=True)
    job.refresh_from_db()
    assert job.result["validate_only"] is True
    assert job.result["figures"] == 21
    assert not DtmDataset.objects.exists()
    assert not default_storage.exists(job.params["path"])


def test_metadata_refused_in_the_task_becomes_a_report(manager, places, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = queue(manager)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    job.refresh_from_db()
    job.params["path"] = default_storage.save("targeting/uploads/again.csv", SimpleUploadedFile("a.csv", b"x,y\n"))
    job.params["round_label"] = ""
    job.save(update_fields=["params"])
    dtm_import_task(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.result["problems"][0]["column"] == "round_label"


@pytest.mark.redis
def test_import_through_redis_and_a_real_worker(redis_worker, manager, mamakhel):
    data = csv_bytes(table(AFG_SETTLEMENT_COLUMNS, afg_settlement_rows()))
    path = default_storage.save("targeting/uploads/redis.csv", ContentFile(data))
    job = job_create(
        actor=manager,
        kind="targeting.dtm_import",
        label="Importing bma.csv",
        params={
            "path": path,
            "file_name": "bma.csv",
            "source": "afg_baseline",
            "round_label": "Round 16",
            "reporting_date": "2025-06-30",
            "admin_level": None,
            "sheet": "",
            "validate_only": False,
        },
    )
    dtm_import_task.apply_async(args=[job.pk], queue=redis_worker).get(timeout=60)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert DtmDataset.objects.get().row_count == 5
    assert AuditEvent.objects.get(action="targeting.dataset.import").channel == "task"
