"""Services against the real database, with time frozen: the movement steps and their grants, the
check-in schedule (from an arrival and for profiled returnees), check-in calls, referrals on a protection
risk, and the reminder scan, run twice and on two workers at once."""

import datetime
import threading
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from assistance.models import AssistanceRecord
from core.models import AuditEvent
from monitoring import services
from monitoring.models import CheckIn, CheckInStatus, MovementStatus, Notification
from profiling.tests.factories import HouseholdFactory
from referrals.models import Referral

from .factories import CheckInFactory, MovementFactory, schedule_for

KABUL = datetime.timezone(datetime.timedelta(hours=4, minutes=30))


def at(day: datetime.date, hour: int = 9):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=KABUL), tick=False)


def test_movement_from_registration_to_arrival_records_grants_and_schedules_check_ins(household, field_officer, places):
    with at(datetime.date(2026, 3, 1)):
        movement = services.movement_register(
            actor=field_officer,
            household=household,
            intention="return",
            origin=places.injil,
            destination=places.kaga,
            barriers=["housing_destroyed"],
        )
        assert movement.reference.startswith("MV-IOM-")
        assert movement.caseworker == field_officer
    with at(datetime.date(2026, 3, 5)):
        visit = services.movement_go_and_see(
            actor=field_officer,
            movement=movement,
            visited_on=datetime.date(2026, 3, 4),
            findings="House standing, school open",
            decision="proceed",
        )
        assert visit.movement.status == MovementStatus.GO_AND_SEE
    with at(datetime.date(2026, 3, 10)):
        movement = services.movement_depart(
            actor=field_officer,
            movement=movement,
            departed_on=datetime.date(2026, 3, 10),
            transport="truck",
            grant_amount=Decimal("5000"),
            currency="AFN",
        )
    with at(datetime.date(2026, 3, 12)):
        movement = services.movement_arrive(
            actor=field_officer,
            movement=movement,
            arrived_on=datetime.date(2026, 3, 11),
            place=places.kaga,
            grant_amount=Decimal("12000"),
            currency="AFN",
        )
    assert movement.status == MovementStatus.ARRIVED
    grants = AssistanceRecord.objects.filter(household=household).order_by("delivered_on")
    assert [g.activity_type.grant_kind for g in grants] == ["departure", "reinstallation"]
    assert movement.departure_grant == grants[0]
    assert movement.reinstallation_grant == grants[1]
    check_ins = list(CheckIn.objects.filter(household=household).order_by("due_on"))
    assert [(c.wave, c.due_on, c.due_until) for c in check_ins] == [
        ("w2", datetime.date(2026, 3, 18), datetime.date(2026, 3, 25)),
        ("m3", datetime.date(2026, 6, 11), datetime.date(2026, 6, 25)),
        ("m9", datetime.date(2026, 12, 11), datetime.date(2026, 12, 25)),
    ]
    assert {c.assigned_to for c in check_ins} == {field_officer}
    assert {c.movement_id for c in check_ins} == {movement.pk}
    actions = set(AuditEvent.objects.filter(target_id=str(movement.pk)).values_list("action", flat=True))
    assert {"monitoring.movement.register", "monitoring.movement.arrive", "monitoring.movement.depart"} <= actions


def test_bad_steps_name_the_field_and_change_nothing(household, field_officer, places, other_org_officer):
    with at(datetime.date(2026, 3, 1)):
        with pytest.raises(ValidationError) as error:
            services.movement_register(
                actor=field_officer,
                household=household,
                intention="stay",
                origin=places.injil,
                destination=places.kaga,
                barriers=["nonsense"],
            )
        assert set(error.value.error_dict) == {"intention", "barriers"}
        movement = MovementFactory(household=household, registered_on=datetime.date(2026, 3, 1))
        with pytest.raises(ValidationError) as error:
            services.movement_arrive(
                actor=field_officer, movement=movement, arrived_on=datetime.date(2026, 3, 1), place=places.kaga
            )
        assert "arrived_on" in error.value.error_dict
        with pytest.raises(ValidationError) as error:
            services.movement_depart(
                actor=field_officer, movement=movement, departed_on=datetime.date(2026, 3, 9), transport="bus"
            )
        assert "departed_on" in error.value.error_dict  # in the future
        with pytest.raises(PermissionDenied):
            services.movement_depart(
                actor=other_org_officer, movement=movement, departed_on=datetime.date(2026, 3, 1), transport="bus"
            )
    movement.refresh_from_db()
    assert movement.status == MovementStatus.REGISTERED
    assert movement.departed_on is None


def test_returnees_with_an_arrival_date_get_the_schedule_once(places, iom, field_officer):
    arrived = HouseholdFactory(
        organisation=iom,
        settlement=places.kaga,
        returnee=True,
        arrival_date=datetime.date(2026, 2, 1),
        registered_by=field_officer,
    )
    HouseholdFactory(organisation=iom, settlement=places.kaga, returnee=True, registered_by=field_officer)
    HouseholdFactory(organisation=iom, settlement=places.kaga, arrival_date=datetime.date(2026, 2, 1))  # an IDP
    followed = HouseholdFactory(
        organisation=iom, settlement=places.kaga, returnee=True, arrival_date=datetime.date(2026, 1, 1)
    )
    CheckInFactory(household=followed, wave="w2")
    assert services.checkin_schedules_for_returnees(batch=1) == 3
    assert services.checkin_schedules_for_returnees() == 0
    check_ins = CheckIn.objects.filter(household=arrived).order_by("due_on")
    assert [c.due_on for c in check_ins] == [
        datetime.date(2026, 2, 8),
        datetime.date(2026, 5, 1),
        datetime.date(2026, 11, 1),
    ]
    assert {c.assigned_to_id for c in check_ins} == {field_officer.pk}
    assert CheckIn.objects.filter(household=followed).count() == 1


def test_a_call_that_misses_keeps_the_check_in_open_and_counts_the_attempt(household, field_officer, settings):
    settings.ABR_CHECKIN_MAX_ATTEMPTS = 2
    check_in = CheckInFactory(household=household)
    check_in = services.checkin_record(actor=field_officer, check_in=check_in, outcome="not_reached")
    assert (check_in.status, check_in.attempts, check_in.last_outcome) == (CheckInStatus.OPEN, 1, "not_reached")
    with pytest.raises(ValidationError) as error:
        services.checkin_record(actor=field_officer, check_in=check_in, outcome="wrong_number", protection_risk=True)
    assert "outcome" in error.value.error_dict
    check_in = services.checkin_record(actor=field_officer, check_in=check_in, outcome="wrong_number")
    assert (check_in.status, check_in.attempts) == (CheckInStatus.UNREACHABLE, 2)
    with pytest.raises(ValidationError):
        services.checkin_record(actor=field_officer, check_in=check_in, outcome="reached")


def test_a_reached_call_keeps_the_answers_of_all_eight_criteria(household, field_officer):
    check_in = CheckInFactory(household=household)
    check_in = services.checkin_record(
        actor=field_officer,
        check_in=check_in,
        outcome="reached",
        answers={"livelihoods": {"status": "not_met", "note": "No work since arrival"}},
        redisplaced=False,
    )
    assert check_in.status == CheckInStatus.COMPLETED
    assert check_in.completed_by == field_officer
    assert check_in.answers["livelihoods"] == {"status": "not_met", "note": "No work since arrival"}
    assert len(check_in.answers) == 8
    event = AuditEvent.objects.get(action="monitoring.checkin.record", target_id=str(check_in.pk))
    assert "No work" not in str(event.after)


def test_a_protection_risk_opens_a_sensitive_referral(household, field_officer, protection):
    with at(datetime.date(2026, 4, 2)):
        check_in = CheckInFactory(household=household, due_on=datetime.date(2026, 4, 1))
        check_in = services.checkin_record(
            actor=field_officer,
            check_in=check_in,
            outcome="reached",
            answers={"safety": {"status": "not_met", "note": "Threatened"}},
            protection_risk=True,
            risk_note="Threatened by neighbours over the land",
        )
    referral = Referral.objects.get(pk=check_in.referral_id)
    assert referral.household == household
    assert referral.service == protection
    assert referral.sensitive
    assert referral.urgency == "high"
    assert check_in.protection_risk


def test_a_protection_risk_without_a_service_names_the_field(household, field_officer):
    check_in = CheckInFactory(household=household)
    with pytest.raises(ValidationError) as error:
        services.checkin_record(
            actor=field_officer, check_in=check_in, outcome="reached", protection_risk=True, risk_note="Threats"
        )
    assert "referral_service" in error.value.error_dict
    check_in.refresh_from_db()
    assert check_in.attempts == 0


def test_due_and_overdue_follow_the_clock(household, field_officer):
    from monitoring import selectors

    [first, *_later] = schedule_for(household, datetime.date(2026, 3, 1), field_officer)
    with at(datetime.date(2026, 3, 7)):
        assert list(selectors.checkins_due(field_officer)) == []
    with at(datetime.date(2026, 3, 8)):
        [due] = selectors.checkins_due(field_officer)
        assert due.state_on(datetime.date(2026, 3, 8)) == "due"
    with at(datetime.date(2026, 3, 16)):
        [due] = selectors.checkins_due(field_officer)
        assert due == first
        assert due.state_on(datetime.date(2026, 3, 16)) == "overdue"


def test_reminder_is_created_once_when_the_task_runs_twice(
    household, field_officer, places, iom, django_capture_on_commit_callbacks
):
    schedule_for(household, datetime.date(2026, 3, 1), field_officer)
    other = HouseholdFactory(organisation=iom, settlement=places.kaga, registered_by=field_officer)
    schedule_for(other, datetime.date(2026, 2, 1), field_officer)  # its first call is overdue
    with at(datetime.date(2026, 3, 8)), django_capture_on_commit_callbacks(execute=True):
        first = services.checkin_reminders_send()
        second = services.checkin_reminders_send()
    assert first["emails"] == 2
    assert first["officers"] == 1
    assert second == {"checked": 0, "emails": 0, "officers": 0}
    assert Notification.objects.count() == 4  # two check-ins, in the application and by e-mail
    assert len(mail.outbox) == 1
    assert "2" in mail.outbox[0].subject
    assert household.head_name not in mail.outbox[0].body
    with at(datetime.date(2026, 3, 20)):  # overdue now: no second reminder for the same due date
        assert services.checkin_reminders_send()["emails"] == 0
    with at(datetime.date(2026, 6, 1)), django_capture_on_commit_callbacks(execute=True):  # the next wave is due
        assert services.checkin_reminders_send()["emails"] == 2
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="monitoring.checkin.reminders").count() == 2


def test_a_reminder_already_created_is_not_created_again_even_without_the_marker(
    household, field_officer, django_capture_on_commit_callbacks
):
    check_in = CheckInFactory(household=household, due_on=datetime.date(2026, 3, 8))
    with at(datetime.date(2026, 3, 8)), django_capture_on_commit_callbacks(execute=True):
        services.checkin_reminders_send()
        CheckIn.objects.filter(pk=check_in.pk).update(reminded_for=None)  # e.g. a restore or a redelivery
        again = services.checkin_reminders_send()
    assert again["emails"] == 0
    assert Notification.objects.filter(check_in=check_in).count() == 2
    assert len(mail.outbox) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time: no concurrency")
@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_scan_at_once_send_each_reminder_once(places, iom, field_officer):
    for _ in range(30):
        household = HouseholdFactory(organisation=iom, settlement=places.kaga, registered_by=field_officer)
        CheckInFactory(household=household, wave="w2", due_on=datetime.date(2026, 3, 8))
    start = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            start.wait(timeout=10)
            results.append(services.checkin_reminders_send(today=datetime.date(2026, 3, 8), batch=7))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Notification.objects.count() == 60
    assert Notification.objects.filter(channel="email", sent_at__isnull=False).count() == 30
    assert sum(r["emails"] for r in results) == 30
    assert len(mail.outbox) == sum(r["officers"] for r in results)
    assert sum(len(m.body) > 0 for m in mail.outbox) >= 1
