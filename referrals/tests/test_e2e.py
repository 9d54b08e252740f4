"""The desk's journey in a real browser at 360 px: a walk-in found by name, referred to NRC, answered by the
partner; every page readable at phone width, keyboard-usable controls and no serious axe-core violation."""

import pytest

from referrals.models import Referral, Visit
from tests.e2e import conftest as e2e

journey = e2e.journey  # a 360 px context with screenshots and axe-core, on the browser below


@pytest.fixture(scope="module")
def browser():
    """Chromium for this module only: closed before the other browser tests start their own."""
    import os
    from pathlib import Path

    if not Path(e2e.CHROMIUM).exists():
        pytest.skip(f"no Chromium at {e2e.CHROMIUM}")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=e2e.CHROMIUM, headless=True, args=e2e.CHROMIUM_ARGS)
        yield launched
        launched.close()


pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fits(journey, label):
    width = journey.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{label} scrolls sideways at 360 px ({width}px)"
    journey.shot(label)
    journey.assert_accessible()


def test_walk_in_referred_and_answered(
    journey, browser, live_server, desk_officer, partner_user, household, legal_aid, centre
):
    journey.login("desk.khogyani")
    _fits(journey, "home")

    journey.go("/referrals/walk-ins/new/")
    journey.page.fill("#id_q", "Bibi Hawa")
    journey.page.click("form.filters button[type=submit]")
    journey.page.wait_for_load_state()
    assert "Bibi" not in journey.page.url
    _fits(journey, "walk-in-search")
    journey.page.click("text=This household")
    journey.page.wait_for_load_state()
    journey.page.check("input[name=purposes][value=referral]")
    _fits(journey, "walk-in-form")
    journey.page.click("main form button[type=submit]")
    journey.page.wait_for_load_state()
    assert Visit.objects.filter(household=household).exists()

    journey.page.select_option("#id_service", str(legal_aid.pk))
    journey.page.fill("#id_reason", "Eviction notice from the landlord; rental agreement held.")
    journey.page.select_option("#id_urgency", "high")
    _fits(journey, "referral-form")
    journey.page.click("main form button[type=submit]")
    journey.page.wait_for_load_state()
    referral = Referral.objects.get()
    assert journey.page.url.endswith(f"/referrals/{referral.pk}/")
    _fits(journey, "referral-detail-desk")

    partner = browser.new_context(viewport={"width": 360, "height": 780}, bypass_csp=True, locale="en-GB")
    try:
        page = partner.new_page()
        journey.page = page
        journey.login("partner.nrc")
        journey.go("/referrals/inbox/")
        _fits(journey, "partner-inbox")
        page.click(f"text={referral.reference}")
        page.wait_for_load_state()
        page.fill("#id_reason", "Appointment on Sunday at 10:00.")
        page.click("button[name=verb][value=accept]")
        page.wait_for_load_state()
        _fits(journey, "referral-detail-partner")
    finally:
        partner.close()
    referral.refresh_from_db()
    assert referral.status == "accepted"
