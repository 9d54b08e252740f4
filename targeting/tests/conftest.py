"""Fixtures of the targeting tests: an imported DTM settlement sheet and a scored round over it."""

import datetime

import pytest

from core.tests.factories import AdminAreaFactory
from targeting import services
from targeting.models import DtmSource

from .factories import ScoringModelFactory
from .samples import AFG_SETTLEMENT_COLUMNS, afg_settlement_rows, csv_bytes, table


@pytest.fixture
def mamakhel(places):
    return AdminAreaFactory(pcode="AF0608S002", name="Mamakhel", parent=places.khogyani)


@pytest.fixture
def dataset(manager, mamakhel):
    """The sample settlement sheet imported by the manager (Kaga, Karizak, Mamakhel; two unmatched rows)."""
    return services.dtm_dataset_import(
        actor=manager,
        data=csv_bytes(table(AFG_SETTLEMENT_COLUMNS, afg_settlement_rows())),
        file_name="bma_round16_settlements.csv",
        source=DtmSource.AFG_BASELINE,
        round_label="Round 16",
        reporting_date=datetime.date(2025, 6, 30),
    ).dataset


@pytest.fixture
def scoring_model(iom):
    return ScoringModelFactory(organisation=iom, name="ABR districts", weights={"total": 2, "returnee_share": 1})


@pytest.fixture
def scored_round(manager, places, dataset, scoring_model):
    round_ = services.round_create(
        actor=manager,
        name="2025 district targeting",
        area=places.afg,
        admin_level=2,
        scoring_model=scoring_model,
        datasets=[dataset],
    )
    return services.round_score(actor=manager, targeting_round=round_)


@pytest.fixture
def approved_round(manager, places, scored_round):
    services.target_area_select(
        actor=manager, targeting_round=scored_round, area=places.khogyani, rationale="Largest returnee caseload"
    )
    services.target_area_select(
        actor=manager, targeting_round=scored_round, area=places.injil, rationale="IDPs in informal sites"
    )
    return services.round_approve(actor=manager, targeting_round=scored_round, rationale="DTM round 16 evidence")
