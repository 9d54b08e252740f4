"""Every write of monitoring: movements and their steps, the check-in schedule, check-in calls, and the
daily reminder scan.

Each function is a ``@service``: one transaction, keyword-only arguments, the acting user (``None`` for
the daily tasks), ``full_clean()`` before saving, an audit event. Grants go through
``assistance.services.assistance_record_grant`` and a protection risk through
``referrals.services.referral_create``: their rules (overlap, consent gate) apply unchanged. What people
said on a call stays on the check-in; the audit says who recorded which outcome.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance import selectors as assistance_selectors
from assistance import services as assistance_services
from assistance.models import AssistanceRecord, GrantKind
from core.audit import audit_record, changed, service, snapshot
from core.ids import reserve_ids
from core.models import AdminArea
from core.scoping import scope_for
from profiling import selectors as profiling_selectors
from profiling.models import RETURNEE_STATUSES, Household, ReturnBarrier
from referrals import selectors as referral_selectors
from referrals import services as referral_services
from referrals.models import Service, Urgency

from . import rules
from .models import (
    CallOutcome,
    Channel,
    CheckIn,
    CheckInStatus,
    CheckInTally,
    GoAndSeeDecision,
    GoAndSeeVisit,
    MovementCase,
    MovementIntention,
    MovementStatus,
    Notification,
    Transport,
)

MOVEMENT_AUDIT_FIELDS = [
    "reference",
    "household",
    "intention",
    "origin",
    "destination",
    "barriers",
    "status",
    "caseworker",
    "departed_on",
    "transport",
    "departure_grant",
    "arrived_on",
    "arrival_place",
    "reinstallation_grant",
]
CHECKIN_AUDIT_FIELDS = ["status", "attempts", "last_outcome", "redisplaced", "protection_risk", "referral"]
BATCH = 1000


# --- helpers --------------------------------------------------------------------------------------


def _scope(actor):
    scope = scope_for(actor)
    if scope is None:
        raise PermissionDenied(_("You have no active membership."))
    return scope


def _require_monitor(actor):
    scope = _scope(actor)
    if scope.role not in rules.MONITOR_ROLES:
        raise PermissionDenied(_("Your role cannot record movements or check-ins."))
    return scope


def _visible_household(actor, household: Household) -> Household:
    try:
        return profiling_selectors.household_get_for_user(user=actor, pk=household.pk)
    except Household.DoesNotExist:
        raise ValidationError({"household": _("This household is not one you can see.")}) from None


def _locked_movement(actor, movement: MovementCase) -> MovementCase:
    from . import selectors

    if not selectors.movements_for_user(actor).filter(pk=movement.pk).exists():
        raise PermissionDenied(_("You cannot act on this movement."))
    return MovementCase.objects.select_for_update().get(pk=movement.pk)


def _grant(
    *, actor, household: Household, kind: str, amount: Decimal | None, currency: str, on: datetime.date, field: str
) -> AssistanceRecord | None:
    """A return grant recorded through assistance, or none when no amount is given."""
    if not amount:
        return None
    activity_type = assistance_selectors.activity_type_for_grant(kind)
    if activity_type is None:
        raise ValidationError(
            {field: _("No activity type is set up for the %(grant)s.") % {"grant": GrantKind(kind).label}}
        )
    try:
        return assistance_services.assistance_record_grant(
            actor=actor,
            household=household,
            activity_type=activity_type,
            amount=amount,
            currency=currency,
            delivered_on=on,
        )
    except ValidationError as error:
        # Name the form's grant field, whatever assistance called it.
        raise ValidationError({field: error.messages}) from None


def _check_date(value: datetime.date | None, field: str, *, not_before: datetime.date | None = None) -> None:
    if value is None:
        raise ValidationError({field: _("Give the date.")})
    if value > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if not_before and value < not_before:
        raise ValidationError({field: _("The date cannot be before %(day)s.") % {"day": not_before.isoformat()}})


# --- Movements ------------------------------------------------------------------------------------


@service
def movement_register(
    *,
    actor,
    household: Household,
    intention: str,
    origin: AdminArea,
    destination: AdminArea,
    barriers: Sequence[str] = (),
    caseworker=None,
    notes: str = "",
) -> MovementCase:
    """Register a household for a facilitated movement (return, relocation or local integration)."""
    scope = _require_monitor(actor)
    household = _visible_household(actor, household)
    problems = {}
    if intention not in MovementIntention.values:
        problems["intention"] = _("Choose return, relocation or local integration.")
    unknown = sorted(set(barriers) - set(ReturnBarrier.values))
    if unknown:
        problems["barriers"] = _("Unknown barriers: %(codes)s.") % {"codes": ", ".join(unknown)}
    if origin is None:
        problems["origin"] = _("Give the P-code of the place of origin.")
    if destination is None:
        problems["destination"] = _("Give the P-code of the destination.")
    if caseworker is not None:
        worker_scope = scope_for(caseworker)
        if worker_scope is None or worker_scope.data_owner_id != scope.data_owner_id:
            problems["caseworker"] = _("The caseworker must work for your organisation.")
    if problems:
        raise ValidationError(problems)
    if MovementCase.objects.filter(
        household=household, status__in=[MovementStatus.REGISTERED, MovementStatus.GO_AND_SEE, MovementStatus.DEPARTED]
    ).exists():
        raise ValidationError({"household": _("This household already has a movement under way.")})
    pk = reserve_ids(MovementCase, 1)[0]
    movement = MovementCase(
        pk=pk,
        reference=f"MV-{household.organisation.acronym[:12]}-{pk:06d}",
        organisation_id=household.organisation_id,
        household=household,
        intention=intention,
        origin=origin,
        destination=destination,
        barriers=sorted(set(barriers)),
        caseworker=caseworker or actor,
        registered_by=actor,
        registered_on=timezone.localdate(),
        notes=notes.strip(),
    )
    movement.full_clean()
    movement.save(force_insert=True)
    audit_record(
        actor=actor,
        action="monitoring.movement.register",
        target=movement,
        after=snapshot(movement, MOVEMENT_AUDIT_FIELDS),
    )
    return movement


@service
def movement_go_and_see(
    *, actor, movement: MovementCase, visited_on: datetime.date, findings: str, decision: str
) -> GoAndSeeVisit:
    """Record a go-and-see visit and its decision; cancelling there cancels the movement."""
    _require_monitor(actor)
    movement = _locked_movement(actor, movement)
    if movement.status not in (MovementStatus.REGISTERED, MovementStatus.GO_AND_SEE):
        raise ValidationError({"visited_on": _("The household has already left.")})
    _check_date(visited_on, "visited_on", not_before=movement.registered_on)
    if decision not in GoAndSeeDecision.values:
        raise ValidationError({"decision": _("Choose the decision.")})
    if not findings.strip():
        raise ValidationError({"findings": _("Write what the household found.")})
    visit = GoAndSeeVisit(
        movement=movement, visited_on=visited_on, findings=findings.strip(), decision=decision, recorded_by=actor
    )
    visit.full_clean()
    visit.save()
    before = snapshot(movement, ["status"])
    movement.status = MovementStatus.CANCELLED if decision == GoAndSeeDecision.CANCEL else MovementStatus.GO_AND_SEE
    movement.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="monitoring.movement.go_and_see",
        target=movement,
        before=before,
        after={"status": movement.status, "visit": visit.pk, "decision": decision, "visited_on": visited_on},
    )
    return visit


@service
def movement_depart(
    *,
    actor,
    movement: MovementCase,
    departed_on: datetime.date,
    transport: str,
    grant_amount: Decimal | None = None,
    currency: str = "",
) -> MovementCase:
    """Confirm the departure; a departure (transport) grant is recorded as assistance to the household."""
    _require_monitor(actor)
    movement = _locked_movement(actor, movement)
    if movement.status not in (MovementStatus.REGISTERED, MovementStatus.GO_AND_SEE):
        raise ValidationError(
            {
                "departed_on": _("This movement cannot depart now (%(status)s).")
                % {"status": movement.get_status_display()}
            }
        )
    _check_date(departed_on, "departed_on", not_before=movement.registered_on)
    if transport not in Transport.values:
        raise ValidationError({"transport": _("Choose the means of transport.")})
    before = snapshot(movement, MOVEMENT_AUDIT_FIELDS)
    movement.departure_grant = _grant(
        actor=actor,
        household=movement.household,
        kind=GrantKind.DEPARTURE,
        amount=grant_amount,
        currency=currency,
        on=departed_on,
        field="grant_amount",
    )
    movement.departed_on, movement.transport, movement.status = departed_on, transport, MovementStatus.DEPARTED
    movement.full_clean()
    movement.save()
    old, new = changed(before, snapshot(movement, MOVEMENT_AUDIT_FIELDS))
    audit_record(actor=actor, action="monitoring.movement.depart", target=movement, before=old, after=new)
    return movement


@service
def movement_arrive(
    *,
    actor,
    movement: MovementCase,
    arrived_on: datetime.date,
    place: AdminArea,
    grant_amount: Decimal | None = None,
    currency: str = "",
) -> MovementCase:
    """Confirm the arrival, record a reinstallation grant if one is paid, and schedule the check-ins."""
    _require_monitor(actor)
    movement = _locked_movement(actor, movement)
    if movement.status != MovementStatus.DEPARTED:
        raise ValidationError({"arrived_on": _("Confirm the departure first.")})
    _check_date(arrived_on, "arrived_on", not_before=movement.departed_on)
    if place is None:
        raise ValidationError({"place": _("Give the P-code of the place of arrival.")})
    before = snapshot(movement, MOVEMENT_AUDIT_FIELDS)
    movement.reinstallation_grant = _grant(
        actor=actor,
        household=movement.household,
        kind=GrantKind.REINSTALLATION,
        amount=grant_amount,
        currency=currency,
        on=arrived_on,
        field="grant_amount",
    )
    movement.arrived_on, movement.arrival_place, movement.status = arrived_on, place, MovementStatus.ARRIVED
    movement.full_clean()
    movement.save()
    created = _schedule(
        [(movement.household_id, movement.organisation_id, arrived_on, movement.caseworker_id, movement.pk)]
    )
    old, new = changed(before, snapshot(movement, MOVEMENT_AUDIT_FIELDS))
    audit_record(
        actor=actor,
        action="monitoring.movement.arrive",
        target=movement,
        before=old,
        after={**new, "check_ins_scheduled": created},
    )
    return movement


# --- The check-in schedule ------------------------------------------------------------------------


def _schedule(rows: Sequence[tuple]) -> int:
    """Create the check-ins of ``(household_id, organisation_id, arrived_on, assigned_to_id, movement_id)``
    rows; a household that already has a wave keeps it (``checkin_one_per_wave``). Returns rows created."""
    checkins = [
        CheckIn(
            household_id=household_id,
            organisation_id=organisation_id,
            movement_id=movement_id,
            wave=due.wave,
            arrived_on=arrived_on,
            due_on=due.due_on,
            due_until=due.due_until,
            assigned_to_id=assigned_to_id,
        )
        for household_id, organisation_id, arrived_on, assigned_to_id, movement_id in rows
        for due in rules.schedule(arrived_on)
    ]
    if not checkins:
        return 0
    before = CheckIn.objects.filter(household_id__in={r[0] for r in rows}).count()
    CheckIn.objects.bulk_create(checkins, batch_size=BATCH, ignore_conflicts=True)
    return CheckIn.objects.filter(household_id__in={r[0] for r in rows}).count() - before


@service
def checkin_schedules_for_returnees(*, actor=None, batch: int = BATCH) -> int:
    """Schedule check-ins for returnee households profiled with an arrival date and none scheduled yet.

    Set-based and idempotent: households are read in batches through an anti-join, and the schedule's
    unique constraint makes a second run (or a concurrent one) create nothing more. Check-ins go to the
    officer who registered the household."""
    total = 0
    last = 0
    pending = (
        Household.objects.filter(
            displacement_status__in=RETURNEE_STATUSES,
            arrival_date__isnull=False,
            duplicate_of__isnull=True,
        )
        .filter(~Exists(CheckIn.objects.filter(household_id=OuterRef("pk"))))
        .order_by("pk")
    )
    while True:
        rows = list(
            pending.filter(pk__gt=last).values_list("pk", "organisation_id", "arrival_date", "registered_by_id")[:batch]
        )
        if not rows:
            break
        last = rows[-1][0]
        total += _schedule([(*row, None) for row in rows])
    if total:
        audit_record(actor=actor, action="monitoring.checkin.schedule_returnees", after={"check_ins": total})
    return total


# --- Check-in calls -------------------------------------------------------------------------------


@service
def checkin_record(
    *,
    actor,
    check_in: CheckIn,
    outcome: str,
    answers: dict | None = None,
    redisplaced: bool | None = None,
    protection_risk: bool = False,
    risk_note: str = "",
    referral_service: Service | None = None,
    consent_given_now: bool = False,
    notes: str = "",
) -> CheckIn:
    """Record one call. Reached: the durable-solutions answers are kept and the check-in is completed;
    not reached or a wrong number: the attempt is counted and the check-in stays open (until the attempts
    run out); refused: closed. A protection risk opens a sensitive referral to a protection service."""
    from . import selectors

    _require_monitor(actor)
    if not selectors.checkins_for_user(actor).filter(pk=check_in.pk).exists():
        raise PermissionDenied(_("You cannot act on this check-in."))
    check_in = CheckIn.objects.select_for_update().select_related("household").get(pk=check_in.pk)
    if check_in.status != CheckInStatus.OPEN:
        raise ValidationError(
            {"outcome": _("This check-in is already closed (%(status)s).") % {"status": check_in.get_status_display()}}
        )
    if outcome not in CallOutcome.values:
        raise ValidationError({"outcome": _("Choose the outcome of the call.")})
    reached = outcome == CallOutcome.REACHED
    if not reached and (protection_risk or redisplaced):
        raise ValidationError(
            {"outcome": _("Risks and re-displacement can only be recorded when the household was reached.")}
        )
    try:
        cleaned = rules.clean_answers(answers or {}) if reached else check_in.answers
    except ValueError:
        raise ValidationError(
            {"answers": _("Choose met, partly met, not met or not asked for each criterion.")}
        ) from None
    if protection_risk and not risk_note.strip():
        raise ValidationError({"risk_note": _("Describe the risk the household faces.")})
    before = snapshot(check_in, CHECKIN_AUDIT_FIELDS)
    now = timezone.now()
    check_in.attempts += 1
    check_in.last_outcome = outcome
    check_in.last_attempt_at = now
    check_in.status = rules.status_after_call(outcome=outcome, attempts=check_in.attempts)
    if notes.strip():
        check_in.notes = notes.strip()
    if reached:
        check_in.answers = cleaned
        check_in.redisplaced = redisplaced
        check_in.protection_risk = protection_risk
    if check_in.status != CheckInStatus.OPEN:
        check_in.completed_at, check_in.completed_by = now, actor
    if protection_risk:
        service_entry = referral_service or _protection_service(actor, check_in.household)
        if service_entry is None:
            raise ValidationError({"referral_service": _("No protection service covers this place; choose one.")})
        try:
            referral = referral_services.referral_create(
                actor=actor,
                household=check_in.household,
                service=service_entry,
                reason=risk_note.strip(),
                urgency=Urgency.HIGH,
                sensitive=True,
                consent_given_now=consent_given_now,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "service" in error.error_dict:
                error.error_dict["referral_service"] = error.error_dict.pop("service")
            if hasattr(error, "error_dict") and "consent" in error.error_dict:
                error.error_dict["consent_given_now"] = error.error_dict.pop("consent")
            raise
        check_in.referral = referral
    check_in.full_clean()
    check_in.save()
    old, new = changed(before, snapshot(check_in, CHECKIN_AUDIT_FIELDS))
    audit_record(actor=actor, action="monitoring.checkin.record", target=check_in, before=old, after=new)
    return check_in


def _protection_service(actor, household: Household) -> Service | None:
    """The first protection service covering the household's place, for a risk found on a call."""
    offered = referral_selectors.services_for_referral(actor, area=household.settlement)
    return offered.filter(sector="PRO").first() or offered.filter(sector__startswith="PRO").first()


# --- Reminders ------------------------------------------------------------------------------------


@service
def checkin_reminders_send(*, actor=None, today: datetime.date | None = None, batch: int = BATCH) -> dict[str, int]:
    """The daily scan: a reminder for every open check-in that is due or overdue, to its assigned officer,
    in the application and by e-mail.

    Whatever the retries, redeliveries or concurrent runs, each reminder is created once: rows go in with
    ``bulk_create(ignore_conflicts=True)`` against the ``notification_once`` constraint, and e-mail is sent
    only for rows this run locks unsent (``select_for_update(skip_locked=True)``) and marks sent, after
    commit, one message per officer."""
    from . import selectors

    today = today or timezone.localdate()
    now = timezone.now()
    created = 0
    last = None
    while True:
        due = selectors.checkins_needing_reminder(today=today, after=last, limit=batch)
        if not due:
            break
        last = (due[-1][1], due[-1][0])
        rows = [
            Notification(
                recipient_id=user_id,
                check_in_id=pk,
                due_on=due_on,
                channel=channel,
                sent_at=now if channel == Channel.IN_APP else None,
            )
            for pk, due_on, user_id in due
            for channel in (Channel.IN_APP, Channel.EMAIL)
        ]
        Notification.objects.bulk_create(rows, batch_size=batch, ignore_conflicts=True)
        created += len(rows)
        CheckIn.objects.filter(pk__in=[pk for pk, _due, _user in due], reminded_for__isnull=True).update(
            reminded_for=today
        )
    by_user: dict[int, list[int]] = defaultdict(list)
    emailed = 0
    while True:
        unsent = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(channel=Channel.EMAIL, sent_at__isnull=True)
            .order_by("id")
            .values_list("id", "recipient_id", "check_in_id")[:batch]
        )
        if not unsent:
            break
        Notification.objects.filter(pk__in=[row[0] for row in unsent]).update(sent_at=now)
        for _pk, user_id, check_in_id in unsent:
            by_user[user_id].append(check_in_id)
        emailed += len(unsent)
    for user_id, check_in_ids in by_user.items():
        transaction.on_commit(partial(_email_reminder, user_id, sorted(check_in_ids)))
    result = {"checked": created // 2, "emails": emailed, "officers": len(by_user)}
    if created or emailed:
        audit_record(actor=actor, action="monitoring.checkin.reminders", after={**result, "today": today})
    return result


def _email_reminder(user_id: int, check_in_ids: list[int]) -> int:
    from . import notifications

    return notifications.checkins_due(user_id, check_in_ids)


@service
def notifications_mark_read(*, actor) -> int:
    """Mark the actor's in-app reminders read."""
    unread = Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True, channel=Channel.IN_APP)
    ids = list(unread.values_list("pk", flat=True))
    if not ids:
        return 0
    count = Notification.objects.filter(pk__in=ids).update(read_at=timezone.now())
    audit_record(actor=actor, action="monitoring.notifications.read", after={"count": count})
    return count


@service
def checkin_tally_rebuild(*, actor=None) -> int:
    """Count the check-in tally afresh from the check-ins, for when its triggers were bypassed (a data-only
    restore with triggers disabled, a manual repair). Check-in writes wait meanwhile; reads go on. Returns
    the tally's rows; nothing to do where there are no triggers (SQLite counts the check-ins directly)."""
    from . import selectors

    if connection.vendor != "postgresql":
        return 0
    counts = (
        CheckIn.objects.order_by()
        .values_list("organisation_id", "household__settlement_id", "wave", "due_on")
        .annotate(**selectors.completion_counts())
    )
    select, params = counts.query.sql_with_params()
    tally = CheckInTally._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {CheckIn._meta.db_table} IN SHARE MODE")
        cursor.execute(f"DELETE FROM {tally}")  # noqa: S608 - our table
        cursor.execute(
            f"INSERT INTO {tally} (organisation_id, settlement_id, wave, due_on, due, completed, reached) {select}",
            params,
        )
        rows = cursor.rowcount
    audit_record(actor=actor, action="monitoring.tally.rebuild", after={"rows": rows})
    return rows
