"""Every profiling page opens for the roles it serves, without inline style or script (CSP), and is
closed to the others."""

import pytest
from django.urls import reverse

from core.models import Job
from core.services import job_create
from profiling.tests.factories import AssessmentFactory, FacilityFactory, register, targeted

PAGES = [
    ("profiling:household_list", ()),
    ("profiling:household_create", ()),
    ("profiling:household_import", ()),
    ("profiling:duplicate_list", ()),
    ("profiling:assessment_list", ()),
    ("profiling:assessment_create", ()),
    ("profiling:facility_list", ()),
    ("profiling:facility_create", ()),
]


@pytest.fixture
def world(places, iom, field_officer):
    target = targeted(places.khogyani, iom)
    household = register(field_officer, places.kaga)
    return {
        "household": household,
        "assessment": AssessmentFactory(target_area=target),
        "facility": FacilityFactory(target_area=target),
    }


def test_pages_open_for_field_staff_without_inline_code(client, field_officer, world):
    client.force_login(field_officer)
    pages = [
        *PAGES,
        ("profiling:household_detail", (world["household"].pk,)),
        ("profiling:household_edit", (world["household"].pk,)),
        ("profiling:assessment_detail", (world["assessment"].pk,)),
        ("profiling:assessment_edit", (world["assessment"].pk,)),
        ("profiling:facility_edit", (world["facility"].pk,)),
    ]
    for name, args in pages:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert " style=" not in html, name
        assert "<script>" not in html, name
        assert len(response.content) < 100_000, name


def test_desk_officers_read_but_do_not_register(client, desk_officer, world):
    client.force_login(desk_officer)
    assert client.get(reverse("profiling:household_list")).status_code == 200
    assert client.get(reverse("profiling:assessment_list")).status_code == 200
    for name in (
        "profiling:household_create",
        "profiling:household_import",
        "profiling:duplicate_list",
        "profiling:assessment_create",
        "profiling:facility_create",
    ):
        assert client.get(reverse(name)).status_code == 403, name


def test_import_report_belongs_to_whoever_started_it(client, field_officer, field_officer_injil, world):
    job = job_create(
        actor=field_officer, kind="profiling.import", label="Importing x.csv", params={"validate_only": True}
    )
    Job.objects.filter(pk=job.pk).update(
        status="succeeded", result={"validate_only": True, "households": 3, "members": 9, "warnings": []}
    )
    client.force_login(field_officer)
    assert "No problem found" in client.get(reverse("profiling:import_report", args=[job.pk])).content.decode()
    client.force_login(field_officer_injil)
    assert client.get(reverse("profiling:import_report", args=[job.pk])).status_code == 404
