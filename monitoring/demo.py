"""Demo monitoring: facilitated returns of demo households in Khogyani taken through go-and-see, departure
and arrival (with their grants), one arrived ten days ago (first call due today) and one a month ago (first
call overdue), check-in schedules for the profiled returnees, and the morning's reminders for the demo
field officer (field.khogyani).

Everything goes through the services. A demo cannot wait weeks for a household to travel, so each movement
is dated back after it is registered (audited as such). Running it twice changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from core.audit import audit_record
from profiling.models import RETURNEE_STATUSES, Household

from . import services
from .models import MovementCase

MOVEMENTS = [
    # days since arrival, transport, departure grant, reinstallation grant
    (10, "truck", Decimal("6000"), Decimal("15000")),
    (30, "bus", Decimal("5000"), Decimal("15000")),
]


def load(demo) -> None:
    officer = demo.users.get("field.khogyani")
    if officer is None or "AF0608" not in demo.districts:
        return
    households = list(
        Household.objects.filter(
            organisation=demo.organisations["IOM"],
            submission_id__startswith="demo-household-",
            settlement__parent__pcode="AF0608",
            displacement_status__in=RETURNEE_STATUSES,
            duplicate_of__isnull=True,
        ).order_by("submission_id")
    )
    if len(households) < len(MOVEMENTS):
        return
    today = timezone.localdate()
    for household, (days, transport, departure, reinstallation) in zip(households, MOVEMENTS, strict=False):
        if MovementCase.objects.filter(household=household).exists():
            continue
        _movement(officer, household, today - datetime.timedelta(days=days), transport, departure, reinstallation)
    services.checkin_schedules_for_returnees(actor=None)
    services.checkin_reminders_send(actor=None, today=today)


def _movement(officer, household, arrived_on, transport, departure, reinstallation) -> None:
    origin = household.origin or household.settlement.parent
    movement = services.movement_register(
        actor=officer,
        household=household,
        intention="return",
        origin=origin,
        destination=household.settlement,
        barriers=household.return_barriers,
    )
    registered_on = arrived_on - datetime.timedelta(days=30)
    MovementCase.objects.filter(pk=movement.pk).update(registered_on=registered_on)
    audit_record(actor=None, action="demo.movement.dated_back", target=movement, after={"registered_on": registered_on})
    movement.refresh_from_db()
    services.movement_go_and_see(
        actor=officer,
        movement=movement,
        visited_on=registered_on + datetime.timedelta(days=7),
        findings="The house needs a new roof; the school and the clinic are open; elders welcome the return.",
        decision="proceed",
    )
    services.movement_depart(
        actor=officer,
        movement=movement,
        departed_on=arrived_on - datetime.timedelta(days=1),
        transport=transport,
        grant_amount=departure,
        currency="AFN",
    )
    services.movement_arrive(
        actor=officer,
        movement=movement,
        arrived_on=arrived_on,
        place=household.settlement,
        grant_amount=reinstallation,
        currency="AFN",
    )
