"""Factories for community planning, and for the approved targeting rounds and target areas a plan needs.

Targeting is built in its own stage; these create approved rounds and target areas directly with the
ORM: ``TargetAreaFactory(area=places.khogyani)`` is an approved IOM target area in Khogyani.
"""

import datetime

import factory

from caps.models import (
    Action,
    ActionStatus,
    Council,
    CouncilMember,
    CouncilRole,
    ParticipantGroup,
    Plan,
    PlanStatus,
    Priority,
    Sector,
    Sex,
    Workshop,
    WorkshopParticipation,
)
from core.tests.factories import UserFactory
from targeting.models import RoundStatus
from targeting.tests import factories as targeting_factories
from targeting.tests.factories import TargetAreaFactory


class TargetingRoundFactory(targeting_factories.TargetingRoundFactory):
    """An approved round by default (``status=RoundStatus.DRAFT`` for one that is not): plans need one."""

    status = RoundStatus.APPROVED


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council

    target_area = factory.SubFactory(TargetAreaFactory)
    name = factory.Sequence(lambda n: f"Community Development Council {n}")
    created_by = factory.SubFactory(UserFactory, role=None)


class CouncilMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilMember

    council = factory.SubFactory(CouncilFactory)
    name = factory.Faker("name")
    sex = Sex.FEMALE
    role = CouncilRole.MEMBER


class WorkshopFactory(factory.django.DjangoModelFactory):
    """A workshop; ``participation={"idp": (women, men)}`` sets the counts (default: 5 IDP women, 10 men)."""

    class Meta:
        model = Workshop
        skip_postgeneration_save = True

    target_area = factory.SubFactory(TargetAreaFactory)
    held_on = datetime.date(2026, 3, 1)
    place = factory.Sequence(lambda n: f"Community hall {n}")
    facilitators = "Farida Ahmadzai (IOM)"
    created_by = factory.SubFactory(UserFactory, role=None)

    @factory.post_generation
    def participation(self, create, extracted, **kwargs):
        if not create:
            return
        counts = extracted if extracted is not None else {ParticipantGroup.IDP: (5, 10)}
        WorkshopParticipation.objects.bulk_create(
            WorkshopParticipation(workshop=self, group=g, women=w, men=m) for g, (w, m) in counts.items()
        )


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    target_area = factory.SubFactory(TargetAreaFactory)
    title = factory.Sequence(lambda n: f"Community action plan {n}")
    period_start = factory.Sequence(lambda n: datetime.date(2000 + n % 90, 1, 1))
    period_end = factory.LazyAttribute(lambda o: o.period_start.replace(month=12, day=31))
    status = PlanStatus.DRAFT
    created_by = factory.SubFactory(UserFactory, role=None)


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    plan = factory.SubFactory(PlanFactory)
    sector = Sector.WSH
    title = factory.Sequence(lambda n: f"Priority {n}")
    position = factory.Sequence(lambda n: n + 1)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    priority = factory.SubFactory(PriorityFactory)
    description = factory.Sequence(lambda n: f"Action {n}")
    responsible_other = "Community Development Council"
    budget = 1000
    currency = "AFN"
    status = ActionStatus.PLANNED


def complete_plan(*, actor, target_area, priorities=((10, None), (5, None)), **plan_values):
    """A draft plan made through the services: one priority per (votes, rank), each with one action."""
    from caps import services

    values = {
        "title": "Khogyani community action plan",
        "period_start": datetime.date(2026, 4, 1),
        "period_end": datetime.date(2027, 3, 31),
        **plan_values,
    }
    plan = services.plan_create(actor=actor, target_area=target_area, **values)
    for index, (votes, rank) in enumerate(priorities, start=1):
        priority = services.priority_add(
            actor=actor, plan=plan, sector=Sector.WSH, title=f"Priority {index}", votes=votes, rank=rank
        )
        services.action_add(
            actor=actor,
            priority=priority,
            description=f"Action for priority {index}",
            responsible_other="CDC",
            budget=1000 * index,
            currency="AFN",
        )
    plan.refresh_from_db()
    return plan
