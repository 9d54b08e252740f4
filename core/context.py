"""Where the current change comes from (request IP, user agent, channel), for audit events.

Set by ``RequestContextMiddleware`` for browser and API requests; tasks and commands set their own.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Origin:
    channel: str = "command"
    ip_address: str | None = None
    user_agent: str = ""
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))


_origin: ContextVar[Origin | None] = ContextVar("abr_origin", default=None)


def current_origin() -> Origin:
    return _origin.get() or Origin()


@contextlib.contextmanager
def origin(value: Origin) -> Iterator[Origin]:
    token = _origin.set(value)
    try:
        yield value
    finally:
        _origin.reset(token)


_calendar: ContextVar[str] = ContextVar("abr_calendar", default="gregorian")


def current_calendar() -> str:
    """The calendar the signed-in user reads dates in, for the request being served."""
    return _calendar.get()


@contextlib.contextmanager
def calendar(value: str) -> Iterator[str]:
    token = _calendar.set(value or "gregorian")
    try:
        yield value
    finally:
        _calendar.reset(token)
