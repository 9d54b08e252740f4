"""Pages of targeting: the import flow through a background job, datasets, models, rounds, target areas;
access from outside the scope; query counts that do not grow with rows."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Job, JobStatus, Role
from core.tests.factories import AdminAreaFactory, OrganisationFactory, UserFactory
from targeting import services
from targeting.models import AreaScore, DtmDataset, DtmFigure, RoundStatus, ScoringModel, TargetArea, TargetingRound

from .factories import DtmDatasetFactory, ScoringModelFactory, TargetingRoundFactory
from .samples import AFG_SETTLEMENT_COLUMNS, afg_settlement_rows, csv_bytes, table, xlsx_bytes


def upload(client, captured, data, name="bma.csv", **fields):
    form = {
        "file": SimpleUploadedFile(name, data),
        "source": "afg_baseline",
        "round_label": "Round 16",
        "reporting_date": "2025-06-30",
        "admin_level": "",
        "sheet": "",
    }
    form.update(fields)
    with captured(execute=True):
        response = client.post(reverse("targeting:dataset_import"), form)
    return response


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


def html_of(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


# ---------------------------------------------------------------- import


def test_validate_only_reports_and_writes_nothing(client, manager, mamakhel, django_capture_on_commit_callbacks):
    client.force_login(manager)
    data = xlsx_bytes(table(AFG_SETTLEMENT_COLUMNS, afg_settlement_rows()))
    response = upload(client, django_capture_on_commit_callbacks, data, name="bma.xlsx", validate_only="on")
    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("targeting:import_status", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED
    assert not DtmDataset.objects.exists()
    html = html_of(client, response.url)
    assert "No problems found" in html
    assert "Nowhere Kalay" in html  # the unmatched row, with its reason
    assert "P-code AF0608S999 is not a known place" in html
    assert "ArrivalIDPs2012_18" in html
    assert "hx-trigger" not in html  # finished: no more polling


def test_import_creates_the_dataset_and_a_second_upload_changes_nothing(
    client, manager, mamakhel, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    data = csv_bytes(table(AFG_SETTLEMENT_COLUMNS, afg_settlement_rows()))
    response = upload(client, django_capture_on_commit_callbacks, data)
    dataset = DtmDataset.objects.get()
    html = html_of(client, response.url)
    assert "Imported" in html
    assert reverse("targeting:dataset_detail", args=[dataset.pk]) in html
    response = upload(client, django_capture_on_commit_callbacks, data, round_label="Another label")
    assert "Already imported" in html_of(client, response.url)
    assert DtmDataset.objects.count() == 1
    assert DtmFigure.objects.count() == dataset.figure_count


def test_a_bad_file_shows_problems_line_by_line_and_writes_nothing(
    client, manager, places, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    rows = afg_settlement_rows()
    rows[0][6] = "twelve"
    response = upload(client, django_capture_on_commit_callbacks, csv_bytes(table(AFG_SETTLEMENT_COLUMNS, rows)))
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    html = html_of(client, response.url)
    assert "Not imported" in html
    assert "ArrivalIDPs2012_18" in html
    assert "&#x27;twelve&#x27; is not a number" in html
    assert not DtmDataset.objects.exists()
    response = upload(client, django_capture_on_commit_callbacks, b"PK\x03\x04broken", name="broken.xlsx")
    assert "not a valid XLSX workbook" in html_of(client, response.url)


def test_import_form_checks_the_file_type(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("targeting:dataset_import"),
        {
            "file": SimpleUploadedFile("figures.pdf", b"%PDF"),
            "source": "afg_baseline",
            "round_label": "R",
            "reporting_date": "2025-01-01",
        },
    )
    assert response.status_code == 200
    assert "Choose a .csv or .xlsx file." in response.content.decode()
    assert not Job.objects.exists()


def test_import_status_is_private(client, manager, places, iom, django_capture_on_commit_callbacks):
    client.force_login(manager)
    response = upload(client, django_capture_on_commit_callbacks, b"x")
    other_manager = UserFactory(username="manager2", role=Role.MANAGER, organisation=iom, areas=[places.afg])
    client.force_login(other_manager)
    assert client.get(response.url).status_code == 404


@pytest.mark.parametrize("name", ["field_officer", "desk_officer", "partner_user", "admin_user"])
def test_only_managers_reach_the_import_page(client, request, name, places):
    client.force_login(request.getfixturevalue(name))
    assert client.get(reverse("targeting:dataset_import")).status_code == 403


# ---------------------------------------------------------------- datasets


def test_dataset_detail_shows_figures_per_area_and_the_unmatched_rows(client, manager, dataset):
    client.force_login(manager)
    url = reverse("targeting:dataset_detail", args=[dataset.pk])
    html = html_of(client, url)
    assert "Kaga" in html
    assert "Karizak" in html
    assert "1,540" in html  # Kaga arrival IDPs 1,200 + 340 over both periods
    assert "Nowhere Kalay" in html
    html = html_of(client, url, within="AF32", period="2019")
    assert "Karizak" in html
    assert "Kaga" not in html
    assert "120" in html  # Karizak arrivals in 2019 only
    assert "Kaga" not in html_of(client, url, within="NOWHERE")


def test_datasets_are_for_planners_of_the_organisation(
    client, dataset, field_officer, partner_user, admin_user, places
):
    list_url = reverse("targeting:dataset_list")
    detail_url = reverse("targeting:dataset_detail", args=[dataset.pk])
    for user in (field_officer, partner_user):
        client.force_login(user)
        assert client.get(list_url).status_code == 403
        assert client.get(detail_url).status_code == 403
    client.force_login(admin_user)
    assert client.get(detail_url).status_code == 200
    outsider = UserFactory(role=Role.MANAGER, organisation=OrganisationFactory(acronym="WFP"), areas=[places.afg])
    client.force_login(outsider)
    assert client.get(detail_url).status_code == 404
    assert "Round 16" not in html_of(client, list_url)


def test_dataset_list_queries_do_not_grow(client, manager, iom):
    client.force_login(manager)
    url = reverse("targeting:dataset_list")
    DtmDatasetFactory(organisation=iom)
    client.get(url)
    few = count_queries(client, url)
    DtmDatasetFactory.create_batch(12, organisation=iom)
    assert count_queries(client, url) == few


def test_dataset_detail_queries_do_not_grow(client, manager, iom, places):
    client.force_login(manager)
    dataset = DtmDatasetFactory(organisation=iom, admin_level=3)
    from .factories import DtmFigureFactory

    DtmFigureFactory(dataset=dataset, area=places.kaga)
    url = reverse("targeting:dataset_detail", args=[dataset.pk])
    client.get(url)
    few = count_queries(client, url)
    for n in range(15):
        settlement = AdminAreaFactory(pcode=f"AF0608S{100 + n}", name=f"Place {n}", parent=places.khogyani)
        DtmFigureFactory(dataset=dataset, area=settlement, population_group="fled_idps")
    assert count_queries(client, url) == few


# ---------------------------------------------------------------- scoring models


def test_manager_creates_a_model_and_a_new_version(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("targeting:model_create"),
        {"name": "ABR 2026", "description": "Districts", "weight_total": "2", "weight_returnee_share": "1"},
    )
    assert response.status_code == 302
    model = ScoringModel.objects.get()
    response = client.post(
        reverse("targeting:model_new_version", args=[model.pk]),
        {"description": "With growth", "weight_total": "1", "weight_growth": "1"},
    )
    assert response.status_code == 302
    assert list(ScoringModel.objects.order_by("version").values_list("version", "is_active")) == [
        (1, False),
        (2, True),
    ]
    html = html_of(client, reverse("targeting:model_list"))
    assert "Growth since the comparison round: 1.0" in html


def test_a_model_without_weights_is_refused_with_the_reason(client, manager):
    client.force_login(manager)
    response = client.post(reverse("targeting:model_create"), {"name": "Empty"})
    assert response.status_code == 200
    assert "give at least one indicator a weight above zero" in response.content.decode()
    assert not ScoringModel.objects.exists()


def test_models_pages_access_and_queries(client, manager, field_officer, admin_user, iom):
    client.force_login(field_officer)
    assert client.get(reverse("targeting:model_list")).status_code == 403
    client.force_login(admin_user)
    assert client.get(reverse("targeting:model_list")).status_code == 200
    assert client.get(reverse("targeting:model_create")).status_code == 403
    client.force_login(manager)
    url = reverse("targeting:model_list")
    ScoringModelFactory(organisation=iom)
    client.get(url)
    few = count_queries(client, url)
    ScoringModelFactory.create_batch(10, organisation=iom)
    assert count_queries(client, url) == few
    foreign = ScoringModelFactory(organisation=OrganisationFactory(acronym="WFP"))
    assert client.get(reverse("targeting:model_new_version", args=[foreign.pk])).status_code == 404


# ---------------------------------------------------------------- rounds


def test_manager_creates_ranks_selects_and_approves_a_round(client, manager, places, dataset, scoring_model):
    client.force_login(manager)
    response = client.post(
        reverse("targeting:round_create"),
        {
            "name": "2025 districts",
            "area": places.afg.pk,
            "admin_level": "2",
            "scoring_model": scoring_model.pk,
            "datasets": [dataset.pk],
        },
    )
    round_ = TargetingRound.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("targeting:round_detail", args=[round_.pk])
    assert round_.status == RoundStatus.SCORED
    html = html_of(client, response.url)
    assert "Khogyani" in html
    assert "Injil" in html
    assert "IDPs and returnees (people)" in html
    assert 'name="rationale"' in html

    response = client.post(
        reverse("targeting:round_select", args=[round_.pk]),
        {"area": "AF0608", "rationale": "Largest returnee caseload in Nangarhar"},
    )
    assert response.status_code == 302
    target = TargetArea.objects.get()
    assert target.area == places.khogyani
    client.post(reverse("targeting:round_approve", args=[round_.pk]), {"rationale": "DTM round 16"})
    round_.refresh_from_db()
    assert round_.status == RoundStatus.APPROVED
    html = html_of(client, reverse("targeting:round_detail", args=[round_.pk]))
    assert "Largest returnee caseload in Nangarhar" in html
    assert 'name="rationale"' not in html  # an approved round is a record


def test_a_round_without_matching_figures_says_why(client, manager, places, iom, scoring_model):
    empty = DtmDatasetFactory(organisation=iom, country_code="AFG")
    client.force_login(manager)
    response = client.post(
        reverse("targeting:round_create"),
        {
            "name": "Empty",
            "area": places.afg.pk,
            "admin_level": "2",
            "scoring_model": scoring_model.pk,
            "datasets": [empty.pk],
        },
        follow=True,
    )
    assert "No figure of these datasets lies inside Afghanistan" in response.content.decode()


def test_round_form_errors_name_the_field(client, manager, places, dataset, iom):
    growth = ScoringModelFactory(organisation=iom, weights={"growth": 1})
    client.force_login(manager)
    response = client.post(
        reverse("targeting:round_create"),
        {"name": "G", "area": places.afg.pk, "admin_level": "2", "scoring_model": growth.pk, "datasets": [dataset.pk]},
    )
    assert response.status_code == 200
    assert "choose an earlier dataset to compare" in response.content.decode()
    assert not TargetingRound.objects.exists()


@pytest.mark.parametrize("name", ["field_officer", "desk_officer", "partner_user"])
def test_only_planners_reach_rounds_and_only_managers_change_them(client, request, name, scored_round):
    client.force_login(request.getfixturevalue(name))
    for view in ("round_approve", "round_select", "round_rescore"):
        response = client.post(
            reverse(f"targeting:{view}", args=[scored_round.pk]), {"rationale": "x", "area": "AF0608"}
        )
        assert response.status_code == 403
    for view in ("round_detail", "round_areas"):
        assert client.get(reverse(f"targeting:{view}", args=[scored_round.pk])).status_code == 403
    for view in ("round_list", "round_create", "model_list", "dataset_list"):
        assert client.get(reverse(f"targeting:{view}")).status_code == 403
    scored_round.refresh_from_db()
    assert scored_round.status == RoundStatus.SCORED
    assert not TargetArea.objects.exists()


def test_admin_reads_rounds_but_does_not_approve(client, admin_user, scored_round):
    client.force_login(admin_user)
    assert client.get(reverse("targeting:round_detail", args=[scored_round.pk])).status_code == 200
    assert (
        client.post(reverse("targeting:round_approve", args=[scored_round.pk]), {"rationale": "x"}).status_code == 403
    )


def test_rounds_of_another_organisation_are_not_found(client, scored_round, places):
    outsider = UserFactory(role=Role.MANAGER, organisation=OrganisationFactory(acronym="WFP"), areas=[places.afg])
    client.force_login(outsider)
    for name in ("round_detail", "round_areas"):
        assert client.get(reverse(f"targeting:{name}", args=[scored_round.pk])).status_code == 404
    response = client.post(
        reverse("targeting:round_select", args=[scored_round.pk]), {"area": "AF0608", "rationale": "x"}
    )
    assert response.status_code == 404
    assert "2025 district targeting" not in html_of(client, reverse("targeting:round_list"))


def test_a_provincial_manager_sees_only_their_part_of_a_national_round(client, scored_round, places, iom):
    herat_manager = UserFactory(role=Role.MANAGER, organisation=iom, areas=[places.herat])
    client.force_login(herat_manager)
    html = html_of(client, reverse("targeting:round_detail", args=[scored_round.pk]))
    assert "Injil" in html
    assert "Khogyani" not in html
    response = client.post(
        reverse("targeting:round_select", args=[scored_round.pk]), {"area": "AF0608", "rationale": "Not mine"}
    )
    assert response.status_code == 404
    assert not TargetArea.objects.exists()


def test_choropleth_table_groups_by_province_with_numbers_and_shades(client, manager, approved_round):
    client.force_login(manager)
    html = html_of(client, reverse("targeting:round_areas", args=[approved_round.pk]))
    assert "Nangarhar" in html
    assert "Hirat" in html
    assert "tile band-3 selected" in html  # Khogyani: the top score (66.7), selected
    assert "66.7 · rank 1" in html
    assert 'cell-band band-1">33.3' in html  # Injil, Hirat's only district
    assert "80\u2013100" in html  # the legend says what each shade means


def test_round_pages_queries_do_not_grow(client, manager, places, iom, scored_round):
    client.force_login(manager)
    urls = [
        reverse("targeting:round_list"),
        reverse("targeting:round_detail", args=[scored_round.pk]),
        reverse("targeting:round_areas", args=[scored_round.pk]),
    ]
    for url in urls:
        client.get(url)
    before = [count_queries(client, url) for url in urls]
    for n in range(12):
        district = AdminAreaFactory(pcode=f"AF06{50 + n}", name=f"District {n}", parent=places.nangarhar)
        AreaScore.objects.create(round=scored_round, area=district, score=10 + n, rank=10 + n)
        TargetingRoundFactory(organisation=iom, area=places.nangarhar)
    services.target_area_select(actor=manager, targeting_round=scored_round, area=places.injil, rationale="IDPs")
    assert [count_queries(client, url) for url in urls] == before


# ---------------------------------------------------------------- target areas and home


def test_field_staff_read_the_target_areas_of_their_assignment(
    client, approved_round, field_officer, field_officer_injil, other_org_officer, partner_user
):
    url = reverse("targeting:target_area_list")
    client.force_login(field_officer)
    html = html_of(client, url)
    assert "Khogyani" in html
    assert "Largest returnee caseload" in html
    assert "Injil" not in html
    client.force_login(field_officer_injil)
    assert "Injil" in html_of(client, url)
    client.force_login(other_org_officer)
    assert "Khogyani" not in html_of(client, url)
    client.force_login(partner_user)
    assert client.get(url).status_code == 403


def test_target_area_list_queries_do_not_grow(client, manager, approved_round, places, iom):
    client.force_login(manager)
    url = reverse("targeting:target_area_list")
    client.get(url)
    few = count_queries(client, url)
    for n in range(10):
        district = AdminAreaFactory(pcode=f"AF32{60 + n}", name=f"District {n}", parent=places.herat)
        TargetArea.objects.create(round=approved_round, area=district, rationale="More")
    assert count_queries(client, url) == few


def test_home_panels(client, manager, field_officer, approved_round, places, iom, scoring_model, dataset):
    waiting = TargetingRoundFactory(organisation=iom, area=places.nangarhar, scored=True, scoring_model=scoring_model)
    client.force_login(manager)
    html = html_of(client, reverse("core:home"))
    assert "Rounds awaiting approval" in html
    assert waiting.name in html
    assert "Round 16" in html  # latest DTM data
    assert reverse("targeting:round_list") in html
    client.force_login(field_officer)
    html = html_of(client, reverse("core:home"))
    assert "Your target areas" in html
    assert "Khogyani" in html
    assert reverse("targeting:target_area_list") in html
    assert reverse("targeting:round_list") not in html


def test_datasets_reported_in_the_future_are_refused_by_the_form(client, manager, places):
    client.force_login(manager)
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    response = client.post(
        reverse("targeting:dataset_import"),
        {
            "file": SimpleUploadedFile("x.csv", b"a,b\n"),
            "source": "afg_baseline",
            "round_label": "R",
            "reporting_date": tomorrow,
        },
    )
    assert "The reporting date cannot be in the future." in response.content.decode()
