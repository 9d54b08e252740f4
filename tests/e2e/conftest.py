"""Browser journeys in the machine's Chromium (Debian package), driven by Playwright, against a live server.

No browser is downloaded: Playwright launches /usr/bin/chromium (or ABR_CHROMIUM). Screenshots of every
step go to test-artifacts/e2e/. axe-core (from npm, node_modules/axe-core) checks each journey page.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("ABR_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "e2e"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "correct horse battery"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures are fine.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Journey:
    """A page in a browser context, with helpers that leave a screenshot of every step."""

    def __init__(self, page, base_url: str, name: str):
        self.page = page
        self.base_url = base_url
        self.name = name
        self.step = 0
        self.transferred = 0
        page.on("response", self._count)

    def _count(self, response):
        with contextlib.suppress(Exception):  # a response without a body adds nothing
            self.transferred += int(response.headers.get("content-length") or len(response.body()))

    def measure_cold_load(self, path: str) -> int:
        """Bytes a first visit to ``path`` transfers (HTML and every asset, no cache)."""
        cdp = self.page.context.new_cdp_session(self.page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        self.transferred = 0
        self.go(path)
        self.page.wait_for_load_state("networkidle")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        return self.transferred

    def go(self, path: str):
        self.page.goto(self.base_url + path)
        return self.page

    def shot(self, label: str) -> Path:
        self.step += 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        path = ARTIFACTS / f"{self.name}-{self.step:02d}-{slug}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def login(self, username: str, password: str = PASSWORD):
        self.go("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("main button[type=submit]")
        self.page.wait_for_load_state()

    def axe_violations(self, impacts=("serious", "critical")) -> list[dict]:
        """Run axe-core on the current page; return serious and critical violations."""
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate("async () => await axe.run(document)")
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
            if v["impact"] in impacts
        ]

    def assert_accessible(self):
        violations = self.axe_violations()
        assert violations == [], json.dumps(violations, indent=1)


@pytest.fixture
def journey(browser, live_server, request):
    """A fresh browser context at phone width (360 px), CSP bypassed only so axe can be injected."""
    context = browser.new_context(viewport={"width": 360, "height": 780}, bypass_csp=True, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield Journey(page, live_server.url, request.node.name)
    context.close()
