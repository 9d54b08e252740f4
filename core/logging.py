"""Keeps personal data out of log files: query strings, phone numbers and e-mail addresses are redacted."""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")
_PHONE = re.compile(r"(?<![\w.])\+?\d[\d \-]{7,}\d(?![\w.])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def redact(text: str) -> str:
    text = _QUERY.sub(r"\1?[redacted]", text)
    text = _EMAIL.sub("[email]", text)
    return _PHONE.sub(_number, text)


def _number(match: re.Match) -> str:
    """Phone numbers have nine digits or more; dates (eight) and ids stay readable."""
    digits = sum(c.isdigit() for c in match.group(0))
    return "[number]" if digits >= 9 else match.group(0)


class RedactPersonalData(logging.Filter):
    """A logging filter: rewrites the message (and its arguments) with personal data removed."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logged as it is
            return True
        record.msg = redact(message)
        record.args = None
        return True
