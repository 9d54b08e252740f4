"""API read endpoints: DTM datasets and figures (planners) and approved target areas (staff), with filters,
access limits and query counts that do not grow with rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Role
from core.tests.factories import AdminAreaFactory, OrganisationFactory, UserFactory
from targeting.models import TargetArea

from .factories import DtmDatasetFactory, DtmFigureFactory


def rows(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_datasets_endpoint(client, manager, dataset):
    client.force_login(manager)
    [row] = rows(client, "/api/v1/dtm-datasets/")
    assert row["id"] == dataset.pk
    assert (row["source"], row["round_label"], row["reporting_date"]) == ("afg_baseline", "Round 16", "2025-06-30")
    assert (row["row_count"], row["unmatched_count"], row["admin_level"]) == (5, 2, 3)
    assert row["file_sha256"] == dataset.file_sha256
    assert rows(client, "/api/v1/dtm-datasets/", source="irq_master_list") == []
    assert client.get(f"/api/v1/dtm-datasets/{dataset.pk}/").json()["figure_count"] == 21


def test_figures_filter_by_pcode_at_any_level_group_and_period(client, manager, dataset):
    client.force_login(manager)
    url = "/api/v1/dtm-figures/"
    assert len(rows(client, url, page_size=1000)) == 21
    assert {r["pcode"] for r in rows(client, url, pcode="AF32")} == {"AF3202S002"}
    assert {r["pcode"] for r in rows(client, url, pcode="AF0608")} == {"AF0608S001", "AF0608S002"}
    assert {r["pcode"] for r in rows(client, url, pcode="AF0608S001")} == {"AF0608S001"}
    assert {r["pcode"] for r in rows(client, url, pcode="AFG")} == {"AF0608S001", "AF0608S002", "AF3202S002"}
    assert rows(client, url, pcode="XX99") == []
    arrivals = rows(client, url, pcode="AF0608S001", population_group="arrival_idps", period="2012_18")
    assert [(r["value"], r["unit"], r["parent_pcode"], r["admin_level"]) for r in arrivals] == [
        ("1200.00", "individuals", "AF0608", 3)
    ]
    bad = client.get(url, {"population_group": "tourists"})
    assert bad.status_code == 400
    assert "population_group" in bad.json()["error"]["fields"]


def test_figures_are_limited_to_the_users_areas_and_organisation(client, dataset, places, iom):
    herat_manager = UserFactory(role=Role.MANAGER, organisation=iom, areas=[places.herat])
    client.force_login(herat_manager)
    assert {r["pcode"] for r in rows(client, "/api/v1/dtm-figures/")} == {"AF3202S002"}
    outsider = UserFactory(role=Role.MANAGER, organisation=OrganisationFactory(acronym="WFP"), areas=[places.afg])
    client.force_login(outsider)
    assert rows(client, "/api/v1/dtm-figures/") == []
    assert rows(client, "/api/v1/dtm-datasets/") == []
    assert client.get(f"/api/v1/dtm-datasets/{dataset.pk}/").status_code == 404


def test_dtm_data_is_not_for_field_staff_or_partners(client, dataset, field_officer, partner_user):
    for user in (field_officer, partner_user):
        client.force_login(user)
        for url in ("/api/v1/dtm-datasets/", "/api/v1/dtm-figures/"):
            response = client.get(url)
            assert response.status_code == 403
            assert response.json()["error"]["status"] == 403


def test_target_areas_endpoint(client, approved_round, field_officer, manager, partner_user, other_org_officer):
    client.force_login(field_officer)
    [row] = rows(client, "/api/v1/target-areas/")
    assert (row["pcode"], row["parent_pcode"], row["round"]) == ("AF0608", "AF06", approved_round.pk)
    assert row["rationale"] == "Largest returnee caseload"
    assert row["approved_at"]
    client.force_login(manager)
    assert {r["pcode"] for r in rows(client, "/api/v1/target-areas/")} == {"AF0608", "AF3202"}
    assert {r["pcode"] for r in rows(client, "/api/v1/target-areas/", pcode="AF32")} == {"AF3202"}
    client.force_login(other_org_officer)
    assert rows(client, "/api/v1/target-areas/") == []
    client.force_login(partner_user)
    assert client.get("/api/v1/target-areas/").status_code == 403


def test_list_endpoints_queries_do_not_grow(client, manager, approved_round, places, iom):
    client.force_login(manager)
    dataset = DtmDatasetFactory(organisation=iom, admin_level=3)
    DtmFigureFactory(dataset=dataset, area=places.kaga)
    urls = ["/api/v1/dtm-datasets/", "/api/v1/dtm-figures/", "/api/v1/target-areas/"]
    for url in urls:
        client.get(url)
    before = [count_queries(client, url) for url in urls]
    for n in range(10):
        DtmDatasetFactory(organisation=iom)
        settlement = AdminAreaFactory(pcode=f"AF3202S{200 + n}", name=f"Place {n}", parent=places.injil)
        DtmFigureFactory(dataset=dataset, area=settlement)
        district = AdminAreaFactory(pcode=f"AF06{70 + n}", name=f"District {n}", parent=places.nangarhar)
        TargetArea.objects.create(round=approved_round, area=district, rationale="More")
    assert [count_queries(client, url) for url in urls] == before
