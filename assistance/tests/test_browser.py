"""Assistance pages in a real browser at phone width (360 px): a field officer ticks everyone on a
distribution list and records the handover without leaving the page; pages pass axe-core and do not
scroll sideways. Uses the e2e fixtures (``browser``, ``journey``) and the machine's Chromium; skipped
where there is none."""

import pytest
from django.urls import reverse
from django.utils import timezone

from .factories import HouseholdFactory, RecordFactory, TargetFactory, activity, targeted

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _seeded(transactional_db):
    """Transactional tests empty every table between tests, seeded reference data included: seed it again."""
    from importlib import import_module

    from django.apps import apps

    import_module("assistance.migrations.0003_seed_activity_types_and_indicators").seed(apps, None)


def _fits(journey, label):
    width = journey.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{label} scrolls sideways at 360 px ({width}px)"


def test_field_officer_records_a_distribution_on_a_phone(journey, places, iom, field_officer, manager):
    targeted(places.khogyani, iom)
    kit = activity("shl-winterization-kit")
    for i in range(4):
        household = HouseholdFactory(settlement=places.kaga, head_name=f"Head of household number {i}")
        RecordFactory(household=household, activity_type=kit, approved=True, planned_date=timezone.localdate())
    journey.login("field.khogyani")
    journey.go(reverse("assistance:distribution", args=[kit.pk, "AF0608S001"]))
    journey.shot("distribution")
    journey.assert_accessible()
    _fits(journey, "the distribution page")
    page = journey.page
    page.check("input[data-check-all]")
    assert page.locator("input[name=records]:checked").count() == 4
    page.click("text=Record the ticked households as delivered")
    page.wait_for_selector("text=4 deliveries recorded.")
    assert page.url.endswith(reverse("assistance:distribution", args=[kit.pk, "AF0608S001"]))  # no page change
    assert page.locator("text=Nobody is waiting for this activity here").count() == 1
    journey.shot("distribution-recorded")
    journey.assert_accessible()


def test_manager_pages_fit_a_phone(journey, places, iom, manager):
    targeted(places.khogyani, iom)
    household = HouseholdFactory(settlement=places.kaga)
    RecordFactory(household=household, activity_type=activity("shl-repair"), delivered=True)
    target = TargetFactory(area=places.khogyani, organisation=iom)
    journey.login("manager")
    for label, url in (
        ("assistance list", reverse("assistance:record_list")),
        ("list builder", reverse("assistance:list_build")),
        ("targets", reverse("assistance:indicator_list")),
        ("target detail", reverse("assistance:target_detail", args=[target.pk])),
    ):
        journey.go(url)
        journey.shot(label)
        journey.assert_accessible()
        _fits(journey, label)
