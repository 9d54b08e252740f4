"""Assistance in the shell: menu entries, home panels, and the assistance section of a household's page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.models import Role
from core.navigation import DetailSection, HomePanel, NavItem, register_nav, register_panel, register_section
from core.scoping import scope_for, user_has_role

READERS = frozenset({Role.FIELD_STAFF, Role.DESK_OFFICER, Role.MANAGER, Role.ADMIN})
PLANNERS = frozenset({Role.FIELD_STAFF, Role.MANAGER})
MANAGERS = frozenset({Role.MANAGER})


def _lists_awaiting(user) -> dict:
    from . import selectors

    return {"lists": list(selectors.lists_awaiting_approval(user)[:10])}


def _overlaps(user) -> dict:
    from . import selectors

    overlaps = selectors.cross_org_overlaps_for_user(user)
    return {"count": overlaps.count(), "records": list(overlaps[:5])}


def _distributions_due(user) -> dict:
    from . import selectors

    return {"due": selectors.distributions_due_for_user(user, within_days=14, limit=10)}


def _household_assistance(user, household) -> dict | None:
    from . import selectors

    scope = scope_for(user)
    if scope is None or scope.role not in READERS:
        return None
    records = list(selectors.household_assistance_for_user(user, household)[:50])
    return {"records": records, "can_plan": user_has_role(user, *PLANNERS), "household": household}


def _cap_action_links(user, actions) -> dict:
    """Under each action of a Community Action Plan: the projects and distributions that carry it out.
    Two queries for the whole plan, whatever the number of actions."""
    from django.urls import reverse
    from django.utils.translation import gettext as _t
    from django.utils.translation import ngettext

    from caps.hooks import ActionLink

    from . import selectors

    if not user_has_role(user, *READERS):
        return {}
    links: dict[int, list] = {}
    for project in selectors.projects_for_actions(user, actions):
        label = _t("Community project %(ref)s: %(name)s") % {"ref": project.reference, "name": project.name}
        status = f"{project.get_status_display()} · {project.progress_percent} %"
        url = reverse("assistance:project_detail", args=[project.pk])
        links.setdefault(project.cap_action_id, []).append(ActionLink(label=label, url=url, status=status))
    for beneficiary_list in selectors.lists_for_actions(user, actions):
        count = beneficiary_list.record_count
        label = ngettext(
            "Distribution: %(title)s (%(n)s beneficiary)", "Distribution: %(title)s (%(n)s beneficiaries)", count
        ) % {"title": beneficiary_list.title, "n": count}
        url = reverse("assistance:list_detail", args=[beneficiary_list.pk])
        status = str(beneficiary_list.get_status_display())
        links.setdefault(beneficiary_list.cap_action_id, []).append(ActionLink(label=label, url=url, status=status))
    return links


def register() -> None:
    from caps.hooks import register_action_links

    register_action_links("assistance", _cap_action_links)
    register_nav(NavItem("assistance", _("Assistance"), "assistance:record_list", READERS, order=40))
    register_nav(NavItem("distributions", _("Distributions"), "assistance:distribution_index", PLANNERS, order=41))
    register_nav(NavItem("projects", _("Projects"), "assistance:project_list", READERS, order=42))
    register_nav(NavItem("indicators", _("Indicators"), "assistance:indicator_list", READERS, order=43))
    register_panel(
        HomePanel(
            "assistance.lists_awaiting",
            _("Beneficiary lists awaiting approval"),
            "assistance/panels/lists_awaiting.html",
            MANAGERS,
            _lists_awaiting,
            order=30,
        )
    )
    register_panel(
        HomePanel(
            "assistance.overlaps",
            _("Assistance also given by another organisation"),
            "assistance/panels/overlaps.html",
            MANAGERS,
            _overlaps,
            order=31,
        )
    )
    register_panel(
        HomePanel(
            "assistance.distributions_due",
            _("Distributions due"),
            "assistance/panels/distributions_due.html",
            PLANNERS,
            _distributions_due,
            order=30,
        )
    )
    register_section(
        DetailSection(
            page="household",
            key="assistance",
            title=_("Assistance"),
            template="assistance/sections/household.html",
            context=_household_assistance,
            order=40,
        )
    )
