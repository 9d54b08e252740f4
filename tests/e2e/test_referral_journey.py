"""A CRC desk officer logs a walk-in and refers a member with consent; the partner (NRC) accepts it.

The consent gate is seen in the browser: the first attempt, with no referral consent on record, is refused
with a message saying what is missing; the consent is then recorded at the desk and the referral goes.
Every page is checked with axe-core and left as a screenshot.
"""

import pytest

from profiling.models import Consent, ConsentPurpose
from profiling.tests.factories import HouseholdFactory
from referrals.models import Referral, Visit
from referrals.tests.factories import ResourceCentreFactory, ServiceFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def household(places, iom):
    """A household in Kaga with three members that agreed to be registered, not yet to be referred."""
    registered = HouseholdFactory(
        organisation=iom, settlement=places.kaga, head_name="Bibi Hawa Ahmadzai", phone="0700123456", members=3
    )
    Consent.objects.filter(
        household=registered, purpose__in=[ConsentPurpose.REFERRAL, ConsentPurpose.PARTNER_SHARING]
    ).delete()
    return registered


@pytest.fixture
def centre(places, iom):
    return ResourceCentreFactory(organisation=iom, name="Khogyani CRC", area=places.khogyani)


@pytest.fixture
def legal_aid(places, nrc, iom):
    return ServiceFactory(
        provider=nrc, maintained_by=iom, name="ICLA legal counselling", sector="PRO-HLP", areas=[places.nangarhar]
    )


def _check(journey, label):
    width = journey.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{label}: the page scrolls sideways at 360 px ({width}px)"
    journey.shot(label)
    journey.assert_accessible()


def _submit(page, selector="main form:not(.filters) button[type=submit]"):
    with page.expect_navigation():
        page.click(selector)
    page.wait_for_load_state()


def test_desk_refers_a_member_with_consent_and_the_partner_accepts(
    journey, browser, desk_officer, partner_user, household, centre, legal_aid
):
    page = journey.page
    member = household.members.exclude(relationship="head").order_by("pk").first()

    # The desk officer signs in and opens the walk-in log.
    journey.login("desk.khogyani")
    assert page.locator("h1").inner_text().startswith("Welcome")
    _check(journey, "desk-home")
    journey.go("/referrals/walk-ins/")
    _check(journey, "walk-ins-today")
    page.click("main a.button:has-text('Log a walk-in')")
    page.wait_for_load_state()

    # Find the household by name; the name never lands in the address.
    page.fill("#id_q", "Bibi Hawa")
    _submit(page, "form.filters button[type=submit]")
    assert "Bibi" not in page.url
    assert household.reference in page.locator("main table").inner_text()
    _check(journey, "walk-in-household-found")
    page.click("main a:has-text('This household')")
    page.wait_for_load_state()

    # The member who came, here for a referral.
    page.select_option("#id_member", str(member.pk))
    page.check("input[name=purposes][value=referral]")
    _check(journey, "walk-in-form")
    _submit(page)
    visit = Visit.objects.get(household=household)
    assert visit.member == member
    assert "visit=" in page.url

    # The referral form shows the consent on record: nothing yet for referral or partner sharing.
    consent_panel = page.locator("section[aria-labelledby=h-consent]").inner_text()
    assert consent_panel.count("not recorded") == 2, consent_panel
    assert page.input_value("#id_member") == str(member.pk)
    page.select_option("#id_service", str(legal_aid.pk))
    page.fill("#id_reason", "Eviction notice from the landlord; rental agreement held.")
    page.select_option("#id_urgency", "high")
    _check(journey, "referral-form")

    # First attempt without consent: refused, saying which consent is missing; nothing sent.
    _submit(page)
    assert not Referral.objects.exists()
    refusal = page.locator("section[aria-labelledby=h-consent] [role=alert]")
    assert refusal.is_visible()
    assert "No consent recorded for: Referral to other services, Sharing with partner organisations." in (
        refusal.inner_text()
    )
    assert page.input_value("#id_reason").startswith("Eviction notice")  # what was typed is kept
    _check(journey, "referral-refused-without-consent")

    # The person agrees; the desk officer records it and the referral goes.
    refusal.locator("a").click()
    page.check("#id_consent_given_now")
    _submit(page)
    referral = Referral.objects.get()
    assert referral.member == member
    assert referral.receiving_organisation.acronym == "NRC"
    assert referral.consent_recorded
    assert set(household.consents.filter(given=True).values_list("purpose", flat=True)) >= {
        ConsentPurpose.REFERRAL,
        ConsentPurpose.PARTNER_SHARING,
    }
    assert page.url.split("#")[0].endswith(f"/referrals/{referral.pk}/")  # a redirect keeps the fragment
    assert f"Referral {referral.reference} sent." in page.locator("body").inner_text()
    assert "Sent" in page.locator("main .badge.status-sent").inner_text()
    _check(journey, "referral-sent")

    # The partner signs in, in a browser of its own, and finds the referral addressed to NRC.
    partner = browser.new_context(viewport={"width": 360, "height": 780}, bypass_csp=True, locale="en-GB")
    desk_page = page
    try:
        journey.page = page = partner.new_page()
        page.set_default_timeout(15_000)
        journey.login("partner.nrc")
        journey.go("/referrals/inbox/")
        inbox = page.locator("main table").inner_text()
        assert referral.reference in inbox
        assert member.name in inbox
        _check(journey, "partner-inbox")
        page.click(f"main a:has-text('{referral.reference}')")
        page.wait_for_load_state()
        assert "Norwegian Refugee Council" in page.locator("main").inner_text()
        _check(journey, "partner-referral")
        page.fill("#id_reason", "Appointment on Sunday at 10:00.")
        _submit(page, "button[name=verb][value=accept]")
        assert "Accepted" in page.locator("main .badge.status-accepted").inner_text()
        _check(journey, "partner-accepted")
    finally:
        partner.close()
        journey.page = page = desk_page
    referral.refresh_from_db()
    assert referral.status == "accepted"

    # Back at the desk: the list and the referral show the partner's answer.
    journey.go("/referrals/")
    row = page.locator("main tbody tr", has_text=referral.reference)
    assert "Accepted" in row.inner_text()
    _check(journey, "desk-list-accepted")
    page.click(f"main a:has-text('{referral.reference}')")
    page.wait_for_load_state()
    assert "Accepted" in page.locator("main .badge.status-accepted").inner_text()
    assert "Appointment on Sunday at 10:00." in page.locator("main .timeline").inner_text()
    _check(journey, "desk-referral-accepted")
