"""The monitoring API: staff read movements and check-ins of their scope; a partner reads them only under a
data-sharing agreement naming check-ins, de-identified unless it allows identifiable data; flat query
counts on both list endpoints."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import services as core_services
from profiling.tests.factories import HouseholdFactory

from .factories import CheckInFactory, MovementFactory

LISTS = ["/api/v1/movements/", "/api/v1/check-ins/"]


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


def _fill(places, iom, officer, n):
    for _ in range(n):
        household = HouseholdFactory(organisation=iom, settlement=places.kaga, registered_by=officer)
        MovementFactory(household=household, arrived=True)
        CheckInFactory(household=household, wave="w2")


@pytest.mark.parametrize("url", LISTS)
def test_list_endpoints_query_counts_do_not_grow(
    client, manager, field_officer, places, iom, url, django_assert_max_num_queries
):
    _fill(places, iom, field_officer, 2)
    client.force_login(manager)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _fill(places, iom, field_officer, 8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.json()["results"]) == 10


@pytest.mark.parametrize("url", LISTS)
def test_users_outside_the_scope_see_nothing(
    client, household, field_officer, field_officer_injil, other_org_officer, partner_user, url
):
    movement = MovementFactory(household=household)
    check_in = CheckInFactory(household=household)
    pk = movement.pk if "movements" in url else check_in.pk
    client.force_login(field_officer)
    assert len(client.get(url).json()["results"]) == 1
    assert client.get(f"{url}{pk}/").status_code == 200
    for outsider in (field_officer_injil, other_org_officer, partner_user):
        client.force_login(outsider)
        assert client.get(url).json()["results"] == []
        assert client.get(f"{url}{pk}/").status_code == 404
    client.logout()
    assert client.get(url).status_code == 401


def test_partner_under_an_agreement_reads_de_identified_check_ins(
    client, admin_user, household, partner_user, nrc, iom, places
):
    check_in = CheckInFactory(household=household, answers={"safety": {"status": "met", "note": "ok"}})
    core_services.agreement_save(
        actor=admin_user,
        partner=nrc,
        owner=iom,
        reference="DSA-MON",
        title="Check-ins",
        resources=["monitoring"],
        areas=[places.nangarhar],
        identifiable=False,
        valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2099, 1, 1),
    )
    client.force_login(partner_user)
    [row] = client.get("/api/v1/check-ins/").json()["results"]
    assert row["wave"] == check_in.wave
    assert "answers" not in row
    assert "household_reference" not in row
    assert row["id"] != check_in.pk
    assert row["district"] == "AF0608"


def test_token_needs_the_monitoring_scope(client, admin_user, nrc, household):
    CheckInFactory(household=household)
    _token, secret = core_services.api_token_create(
        actor=admin_user,
        organisation=nrc,
        name="NRC system",
        scopes=["reference:read"],
        areas=[],
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    assert client.get("/api/v1/check-ins/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 403
    _token, secret = core_services.api_token_create(
        actor=admin_user,
        organisation=nrc,
        name="NRC monitoring",
        scopes=["monitoring:read"],
        areas=[],
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    response = client.get("/api/v1/check-ins/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["results"] == []  # no agreement: nothing of IOM's
