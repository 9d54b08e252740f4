"""The referrals API: partners read and answer only referrals addressed to them (browser session or
bearer token with the right scope), sensitive rows only with the permission, errors naming fields,
flat query counts on every list endpoint, staff-only walk-ins and complaints."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import services as core_services
from core.models import AuditEvent
from core.privacy import pseudonym
from referrals.models import Referral

from .factories import (
    ComplaintFactory,
    FollowUpFactory,
    ReferralEventFactory,
    ReferralFactory,
    ServiceFactory,
    VisitFactory,
    grant,
)

LISTS = ["/api/v1/referral-services/", "/api/v1/referrals/", "/api/v1/crc-visits/", "/api/v1/complaints/"]


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


def _token(admin_user, organisation, scopes=("referrals:read", "referrals:update")):
    token, secret = core_services.api_token_create(
        actor=admin_user,
        organisation=organisation,
        name=f"{organisation.acronym} case system",
        scopes=list(scopes),
        areas=[],
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    return token, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _fill(household, service, centre, places, iom, n):
    for _ in range(n):
        referral = ReferralFactory(household=household, service=service)
        ReferralEventFactory.create_batch(2, referral=referral)
        FollowUpFactory(referral=referral)
        VisitFactory(centre=centre, household=household)
        ComplaintFactory(area=places.kaga, organisation=iom)
        ServiceFactory(provider=service.provider, maintained_by=iom, areas=[places.khogyani, places.injil])


@pytest.mark.parametrize("url", LISTS)
def test_list_query_counts_do_not_grow(
    client, manager, household, legal_aid, centre, places, iom, url, django_assert_max_num_queries
):
    _fill(household, legal_aid, centre, places, iom, 1)
    client.force_login(manager)
    with CaptureQueriesContext(connection) as few:
        assert len(_results(client.get(url))) >= 1
    _fill(household, legal_aid, centre, places, iom, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(_results(client.get(url))) >= 7


def test_partner_token_reads_only_referrals_addressed_to_it(
    client, admin_user, nrc, desk_officer, household, legal_aid, case_management, django_assert_max_num_queries
):
    mine = ReferralFactory(household=household, service=legal_aid)
    internal = ReferralFactory(household=household, service=case_management)
    _token_obj, headers = _token(admin_user, nrc)
    rows = _results(client.get("/api/v1/referrals/", **headers))
    assert [r["reference"] for r in rows] == [mine.reference]
    row = rows[0]
    assert row["client_name"] == household.head_name
    assert row["client_phone"] == household.phone
    assert "consent_override_reason" not in row
    assert "household_reference" not in row
    assert row["household"] == pseudonym("profiling.household", household.pk, nrc.pk)
    assert client.get(f"/api/v1/referrals/{internal.pk}/", **headers).status_code == 404
    assert client.get(f"/api/v1/referrals/{mine.pk}/", **headers).json()["reference"] == mine.reference
    for url in ("/api/v1/crc-visits/", "/api/v1/complaints/"):
        assert client.get(url, **headers).status_code == 403
    csv = client.get("/api/v1/referrals/?format=hxl", **headers).content.decode()
    assert "#x_referral+ref" in csv.splitlines()[1]


def test_staff_see_identifiable_rows_with_the_override_reason(client, desk_officer, household, legal_aid):
    referral = ReferralFactory(
        household=household, service=legal_aid, consent_recorded=False, consent_override_reason="Vital interest"
    )
    client.force_login(desk_officer)
    [row] = _results(client.get("/api/v1/referrals/"))
    assert row["id"] == referral.pk
    assert row["household"] == household.pk
    assert row["household_reference"] == household.reference
    assert row["consent_override_reason"] == "Vital interest"


def test_partner_answers_through_the_update_endpoint(client, admin_user, nrc, desk_officer, household, legal_aid):
    referral = ReferralFactory(household=household, service=legal_aid, referred_by=desk_officer)
    _token_obj, headers = _token(admin_user, nrc)
    url = f"/api/v1/referrals/{referral.pk}/updates/"
    response = client.post(url, {"action": "decline"}, content_type="application/json", **headers)
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    response = client.post(url, {"action": "explode"}, content_type="application/json", **headers)
    assert "action" in response.json()["error"]["fields"]
    response = client.post(url, {"action": "feedback"}, content_type="application/json", **headers)
    assert "note" in response.json()["error"]["fields"]
    response = client.post(url, {"action": "provide"}, content_type="application/json", **headers)
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]
    response = client.post(url, {"action": "accept"}, content_type="application/json", **headers)
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    response = client.post(
        url,
        {"action": "feedback", "note": "Case opened, hearing on the 12th."},
        content_type="application/json",
        **headers,
    )
    assert response.json()["timeline"][-1]["note"] == "Case opened, hearing on the 12th."
    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert referral.last_feedback_at is not None
    assert AuditEvent.objects.filter(action="referral.accept", channel="api", target_id=str(referral.pk)).exists()


def test_update_needs_the_update_scope_and_the_right_organisation(
    client, admin_user, nrc, brac, desk_officer, household, legal_aid
):
    referral = ReferralFactory(household=household, service=legal_aid)
    url = f"/api/v1/referrals/{referral.pk}/updates/"
    _token_obj, read_only = _token(admin_user, nrc, scopes=("referrals:read",))
    assert client.post(url, {"action": "accept"}, content_type="application/json", **read_only).status_code == 403
    _token_obj, other = _token(admin_user, brac)
    assert client.post(url, {"action": "accept"}, content_type="application/json", **other).status_code == 404
    client.force_login(desk_officer)  # the referring desk cannot answer its own referral
    response = client.post(url, {"action": "accept"}, content_type="application/json")
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_sensitive_referrals_reach_the_api_only_with_the_permission(
    client, admin_user, unicef, desk_officer, sensitive_desk, household, child_protection
):
    secret = ReferralFactory(household=household, service=child_protection, sensitive=True)
    token, headers = _token(admin_user, unicef)
    assert _results(client.get("/api/v1/referrals/", **headers)) == []
    assert client.get(f"/api/v1/referrals/{secret.pk}/", **headers).status_code == 404
    assert (
        client.post(
            f"/api/v1/referrals/{secret.pk}/updates/", {"action": "accept"}, content_type="application/json", **headers
        ).status_code
        == 404
    )
    client.force_login(desk_officer)
    assert _results(client.get("/api/v1/referrals/")) == []
    assert _results(client.get("/api/v1/referrals/", {"sector": "PRO-CPN"})) == []
    assert client.get(f"/api/v1/referrals/{secret.pk}/").status_code == 404
    client.logout()
    grant(token.user, "view_sensitive")
    [row] = _results(client.get("/api/v1/referrals/", **headers))
    assert row["sensitive"] is True
    listed = AuditEvent.objects.get(action="referral.list_view", actor=token.user)
    assert listed.after == {"referrals": [secret.pk]}
    assert client.get(f"/api/v1/referrals/{secret.pk}/", **headers).status_code == 200
    assert AuditEvent.objects.filter(action="referral.view", actor=token.user, target_id=str(secret.pk)).exists()
    client.force_login(sensitive_desk)
    assert [r["id"] for r in _results(client.get("/api/v1/referrals/"))] == [secret.pk]


def test_filters(client, manager, household, injil_household, legal_aid, case_management, places, iom):
    overdue = ReferralFactory(household=household, service=legal_aid, overdue=True)
    ReferralFactory(household=household, service=case_management)
    injil = ReferralFactory(household=injil_household, service=case_management)
    client.force_login(manager)
    assert [r["id"] for r in _results(client.get("/api/v1/referrals/", {"overdue": "true"}))] == [overdue.pk]
    assert {r["id"] for r in _results(client.get("/api/v1/referrals/", {"area": "AF3202"}))} == {injil.pk}
    assert [r["id"] for r in _results(client.get("/api/v1/referrals/", {"provider": "NRC"}))] == [overdue.pk]
    assert _results(client.get("/api/v1/referrals/", {"area": "NOWHERE"})) == []
    row = _results(client.get("/api/v1/referrals/", {"overdue": "true"}))[0]
    assert row["overdue"] is True
    assert row["days_overdue"] == 2
    services = _results(client.get("/api/v1/referral-services/", {"covers": "AF0608S001"}))
    assert {s["name"] for s in services} == {legal_aid.name, case_management.name}
    assert _results(client.get("/api/v1/referral-services/", {"covers": "AF3202", "sector": "PRO-HLP"})) == []


@pytest.mark.parametrize("outsider", ["field_officer_injil", "other_org_officer"])
def test_staff_outside_scope_see_nothing(client, request, outsider, household, legal_aid, centre, places, iom):
    referral = ReferralFactory(household=household, service=legal_aid)
    visit = VisitFactory(centre=centre)
    complaint = ComplaintFactory(area=places.kaga, organisation=iom)
    client.force_login(request.getfixturevalue(outsider))
    assert _results(client.get("/api/v1/referrals/")) == []
    assert client.get(f"/api/v1/referrals/{referral.pk}/").status_code == 404
    for url, pk in (("/api/v1/crc-visits/", visit.pk), ("/api/v1/complaints/", complaint.pk)):
        response = client.get(url)
        assert response.status_code == 403 or response.json()["results"] == []
        assert client.get(f"{url}{pk}/").status_code in (403, 404)


def test_walk_ins_and_complaints_are_for_the_staff_who_keep_them(
    client, desk_officer, field_officer, psea_focal_point, centre, places, iom, household
):
    visit = VisitFactory(centre=centre, household=household)
    plain = ComplaintFactory(area=places.kaga, organisation=iom)
    psea = ComplaintFactory(area=places.kaga, organisation=iom, category="psea", assigned_to=psea_focal_point)
    client.force_login(desk_officer)
    assert [v["id"] for v in _results(client.get("/api/v1/crc-visits/"))] == [visit.pk]
    assert [c["id"] for c in _results(client.get("/api/v1/complaints/"))] == [plain.pk]
    assert client.get(f"/api/v1/complaints/{psea.pk}/").status_code == 404
    assert client.get(f"/api/v1/complaints/{plain.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="complaint.view", target_id=str(plain.pk)).exists()
    client.force_login(field_officer)
    assert client.get("/api/v1/crc-visits/").status_code == 403
    assert client.get("/api/v1/complaints/").status_code == 403
    client.force_login(psea_focal_point)
    assert {c["id"] for c in _results(client.get("/api/v1/complaints/"))} == {plain.pk, psea.pk}


def test_anonymous_is_refused(client, db):
    for url in LISTS:
        assert client.get(url).status_code == 401


def test_schema_documents_the_update_endpoint(client, desk_officer):
    client.force_login(desk_officer)
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/referrals/{id}/updates/" in schema
    assert Referral.objects.count() == 0
