"""The rescoring task through the real broker and a real worker (JSON arguments, progress, result)."""

import pytest

from core.models import AdminArea, JobStatus, Organisation, Role
from core.services import job_create
from core.tests.factories import UserFactory
from profiling.models import VulnerabilityModel
from profiling.tasks import rescore_households_task
from profiling.tests.factories import HouseholdFactory


@pytest.mark.redis
def test_rescore_task_runs_on_a_worker(redis_worker):
    iom = Organisation.objects.create(name="IOM test", acronym="IOMT", kind="un_agency")
    country = AdminArea.objects.create(pcode="TST", name="Test", level=0, country_code="TST")
    district = AdminArea.objects.create(pcode="TST01", name="D", level=1, parent=country, country_code="TST")
    settlement = AdminArea.objects.create(pcode="TST01S1", name="S", level=3, parent=district, country_code="TST")
    manager = UserFactory(username="mgr.tasks", role=Role.MANAGER, organisation=iom, areas=[district])
    for _ in range(3):
        HouseholdFactory(organisation=iom, settlement=settlement, critical=True)
    model = VulnerabilityModel.objects.create(
        organisation=iom,
        version=1,
        weights={"critical_shelter": 5},
        bands=[["low", 0], ["high", 5]],
        parameters={"dependency_ratio_above": 1.5, "household_size_from": 8},
        is_active=True,
    )
    job = job_create(actor=manager, kind="profiling.rescore", label="Rescoring", params={"model_id": model.pk})
    rescore_households_task.apply_async(args=[job.pk], queue=redis_worker).get(timeout=30)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["bands"] == {"high": 3}
    assert (job.progress_done, job.progress_total) == (3, 3)
