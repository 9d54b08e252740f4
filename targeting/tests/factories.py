"""Factories for targeting. ``TargetingRoundFactory(approved=True)`` and ``TargetAreaFactory(area=...)`` give
later stages approved target areas without running an import::

    TargetAreaFactory(area=places.khogyani)                      # an approved round of IOM selecting Khogyani
    TargetAreaFactory(area=places.injil, round=that_round)       # a second area in the same round
"""

import datetime
import hashlib

import factory
from django.utils import timezone

from core.models import AdminLevel
from core.tests.factories import AdminAreaFactory, OrganisationFactory
from targeting.models import (
    AreaScore,
    DtmDataset,
    DtmFigure,
    DtmSource,
    FigureUnit,
    PopulationGroup,
    RoundStatus,
    ScoringModel,
    TargetArea,
    TargetingRound,
)

IOM = {"acronym": "IOM", "name": "International Organization for Migration"}


class ScoringModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoringModel

    organisation = factory.SubFactory(OrganisationFactory, **IOM)
    name = factory.Sequence(lambda n: f"Area targeting {n}")
    version = 1
    weights = factory.LazyFunction(lambda: {"total": 2.0, "returnee_share": 1.0})


class DtmDatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DtmDataset

    organisation = factory.SubFactory(OrganisationFactory, **IOM)
    source = DtmSource.AFG_BASELINE
    round_label = factory.Sequence(lambda n: f"Round {n}")
    reporting_date = datetime.date(2025, 6, 30)
    admin_level = AdminLevel.ADMIN2
    country_code = "AFG"
    file_name = factory.LazyAttribute(lambda o: f"{o.round_label}.csv")
    file_sha256 = factory.Sequence(lambda n: hashlib.sha256(f"file {n}".encode()).hexdigest())


class DtmFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DtmFigure

    dataset = factory.SubFactory(DtmDatasetFactory)
    area = None
    population_group = PopulationGroup.ARRIVAL_IDPS
    unit = FigureUnit.INDIVIDUALS
    period = "2024"
    value = 100


class TargetingRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetingRound

    organisation = factory.SubFactory(OrganisationFactory, **IOM)
    name = factory.Sequence(lambda n: f"Targeting round {n}")
    area = factory.SubFactory(
        AdminAreaFactory, pcode="AFG", name="Afghanistan", level=AdminLevel.COUNTRY, country_code="AFG"
    )
    admin_level = AdminLevel.ADMIN2
    scoring_model = factory.SubFactory(ScoringModelFactory, organisation=factory.SelfAttribute("..organisation"))
    status = RoundStatus.DRAFT

    class Params:
        scored = factory.Trait(status=RoundStatus.SCORED, scored_at=factory.LazyFunction(timezone.now))
        approved = factory.Trait(
            status=RoundStatus.APPROVED,
            scored_at=factory.LazyFunction(timezone.now),
            approved_at=factory.LazyFunction(timezone.now),
            rationale="Highest returnee caseload in the region.",
        )


class AreaScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaScore

    round = factory.SubFactory(TargetingRoundFactory, scored=True)
    area = None
    score = 50
    rank = 1


class TargetAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetArea

    round = factory.SubFactory(TargetingRoundFactory, approved=True)
    area = None
    rationale = "Many returnees from Pakistan and IDPs in informal settlements."
