import pytest

from core.models import Role
from core.tests.factories import OrganisationFactory, UserFactory
from targeting.models import RoundStatus

from .factories import TargetAreaFactory, TargetingRoundFactory


@pytest.fixture
def khogyani_target(places, iom):
    """An approved IOM target area in Khogyani (AF0608)."""
    return TargetAreaFactory(round=TargetingRoundFactory(organisation=iom), area=places.khogyani)


@pytest.fixture
def injil_target(places, iom):
    return TargetAreaFactory(round=TargetingRoundFactory(organisation=iom), area=places.injil)


@pytest.fixture
def unapproved_target(places, iom):
    """A target area of a round still in draft: nothing can be planned on it."""
    return TargetAreaFactory(round=TargetingRoundFactory(organisation=iom, status=RoundStatus.DRAFT), area=places.kaga)


@pytest.fixture
def other_org_target(places):
    other = OrganisationFactory(acronym="OTHER", name="Other Agency")
    return TargetAreaFactory(round=TargetingRoundFactory(organisation=other), area=places.khogyani)


@pytest.fixture
def khogyani_manager(places, iom):
    """A manager of Khogyani only."""
    return UserFactory(username="manager.khogyani", role=Role.MANAGER, organisation=iom, areas=[places.khogyani])
