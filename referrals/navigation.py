"""Referrals' menu entries, home panels and the household-page section, registered from ``ReferralsConfig.ready``."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Role
from core.navigation import (
    ALL_ROLES,
    STAFF_ROLES,
    DetailSection,
    HomePanel,
    NavItem,
    register_nav,
    register_panel,
    register_section,
)

from . import rules

PANEL_LIMIT = 8


def _walk_ins(user) -> dict:
    from . import selectors

    visits = selectors.visits_on(user, day=timezone.localdate())
    return {"visits": list(visits[:PANEL_LIMIT]), "count": visits.count()}


def _referrals(user) -> dict:
    from . import selectors

    today = timezone.localdate()
    return {
        "counts": selectors.referral_counts(user, today=today),
        "referrals": selectors.referrals_open_for_desk(user, today=today, limit=PANEL_LIMIT),
        "feedback": selectors.recent_feedback(user, limit=5),
        "today": today,
    }


def _follow_ups(user) -> dict:
    from . import selectors

    today = timezone.localdate()
    due = selectors.follow_ups_due(user, today=today)
    return {"follow_ups": list(due[:PANEL_LIMIT]), "count": due.count(), "today": today}


def _awaiting(user) -> dict | None:
    from . import selectors

    if not selectors.receives_referrals(user):
        return None
    awaiting = selectors.referrals_awaiting_answer(user)
    return {"referrals": list(awaiting[:PANEL_LIMIT]), "count": awaiting.count(), "today": timezone.localdate()}


def _complaints(user) -> dict | None:
    from . import selectors

    assigned = selectors.complaints_assigned_to(user)
    rows = list(assigned[:PANEL_LIMIT])
    if not rows:
        return None
    return {"complaints": rows, "count": assigned.count(), "today": timezone.localdate()}


def _household_section(user, household) -> dict | None:
    from core.scoping import scope_for

    from . import selectors

    scope = scope_for(user)
    if scope is None or scope.role == Role.PARTNER:
        return None
    return {
        "referrals": selectors.referrals_of_household(user=user, household=household),
        "can_refer": scope.role in rules.REFERRER_ROLES,
        "today": timezone.localdate(),
    }


def register() -> None:
    staff = frozenset(STAFF_ROLES)
    register_nav(NavItem("referrals.directory", _("Services"), "referrals:service_list", ALL_ROLES, order=60))
    register_nav(NavItem("referrals.referrals", _("Referrals"), "referrals:referral_list", staff, order=62))
    register_nav(
        NavItem("referrals.inbox", _("Referrals received"), "referrals:inbox", frozenset({Role.PARTNER}), order=62)
    )
    register_nav(
        NavItem("referrals.visits", _("Walk-ins"), "referrals:visit_list", frozenset(rules.VISIT_READER_ROLES), 64)
    )
    register_nav(
        NavItem(
            "referrals.complaints",
            _("Feedback and complaints"),
            "referrals:complaint_list",
            frozenset(rules.COMPLAINT_READER_ROLES),
            order=66,
        )
    )
    desk = frozenset({Role.DESK_OFFICER})
    register_panel(
        HomePanel("referrals.walk_ins", _("Today's walk-ins"), "referrals/panels/walk_ins.html", desk, _walk_ins, 10)
    )
    register_panel(
        HomePanel(
            "referrals.referrals",
            _("Open and overdue referrals"),
            "referrals/panels/referrals.html",
            frozenset({Role.DESK_OFFICER, Role.MANAGER}),
            _referrals,
            order=12,
        )
    )
    register_panel(
        HomePanel(
            "referrals.follow_ups",
            _("Follow-ups due"),
            "referrals/panels/follow_ups.html",
            frozenset({Role.DESK_OFFICER, Role.FIELD_STAFF}),
            _follow_ups,
            order=14,
        )
    )
    register_panel(
        HomePanel(
            "referrals.awaiting",
            _("Referrals awaiting your answer"),
            "referrals/panels/awaiting.html",
            frozenset({*STAFF_ROLES, Role.PARTNER}),
            _awaiting,
            order=5,
        )
    )
    register_panel(
        HomePanel(
            "referrals.complaints",
            _("Complaints assigned to you"),
            "referrals/panels/complaints.html",
            frozenset(rules.COMPLAINT_FOCAL_POINT_ROLES),
            _complaints,
            order=16,
        )
    )
    register_section(
        DetailSection(
            page="household",
            key="referrals.referrals",
            title=_("Referrals"),
            template="referrals/sections/household.html",
            context=_household_section,
            order=40,
        )
    )
