"""Factories for referrals: centres, directory entries, referrals, walk-ins and complaints.

``ReferralFactory`` and the others write rows directly (fast, for lists, counts and access tests); tests
of the consent gate and the workflow go through ``referrals.services``. ``grant(user, "view_sensitive")``
gives a user one of core's permissions.
"""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.models import Permission
from django.utils import timezone

from core.scoping import forget_scope
from core.tests.factories import OrganisationFactory, UserFactory
from referrals.models import (
    Complaint,
    FollowUp,
    Referral,
    ReferralEvent,
    ResourceCentre,
    Service,
    Visit,
)


def grant(user, *codenames: str):
    """Give ``user`` core permissions (``view_sensitive``, ``override_consent``, ``psea_focal_point``)."""
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="core", codename__in=codenames))
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(user, cache):
            delattr(user, cache)
    forget_scope(user)
    return user


class ResourceCentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceCentre
        django_get_or_create = ("organisation", "name")

    organisation = factory.SubFactory(OrganisationFactory, acronym="IOM")
    name = factory.Sequence(lambda n: f"CRC {n}")
    area = None
    opening_hours = "Sat-Wed 08:00-16:00"


class ServiceFactory(factory.django.DjangoModelFactory):
    """A directory entry; ``areas=[...]`` lists the areas covered."""

    class Meta:
        model = Service
        skip_postgeneration_save = True

    provider = factory.SubFactory(OrganisationFactory, acronym="NRC", partner=True)
    maintained_by = factory.SubFactory(OrganisationFactory, acronym="IOM")
    name = factory.Sequence(lambda n: f"Legal counselling {n}")
    sector = "PRO-HLP"
    contact_email = "referrals@example.org"

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.areas.set(extracted)


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral row of ``household`` (or of ``visit``) to ``service``, sent today unless told."""

    class Meta:
        model = Referral

    reference = factory.Sequence(lambda n: f"RF-TEST-{n:06d}")
    household = None
    visit = None
    organisation = factory.LazyAttribute(lambda o: o.household.organisation if o.household else o.visit.organisation)
    referred_from = factory.LazyAttribute(lambda o: o.organisation)
    area = factory.LazyAttribute(lambda o: o.household.settlement if o.household else o.visit.centre.area)
    client_name = factory.LazyAttribute(lambda o: o.household.head_name if o.household else o.visit.visitor_name)
    client_phone = factory.LazyAttribute(lambda o: o.household.phone if o.household else o.visit.visitor_phone)
    client_sex = "f"
    client_age_group = "18-59"
    service = None
    receiving_organisation = factory.LazyAttribute(lambda o: o.service.provider)
    sector = factory.LazyAttribute(lambda o: o.service.sector)
    reason = "Needs legal counselling on a land dispute."
    urgency = "normal"
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=10))
    sensitive = False
    status = "sent"
    consent_recorded = True
    referred_by = factory.SubFactory(UserFactory, role=None)

    class Params:
        overdue = factory.Trait(
            deadline=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=2)),
            sent_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=12)),
        )


class ReferralEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferralEvent

    referral = None
    kind = "feedback"
    note = "Client came for a first appointment."
    actor = factory.SubFactory(UserFactory, role=None)
    actor_organisation = factory.LazyAttribute(lambda o: o.referral.receiving_organisation)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    referral = None
    due_on = factory.LazyFunction(timezone.localdate)
    scheduled_by = factory.SubFactory(UserFactory, role=None)


class VisitFactory(factory.django.DjangoModelFactory):
    """A walk-in at ``centre``, today; a quick walk-in (visitor details) unless ``household`` is given."""

    class Meta:
        model = Visit

    organisation = factory.LazyAttribute(lambda o: o.centre.organisation)
    centre = None
    household = None
    visitor_name = factory.LazyAttribute(lambda o: "" if o.household else "Walk-in Visitor")
    visitor_sex = "f"
    visitor_age_group = "18-59"
    purposes = factory.LazyFunction(lambda: ["information"])
    recorded_by = factory.SubFactory(UserFactory, role=None)


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    reference = factory.Sequence(lambda n: f"FC-TEST-{n:06d}")
    organisation = factory.SubFactory(OrganisationFactory, acronym="IOM")
    area = None
    kind = "complaint"
    channel = "help_desk"
    category = "eligibility"
    sensitive = factory.LazyAttribute(lambda o: o.category in ("psea", "staff_conduct", "fraud"))
    description = "Was told the family is not on the list although they registered."
    complainant_name = "Complainant Person"
    complainant_phone = "0799000111"
    received_on = factory.LazyFunction(timezone.localdate)
    due_on = factory.LazyAttribute(lambda o: o.received_on + datetime.timedelta(days=14))
    recorded_by = factory.SubFactory(UserFactory, role=None)
