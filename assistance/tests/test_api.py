"""Read endpoints of assistance: scope (area, organisation, partner agreements), token scopes,
de-identification, reached figures, HXL rendering and query counts."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import services as core_services
from core.models import DataSharingAgreement
from core.privacy import pseudonym

from .factories import HouseholdFactory, ProjectFactory, RecordFactory, TargetFactory, activity, indicator

TODAY = timezone.localdate()
DAYS = datetime.timedelta
ENDPOINTS = [
    "/api/v1/activity-types/",
    "/api/v1/assistance-records/",
    "/api/v1/community-projects/",
    "/api/v1/indicators/",
    "/api/v1/indicator-targets/",
]


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


@pytest.fixture
def data(places, iom):
    kaga = HouseholdFactory(settlement=places.kaga, reference="HH-KAGA-1")
    karizak = HouseholdFactory(settlement=places.karizak, reference="HH-KARIZAK-1")
    delivered = RecordFactory(
        household=kaga, activity_type=activity("shl-repair"), delivered=True, delivered_on=TODAY - DAYS(5)
    )
    injil_record = RecordFactory(household=karizak, activity_type=activity("mpc-cash"), approved=True)
    project = ProjectFactory(
        area=places.kaga, reference="AF0608S001-WAT-001", completed=True, completed_on=TODAY - DAYS(2)
    )
    target = TargetFactory(area=places.khogyani, target=4, period_start=TODAY - DAYS(30), period_end=TODAY + DAYS(30))
    return {"kaga": kaga, "delivered": delivered, "injil_record": injil_record, "project": project, "target": target}


def _token(admin_user, nrc, scopes):
    return core_services.api_token_create(
        actor=admin_user,
        organisation=nrc,
        name="NRC 4W sync",
        scopes=list(scopes),
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )[1]


def _share(nrc, iom, places, *, identifiable, resources=("assistance",)):
    agreement = DataSharingAgreement.objects.create(
        partner=nrc,
        owner=iom,
        reference=f"DSA-{identifiable}-{len(resources)}",
        title="4W sharing",
        resources=list(resources),
        identifiable=identifiable,
        valid_from=TODAY - DAYS(1),
        valid_until=TODAY + DAYS(30),
    )
    agreement.areas.set([places.khogyani])


def test_staff_read_records_of_their_areas_only(client, data, field_officer, field_officer_injil, other_org_officer):
    client.force_login(field_officer)
    rows = client.get("/api/v1/assistance-records/").json()["results"]
    assert [r["id"] for r in rows] == [data["delivered"].pk]
    row = rows[0]
    assert row["household_reference"] == "HH-KAGA-1"
    assert (row["sector"], row["activity_type"], row["settlement"], row["district"]) == (
        "SHL",
        "shl-repair",
        "AF0608S001",
        "AF0608",
    )
    assert row["blocked_until"] == (TODAY - DAYS(5) + DAYS(1825)).isoformat()
    client.force_login(field_officer_injil)
    assert [r["id"] for r in client.get("/api/v1/assistance-records/").json()["results"]] == [data["injil_record"].pk]
    assert client.get(f"/api/v1/assistance-records/{data['delivered'].pk}/").status_code == 404
    client.force_login(other_org_officer)
    for endpoint in ("/api/v1/assistance-records/", "/api/v1/community-projects/", "/api/v1/indicator-targets/"):
        assert client.get(endpoint).json()["results"] == [], endpoint


def test_record_filters(client, data, manager):
    client.force_login(manager)

    def ids(**query):
        return [r["id"] for r in client.get("/api/v1/assistance-records/", query).json()["results"]]

    assert ids(area="AF32") == [data["injil_record"].pk]
    assert ids(sector="SHL") == [data["delivered"].pk]
    assert ids(status="approved") == [data["injil_record"].pk]
    assert ids(activity_type="mpc-cash") == [data["injil_record"].pk]
    assert ids(delivered_from=TODAY.isoformat()) == []
    assert ids(area="NOWHERE") == []
    response = client.get("/api/v1/assistance-records/", {"sector": "XYZ"})
    assert response.status_code == 400
    assert "sector" in response.json()["error"]["fields"]


def test_token_needs_the_assistance_scope(client, data, admin_user, nrc, places, iom):
    _share(nrc, iom, places, identifiable=True)
    refused = _token(admin_user, nrc, ["households:read"])
    for endpoint in ENDPOINTS:
        response = client.get(endpoint, HTTP_AUTHORIZATION=f"Bearer {refused}")
        assert response.status_code == 403, endpoint
    allowed = _token(admin_user, nrc, ["assistance:read"])
    for endpoint in ENDPOINTS:
        assert client.get(endpoint, HTTP_AUTHORIZATION=f"Bearer {allowed}").status_code == 200, endpoint


def test_partner_without_agreement_sees_no_assistance(client, data, partner_user):
    client.force_login(partner_user)
    assert client.get("/api/v1/assistance-records/").json()["results"] == []
    assert client.get("/api/v1/community-projects/").json()["results"] == []
    assert client.get("/api/v1/indicator-targets/").json()["results"] == []
    assert len(client.get("/api/v1/activity-types/").json()["results"]) == 26  # reference data


def test_partner_with_a_de_identified_agreement_gets_pseudonyms(client, data, partner_user, nrc, iom, places):
    _share(nrc, iom, places, identifiable=False)
    client.force_login(partner_user)
    rows = client.get("/api/v1/assistance-records/").json()["results"]
    assert len(rows) == 1, "only the agreement's area (Khogyani)"
    row = rows[0]
    assert "household_reference" not in row
    assert "settlement" not in row
    assert row["district"] == "AF0608"
    assert row["household"] == pseudonym("profiling.household", data["kaga"].pk, nrc.pk)
    assert row["id"] != data["delivered"].pk
    assert [p["reference"] for p in client.get("/api/v1/community-projects/").json()["results"]] == [
        "AF0608S001-WAT-001"
    ]


def test_partner_with_an_identifiable_agreement_gets_references(client, data, partner_user, nrc, iom, places):
    _share(nrc, iom, places, identifiable=True)
    client.force_login(partner_user)
    row = client.get("/api/v1/assistance-records/").json()["results"][0]
    assert row["household_reference"] == "HH-KAGA-1"
    assert row["household"] == data["kaga"].pk


def test_activity_types_and_indicators_are_reference_data(client, data, field_officer):
    client.force_login(field_officer)
    grants = client.get("/api/v1/activity-types/", {"sector": "MPC"}).json()["results"]
    assert {g["code"] for g in grants} == {"mpc-cash", "grant-departure", "grant-reinstallation"}
    departure = client.get("/api/v1/activity-types/grant-departure/").json()
    assert (departure["grant_kind"], departure["repeat_window_days"], departure["modality"]) == (
        "departure",
        None,
        "cash",
    )
    shelter = client.get("/api/v1/indicators/SHL-01/").json()
    assert set(shelter["activity_types"]) == {"shl-repair", "shl-construction"}
    assert shelter["count_by"] == "households"


def test_targets_carry_reached_and_disaggregation(client, data, places, manager):
    other = HouseholdFactory(settlement=places.kaga, displacement_status="returnee_abroad", head__sex="f")
    RecordFactory(
        household=other, activity_type=activity("shl-construction"), delivered=True, delivered_on=TODAY - DAYS(1)
    )
    client.force_login(manager)
    row = client.get("/api/v1/indicator-targets/").json()["results"][0]
    assert (row["indicator"], row["area"], row["target"], row["reached"], row["percent"]) == (
        "SHL-01",
        "AF0608",
        4,
        2,
        "50.0",
    )
    assert row["disaggregation"]["displacement_status"] == {"idp": 1, "returnee_abroad": 1}
    assert row["disaggregation"]["sex"] == {"m": 1, "f": 1}
    detail = client.get(f"/api/v1/indicator-targets/{data['target'].pk}/").json()
    assert detail["reached"] == 2
    assert client.get("/api/v1/indicator-targets/", {"indicator": "WSH-01"}).json()["results"] == []
    assert len(client.get("/api/v1/indicator-targets/", {"active_on": TODAY.isoformat()}).json()["results"]) == 1


def test_hxl_renderings_carry_the_4w_tags(client, data, manager):
    client.force_login(manager)
    rows = list(csv.reader(io.StringIO(client.get("/api/v1/assistance-records/", {"format": "hxl"}).content.decode())))
    header, tags = rows[0], rows[1]
    tagged = dict(zip(header, tags, strict=True))
    assert tagged["sector"] == "#sector+code"
    assert tagged["activity_type"] == "#activity+type"
    assert tagged["district"] == "#adm2+code"
    assert tagged["implementing_organisation"] == "#org+impl"
    projects = list(
        csv.reader(io.StringIO(client.get("/api/v1/community-projects/", {"format": "hxl"}).content.decode()))
    )
    assert "#reached+hh" in projects[1]
    targets = list(
        csv.reader(io.StringIO(client.get("/api/v1/indicator-targets/", {"format": "hxl"}).content.decode()))
    )
    tagged = dict(zip(targets[0], targets[1], strict=False))
    assert (tagged["target"], tagged["reached"], tagged["area"]) == ("#targeted", "#reached", "#adm2+code")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(places, n, start):
    for i in range(n):
        household = HouseholdFactory(settlement=places.kaga)
        RecordFactory(
            household=household, activity_type=activity("shl-nfi-kit"), delivered=True, delivered_on=TODAY - DAYS(3)
        )
        RecordFactory(
            household=household, activity_type=activity("ery-apprenticeship"), member=household.members.first()
        )
        ProjectFactory(area=places.kaga, completed=True, completed_on=TODAY - DAYS(1))
        TargetFactory(area=places.khogyani, indicator=indicator("WSH-02"), period_start=TODAY - DAYS(start + i))
        TargetFactory(area=places.khogyani, indicator=indicator("ERY-01"), period_start=TODAY - DAYS(start + i))


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_endpoints_do_not_query_more_with_more_rows(client, data, places, manager, endpoint):
    client.force_login(manager)
    _grow(places, 2, 100)
    before = _queries(client, endpoint)
    _grow(places, 6, 200)
    assert _queries(client, endpoint) == before


def test_detail_endpoints_hide_other_areas_and_organisations(client, data, field_officer_injil, other_org_officer):
    urls = [
        f"/api/v1/assistance-records/{data['delivered'].pk}/",
        f"/api/v1/community-projects/{data['project'].reference}/",
        f"/api/v1/indicator-targets/{data['target'].pk}/",
    ]
    for user in (field_officer_injil, other_org_officer):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.username, url)


def test_anonymous_callers_are_refused(client, data):
    for endpoint in ENDPOINTS:
        assert client.get(endpoint).status_code == 401, endpoint
