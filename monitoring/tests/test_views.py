"""Pages: the officer's check-ins and the call form, movements and their steps, the household timeline and
section, completion per wave and reminders; flat query counts on lists; users outside the scope see nothing."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring import services
from monitoring.models import CheckIn, CheckInStatus, MovementCase, MovementStatus, Notification
from profiling.tests.factories import HouseholdFactory

from .factories import CheckInFactory, MovementFactory


def _flat(client, url, grow, django_assert_max_num_queries):
    """The page costs no more queries after ``grow()`` added rows than before."""
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    grow()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    return response


def _households(places, iom, officer, n):
    return [HouseholdFactory(organisation=iom, settlement=places.kaga, registered_by=officer) for _ in range(n)]


# --- check-ins ------------------------------------------------------------------------------------


def test_my_check_ins_show_due_and_overdue_only(client, household, field_officer, places, iom):
    today = timezone.localdate()
    CheckInFactory(household=household, wave="w2", due_on=today - datetime.timedelta(days=20))
    CheckInFactory(household=household, wave="m3", due_on=today)
    later = HouseholdFactory(
        organisation=iom, settlement=places.kaga, registered_by=field_officer, head_name="Later Person"
    )
    CheckInFactory(household=later, wave="w2", due_on=today + datetime.timedelta(days=3))
    client.force_login(field_officer)
    page = client.get(reverse("monitoring:checkin_list")).content.decode()
    assert page.count(household.reference) == 2
    assert "overdue" in page
    assert "Later Person" not in page
    home = client.get(reverse("core:home")).content.decode()
    assert "Check-in calls due today and overdue" in home
    assert household.reference in home


def test_check_in_list_queries_do_not_grow(client, field_officer, places, iom, django_assert_max_num_queries):
    for h in _households(places, iom, field_officer, 2):
        CheckInFactory(household=h)
    client.force_login(field_officer)

    def grow():
        for h in _households(places, iom, field_officer, 8):
            CheckInFactory(household=h)

    _flat(client, reverse("monitoring:checkin_list"), grow, django_assert_max_num_queries)
    _flat(client, reverse("monitoring:checkin_list") + "?team=1", grow, django_assert_max_num_queries)


def test_call_form_records_an_attempt_and_then_the_answers(client, household, field_officer):
    check_in = CheckInFactory(household=household)
    client.force_login(field_officer)
    url = reverse("monitoring:checkin_record", args=[check_in.pk])
    page = client.get(url).content.decode()
    assert 'data-draft="checkin-' in page
    assert "Housing, land and property" in page
    assert client.post(url, {"outcome": "not_reached"}).status_code == 302
    check_in.refresh_from_db()
    assert (check_in.status, check_in.attempts) == (CheckInStatus.OPEN, 1)
    data = {"outcome": "reached", "redisplaced": "no", "hlp_status": "not_met", "hlp_note": "House occupied"}
    assert client.post(url, data).status_code == 302
    check_in.refresh_from_db()
    assert check_in.status == CheckInStatus.COMPLETED
    assert check_in.answers["hlp"] == {"status": "not_met", "note": "House occupied"}
    assert check_in.redisplaced is False


def test_call_form_with_a_risk_but_no_note_says_which_field(client, household, field_officer, protection):
    check_in = CheckInFactory(household=household)
    client.force_login(field_officer)
    response = client.post(
        reverse("monitoring:checkin_record", args=[check_in.pk]), {"outcome": "reached", "protection_risk": "on"}
    )
    assert response.status_code == 400
    assert "Describe the risk" in response.content.decode()
    check_in.refresh_from_db()
    assert check_in.attempts == 0


def test_call_form_with_a_risk_opens_a_referral(client, household, field_officer, protection):
    check_in = CheckInFactory(household=household)
    client.force_login(field_officer)
    response = client.post(
        reverse("monitoring:checkin_record", args=[check_in.pk]),
        {"outcome": "reached", "protection_risk": "on", "risk_note": "Threats", "referral_service": protection.pk},
    )
    assert response.status_code == 302
    check_in.refresh_from_db()
    assert check_in.referral.service == protection


def test_check_ins_outside_the_scope_look_absent(
    client, household, field_officer_injil, other_org_officer, desk_officer, field_officer
):
    check_in = CheckInFactory(household=household)
    url = reverse("monitoring:checkin_record", args=[check_in.pk])
    for outsider in (field_officer_injil, other_org_officer):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"outcome": "reached"}).status_code == 404
        assert household.reference not in client.get(reverse("monitoring:checkin_list") + "?team=1").content.decode()
    client.force_login(desk_officer)
    assert client.get(url).status_code == 403
    check_in.refresh_from_db()
    assert check_in.attempts == 0


# --- movements ------------------------------------------------------------------------------------


def test_movement_registered_and_taken_through_its_steps(client, household, field_officer, places):
    client.force_login(field_officer)
    create = reverse("monitoring:movement_create")
    page = client.get(create, {"household": household.pk}).content.decode()
    assert 'data-draft="movement"' in page
    response = client.post(
        create,
        {
            "household": household.pk,
            "intention": "return",
            "origin": "AF3202",
            "destination": "AF0608S001",
            "barriers": ["housing_destroyed"],
        },
    )
    movement = MovementCase.objects.get(household=household)
    assert response.url == reverse("monitoring:movement_detail", args=[movement.pk])
    today = timezone.localdate().isoformat()
    detail = reverse("monitoring:movement_detail", args=[movement.pk])
    assert "Record a go-and-see visit" in client.get(detail).content.decode()
    client.post(
        reverse("monitoring:movement_go_and_see", args=[movement.pk]),
        {"visited_on": today, "findings": "Fine", "decision": "proceed"},
    )
    response = client.post(
        reverse("monitoring:movement_depart", args=[movement.pk]),
        {"departed_on": today, "transport": "bus", "grant_amount": "4000", "currency": "AFN"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("monitoring:movement_arrive", args=[movement.pk]), {"arrived_on": today, "place": "NOPE"}
    )
    assert response.status_code == 400
    assert "Unknown P-code" in response.content.decode()
    response = client.post(
        reverse("monitoring:movement_arrive", args=[movement.pk]), {"arrived_on": today, "place": "AF0608S001"}
    )
    assert response.status_code == 302
    movement.refresh_from_db()
    assert movement.status == MovementStatus.ARRIVED
    assert movement.departure_grant.amount == Decimal("4000")
    assert CheckIn.objects.filter(household=household).count() == 3
    page = client.get(detail).content.decode()
    assert "w2" in page
    assert "m9" in page


def test_unknown_p_code_on_registration_names_the_field(client, household, field_officer):
    client.force_login(field_officer)
    response = client.post(
        reverse("monitoring:movement_create"),
        {"household": household.pk, "intention": "return", "origin": "ZZ99", "destination": "AF0608S001"},
    )
    assert response.status_code == 400
    assert "Unknown P-code: ZZ99" in response.content.decode()
    assert not MovementCase.objects.exists()


def test_movement_list_queries_do_not_grow(client, manager, field_officer, places, iom, django_assert_max_num_queries):
    for h in _households(places, iom, field_officer, 2):
        MovementFactory(household=h)
    client.force_login(manager)

    def grow():
        for h in _households(places, iom, field_officer, 8):
            MovementFactory(household=h, arrived=True)

    response = _flat(client, reverse("monitoring:movement_list"), grow, django_assert_max_num_queries)
    assert response.content.decode().count("MV-TEST-") == 10


def test_movements_outside_the_scope_look_absent(
    client, household, field_officer_injil, other_org_officer, desk_officer
):
    movement = MovementFactory(household=household)
    for outsider in (field_officer_injil, other_org_officer):
        client.force_login(outsider)
        assert client.get(reverse("monitoring:movement_detail", args=[movement.pk])).status_code == 404
        assert movement.reference not in client.get(reverse("monitoring:movement_list")).content.decode()
        assert (
            client.post(
                reverse("monitoring:movement_depart", args=[movement.pk]),
                {"departed_on": "2026-01-01", "transport": "bus"},
            ).status_code
            == 404
        )
        assert client.get(reverse("monitoring:movement_create"), {"household": household.pk}).status_code == 404
    client.force_login(desk_officer)
    assert client.get(reverse("monitoring:movement_detail", args=[movement.pk])).status_code == 200
    assert client.post(reverse("monitoring:movement_arrive", args=[movement.pk]), {}).status_code == 403
    movement.refresh_from_db()
    assert movement.status == MovementStatus.REGISTERED


# --- household timeline and section -------------------------------------------------------------


def test_household_page_and_timeline_show_movements_check_ins_and_referrals(
    client, household, field_officer, protection, django_assert_max_num_queries
):
    movement = MovementFactory(household=household, arrived=True)
    check_in = CheckInFactory(household=household, wave="w2")
    services.checkin_record(
        actor=field_officer, check_in=check_in, outcome="reached", protection_risk=True, risk_note="Threats"
    )
    client.force_login(field_officer)
    page = client.get(reverse("profiling:household_detail", args=[household.pk])).content.decode()
    assert "Movements and check-ins" in page
    assert movement.reference in page
    url = reverse("monitoring:household_timeline", args=[household.pk])

    def grow():
        CheckInFactory(household=household, wave="m3")
        CheckInFactory(household=household, wave="m9")
        MovementFactory(household=household, status=MovementStatus.CANCELLED)

    timeline = _flat(client, url, grow, django_assert_max_num_queries).content.decode()
    assert movement.reference in timeline
    assert "Arrived" in timeline
    assert "protection risk" in timeline


def test_timeline_outside_the_scope_looks_absent(client, household, field_officer_injil, other_org_officer):
    for outsider in (field_officer_injil, other_org_officer):
        client.force_login(outsider)
        assert client.get(reverse("monitoring:household_timeline", args=[household.pk])).status_code == 404


# --- completion and reminders -------------------------------------------------------------------


def test_completion_per_wave_for_managers(
    client, manager, field_officer, household, places, iom, django_assert_max_num_queries
):
    today = timezone.localdate()
    CheckInFactory(household=household, wave="w2", due_on=today, status="completed", last_outcome="reached")
    other = HouseholdFactory(organisation=iom, settlement=places.kaga)
    CheckInFactory(household=other, wave="w2", due_on=today)
    CheckInFactory(household=other, wave="m3", due_on=today + datetime.timedelta(days=5))  # not due yet
    client.force_login(manager)
    url = reverse("monitoring:completion")

    def grow():
        for h in _households(places, iom, field_officer, 4):
            CheckInFactory(household=h, wave="m3", due_on=today)

    page = _flat(client, url, grow, django_assert_max_num_queries).content.decode()
    assert "50.0 %" in page  # w2: one of two concluded
    assert "0.0 %" in page  # m3: four due today, none concluded
    assert client.get(url, {"area": "AF3202"}).status_code == 200
    client.force_login(field_officer)
    assert client.get(url).status_code == 403


def test_completion_selector_rows(manager, field_officer_injil, household, places, iom):
    from monitoring.selectors import checkin_completion_by_wave

    today = timezone.localdate()
    CheckInFactory(household=household, wave="w2", due_on=today, status="completed", last_outcome="reached")
    CheckInFactory(household=household, wave="m3", due_on=today, status="refused", last_outcome="refused")
    rows = {r.wave: r for r in checkin_completion_by_wave(manager)}
    assert (rows["w2"].due, rows["w2"].completed, rows["w2"].reached, rows["w2"].rate) == (1, 1, 1, 100.0)
    assert (rows["m3"].due, rows["m3"].completed, rows["m3"].reached) == (1, 1, 0)
    assert rows["m9"].rate is None
    assert {r.due for r in checkin_completion_by_wave(manager, area=places.injil)} == {0}
    assert {r.due for r in checkin_completion_by_wave(field_officer_injil)} == {0}
    assert {r.due for r in checkin_completion_by_wave(manager, start=today + datetime.timedelta(days=1))} == {0}


def test_reminders_list_and_mark_read(client, field_officer, places, iom, django_assert_max_num_queries):
    def grow(n=4):
        for h in _households(places, iom, field_officer, n):
            CheckInFactory(household=h)
        services.checkin_reminders_send()

    grow(1)
    client.force_login(field_officer)
    _flat(client, reverse("monitoring:notification_list"), grow, django_assert_max_num_queries)
    assert client.post(reverse("monitoring:notifications_read")).status_code == 302
    assert not Notification.objects.filter(channel="in_app", read_at__isnull=True).exists()


def test_reminders_are_the_recipients_own(client, field_officer, desk_officer, places, iom):
    household = HouseholdFactory(organisation=iom, settlement=places.kaga, registered_by=field_officer)
    CheckInFactory(household=household)
    services.checkin_reminders_send()
    client.force_login(desk_officer)
    assert household.reference not in client.get(reverse("monitoring:notification_list")).content.decode()


@pytest.mark.parametrize("name", ["monitoring:completion"])
def test_partners_reach_no_monitoring_page(client, partner_user, name):
    client.force_login(partner_user)
    assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("monitoring:checkin_list")).status_code == 403
    assert client.get(reverse("monitoring:movement_list")).status_code == 403


def test_dashboard_shows_check_in_completion_by_wave(client, manager, household, places):
    """Monitoring's pipeline panel on the manager dashboard, computed with the dashboard's area filter."""
    today = timezone.localdate()
    CheckInFactory(household=household, wave="w2", due_on=today, status="completed", last_outcome="reached")
    CheckInFactory(household=household, wave="m3", due_on=today)
    client.force_login(manager)
    response = client.get(reverse("dashboards:programme"), {"area": "AF06"})
    block = next(b for b in response.context["pipelines"] if b["panel"].key == "monitoring.checkins")
    assert block["table"] == [("7-14 d", [1, 1, 1, 100.0]), ("3 m", [1, 0, 0, 0]), ("9 m", [0, 0, 0, 0])]
    elsewhere = client.get(reverse("dashboards:programme"), {"area": "AF32"})
    block = next(b for b in elsewhere.context["pipelines"] if b["panel"].key == "monitoring.checkins")
    assert all(numbers[0] == 0 for _wave, numbers in block["table"])
