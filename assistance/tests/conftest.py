"""Fixtures of the assistance tests: approved target areas for IOM in Khogyani and Injil, a second
manager (lists are approved by someone other than their builder), and a donor."""

import os
from pathlib import Path

import pytest

from core.models import OrganisationKind, Role
from core.tests.factories import OrganisationFactory, UserFactory

from .factories import targeted


@pytest.fixture
def target_areas(places, iom):
    return [targeted(places.khogyani, iom), targeted(places.injil, iom)]


@pytest.fixture
def second_manager(places, iom):
    return UserFactory(username="manager.two", role=Role.MANAGER, organisation=iom, areas=[places.nangarhar])


@pytest.fixture
def donor(db):
    return OrganisationFactory(acronym="EU", name="European Union", kind=OrganisationKind.DONOR)


@pytest.fixture
def other_org(db):
    return OrganisationFactory(acronym="OTHER", name="Other Agency")


# --- browser journeys (test_browser.py) --------------------------------------------------------------
# The same Chromium and Journey helper as tests/e2e, with a browser that lives for one module only: the
# e2e suite starts its own, and two Playwright instances cannot run at once.


@pytest.fixture(scope="module")
def browser():
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def journey(browser, live_server, request):
    """A browser context at phone width (360 px), CSP bypassed only so axe can be injected."""
    from tests.e2e.conftest import Journey

    context = browser.new_context(viewport={"width": 360, "height": 780}, bypass_csp=True, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield Journey(page, live_server.url, request.node.name)
    context.close()
