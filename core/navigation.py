"""Navigation entries and home-page panels that each stage app registers for the roles it serves.

Core knows nothing of the apps to its right: they register here in their ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import Role

ALL_ROLES = frozenset(Role.values)
STAFF_ROLES = frozenset({Role.FIELD_STAFF, Role.DESK_OFFICER, Role.MANAGER, Role.ADMIN})


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 100


@dataclass(frozen=True)
class HomePanel:
    """A block of the home page: ``context(user)`` returns what ``template`` shows, or None to hide it."""

    key: str
    title: str
    template: str
    roles: frozenset[str]
    context: Callable[[Any], dict | None]
    order: int = 100
    extra: dict = field(default_factory=dict)


_nav: dict[str, NavItem] = {}
_panels: dict[str, HomePanel] = {}


def register_nav(item: NavItem) -> None:
    _nav[item.key] = item


def register_panel(panel: HomePanel) -> None:
    _panels[panel.key] = panel


def nav_for_role(role: str | None) -> list[NavItem]:
    return sorted((i for i in _nav.values() if role in i.roles), key=lambda i: (i.order, i.key))


def panels_for_role(role: str | None) -> list[HomePanel]:
    return sorted((p for p in _panels.values() if role in p.roles), key=lambda p: (p.order, p.key))


def register_core() -> None:
    from . import home

    register_nav(NavItem("home", _("Home"), "core:home", ALL_ROLES, order=0))
    register_nav(NavItem("areas", _("Places"), "core:area_browse", STAFF_ROLES, order=90))
    register_nav(NavItem("accounts", _("Accounts"), "core:account_list", frozenset({Role.ADMIN}), order=900))
    register_nav(NavItem("audit", _("Audit trail"), "core:audit_list", frozenset({Role.ADMIN}), order=910))
    home.register_panels()
