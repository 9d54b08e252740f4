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
