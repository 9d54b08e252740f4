"""Pipeline panels of the manager dashboard, contributed by the stage apps.

An app that can say how far work has moved from one step to the next (households profiled → assisted,
referrals by status, check-ins completed by wave…) registers a panel from its ``navigation.register()``::

    register_pipeline(PipelinePanel(
        key="monitoring.checkins",
        title=_("Check-in completion by wave"),
        rows=lambda user, filters: checkin_completion_by_wave(
            user, area=filters.area, start=filters.start, end=filters.end
        ),
        label="wave",
        columns=(("due", _("Due")), ("completed", _("Completed")), ("reached", _("Reached")), ("rate", _("Rate %"))),
        chart="completed",
    ))

``rows(user, filters)`` returns dicts (already scoped to the user: it calls the app's selectors); ``label``
names the key shown as the row heading, ``columns`` the keys shown as numbers, ``chart`` the key drawn as
bars. ``filters`` carries ``area`` (an ``AdminArea`` or None), ``start``, ``end`` (dates or None),
``sector`` and ``organisation``. The registry lives in ``core`` so any stage may contribute without
importing ``dashboards``, which is last in the stage chain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .scoping import user_has_role


@dataclass(frozen=True)
class PipelinePanel:
    key: str
    title: str
    rows: Callable[[Any, Any], list[dict]]
    label: str
    columns: tuple[tuple[str, str], ...]
    chart: str
    order: int = 100
    roles: frozenset[str] = frozenset()  # empty: every role that may open the dashboard
    help: str = ""


_PIPELINES: dict[str, PipelinePanel] = {}


def register_pipeline(panel: PipelinePanel) -> None:
    """Add (or replace, by key) a pipeline panel."""
    _PIPELINES[panel.key] = panel


def unregister_pipeline(key: str) -> None:
    _PIPELINES.pop(key, None)


def pipelines_for(user) -> list[PipelinePanel]:
    """The panels ``user`` may see, in order."""
    return sorted(
        (p for p in _PIPELINES.values() if not p.roles or user_has_role(user, *p.roles)),
        key=lambda p: (p.order, p.key),
    )
