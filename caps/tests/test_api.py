"""Read endpoints: scoped like the pages, nested priorities and actions, fixed query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from caps import services

from .factories import (
    ActionFactory,
    CouncilFactory,
    CouncilMemberFactory,
    PlanFactory,
    PriorityFactory,
    WorkshopFactory,
    complete_plan,
)

ENDPOINTS = ["/api/v1/caps/", "/api/v1/cap-councils/", "/api/v1/cap-workshops/", "/api/v1/cap-actions/"]


def _fill(target_area, n):
    for _ in range(n):
        council = CouncilFactory(target_area=target_area)
        CouncilMemberFactory.create_batch(2, council=council)
        workshop = WorkshopFactory(target_area=target_area, council=council, participation={"idp": (2, 3)})
        plan = PlanFactory(target_area=target_area, council=council)
        plan.workshops.add(workshop)
        for _ in range(2):
            ActionFactory.create_batch(2, priority=PriorityFactory(plan=plan))


@pytest.mark.parametrize("url", ENDPOINTS)
def test_list_query_count_does_not_grow(client, field_officer, khogyani_target, url, django_assert_max_num_queries):
    _fill(khogyani_target, 1)
    client.force_login(field_officer)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _fill(khogyani_target, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.json()["results"]) >= 7


def test_plan_endpoint_nests_ranked_priorities_and_actions(client, field_officer, khogyani_target):
    plan = complete_plan(actor=field_officer, target_area=khogyani_target, priorities=[(3, None), (9, None)])
    client.force_login(field_officer)
    [row] = client.get("/api/v1/caps/").json()["results"]
    assert row["id"] == plan.pk
    assert row["area_pcode"] == "AF0608"
    assert row["organisation"] == "IOM"
    assert row["status"] == "draft"
    assert [p["title"] for p in row["priorities"]] == ["Priority 2", "Priority 1"]
    assert row["priorities"][0]["position"] == 1
    assert row["priorities"][0]["actions"][0]["budget"] == "2000.00"
    detail = client.get(f"/api/v1/caps/{plan.pk}/").json()
    assert detail["title"] == plan.title


def test_filters_by_area_and_status(client, field_officer, manager, khogyani_target, injil_target):
    plan = complete_plan(actor=field_officer, target_area=khogyani_target)
    services.plan_transition(actor=field_officer, plan=plan, verb="submit")
    PlanFactory(target_area=injil_target)
    client.force_login(manager)
    assert len(client.get("/api/v1/caps/").json()["results"]) == 2
    assert [r["id"] for r in client.get("/api/v1/caps/", {"area": "AF06"}).json()["results"]] == [plan.pk]
    assert [r["id"] for r in client.get("/api/v1/caps/", {"status": "submitted"}).json()["results"]] == [plan.pk]
    assert client.get("/api/v1/caps/", {"area": "NOWHERE"}).json()["results"] == []
    actions = client.get("/api/v1/cap-actions/", {"plan": plan.pk, "sector": "WSH"}).json()["results"]
    assert {a["plan"] for a in actions} == {plan.pk}
    assert actions[0]["plan_status"] == "submitted"


def test_workshop_endpoint_gives_counts_and_womens_share(client, field_officer, khogyani_target):
    WorkshopFactory(target_area=khogyani_target, participation={"idp": (0, 12), "host": (0, 3)})
    client.force_login(field_officer)
    [row] = client.get("/api/v1/cap-workshops/").json()["results"]
    assert row["totals"] == {"women": 0, "men": 15, "total": 15, "women_share_percent": "0.0"}
    assert {p["population_group"] for p in row["participation"]} == {"idp", "host"}


def test_council_endpoint_gives_members_by_sex_and_role(client, field_officer, khogyani_target):
    council = CouncilFactory(target_area=khogyani_target)
    CouncilMemberFactory(council=council, sex="f", role="chair")
    CouncilMemberFactory(council=council, sex="m")
    client.force_login(field_officer)
    [row] = client.get("/api/v1/cap-councils/").json()["results"]
    assert (row["serving_women"], row["serving_men"]) == (1, 1)
    assert {m["role"] for m in row["members"]} == {"chair", "member"}


@pytest.mark.parametrize("outsider", ["field_officer_injil", "other_org_officer", "partner_user"])
def test_outsiders_see_nothing(client, request, outsider, field_officer, khogyani_target):
    plan = complete_plan(actor=field_officer, target_area=khogyani_target)
    council = CouncilFactory(target_area=khogyani_target)
    workshop = WorkshopFactory(target_area=khogyani_target)
    action = plan.priorities.first().actions.get()
    client.force_login(request.getfixturevalue(outsider))
    for url in ENDPOINTS:
        response = client.get(url)
        assert response.status_code == 200
        assert response.json()["results"] == []
    for url in (
        f"/api/v1/caps/{plan.pk}/",
        f"/api/v1/cap-councils/{council.pk}/",
        f"/api/v1/cap-workshops/{workshop.pk}/",
        f"/api/v1/cap-actions/{action.pk}/",
    ):
        assert client.get(url).status_code == 404


def test_anonymous_is_refused(client, db):
    for url in ENDPOINTS:
        assert client.get(url).status_code == 401
