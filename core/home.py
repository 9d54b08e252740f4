"""Core's panels on the home page: where the user works, and for admins the accounts and audit trail."""

from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Role
from .navigation import ALL_ROLES, HomePanel, register_panel
from .scoping import scope_for


def _assignment(user) -> dict:
    scope = scope_for(user)
    return {
        "membership": user.membership,
        "areas": selectors.assigned_areas(user),
        "sees_nothing": scope is not None and not scope.area_ids and scope.role != Role.PARTNER,
    }


def _accounts(user) -> dict:
    return {"memberships": list(selectors.accounts_needing_attention(user)[:20])}


def _recent_audit(user) -> dict:
    return {"events": list(selectors.audit_events_for_user(user)[:10])}


def register_panels() -> None:
    register_panel(
        HomePanel("core.assignment", _("Where you work"), "core/panels/assignment.html", ALL_ROLES, _assignment, 900)
    )
    admin = frozenset({Role.ADMIN})
    register_panel(
        HomePanel("core.accounts", _("Accounts without areas"), "core/panels/accounts.html", admin, _accounts, 10)
    )
    register_panel(HomePanel("core.audit", _("Latest changes"), "core/panels/audit.html", admin, _recent_audit, 20))
