"""A manager approves the target areas of a ranked targeting round, then reads the programme dashboard and
the figures by area, on a phone-sized screen; every page is screenshotted and checked with axe-core."""

import datetime

import pytest

from dashboards.tests.factories import build_programme
from targeting import services as targeting_services
from targeting.models import DtmSource, RoundStatus, TargetingRound
from targeting.tests.factories import ScoringModelFactory
from targeting.tests.samples import AFG_SETTLEMENT_COLUMNS, afg_settlement_rows, csv_bytes, table

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scored_round(manager, places, iom):
    from core.tests.factories import AdminAreaFactory

    AdminAreaFactory(pcode="AF0608S002", name="Mamakhel", parent=places.khogyani)
    dataset = targeting_services.dtm_dataset_import(
        actor=manager,
        data=csv_bytes(table(AFG_SETTLEMENT_COLUMNS, afg_settlement_rows())),
        file_name="bma_round16_settlements.csv",
        source=DtmSource.AFG_BASELINE,
        round_label="Round 16",
        reporting_date=datetime.date(2025, 6, 30),
    ).dataset
    model = ScoringModelFactory(organisation=iom, name="ABR districts", weights={"total": 2, "returnee_share": 1})
    round_ = targeting_services.round_create(
        actor=manager, name="2026 districts", area=places.afg, admin_level=2, scoring_model=model, datasets=[dataset]
    )
    return targeting_services.round_score(actor=manager, targeting_round=round_)


def test_manager_approves_target_areas_and_reads_the_dashboard(journey, manager, places, iom, scored_round):
    page = journey.page
    page.on("dialog", lambda dialog: dialog.accept())  # the approval asks for confirmation
    journey.login("manager")

    journey.go(f"/targeting/rounds/{scored_round.pk}/")
    journey.shot("ranked-round")
    journey.assert_accessible()
    row = page.locator("tr", has_text="AF0608").first
    row.locator("summary", has_text="Select").click()
    row.locator("textarea[name=rationale]").fill("Largest returnee caseload in Nangarhar")
    row.locator("button[type=submit]", has_text="Select").click()
    page.wait_for_load_state()
    assert "is selected" in page.locator("main").inner_text()
    journey.shot("khogyani-selected")

    page.fill("#id_rationale", "DTM round 16: arrivals and returnees")
    page.click("text=Approve the selection")
    page.wait_for_load_state()
    assert "Approved" in page.locator("main").inner_text()
    assert TargetingRound.objects.get(pk=scored_round.pk).status == RoundStatus.APPROVED
    journey.shot("round-approved")
    journey.assert_accessible()

    build_programme(places, iom)  # what field staff and partners recorded since (a small hand-counted programme)

    journey.go("/dashboards/")
    assert page.locator("h1").inner_text() == "Programme dashboard"
    results = page.locator("#results").inner_text()
    assert "SHL-01" in results
    assert page.locator("svg").count() >= 4
    journey.shot("dashboard")
    journey.assert_accessible()

    page.fill("#id_area", "AF06")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert "area=AF06" in page.url
    journey.shot("dashboard-nangarhar")
    journey.assert_accessible()

    journey.go("/dashboards/areas/")
    areas = page.locator("#areas").inner_text()
    assert "Khogyani" in areas
    assert "Injil" in areas
    journey.shot("figures-by-area")
    journey.assert_accessible()
