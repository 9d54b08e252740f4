"""Targeting's menu entries and home panels, registered from ``TargetingConfig.ready``."""

from django.utils.translation import gettext_lazy as _

from core.models import Role
from core.navigation import HomePanel, NavItem, register_nav, register_panel

from . import selectors

PLANNERS = frozenset({Role.MANAGER, Role.ADMIN})
STAFF = frozenset({Role.FIELD_STAFF, Role.DESK_OFFICER, Role.MANAGER, Role.ADMIN})


def _manager_panel(user) -> dict:
    return {
        "awaiting": list(selectors.rounds_awaiting_approval(user)[:10]),
        "datasets": list(selectors.datasets_for_user(user)[:5]),
    }


def _field_panel(user) -> dict:
    return {"targets": list(selectors.target_areas_for_user(user)[:20])}


def register() -> None:
    register_nav(NavItem("targeting.areas", _("Target areas"), "targeting:target_area_list", STAFF, order=10))
    register_nav(NavItem("targeting.rounds", _("Targeting"), "targeting:round_list", PLANNERS, order=11))
    register_nav(NavItem("targeting.datasets", _("DTM data"), "targeting:dataset_list", PLANNERS, order=12))
    register_panel(
        HomePanel(
            "targeting.manager",
            _("Targeting"),
            "targeting/panels/manager.html",
            frozenset({Role.MANAGER}),
            _manager_panel,
            order=30,
        )
    )
    register_panel(
        HomePanel(
            "targeting.field",
            _("Your target areas"),
            "targeting/panels/field.html",
            frozenset({Role.FIELD_STAFF, Role.DESK_OFFICER}),
            _field_panel,
            order=30,
        )
    )
