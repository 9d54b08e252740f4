"""Audit events, and the ``@service`` decorator that makes every write leave one.

A service runs in one transaction. If it wrote any row but recorded no audit event, the transaction
is rolled back and ``AuditMissing`` is raised: an unaudited write cannot land.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import uuid
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction

from .context import current_origin
from .models import AuditEvent

P = ParamSpec("P")
R = TypeVar("R")


class AuditMissing(RuntimeError):
    """A service wrote to the database without recording an audit event."""


class _Frame:
    __slots__ = ("audits", "writes")

    def __init__(self) -> None:
        self.writes = 0
        self.audits = 0


_frames: ContextVar[tuple[_Frame, ...]] = ContextVar("abr_service_frames", default=())
_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE")
_AUDIT_TABLE = AuditEvent._meta.db_table


def _count_writes(execute, sql, params, many, context):
    frames = _frames.get()
    if frames and isinstance(sql, str):
        head = sql.lstrip()[:6].upper()
        if head in _WRITE_VERBS and _AUDIT_TABLE not in sql[:200]:
            for frame in frames:
                frame.writes += 1
    return execute(sql, params, many, context)


def service(func: Callable[P, R]) -> Callable[P, R]:
    """Run a write in one transaction and refuse it if it changed rows without an audit event."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        frame = _Frame()
        token = _frames.set((*_frames.get(), frame))
        try:
            with transaction.atomic(), connection.execute_wrapper(_count_writes):
                result = func(*args, **kwargs)
                if frame.writes and not frame.audits:
                    raise AuditMissing(f"{func.__module__}.{func.__qualname__} wrote without an audit event")
            return result
        finally:
            _frames.reset(token)

    wrapper.is_service = True  # type: ignore[attr-defined]
    return wrapper


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``obj`` as JSON-safe data (foreign keys as ids)."""
    names = list(fields) if fields is not None else [f.name for f in obj._meta.concrete_fields]
    data = {}
    for name in names:
        field = obj._meta.get_field(name)
        data[name] = _json_safe(getattr(obj, field.attname))
    return data


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keep only the keys whose values differ, so audit rows say what changed and nothing else."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Write one audit event in the current transaction, with the origin of the current request or task."""
    origin = current_origin()
    membership = getattr(actor, "membership", None) if actor is not None and actor.pk else None
    event = AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_organisation_id=membership.organisation_id if membership else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        channel=origin.channel,
        ip_address=origin.ip_address,
        user_agent=origin.user_agent[:300],
        request_id=origin.request_id,
        before=_json_safe(before) if before is not None else None,
        after=_json_safe(after) if after is not None else None,
        reason=reason,
    )
    for frame in _frames.get():
        frame.audits += 1
    return event


def audit_read(*, actor, target: models.Model, reason: str = "") -> AuditEvent:
    """Record that ``actor`` opened a sensitive record (protection case, complaint). Views call this right
    after fetching such a record, so every read of sensitive data leaves a trace as writes do."""
    return audit_record(actor=actor, action=f"{target._meta.model_name}.view", target=target, reason=reason)
