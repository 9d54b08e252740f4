"""Profiling's menu entries and home panels, registered from ``ProfilingConfig.ready``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.models import Role
from core.navigation import HomePanel, NavItem, register_nav, register_panel

READERS = frozenset({Role.FIELD_STAFF, Role.DESK_OFFICER, Role.MANAGER, Role.ADMIN})
REGISTRARS = frozenset({Role.FIELD_STAFF, Role.MANAGER})
MANAGERS = frozenset({Role.MANAGER})


def _recent(user) -> dict:
    from . import selectors

    return {"households": selectors.recent_registrations(user)}


def _duplicates(user) -> dict:
    from . import selectors

    return {"count": selectors.duplicate_pairs_for_user(user).count()}


def _vulnerability(user) -> dict:
    from core.scoping import scope_for

    from . import selectors

    scope = scope_for(user)
    return {
        "active": selectors.vulnerability_model_active(organisation_id=scope.data_owner_id) if scope else None,
        "bands": selectors.band_summary(user),
    }


def register() -> None:
    register_nav(NavItem("profiling.households", _("Households"), "profiling:household_list", READERS, order=20))
    register_nav(NavItem("profiling.duplicates", _("Duplicates"), "profiling:duplicate_list", REGISTRARS, order=22))
    register_nav(NavItem("profiling.assessments", _("Assessments"), "profiling:assessment_list", READERS, order=24))
    register_nav(NavItem("profiling.facilities", _("Service mapping"), "profiling:facility_list", READERS, order=26))
    register_nav(
        NavItem("profiling.vulnerability", _("Vulnerability model"), "profiling:vulnerability_model", MANAGERS, 28)
    )
    register_panel(
        HomePanel(
            "profiling.recent",
            _("My recent registrations"),
            "profiling/panels/recent.html",
            frozenset({Role.FIELD_STAFF}),
            _recent,
            order=20,
        )
    )
    register_panel(
        HomePanel(
            "profiling.duplicates",
            _("Duplicates to review"),
            "profiling/panels/duplicates.html",
            REGISTRARS,
            _duplicates,
            order=22,
        )
    )
    register_panel(
        HomePanel(
            "profiling.vulnerability",
            _("Vulnerability bands"),
            "profiling/panels/vulnerability.html",
            MANAGERS,
            _vulnerability,
            order=24,
        )
    )
