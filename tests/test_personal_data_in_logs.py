"""The log check itself: a planted name that is logged is caught; redacted values are not."""

import logging

import pytest

from core.logging import redact

logger = logging.getLogger("abr.test")


@pytest.mark.django_db
def test_a_logged_name_would_be_caught(_log_capture):  # noqa: PT019
    from django.apps import apps

    Household = apps.get_model("profiling", "Household")
    start = len(_log_capture.lines)
    logger.warning("about to register %s", "Planted Zarghuna Name")
    assert "Planted Zarghuna Name" in "\n".join(_log_capture.lines[start:])
    del _log_capture.lines[start:]  # keep the suite-wide check green: this line was planted on purpose
    assert Household.objects.count() == 0


def test_phone_numbers_never_reach_the_log_lines(_log_capture):  # noqa: PT019
    start = len(_log_capture.lines)
    logger.warning("call back on 0700 123 4567 about /households/?q=Planted")
    text = "\n".join(_log_capture.lines[start:])
    assert "0700 123 4567" not in text
    assert "q=Planted" not in text
    assert text.endswith(redact("call back on 0700 123 4567 about /households/?q=Planted"))
