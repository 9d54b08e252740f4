"""Background jobs: run once, progress visible while running, failures keep the row-by-row problems."""

import pytest
from django.urls import reverse

from core.jobs import job_progress, report_progress, run_job
from core.models import Job, JobStatus
from core.services import job_create
from core.tabular import ImportFailed, RowProblem


def test_job_runs_once_and_records_its_result(field_officer):
    job = job_create(actor=field_officer, kind="test.work", label="Counting")
    calls = []

    def work(job, progress):
        calls.append(job.pk)
        progress(5, 10)
        progress(10, 10)
        return {"counted": 10}

    run_job(job.pk, work)
    run_job(job.pk, work)  # a redelivered task finds the job already taken
    job.refresh_from_db()
    assert calls == [job.pk]
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"counted": 10}
    assert job_progress(job) == (10, 10)


def test_failed_import_job_keeps_the_problems(field_officer):
    job = job_create(actor=field_officer, kind="test.import", label="Import")

    def work(job, progress):
        raise ImportFailed([RowProblem(7, "Phone", "is not a phone number")])

    run_job(job.pk, work)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.result["problems"] == [{"row": 7, "column": "Phone", "problem": "is not a phone number"}]


def test_progress_page_polls_while_running_and_is_private(client, field_officer, field_officer_injil):
    job = job_create(actor=field_officer, kind="test.work", label="Counting")
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    report_progress(job.pk, 3, 12)
    client.force_login(field_officer)
    response = client.get(reverse("core:job_detail", args=[job.pk]))
    html = response.content.decode()
    assert "3 of 12" in html
    assert 'hx-trigger="every 2s"' in html
    partial = client.get(reverse("core:job_detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="job-status"')
    client.force_login(field_officer_injil)
    assert client.get(reverse("core:job_detail", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_unknown_job_is_not_found(client, field_officer):
    client.force_login(field_officer)
    assert client.get(reverse("core:job_detail", args=[424242])).status_code == 404
