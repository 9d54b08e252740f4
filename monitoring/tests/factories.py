"""Factories for monitoring: movements and check-ins written directly (fast, for lists, counts and access
tests); tests of the rules go through ``monitoring.services``."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from monitoring import rules
from monitoring.models import CheckIn, MovementCase, MovementStatus


class MovementFactory(factory.django.DjangoModelFactory):
    """A registered movement of ``household`` back to its district; ``arrived=True`` for one that arrived."""

    class Meta:
        model = MovementCase

    reference = factory.Sequence(lambda n: f"MV-TEST-{n:06d}")
    household = None
    organisation = factory.LazyAttribute(lambda o: o.household.organisation)
    intention = "return"
    origin = factory.LazyAttribute(lambda o: o.household.settlement.parent)
    destination = factory.LazyAttribute(lambda o: o.household.settlement)
    caseworker = factory.LazyAttribute(lambda o: o.household.registered_by)
    registered_by = factory.LazyAttribute(lambda o: o.household.registered_by)
    registered_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))

    class Params:
        arrived = factory.Trait(
            status=MovementStatus.ARRIVED,
            departed_on=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10)),
            transport="bus",
            arrived_on=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=9)),
            arrival_place=factory.LazyAttribute(lambda o: o.household.settlement),
        )


class CheckInFactory(factory.django.DjangoModelFactory):
    """A check-in of ``household`` in ``wave``, due today unless ``due_on`` says otherwise."""

    class Meta:
        model = CheckIn

    household = None
    organisation = factory.LazyAttribute(lambda o: o.household.organisation)
    wave = factory.Sequence(lambda n: f"t{n}")
    arrived_on = factory.LazyAttribute(lambda o: o.due_on - datetime.timedelta(days=7))
    due_on = factory.LazyFunction(timezone.localdate)
    due_until = factory.LazyAttribute(lambda o: o.due_on + datetime.timedelta(days=7))
    assigned_to = factory.LazyAttribute(lambda o: o.household.registered_by)


def schedule_for(household, arrived_on: datetime.date, assigned_to) -> list[CheckIn]:
    """The full schedule of ``household`` as the services would write it."""
    return [
        CheckIn.objects.create(
            household=household,
            organisation=household.organisation,
            wave=due.wave,
            arrived_on=arrived_on,
            due_on=due.due_on,
            due_until=due.due_until,
            assigned_to=assigned_to,
        )
        for due in rules.schedule(arrived_on)
    ]
