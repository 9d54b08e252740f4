"""Schemathesis reads the OpenAPI schema and throws generated requests at every endpoint: no 5xx, ever.

It runs as a manager (browser session) and as a partner system (bearer token), against the demo
programme, in-process through the WSGI application.
"""

import datetime
import io
import os

import pytest
import schemathesis
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

# The suite runs a fixed, reproducible sample; `make fuzz` explores further with fresh random cases.
FUZZ_EXAMPLES = int(os.environ.get("ABR_FUZZ_EXAMPLES", "15"))
FUZZ_RANDOM = os.environ.get("ABR_FUZZ_RANDOM") == "1"


@pytest.fixture
def api_schema(db):
    """The schema served by the app, called in-process. Like Django's test client, requests must not
    close the test's database connection at their end."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from abr.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def principals(db):
    """Credentials of a signed-in manager (session cookie) and of a partner system with every scope."""
    from django.contrib.auth import get_user_model

    from core import services
    from core.models import Organisation, TokenScope

    call_command("load_demo", stdout=io.StringIO())
    manager = get_user_model().objects.get(username="manager")
    browser = Client()
    browser.force_login(manager)
    admin = get_user_model().objects.get(username="admin")
    _token, secret = services.api_token_create(
        actor=admin,
        organisation=Organisation.objects.get(acronym="NRC"),
        name="fuzzing",
        scopes=list(TokenScope.values),
        expires_at=timezone.now() + datetime.timedelta(days=1),
        rate_per_minute=100_000,
    )
    return {
        "manager": {"cookies": {"sessionid": browser.cookies["sessionid"].value}},
        "partner": {"headers": {"Authorization": f"Bearer {secret}"}},
    }


def _fuzz(schema, credentials) -> tuple[list[str], dict[int, int]]:
    """Generated requests for every operation; returns the operations that answered 5xx (with the case)
    and how many responses of each status were seen, so an empty run cannot pass for a clean one."""
    from collections import Counter

    from hypothesis import given

    failures = []
    statuses: Counter = Counter()
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=not FUZZ_RANDOM,
        )
        def run(case):
            response = case.call_and_validate(checks=[not_a_server_error], **credentials)
            statuses[response.status_code] += 1

        try:
            run()
        except Exception as error:  # a failing check: record it and go on with the other operations
            failures.append(f"{operation.method.upper()} {operation.path}: {str(error)[:300]}")
    return failures, dict(statuses)


def test_no_manager_request_makes_the_server_fail(api_schema, principals):
    failures, statuses = _fuzz(api_schema, principals["manager"])
    assert failures == []
    # Generated cases also send made-up bearer tokens (401) and ids (404); enough must get through.
    assert statuses.get(200, 0) > 40
    assert not any(code >= 500 for code in statuses)


def test_no_partner_request_makes_the_server_fail(api_schema, principals):
    failures, statuses = _fuzz(api_schema, principals["partner"])
    assert failures == []
    assert sum(statuses.values()) > 100
    assert not any(code >= 500 for code in statuses)
