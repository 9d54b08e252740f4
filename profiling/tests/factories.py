"""Factories for profiling: approved target areas to register in, households with members and consents.

``targeted(area, organisation)`` opens an area for registration the way targeting does once a manager
has approved a round. ``HouseholdFactory`` writes rows directly (fast, for lists and access tests);
tests of the registration rules go through ``services.household_register``.
"""

from __future__ import annotations

import datetime

import factory

from core.models import AdminArea, Organisation
from core.tests.factories import OrganisationFactory, UserFactory
from profiling import services
from profiling.models import (
    CommunityAssessment,
    Consent,
    ConsentPurpose,
    DisplacementStatus,
    Facility,
    Household,
    LegalBasis,
    Member,
    Relationship,
    ShelterType,
)
from targeting.models import RoundStatus, TargetArea
from targeting.tests.factories import TargetAreaFactory, TargetingRoundFactory


def targeted(area: AdminArea, organisation: Organisation, *, status: str = RoundStatus.APPROVED) -> TargetArea:
    """An approved targeting round of ``organisation`` (ranked within the area's country) that selected ``area``."""
    country = area
    while country.parent_id is not None:
        country = country.parent
    targeting_round = TargetingRoundFactory(
        organisation=organisation, area=country, status=status, name=f"Round for {area.pcode}"
    )
    return TargetAreaFactory(round=targeting_round, area=area, rationale="High returnee share")


class HouseholdFactory(factory.django.DjangoModelFactory):
    """A household row with its head (``HouseholdFactory(returnee=True, members=3)``)."""

    class Meta:
        model = Household
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory, acronym="IOM")
    reference = factory.Sequence(lambda n: f"HH-{n:07d}")
    settlement = None
    displacement_status = DisplacementStatus.IDP
    shelter_type = ShelterType.RENTED
    head_name = factory.Faker("name")
    head_date_of_birth = datetime.date(1980, 5, 1)
    phone = factory.Sequence(lambda n: f"0700{n:06d}")
    phone_key = factory.LazyAttribute(lambda o: o.phone[-9:])
    size = 1
    registered_by = factory.SubFactory(UserFactory, role=None)

    class Params:
        returnee = factory.Trait(displacement_status=DisplacementStatus.RETURNEE_ABROAD)
        critical = factory.Trait(shelter_type=ShelterType.TENT)

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if not create:
            return
        Member.objects.create(
            household=self,
            name=self.head_name,
            sex="m",
            date_of_birth=self.head_date_of_birth,
            relationship=Relationship.HEAD,
        )
        for i in range((extracted or 1) - 1):
            Member.objects.create(
                household=self,
                name=f"Child {i + 1} of {self.head_name}",
                sex="f" if i % 2 else "m",
                date_of_birth=datetime.date(2015 + i % 8, 1, 1),
                relationship=Relationship.CHILD,
            )
        self.size = extracted or 1
        self.save(update_fields=["size"])

    @factory.post_generation
    def consents(self, create, extracted, **kwargs):
        if not create:
            return
        given = extracted if extracted is not None else True
        for purpose in ConsentPurpose.values:
            Consent.objects.create(
                household=self,
                purpose=purpose,
                given=given,
                legal_basis=LegalBasis.CONSENT,
                recorded_by=self.registered_by,
            )


def household_input(settlement: AdminArea, **overrides) -> services.HouseholdInput:
    values = {
        "settlement": settlement,
        "displacement_status": DisplacementStatus.RETURNEE_ABROAD,
        "shelter_type": ShelterType.RENTED,
        "arrival_date": datetime.date(2024, 3, 1),
        "phone": "+93 700 123 456",
        "intention": "stay",
        "return_barriers": ["housing_destroyed", "explosive_hazards"],
    }
    values.update(overrides)
    return services.HouseholdInput(**values)


def member_input(name="Gul Ahmad", sex="m", relationship="head", **overrides) -> services.MemberInput:
    values = {"name": name, "sex": sex, "relationship": relationship, "date_of_birth": datetime.date(1978, 4, 2)}
    values.update(overrides)
    return services.MemberInput(**values)


def consents_input(*, given: bool = True, basis: str = LegalBasis.CONSENT) -> list[services.ConsentInput]:
    return [services.ConsentInput(purpose=p, given=given, legal_basis=basis) for p in ConsentPurpose.values]


def register(actor, settlement, *, members=None, acknowledged=None, **overrides) -> Household:
    """Register through the service with sensible defaults."""
    return services.household_register(
        actor=actor,
        data=household_input(settlement, **overrides),
        members=members if members is not None else [member_input()],
        consents=consents_input(),
        acknowledged_duplicates=acknowledged,
    )


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityAssessment

    organisation = factory.SubFactory(OrganisationFactory, acronym="IOM")
    target_area = None
    area = factory.LazyAttribute(lambda o: o.target_area.area)
    kind = "fgd"
    held_on = datetime.date(2024, 5, 2)
    title = factory.Sequence(lambda n: f"Women's FGD {n}")
    participants_female = 9
    participants_male = 0
    findings = "Water points broken since spring; girls do not attend school past grade 6."
    recorded_by = factory.SubFactory(UserFactory, role=None)


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    organisation = factory.SubFactory(OrganisationFactory, acronym="IOM")
    target_area = None
    area = factory.LazyAttribute(lambda o: o.target_area.area)
    name = factory.Sequence(lambda n: f"Basic health centre {n}")
    facility_type = "health_centre"
    sector = "HEA"
    status = "functioning"
    verified_on = datetime.date(2024, 5, 2)
    recorded_by = factory.SubFactory(UserFactory, role=None)
