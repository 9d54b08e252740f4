"""Pages and exports of the dashboard: figures shown, who may open them, suppression, neutralisation,
and a query count that does not grow with the data."""

import csv
import io

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from assistance.tests.factories import RecordFactory
from assistance.tests.factories import activity as activity_type
from core.models import Job, JobStatus
from core.tests.factories import OrganisationFactory

from .factories import grow


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_dashboard_shows_the_hand_counted_figures(client, programme, manager):
    client.force_login(manager)
    response = client.get(reverse("dashboards:programme"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "SHL-01" in html
    assert "<svg" in html
    assert "<script" not in html.split("</head>")[1]
    headline = response.context["headline"]
    assert (headline.households_assisted, headline.total_beneficiaries) == (3, 9)
    titles = [block["panel"].key for block in response.context["pipelines"]]
    assert titles == ["profiling.households", "referrals.status", "caps.priorities", "monitoring.checkins"]


def test_dashboard_filter_outside_scope_is_refused(client, programme, nangarhar_manager):
    client.force_login(nangarhar_manager)
    response = client.get(reverse("dashboards:programme"), {"area": "AF32"})
    assert response.status_code == 200
    assert "not one of your areas" in response.content.decode()
    assert response.context["headline"].households_assisted == 2  # falls back to the manager's own scope


PAGES = [
    "dashboards:programme",
    "dashboards:areas",
    "dashboards:fivew_csv",
    "dashboards:results_csv",
    "dashboards:export_list",
]


@pytest.mark.parametrize("name", PAGES)
def test_field_desk_and_partner_roles_get_403(client, programme, field_officer, desk_officer, partner_user, name):
    for user in (field_officer, desk_officer, partner_user):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403


def test_pages_need_signing_in(client, db):
    assert client.get(reverse("dashboards:programme")).status_code == 302


def test_manager_of_one_province_reads_nothing_of_the_other(client, programme, nangarhar_manager):
    client.force_login(nangarhar_manager)
    html = client.get(reverse("dashboards:areas")).content.decode()
    assert "AF0608" in html
    assert "AF32" not in html
    assert "Injil" not in html
    rows = _csv(client.get(reverse("dashboards:fivew_csv")))
    assert {row[5] for row in rows[2:]} == {"AF06"}


def test_area_view(client, programme, manager):
    client.force_login(manager)
    response = client.get(reverse("dashboards:areas"))
    assert response.status_code == 200
    rows = {r.pcode: r for r in response.context["rows"]}
    assert rows["AF0608"].dtm_idps == 1200


def test_fivew_csv_has_hxl_row_and_hides_small_counts_when_shared(client, programme, manager, settings):
    settings.ABR_SUPPRESSION_THRESHOLD = 5
    client.force_login(manager)
    internal = _csv(client.get(reverse("dashboards:fivew_csv"), {"end": "2026-12-31"}))
    assert internal[1][:3] == ["#org+impl+acronym", "#org+impl+name", "#sector+code"]
    assert "#adm1+code" in internal[1]
    assert "#reached+f+adult" in internal[1]
    assert "#date+month" in internal[1]
    project = next(row for row in internal[2:] if row[3] == "project:water_point")
    households, individuals = internal[0].index("Households reached"), internal[0].index("People reached")
    assert (project[households], project[individuals]) == ("4", "5")
    shared = _csv(client.get(reverse("dashboards:fivew_csv"), {"end": "2026-12-31", "shared": "1"}))
    project = next(row for row in shared[2:] if row[3] == "project:water_point")
    assert (project[households], project[individuals]) == ("<5", "5")
    assert project[internal[0].index("Girls (0-17)")] == "0"  # zero reveals nobody


def test_fivew_neutralises_formulas(client, programme, manager):
    evil = OrganisationFactory(acronym="@EVIL", name='=HYPERLINK("http://x")')
    RecordFactory(
        household=programme.hh4,
        activity_type=activity_type("wsh-hygiene-kit"),
        delivered=True,
        implementing_organisation=evil,
    )
    client.force_login(manager)
    rows = _csv(client.get(reverse("dashboards:fivew_csv")))
    row = next(r for r in rows[2:] if r[3] == "wsh-hygiene-kit")
    assert row[0] == "'@EVIL"
    assert row[1].startswith("'=HYPERLINK")


def test_results_csv(client, programme, manager):
    client.force_login(manager)
    rows = _csv(client.get(reverse("dashboards:results_csv"), {"shared": "1"}))
    assert rows[1][:2] == ["#indicator+code", "#indicator+name"]
    assert rows[2][0] == "SHL-01"
    assert rows[2][4] == "15"
    assert rows[2][5] == "<5"


def test_xlsx_export_runs_as_a_job_and_only_its_requester_downloads_it(
    client, programme, manager, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dashboards:fivew_xlsx") + "?end=2026-12-31", {"shared": "on"})
    job = Job.objects.get(kind="dashboards.fivew_export")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.params == {"filters": {"end": "2026-12-31"}, "shared": True, "format": "xlsx"}
    assert job.result["rows"] == 4
    download = client.get(job.result["url"])
    assert download.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    values = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    assert values[1][5] == "#adm1+code"
    assert {row[10] for row in values[2:]} == {"<5"}  # every household count here is small
    listing = client.get(reverse("dashboards:export_list")).content.decode()
    assert job.result["url"] in listing
    client.force_login(admin_user)
    assert client.get(job.result["url"]).status_code == 404
    default_storage.delete(job.result["path"])


def test_csv_export_runs_as_a_job_with_its_hxl_row_and_small_counts_hidden(
    client, programme, manager, nangarhar_manager, settings, django_capture_on_commit_callbacks
):
    settings.ABR_SUPPRESSION_THRESHOLD = 5
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("dashboards:fivew_xlsx") + "?end=2026-12-31", {"file_format": "csv", "shared": "on"})
    job = Job.objects.get(kind="dashboards.fivew_export")
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.params["format"] == "csv"
    assert job.result["path"].endswith(".csv")
    download = client.get(job.result["url"])
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert rows[1][:3] == ["#org+impl+acronym", "#org+impl+name", "#sector+code"]
    households, individuals = rows[0].index("Households reached"), rows[0].index("People reached")
    project = next(row for row in rows[2:] if row[3].startswith("project:"))
    assert (project[households], project[individuals]) == ("<5", "5")
    assert len(rows) - 2 == job.result["rows"]
    client.force_login(nangarhar_manager)  # only the requester downloads it
    assert client.get(job.result["url"]).status_code == 404


def test_the_dashboard_offers_the_5w_as_a_background_job_not_an_in_request_download(client, programme, manager):
    client.force_login(manager)
    html = client.get(reverse("dashboards:programme")).content.decode()
    assert reverse("dashboards:fivew_xlsx") in html
    assert 'name="file_format"' in html
    assert reverse("dashboards:fivew_csv") not in html


def test_download_before_the_file_exists_goes_to_the_progress_page(client, manager):
    job = Job.objects.create(kind="dashboards.fivew_export", label="5W", created_by=manager)
    client.force_login(manager)
    response = client.get(reverse("dashboards:export_download", args=[job.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])


def test_download_of_another_kind_of_job_is_not_found(client, manager):
    job = Job.objects.create(kind="targeting.dtm_import", label="x", created_by=manager)
    client.force_login(manager)
    assert client.get(reverse("dashboards:export_download", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("name", ["dashboards:programme", "dashboards:areas", "dashboards:fivew_csv"])
def test_query_count_does_not_grow_with_data(
    client, programme, manager, places, iom, django_assert_max_num_queries, name
):
    client.force_login(manager)

    def count() -> int:
        with django_assert_max_num_queries(40) as captured:
            response = client.get(reverse(name))
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            assert response.status_code == 200
        return len(captured)

    small = count()
    grow(places, iom, 12)
    assert count() == small


def test_a_later_stage_adds_its_pipeline_panel(client, programme, manager):
    """How monitoring contributes check-in completion by wave: its selector's rows appear as a chart and a
    table, computed with the dashboard's area and period."""
    from core.pipelines import _PIPELINES, PipelinePanel, register_pipeline

    seen = {}
    registered = _PIPELINES.get("monitoring.checkins")

    def checkin_completion_by_wave(user, *, area=None, start=None, end=None):
        seen.update(user=user, area=area, start=start, end=end)
        return [
            {"wave": "1-2 weeks", "due": 10, "completed": 8, "reached": 7, "rate": 80},
            {"wave": "3 months", "due": 4, "completed": 1, "reached": 1, "rate": 25},
        ]

    register_pipeline(
        PipelinePanel(
            key="monitoring.checkins",
            title="Check-in completion by wave",
            rows=lambda user, f: checkin_completion_by_wave(user, area=f.area, start=f.start, end=f.end),
            label="wave",
            columns=(("due", "Due"), ("completed", "Completed"), ("reached", "Reached"), ("rate", "Rate %")),
            chart="rate",
            order=40,
        )
    )
    try:
        client.force_login(manager)
        response = client.get(reverse("dashboards:programme"), {"area": "AF06", "start": "2026-01-01"})
    finally:
        if registered is not None:
            register_pipeline(registered)
    block = response.context["pipelines"][-1]
    assert block["panel"].key == "monitoring.checkins"
    assert block["table"] == [("1-2 weeks", [10, 8, 7, 80]), ("3 months", [4, 1, 1, 25])]
    assert [bar.value for bar in block["chart"].bars] == [80, 25]
    assert seen["area"].pcode == "AF06"
    assert seen["start"].isoformat() == "2026-01-01"
    assert "Check-in completion by wave" in response.content.decode()
