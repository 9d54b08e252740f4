import datetime

from django.test import override_settings
from django.utils import timezone

from core.models import AuditEvent, Job, JobStatus
from core.retention import RetentionRule, register_retention, retention_rules
from core.services import job_create, retention_sweep
from core.tasks import retention_sweep as retention_task


def _finished_job(user, *, days_ago: int) -> Job:
    job = job_create(actor=user, kind="test.import", label="Import", params={"file": "households-kaga.csv"})
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED,
        finished_at=timezone.now() - datetime.timedelta(days=days_ago),
        error="line 4, column 'Name': 'Zarghuna' is not a date",
        result={"problems": [{"row": 4}]},
    )
    return job


def test_expired_job_reports_are_anonymised_and_recent_ones_kept(field_officer):
    old = _finished_job(field_officer, days_ago=120)
    recent = _finished_job(field_officer, days_ago=10)
    assert retention_sweep(actor=None)["core.job"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.params, old.result, old.error) == ({}, {}, "")
    assert old.status == JobStatus.FAILED  # the outcome stays
    assert "Zarghuna" in recent.error
    event = AuditEvent.objects.get(action="retention.anonymise")
    assert event.after["rule"] == "core.job"
    assert event.after["records"] == 1
    assert retention_sweep(actor=None)["core.job"] == 0  # nothing left to do the second time


@override_settings(ABR_RETENTION_DAYS={"core.job": 5})
def test_retention_period_is_configurable(field_officer):
    _finished_job(field_officer, days_ago=10)
    assert retention_task.delay().get()["core.job"] == 1


def test_every_rule_anonymises_in_batches(field_officer, monkeypatch):
    import core.services

    monkeypatch.setattr(core.services, "RETENTION_BATCH", 2)
    for _ in range(5):
        _finished_job(field_officer, days_ago=200)
    assert retention_sweep(actor=None)["core.job"] == 5


def test_rules_are_registered_by_key(db, monkeypatch):
    import core.retention

    monkeypatch.setattr(core.retention, "_rules", dict(core.retention._rules))
    register_retention(
        RetentionRule("test.nothing", "Nothing", 1, lambda cutoff: Job.objects.none(), lambda qs: qs.update())
    )
    assert "test.nothing" in [r.key for r in retention_rules()]
    assert retention_sweep(actor=None)["test.nothing"] == 0
