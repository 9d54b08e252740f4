"""Factories for core: places, organisations and users with a membership (``UserFactory(role=..., areas=[...])``)."""

import factory
from django.contrib.auth import get_user_model

from core.models import AdminArea, AdminLevel, Membership, Organisation, OrganisationKind, Role

User = get_user_model()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("acronym",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    acronym = factory.Sequence(lambda n: f"ORG{n}")
    kind = OrganisationKind.UN_AGENCY

    class Params:
        partner = factory.Trait(kind=OrganisationKind.INGO)
        unit = factory.Trait(
            kind=OrganisationKind.INTERNAL_UNIT,
            parent=factory.SubFactory("core.tests.factories.OrganisationFactory"),
        )


class AdminAreaFactory(factory.django.DjangoModelFactory):
    """An area under ``parent`` (or a country). Use ``get_or_create`` semantics on the P-code."""

    class Meta:
        model = AdminArea
        django_get_or_create = ("pcode",)

    pcode = factory.Sequence(lambda n: f"ZZ{n:04d}")
    name = factory.Sequence(lambda n: f"Place {n}")
    level = factory.LazyAttribute(lambda o: (o.parent.level + 1) if o.parent else AdminLevel.COUNTRY)
    parent = None
    country_code = factory.LazyAttribute(lambda o: o.parent.country_code if o.parent else o.pcode[:3])


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a membership. ``role`` (None for no membership), ``organisation`` and ``areas`` shape
    what they may see: ``UserFactory(role=Role.MANAGER, areas=[khogyani])``."""

    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("correct horse battery")
    role = Role.FIELD_STAFF
    organisation = factory.SubFactory(
        OrganisationFactory, acronym="IOM", name="International Organization for Migration"
    )
    areas = ()

    @classmethod
    def _create(cls, model_class, *args, role, organisation, areas, **kwargs):
        user = super()._create(model_class, *args, **kwargs)
        if role is not None:
            membership = Membership.objects.create(user=user, organisation=organisation, role=role)
            membership.areas.set(areas)
        return user
