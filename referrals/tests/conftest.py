"""Referrals fixtures: IOM's protection unit, the partners, directory entries, a CRC, households in Kaga
and users holding the sensitive, override and PSEA permissions."""

import pytest

from core.models import OrganisationKind, Role
from core.tests.factories import OrganisationFactory, UserFactory
from profiling.tests.factories import HouseholdFactory

from .factories import ResourceCentreFactory, ServiceFactory, grant


@pytest.fixture
def protection_unit(iom):
    return OrganisationFactory(
        acronym="IOM-PRO", name="IOM Protection Unit", kind=OrganisationKind.INTERNAL_UNIT, parent=iom
    )


@pytest.fixture
def unicef(db):
    return OrganisationFactory(acronym="UNICEF", name="United Nations Children's Fund")


@pytest.fixture
def brac(db):
    return OrganisationFactory(acronym="BRAC", name="BRAC", partner=True)


@pytest.fixture
def legal_aid(places, nrc, iom):
    """NRC's legal counselling (housing, land and property) covering Nangarhar."""
    return ServiceFactory(
        provider=nrc, maintained_by=iom, name="ICLA legal counselling", sector="PRO-HLP", areas=[places.nangarhar]
    )


@pytest.fixture
def case_management(places, protection_unit, iom):
    """IOM's own protection unit: a referral to it stays inside the organisation."""
    return ServiceFactory(
        provider=protection_unit, maintained_by=iom, name="Protection case management", sector="PRO", areas=[places.afg]
    )


@pytest.fixture
def child_protection(places, unicef, iom):
    """UNICEF's child protection case management: always sensitive."""
    return ServiceFactory(
        provider=unicef,
        maintained_by=iom,
        name="Child protection case management",
        sector="PRO-CPN",
        areas=[places.afg],
    )


@pytest.fixture
def livelihoods_injil(places, brac, iom):
    """BRAC livelihoods in Injil only: does not cover Khogyani."""
    return ServiceFactory(
        provider=brac, maintained_by=iom, name="Livelihoods grants", sector="ERY", areas=[places.injil]
    )


@pytest.fixture
def centre(places, iom):
    return ResourceCentreFactory(organisation=iom, name="Khogyani CRC", area=places.khogyani)


@pytest.fixture
def household(places, iom):
    """A household in Kaga (Khogyani) that agreed to everything."""
    return HouseholdFactory(organisation=iom, settlement=places.kaga, head_name="Bibi Hawa Ahmadzai", members=3)


@pytest.fixture
def household_without_consent(places, iom):
    return HouseholdFactory(
        organisation=iom, settlement=places.kaga, head_name="Gul Ahmad Safi", phone="0700555666", consents=False
    )


@pytest.fixture
def injil_household(places, iom):
    return HouseholdFactory(organisation=iom, settlement=places.karizak, head_name="Nasrin Rahimi")


@pytest.fixture
def sensitive_desk(places, iom):
    """A desk officer in Khogyani holding the sensitive-case permission."""
    user = UserFactory(username="desk.sensitive", role=Role.DESK_OFFICER, organisation=iom, areas=[places.khogyani])
    return grant(user, "view_sensitive")


@pytest.fixture
def supervisor(places, iom):
    """A manager of Khogyani who may override consent and sees sensitive cases."""
    user = UserFactory(username="manager.protection", role=Role.MANAGER, organisation=iom, areas=[places.khogyani])
    return grant(user, "override_consent", "view_sensitive")


@pytest.fixture
def unit_officer(places, protection_unit):
    """A caseworker of IOM's protection unit working in Khogyani."""
    return UserFactory(
        username="pro.caseworker", role=Role.FIELD_STAFF, organisation=protection_unit, areas=[places.khogyani]
    )


@pytest.fixture
def unicef_user(places, unicef):
    user = UserFactory(username="partner.unicef", role=Role.PARTNER, organisation=unicef, areas=[])
    return grant(user, "view_sensitive")


@pytest.fixture
def brac_user(places, brac):
    return UserFactory(username="partner.brac", role=Role.PARTNER, organisation=brac, areas=[])


@pytest.fixture
def psea_focal_point(places, iom):
    user = UserFactory(username="psea.focal", role=Role.MANAGER, organisation=iom, areas=[places.afg])
    return grant(user, "psea_focal_point")
