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


@dataclass(frozen=True)
class DetailSection:
    """A block that a later stage adds to an earlier stage's detail page (e.g. assistance on a household).

    ``page`` names the page (``"household"``); ``context(user, obj)`` returns what ``template`` shows, or
    None to hide the section for this user or record.
    """

    page: str
    key: str
    title: str
    template: str
    context: Callable[[Any, Any], dict | None]
    order: int = 100


_nav: dict[str, NavItem] = {}
_panels: dict[str, HomePanel] = {}
_sections: dict[tuple[str, str], DetailSection] = {}


def register_nav(item: NavItem) -> None:
    _nav[item.key] = item


def register_panel(panel: HomePanel) -> None:
    _panels[panel.key] = panel


def register_section(section: DetailSection) -> None:
    _sections[(section.page, section.key)] = section


def sections_for(page: str, user, obj) -> list[dict]:
    """The rendered-ready sections of ``page`` for this user and record, in order."""
    blocks = []
    for section in sorted((s for s in _sections.values() if s.page == page), key=lambda s: (s.order, s.key)):
        context = section.context(user, obj)
        if context is not None:
            blocks.append({"section": section, "context": context})
    return blocks


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
    register_nav(NavItem("agreements", _("Data sharing"), "core:agreement_list", frozenset({Role.ADMIN}), order=920))
    register_nav(NavItem("tokens", _("API tokens"), "core:token_list", frozenset({Role.ADMIN}), order=930))
    home.register_panels()
