"""Monitoring's menu entries, the field officer's home panel and the household-page section, registered from
``MonitoringConfig.ready``."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Role
from core.navigation import DetailSection, HomePanel, NavItem, register_nav, register_panel, register_section
from core.pipelines import PipelinePanel, register_pipeline

from . import rules

PANEL_LIMIT = 8


def _checkins(user) -> dict:
    from . import selectors

    today = timezone.localdate()
    due = selectors.checkins_due(user, today=today)
    return {"check_ins": list(due[:PANEL_LIMIT]), "count": due.count(), "today": today}


def _household_section(user, household) -> dict | None:
    from core.scoping import scope_for

    from . import selectors

    scope = scope_for(user)
    if scope is None or scope.role not in rules.READER_ROLES:
        return None
    return {
        "movements": selectors.movements_of_household(user=user, household=household),
        "check_ins": selectors.checkins_of_household(user=user, household=household),
        "can_register": scope.role in rules.MONITOR_ROLES,
        "today": timezone.localdate(),
    }


def _completion_rows(user, filters) -> list[dict]:
    """Check-in completion by wave for the dashboard, with the dashboard's area and period."""
    from . import selectors

    labels = {wave.code: wave.label for wave in rules.waves()}
    return [
        {
            "wave": labels.get(row.wave, row.wave),
            "due": row.due,
            "completed": row.completed,
            "reached": row.reached,
            "rate": row.rate or 0,
        }
        for row in selectors.checkin_completion_by_wave(user, area=filters.area, start=filters.start, end=filters.end)
    ]


def register() -> None:
    readers = frozenset(rules.READER_ROLES)
    register_nav(NavItem("monitoring.checkins", _("Check-ins due"), "monitoring:checkin_list", readers, order=70))
    register_nav(NavItem("monitoring.movements", _("Movements"), "monitoring:movement_list", readers, order=72))
    register_nav(
        NavItem(
            "monitoring.completion",
            _("Check-in completion"),
            "monitoring:completion",
            frozenset(rules.REPORT_ROLES),
            order=74,
        )
    )
    register_panel(
        HomePanel(
            "monitoring.checkins",
            _("Check-in calls due today and overdue"),
            "monitoring/panels/checkins.html",
            frozenset({Role.FIELD_STAFF, Role.MANAGER}),
            _checkins,
            order=8,
        )
    )
    register_section(
        DetailSection(
            page="household",
            key="monitoring.follow_up",
            title=_("Movements and check-ins"),
            template="monitoring/sections/household.html",
            context=_household_section,
            order=50,
        )
    )
    register_pipeline(
        PipelinePanel(
            key="monitoring.checkins",
            title=_("Check-in completion by wave"),
            rows=_completion_rows,
            label="wave",
            columns=(
                ("due", _("Due")),
                ("completed", _("Completed")),
                ("reached", _("Reached")),
                ("rate", _("Rate %")),
            ),
            chart="rate",
            order=40,
            roles=frozenset(rules.REPORT_ROLES),
            help=_("Calls concluded (reached, refused, or unreachable after every attempt) out of those due."),
        )
    )
