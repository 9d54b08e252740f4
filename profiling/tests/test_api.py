"""Read endpoints: scoped like the pages, filters, flat query counts."""

import pytest

from profiling.tests.factories import AssessmentFactory, FacilityFactory, HouseholdFactory, targeted

ENDPOINTS = ["/api/v1/households/", "/api/v1/members/", "/api/v1/assessments/", "/api/v1/facilities/"]


@pytest.fixture
def data(places, iom):
    target = targeted(places.khogyani, iom)
    kaga = HouseholdFactory(settlement=places.kaga, head_name="Gul Ahmad", members=3, origin=places.injil)
    injil = HouseholdFactory(settlement=places.karizak, head_name="Injil Person")
    AssessmentFactory(target_area=target, title="Kaga FGD")
    FacilityFactory(target_area=target, name="Kaga BHC")
    return {"kaga": kaga, "injil": injil}


def test_households_endpoint_gives_the_users_households(client, field_officer, data):
    client.force_login(field_officer)
    rows = client.get("/api/v1/households/").json()["results"]
    assert [r["reference"] for r in rows] == [data["kaga"].reference]
    row = rows[0]
    assert row["settlement_pcode"] == "AF0608S001"
    assert row["district_pcode"] == "AF0608"
    assert row["origin_pcode"] == "AF3202"
    assert client.get(f"/api/v1/households/{data['injil'].pk}/").status_code == 404
    members = client.get("/api/v1/members/", {"household": data["kaga"].pk}).json()["results"]
    assert len(members) == 3
    assert {m["age_group"] for m in members} >= {"6-17"}
    assert client.get("/api/v1/assessments/").json()["results"][0]["title"] == "Kaga FGD"
    assert client.get("/api/v1/facilities/").json()["results"][0]["sector"] == "HEA"


def test_filters(client, manager, data):
    client.force_login(manager)
    assert len(client.get("/api/v1/households/").json()["results"]) == 2
    rows = client.get("/api/v1/households/", {"area": "AF3202"}).json()["results"]
    assert [r["head_name"] for r in rows] == ["Injil Person"]
    assert client.get("/api/v1/households/", {"area": "NOPE"}).json()["results"] == []
    assert len(client.get("/api/v1/members/", {"area": "AF0608S001"}).json()["results"]) == 3


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_outsiders_see_nothing(client, other_org_officer, field_officer_injil, partner_user, data, endpoint):
    for user in (other_org_officer, partner_user):
        client.force_login(user)
        assert client.get(endpoint).json()["results"] == []
    client.force_login(field_officer_injil)
    assert "Gul Ahmad" not in client.get(endpoint).content.decode()
    client.logout()
    assert client.get(endpoint).status_code == 401


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_query_count_does_not_grow(client, manager, places, iom, data, endpoint, django_assert_max_num_queries):
    client.force_login(manager)
    with django_assert_max_num_queries(10) as few:
        client.get(endpoint)
    target = targeted(places.injil, iom)
    for _ in range(8):
        HouseholdFactory(settlement=places.kaga, members=2, origin=places.khogyani)
        AssessmentFactory(target_area=target)
        FacilityFactory(target_area=target)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(endpoint)


def test_member_filter_does_not_reveal_other_households(client, field_officer, data):
    client.force_login(field_officer)
    response = client.get("/api/v1/members/", {"household": data["injil"].pk})
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert client.get("/api/v1/members/", {"household": 987654}).status_code == 200


def _partner_token(admin_user, nrc, places, *, scopes=("households:read",), areas=()):
    import datetime

    from django.utils import timezone

    from core import services

    return services.api_token_create(
        actor=admin_user,
        organisation=nrc,
        name="NRC system",
        scopes=list(scopes),
        areas=list(areas),
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )[1]


def _agreement(admin_user, nrc, iom, areas, *, identifiable=False):
    import datetime

    from django.utils import timezone

    from core import services

    today = timezone.localdate()
    return services.agreement_save(
        actor=admin_user,
        partner=nrc,
        owner=iom,
        reference=f"DSA-{identifiable}",
        title="Shelter coordination",
        resources=["households"],
        areas=areas,
        identifiable=identifiable,
        valid_from=today - datetime.timedelta(days=1),
        valid_until=today + datetime.timedelta(days=90),
    )


def test_partner_token_without_agreement_sees_no_household(client, admin_user, nrc, places, data):
    secret = _partner_token(admin_user, nrc, places)
    response = client.get("/api/v1/households/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_partner_token_gets_de_identified_households_of_its_agreement_areas(client, admin_user, nrc, iom, places, data):
    from core.privacy import pseudonym

    _agreement(admin_user, nrc, iom, [places.khogyani])
    secret = _partner_token(admin_user, nrc, places)
    rows = client.get("/api/v1/households/", HTTP_AUTHORIZATION=f"Bearer {secret}").json()["results"]
    assert len(rows) == 1  # Kaga only: Injil is outside the agreement
    row = rows[0]
    for personal in ("head_name", "phone", "latitude", "longitude", "reference"):
        assert personal not in row
    assert row["id"] == pseudonym("profiling.household", data["kaga"].pk, nrc.pk)
    assert row["settlement_pcode"] == "AF0608S001"
    members = client.get("/api/v1/members/", HTTP_AUTHORIZATION=f"Bearer {secret}").json()["results"]
    assert {m["household"] for m in members} == {row["id"]}
    assert all("name" not in m and "date_of_birth" not in m for m in members)
    assert (
        "Gul Ahmad"
        not in client.get("/api/v1/households/?format=hxl", HTTP_AUTHORIZATION=f"Bearer {secret}").content.decode()
    )
    # A database id fetched one by one would pair it with its pseudonym: de-identified rows come only by list.
    detail = client.get(f"/api/v1/households/{data['kaga'].pk}/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert detail.status_code == 404
    assert "list endpoint" in detail.json()["error"]["message"]


def test_identifiable_agreement_and_token_areas(client, admin_user, nrc, iom, places, data):
    _agreement(admin_user, nrc, iom, [places.afg], identifiable=True)
    secret = _partner_token(admin_user, nrc, places, areas=[places.injil])
    rows = client.get("/api/v1/households/", HTTP_AUTHORIZATION=f"Bearer {secret}").json()["results"]
    assert [r["head_name"] for r in rows] == ["Injil Person"]  # identifiable, and only in the token's area


def test_token_without_households_scope_is_refused(client, admin_user, nrc, iom, places, data):
    _agreement(admin_user, nrc, iom, [places.khogyani])
    secret = _partner_token(admin_user, nrc, places, scopes=("reference:read",))
    assert client.get("/api/v1/households/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 403


def test_desk_officers_do_not_receive_location_or_finances(client, desk_officer, field_officer, data):
    client.force_login(desk_officer)
    row = client.get("/api/v1/households/").json()["results"][0]
    for hidden in ("latitude", "longitude", "has_income", "has_debt", "vulnerability_criteria"):
        assert hidden not in row
    assert row["head_name"] == "Gul Ahmad"
    client.force_login(field_officer)
    assert "latitude" in client.get("/api/v1/households/").json()["results"][0]
