"""Fixtures of the assistance tests: approved target areas for IOM in Khogyani and Injil, a second
manager (lists are approved by someone other than their builder), and a donor."""

import pytest

from core.models import OrganisationKind, Role
from core.tests.factories import OrganisationFactory, UserFactory

from .factories import targeted


@pytest.fixture
def target_areas(places, iom):
    return [targeted(places.khogyani, iom), targeted(places.injil, iom)]


@pytest.fixture
def second_manager(places, iom):
    return UserFactory(username="manager.two", role=Role.MANAGER, organisation=iom, areas=[places.nangarhar])


@pytest.fixture
def donor(db):
    return OrganisationFactory(acronym="EU", name="European Union", kind=OrganisationKind.DONOR)


@pytest.fixture
def other_org(db):
    return OrganisationFactory(acronym="OTHER", name="Other Agency")
