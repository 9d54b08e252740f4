"""Factories for assistance: target areas, households with members (written directly with the ORM),
programmes, records, projects and targets.

``targeted(area, organisation)`` approves a target area the way targeting does; ``HouseholdFactory``
writes a household with a head; ``MemberFactory`` adds people; ``RecordFactory(delivered=True)`` writes a
delivered record with its repeat window, bypassing the services (for lists, counts and access tests).
"""

from __future__ import annotations

import datetime

import factory

from assistance import rules
from assistance.models import (
    ActivityType,
    AssistanceRecord,
    CommunityProject,
    Indicator,
    IndicatorTarget,
    Programme,
    ProjectStatus,
    ProjectType,
    RecordStatus,
)
from core.tests.factories import OrganisationFactory, UserFactory
from profiling.models import DisplacementStatus, Household, Member, Relationship, ShelterType
from profiling.tests.factories import targeted  # noqa: F401 - re-exported for assistance tests


def activity(code: str) -> ActivityType:
    """A seeded activity type by its code (``shl-repair``, ``ery-apprenticeship``, ``grant-departure``…)."""
    _reference_rows()
    return ActivityType.objects.get(code=code)


def indicator(code: str) -> Indicator:
    _reference_rows()
    return Indicator.objects.get(code=code)


def _reference_rows() -> None:
    """A test after a transactional test finds the tables flushed of the migration's reference rows."""
    if not ActivityType.objects.exists():
        from assistance.reference import reference_data_ensure

        reference_data_ensure()


class HouseholdFactory(factory.django.DjangoModelFactory):
    """A household row with its head (``HouseholdFactory(settlement=kaga, returnee=True, head__sex="f")``)."""

    class Meta:
        model = Household
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory, acronym="IOM")
    reference = factory.Sequence(lambda n: f"HH-{n:07d}")
    settlement = None
    displacement_status = DisplacementStatus.IDP
    shelter_type = ShelterType.RENTED
    head_name = factory.Sequence(lambda n: f"Head of household {n}")
    size = 1
    vulnerability_band = "high"
    registered_by = factory.SubFactory(UserFactory, role=None)

    class Params:
        returnee = factory.Trait(displacement_status=DisplacementStatus.RETURNEE_ABROAD)

    @factory.post_generation
    def head(self, create, extracted, **kwargs):
        """The head member (``head__sex="f"``, ``head__born=date``, ``head__disability=True``); ``head=False``: none."""
        if not create or extracted is False:
            return
        Member.objects.create(
            household=self,
            name=self.head_name,
            sex=kwargs.get("sex", "m"),
            date_of_birth=kwargs.get("born", datetime.date(1980, 5, 1)),
            relationship=Relationship.HEAD,
            has_disability=kwargs.get("disability", False),
        )


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"Member {n}")
    sex = "f"
    date_of_birth = datetime.date(2010, 1, 1)
    relationship = Relationship.CHILD
    has_disability = False


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    organisation = factory.SubFactory(OrganisationFactory, acronym="IOM")
    code = factory.Sequence(lambda n: f"prog-{n}")
    name = factory.Sequence(lambda n: f"Programme {n}")
    start_date = datetime.date(2026, 1, 1)
    end_date = datetime.date(2027, 12, 31)


class RecordFactory(factory.django.DjangoModelFactory):
    """An assistance record written directly. ``delivered=True`` sets the date and the repeat window."""

    class Meta:
        model = AssistanceRecord

    household = factory.SubFactory(HouseholdFactory)
    member = None
    activity_type = factory.LazyFunction(lambda: activity("shl-nfi-kit"))
    status = RecordStatus.PLANNED
    planned_date = datetime.date(2026, 3, 1)
    implementing_organisation = factory.LazyAttribute(lambda o: o.household.organisation)
    planned_by = factory.SubFactory(UserFactory, role=None)

    class Params:
        delivered = factory.Trait(
            status=RecordStatus.DELIVERED,
            delivered_on=datetime.date(2026, 3, 1),
            blocked_until=factory.LazyAttribute(
                lambda o: rules.blocked_until(o.delivered_on, o.activity_type.repeat_window_days)
            ),
        )
        approved = factory.Trait(status=RecordStatus.APPROVED)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityProject

    organisation = factory.SubFactory(OrganisationFactory, acronym="IOM")
    reference = factory.Sequence(lambda n: f"PRJ-{n:05d}")
    name = factory.Sequence(lambda n: f"Project {n}")
    project_type = ProjectType.WATER_POINT
    sector = "WSH"
    area = None
    implementing_organisation = factory.LazyAttribute(lambda o: o.organisation)
    created_by = factory.SubFactory(UserFactory, role=None)

    class Params:
        completed = factory.Trait(
            status=ProjectStatus.COMPLETED, progress_percent=100, completed_on=datetime.date(2026, 4, 1)
        )


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorTarget

    organisation = factory.SubFactory(OrganisationFactory, acronym="IOM")
    indicator = factory.LazyFunction(lambda: indicator("SHL-01"))
    area = None
    period_start = datetime.date(2026, 1, 1)
    period_end = datetime.date(2026, 12, 31)
    target = 100
    created_by = factory.SubFactory(UserFactory, role=None)
