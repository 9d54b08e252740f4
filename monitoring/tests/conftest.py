"""Monitoring fixtures: a returnee household in Kaga registered by the Khogyani field officer, and a
protection service covering Nangarhar for risks found on calls."""

import pytest

from profiling.tests.factories import HouseholdFactory
from referrals.tests.factories import ServiceFactory


@pytest.fixture
def household(places, iom, field_officer):
    return HouseholdFactory(
        organisation=iom,
        settlement=places.kaga,
        head_name="Bibi Hawa Ahmadzai",
        members=3,
        returnee=True,
        registered_by=field_officer,
        origin=places.khogyani,
    )


@pytest.fixture
def protection(places, iom):
    from core.models import OrganisationKind
    from core.tests.factories import OrganisationFactory

    unit = OrganisationFactory(
        acronym="IOM-PRO", name="IOM Protection Unit", kind=OrganisationKind.INTERNAL_UNIT, parent=iom
    )
    return ServiceFactory(
        provider=unit, maintained_by=iom, name="Protection case management", sector="PRO", areas=[places.nangarhar]
    )
