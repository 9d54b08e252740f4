"""Dashboard figures counted in the background and kept as ``FigureSnapshot`` rows.

These are derived figures, not records of people or of work done: nothing here is a ``@service`` (no
audit event: recounting changes no one's data), in the way ``core.jobs`` keeps a job's progress.
"""

from __future__ import annotations

import datetime
import json
import time
from functools import partial
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from . import selectors
from .jobs import filters_from_params
from .models import FigureSnapshot
from .selectors import DashboardFilters


def _fresh_seconds() -> int:
    return int(getattr(settings, "ABR_DASHBOARD_FRESH_SECONDS", 900))


def _counts_in_process() -> bool:
    """No worker to hand the count to (``make run``, tests): count in the request instead."""
    from abr.celery import app

    return bool(app.conf.task_always_eager)


def _claim(snapshot: FigureSnapshot, now) -> bool:
    """Mark the snapshot's recount as queued; False if one already is (a claim older than the task time
    limit is taken over: its worker died)."""
    abandoned = now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimed = (
        FigureSnapshot.objects.filter(pk=snapshot.pk)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=abandoned))
        .update(queued_at=now)
    )
    if claimed:
        snapshot.queued_at = now
    return bool(claimed)


def _queue_count(snapshot: FigureSnapshot, now) -> bool:
    """Hand the snapshot's recount to a worker (or count now where there is none), unless already queued."""
    if not _claim(snapshot, now):
        return False
    if _counts_in_process():
        figure_snapshot_count(snapshot=snapshot)
    else:
        from .tasks import count_figures_task

        transaction.on_commit(partial(count_figures_task.delay, snapshot.pk))
    return True


def figure_snapshot_count(*, snapshot: FigureSnapshot) -> FigureSnapshot | None:
    """Count the snapshot's figures with its user's scope, in its language. A snapshot whose user no
    longer has the scope it was counted for is deleted rather than counted with another scope."""
    user = snapshot.counted_for
    view = selectors.SNAPSHOT_VIEWS[snapshot.view]
    with translation.override(snapshot.language):
        if selectors.scope_fingerprint(user, snapshot.view, snapshot.filters, snapshot.language) != snapshot.key:
            snapshot.delete()
            return None
        started = time.perf_counter()
        counted_at = timezone.now()
        try:
            data = view.count(user, filters_from_params(snapshot.filters), snapshot.filters)
            data = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
        except Exception:
            # Let the next page or round try again, rather than say "being counted" until the claim expires.
            FigureSnapshot.objects.filter(pk=snapshot.pk).update(queued_at=None)
            raise
    snapshot.figures = data
    snapshot.counted_at = counted_at
    snapshot.count_ms = round((time.perf_counter() - started) * 1000)
    snapshot.queued_at = None
    FigureSnapshot.objects.filter(pk=snapshot.pk).update(
        figures=data, counted_at=snapshot.counted_at, count_ms=snapshot.count_ms, queued_at=None
    )
    return snapshot


def _snapshot_ensure(*, user, view: str, params: dict, now, language: str = "") -> FigureSnapshot | None:
    """The snapshot of the user's scope for this view and parameters, in ``language`` (by default the
    active one), created (not yet counted) if there is none; None without a scope."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    key = selectors.scope_fingerprint(user, view, params, language)
    if key is None:
        return None
    snapshot, _created = FigureSnapshot.objects.get_or_create(
        key=key,
        defaults={"counted_for": user, "view": view, "language": language, "filters": params, "requested_at": now},
    )
    return snapshot


def _params(filters: DashboardFilters, extra: dict | None) -> dict:
    return {**filters.as_params(), **{k: v for k, v in (extra or {}).items() if v not in ("", None)}}


def dashboard_view_for(*, user, view: str, filters: DashboardFilters, extra: dict | None = None) -> tuple[Any, bool]:
    """The figures of a dashboard page (``selectors.SNAPSHOT_VIEWS``), and whether a (re)count is under way.

    Read from the snapshot of the user's scope, language, view and filters. A snapshot older than
    ``ABR_DASHBOARD_FRESH_SECONDS`` is still shown while a worker recounts it; the first ask for a new
    set of filters queues its count and shows none (or counts now where there is no worker). With
    ``ABR_DASHBOARD_FRESH_SECONDS = 0`` every page counts its own figures and nothing is stored.
    """
    counter = selectors.SNAPSHOT_VIEWS[view]
    params = _params(filters, extra)
    if _fresh_seconds() <= 0:
        return counter.read(counter.count(user, filters, params), timezone.now()), False
    now = timezone.now()
    snapshot = _snapshot_ensure(user=user, view=view, params=params, now=now)
    if snapshot is None:
        return None, False
    if now - snapshot.requested_at > datetime.timedelta(hours=1):  # one write an hour keeps it alive
        FigureSnapshot.objects.filter(pk=snapshot.pk).update(requested_at=now)
    readable = selectors.figures_readable(snapshot.figures)
    age = now - snapshot.counted_at if snapshot.counted_at else None
    if not readable or age is None or age > datetime.timedelta(seconds=_fresh_seconds()):
        _queue_count(snapshot, now)
        readable = selectors.figures_readable(snapshot.figures)
    counting = snapshot.queued_at is not None
    if not readable:
        return None, counting
    return counter.read(snapshot.figures, snapshot.counted_at), counting


def dashboard_recount_request(*, user, view: str, filters: DashboardFilters, extra: dict | None = None) -> bool:
    """A manager asks for the figures on screen to be counted again now (after a distribution, say)."""
    now = timezone.now()
    snapshot = _snapshot_ensure(user=user, view=view, params=_params(filters, extra), now=now)
    return snapshot is not None and _queue_count(snapshot, now)


def figure_snapshots_refresh(*, now=None) -> dict:
    """The beat's round. Forget snapshots nobody asked for in ``ABR_DASHBOARD_KEEP_DAYS``; give every
    manager who signed in within that time the whole-programme view of their scope; recount, one at a
    time (one worker's core, never a stampede), the stale snapshots that are whole-programme views or
    were asked for in the last day. Others are recounted when next asked for."""
    from core.models import Membership, Role

    now = now or timezone.now()
    keep = datetime.timedelta(days=int(getattr(settings, "ABR_DASHBOARD_KEEP_DAYS", 14)))
    forgotten, _by_model = FigureSnapshot.objects.filter(requested_at__lt=now - keep).delete()
    memberships = Membership.objects.filter(
        role__in=(Role.MANAGER, Role.ADMIN),
        organisation__is_active=True,
        user__is_active=True,
        user__last_login__gte=now - keep,
    ).select_related("user")
    for membership in memberships:
        user = membership.user
        language = user.preferred_language or settings.LANGUAGE_CODE
        with translation.override(language):
            _snapshot_ensure(user=user, view="programme", params={}, language=language, now=now)
    stale = (
        FigureSnapshot.objects.filter(
            Q(counted_at__isnull=True) | Q(counted_at__lt=now - datetime.timedelta(seconds=_fresh_seconds()))
        )
        .filter(Q(view="programme", filters={}) | Q(requested_at__gte=now - datetime.timedelta(days=1)))
        .order_by("-requested_at", "pk")
    )
    counted = 0
    for snapshot in stale.select_related("counted_for").iterator(chunk_size=100):
        if _claim(snapshot, timezone.now()) and figure_snapshot_count(snapshot=snapshot) is not None:
            counted += 1
    return {"forgotten": forgotten, "counted": counted}
