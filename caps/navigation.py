"""Caps in the menu and on the home page: managers see plans awaiting approval, field staff their drafts."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.models import Role
from core.navigation import HomePanel, NavItem, register_nav, register_panel

from . import rules, selectors

PANEL_LIMIT = 10


def _awaiting_approval(user) -> dict:
    plans = selectors.plans_awaiting_approval(user)
    return {"plans": list(plans[:PANEL_LIMIT]), "count": plans.count(), "empty": _("No plan is waiting for you.")}


def _drafts(user) -> dict:
    plans = selectors.draft_plans(user)
    return {"plans": list(plans[:PANEL_LIMIT]), "count": plans.count(), "empty": _("No draft plan in your areas.")}


def register() -> None:
    register_nav(NavItem("caps", _("Community plans"), "caps:plan_list", rules.READER_ROLES, order=30))
    register_panel(
        HomePanel(
            "caps.awaiting_approval",
            _("Community plans awaiting your approval"),
            "caps/panels/plans.html",
            frozenset({Role.MANAGER}),
            _awaiting_approval,
            order=30,
        )
    )
    register_panel(
        HomePanel(
            "caps.drafts",
            _("Draft community plans in your areas"),
            "caps/panels/plans.html",
            frozenset({Role.FIELD_STAFF}),
            _drafts,
            order=30,
        )
    )
