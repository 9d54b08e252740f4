"""Builders of dashboard test data, shared by the app's tests and the browser journey."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from assistance.tests.factories import HouseholdFactory, MemberFactory, ProjectFactory, RecordFactory, TargetFactory
from assistance.tests.factories import activity as activity_type
from assistance.tests.factories import indicator as indicator_by_code
from caps.models import PlanStatus
from caps.tests.factories import PlanFactory, PriorityFactory
from core.tests.factories import OrganisationFactory
from profiling.models import DisplacementStatus, Relationship
from profiling.tests.factories import targeted
from referrals.tests.factories import ReferralFactory, ServiceFactory
from targeting.models import PopulationGroup
from targeting.tests.factories import DtmDatasetFactory, DtmFigureFactory


@dataclass
class Programme:
    hh1: object
    hh2: object
    hh3: object
    hh4: object
    other: object


def _household(settlement, organisation, *, status=DisplacementStatus.IDP, head_sex="m", head_born=None):
    return HouseholdFactory(
        settlement=settlement,
        organisation=organisation,
        displacement_status=status,
        head__sex=head_sex,
        head__born=head_born or datetime.date(1980, 5, 1),
    )


def build_programme(places, iom) -> Programme:
    """The hand-counted programme of the table in conftest.py."""
    repair = activity_type("shl-repair")
    kaga, karizak = places.kaga, places.karizak
    hh1 = _household(kaga, iom)
    girl = {"sex": "f", "date_of_birth": datetime.date(2015, 2, 1), "has_disability": True}
    MemberFactory(household=hh1, relationship=Relationship.CHILD, **girl)
    RecordFactory(household=hh1, activity_type=repair, delivered=True, delivered_on=datetime.date(2026, 3, 1))
    hh2 = _household(
        kaga, iom, status=DisplacementStatus.RETURNEE_ABROAD, head_sex="f", head_born=datetime.date(1990, 1, 1)
    )
    MemberFactory(household=hh2, sex="m", date_of_birth=datetime.date(2020, 6, 1), relationship=Relationship.CHILD)
    RecordFactory(
        household=hh2,
        member=hh2.members.get(relationship=Relationship.HEAD),
        activity_type=activity_type("ery-apprenticeship"),
        delivered=True,
        delivered_on=datetime.date(2026, 3, 10),
    )
    hh3 = _household(karizak, iom, head_born=datetime.date(1950, 1, 1))
    RecordFactory(household=hh3, activity_type=repair, delivered=True, delivered_on=datetime.date(2026, 4, 5))
    hh4 = _household(kaga, iom, status=DisplacementStatus.HOST)
    RecordFactory(household=hh4, activity_type=activity_type("shl-nfi-kit"))
    other_agency = OrganisationFactory(acronym="OTHER", name="Other Agency")
    other = _household(kaga, other_agency)
    RecordFactory(household=other, activity_type=repair, delivered=True, delivered_on=datetime.date(2026, 3, 1))

    ProjectFactory(
        organisation=iom,
        area=kaga,
        completed=True,
        households_reached=4,
        reached_f_18_59=3,
        reached_m_0_5=2,
    )
    shelter = indicator_by_code("SHL-01")
    TargetFactory(organisation=iom, indicator=shelter, area=places.nangarhar, target=10)
    TargetFactory(organisation=iom, indicator=shelter, area=places.herat, target=5)

    service = ServiceFactory(maintained_by=iom)
    ReferralFactory(household=hh1, service=service)
    ReferralFactory(household=hh2, service=service, overdue=True)
    ReferralFactory(household=hh3, service=service, status="closed")

    dataset = DtmDatasetFactory(organisation=iom)
    idps, returnees = PopulationGroup.ARRIVAL_IDPS, PopulationGroup.RETURNEES_ABROAD
    DtmFigureFactory(dataset=dataset, area=places.khogyani, population_group=idps, value=1200)
    DtmFigureFactory(dataset=dataset, area=places.khogyani, population_group=returnees, value=300)
    DtmFigureFactory(dataset=dataset, area=places.injil, population_group=idps, value=50)

    target_area = targeted(places.khogyani, iom)
    plan = PlanFactory(target_area=target_area, status=PlanStatus.APPROVED)
    PriorityFactory(plan=plan)
    PriorityFactory(plan=plan)
    return Programme(hh1=hh1, hh2=hh2, hh3=hh3, hh4=hh4, other=other)


def grow(places, organisation, n: int) -> None:
    """``n`` more assisted households with members, referrals and projects: for query-count tests."""
    repair = activity_type("shl-repair")
    service = ServiceFactory(maintained_by=organisation)
    for index in range(n):
        settlement = places.kaga if index % 2 else places.karizak
        household = _household(settlement, organisation)
        MemberFactory(household=household)
        day = datetime.date(2026, 5, 1 + index % 20)
        RecordFactory(household=household, activity_type=repair, delivered=True, delivered_on=day)
        ReferralFactory(household=household, service=service)
        ProjectFactory(organisation=organisation, area=settlement, completed=True, reached_f_6_17=index)
