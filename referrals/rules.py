"""Pure decisions of referrals and complaints: deadlines, overdue, the status workflow and who may take each
step, which consents a referral needs, sensitivity, anonymised totals. No database here: the services,
selectors and pages feed plain values in.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core.exports import suppress
from core.models import Role
from core.sectors import SENSITIVE_SECTORS
from profiling.models import ConsentPurpose

from .models import ComplaintCategory, ComplaintKind, ComplaintStatus, ReferralStatus, Urgency

# --- Who does what --------------------------------------------------------------------------------

REFERRER_ROLES = frozenset({Role.FIELD_STAFF, Role.DESK_OFFICER, Role.MANAGER})
"""Staff who may refer people, follow referrals up and close them for their agency."""
REFERRAL_READER_ROLES = frozenset({Role.FIELD_STAFF, Role.DESK_OFFICER, Role.MANAGER, Role.ADMIN, Role.PARTNER})
DESK_ROLES = frozenset({Role.DESK_OFFICER, Role.MANAGER})
"""Staff who keep the CRC walk-in log."""
VISIT_READER_ROLES = frozenset({Role.DESK_OFFICER, Role.MANAGER, Role.ADMIN})
DIRECTORY_EDITOR_ROLES = frozenset({Role.MANAGER, Role.ADMIN})
COMPLAINT_READER_ROLES = frozenset({Role.DESK_OFFICER, Role.MANAGER, Role.ADMIN})
COMPLAINT_RECORDER_ROLES = frozenset({Role.FIELD_STAFF, Role.DESK_OFFICER, Role.MANAGER})
COMPLAINT_ASSIGNER_ROLES = frozenset({Role.DESK_OFFICER, Role.MANAGER})
COMPLAINT_FOCAL_POINT_ROLES = frozenset({Role.DESK_OFFICER, Role.MANAGER, Role.FIELD_STAFF})

SMALL_COUNT = 5
"""Totals of restricted cases below this are shown as ``<5`` so nobody can be singled out."""


# --- Deadlines and overdue ------------------------------------------------------------------------

URGENCY_DAYS: dict[str, int] = {
    Urgency.EMERGENCY: 1,
    Urgency.HIGH: 3,
    Urgency.NORMAL: 10,
    Urgency.LOW: 30,
}

OPEN_STATUSES = frozenset({ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS})
"""Referrals still waiting for the service: these can be overdue."""
ACTIVE_STATUSES = frozenset(set(ReferralStatus.values) - {ReferralStatus.CLOSED})
"""Everything the referring desk still has to deal with (including declined and provided, to close)."""


def deadline_for(*, urgency: str, sent_on: datetime.date) -> datetime.date:
    """When the service should have been provided, counted in calendar days from the day it was sent."""
    try:
        days = URGENCY_DAYS[urgency]
    except KeyError:
        raise ValueError(f"unknown urgency {urgency!r}") from None
    return sent_on + datetime.timedelta(days=days)


def is_overdue(*, deadline: datetime.date, status: str, today: datetime.date) -> bool:
    """Overdue: the deadline has passed and the provider has not yet provided the service (or declined)."""
    return status in OPEN_STATUSES and today > deadline


def days_overdue(*, deadline: datetime.date, status: str, today: datetime.date) -> int:
    return (today - deadline).days if is_overdue(deadline=deadline, status=status, today=today) else 0


def first_follow_up_on(*, deadline: datetime.date) -> datetime.date:
    """The desk checks with the person the day after the deadline whether the service came."""
    return deadline + datetime.timedelta(days=1)


# --- Consent and sensitivity ----------------------------------------------------------------------


def is_internal(*, receiving_data_owner_id: int, referring_owner_id: int) -> bool:
    """A referral to a unit of the referring agency stays inside the organisation."""
    return receiving_data_owner_id == referring_owner_id


def consent_purposes(*, internal: bool) -> tuple[str, ...]:
    """The household's answers a referral needs: to be referred at all and, when the referral leaves the
    organisation, to have its details shared with a partner."""
    if internal:
        return (ConsentPurpose.REFERRAL,)
    return (ConsentPurpose.REFERRAL, ConsentPurpose.PARTNER_SHARING)


def is_sensitive(*, sector: str, flagged: bool) -> bool:
    """GBV and child protection cases are always sensitive; others (PSEA, a risk the desk sees) when flagged."""
    return flagged or sector in SENSITIVE_SECTORS


def anonymised_total(count: int, *, threshold: int = SMALL_COUNT) -> int | str:
    """A count of restricted cases fit to show to users who may not see them: 1 to 4 become ``<5``."""
    return suppress(count, threshold)


# --- The referral workflow ------------------------------------------------------------------------


class Party:
    REFERRER = "referrer"
    RECEIVER = "receiver"


@dataclass(frozen=True)
class Transition:
    verb: str
    label: str
    sources: frozenset[str]
    target: str
    party: str
    needs_reason: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.verb: t
    for t in (
        Transition("accept", _("Accept"), frozenset({ReferralStatus.SENT}), ReferralStatus.ACCEPTED, Party.RECEIVER),
        Transition(
            "decline",
            _("Decline"),
            frozenset({ReferralStatus.SENT}),
            ReferralStatus.DECLINED,
            Party.RECEIVER,
            needs_reason=True,
        ),
        Transition(
            "start",
            _("Start the service"),
            frozenset({ReferralStatus.ACCEPTED}),
            ReferralStatus.IN_PROGRESS,
            Party.RECEIVER,
        ),
        Transition(
            "provide",
            _("Service provided"),
            frozenset({ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS}),
            ReferralStatus.SERVICE_PROVIDED,
            Party.RECEIVER,
        ),
        Transition(
            "close",
            _("Close"),
            frozenset({ReferralStatus.SERVICE_PROVIDED, ReferralStatus.DECLINED}),
            ReferralStatus.CLOSED,
            Party.REFERRER,
        ),
        Transition(
            "withdraw",
            _("Withdraw"),
            frozenset({ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS}),
            ReferralStatus.CLOSED,
            Party.REFERRER,
            needs_reason=True,
        ),
    )
}

RECEIVER_VERBS = frozenset(v for v, t in TRANSITIONS.items() if t.party == Party.RECEIVER)


class TransitionRefused(Exception):
    """``kind`` says why: an "unknown" step, the wrong "status", the wrong "party", or a missing "reason"."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.message = str(message)
        self.kind = kind


def party_for(
    *,
    role: str | None,
    organisation_id: int | None,
    data_owner_id: int | None,
    referral_organisation_id: int,
    receiving_organisation_id: int,
) -> str | None:
    """Which side of the referral a user is on: the receiving organisation's staff (a partner, or the
    internal unit the referral is addressed to) or the referring agency's staff. Administrators watch."""
    if role is None or role == Role.ADMIN:
        return None
    if organisation_id == receiving_organisation_id:
        return Party.RECEIVER
    if role in REFERRER_ROLES and data_owner_id == referral_organisation_id:
        return Party.REFERRER
    return None


def check_transition(*, verb: str, status: str, party: str | None, reason: str = "") -> Transition:
    """The transition ``verb`` if ``party`` may take it from ``status``; else ``TransitionRefused``."""
    transition = TRANSITIONS.get(verb)
    if transition is None:
        raise TransitionRefused(_("Unknown step."), "unknown")
    if party != transition.party:
        if transition.party == Party.RECEIVER:
            raise TransitionRefused(
                _("Only the organisation the referral is addressed to can take this step."), "party"
            )
        raise TransitionRefused(_("Only the referring desk can take this step."), "party")
    if status not in transition.sources:
        raise TransitionRefused(
            _("“%(step)s” is not possible while the referral is “%(status)s”.")
            % {"step": transition.label, "status": ReferralStatus(status).label},
            "status",
        )
    if transition.needs_reason and not reason.strip():
        raise TransitionRefused(_("Say why."), "reason")
    return transition


def available_transitions(*, status: str, party: str | None) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources and t.party == party]


def may_give_feedback(*, party: str | None, status: str) -> bool:
    """The provider tells the referring desk what happened until the referral is closed."""
    return party == Party.RECEIVER and status != ReferralStatus.CLOSED


def may_follow_up(*, party: str | None, status: str) -> bool:
    return party == Party.REFERRER and status != ReferralStatus.CLOSED


# --- Complaints -----------------------------------------------------------------------------------

SENSITIVE_CATEGORIES = frozenset({ComplaintCategory.PSEA, ComplaintCategory.STAFF_CONDUCT, ComplaintCategory.FRAUD})

RESPONSE_DAYS: dict[str, int] = {
    ComplaintCategory.PSEA: 1,
    ComplaintCategory.SAFETY: 2,
    ComplaintCategory.STAFF_CONDUCT: 7,
    ComplaintCategory.FRAUD: 7,
}
DEFAULT_RESPONSE_DAYS = 14

OPEN_COMPLAINT_STATUSES = frozenset({ComplaintStatus.OPEN, ComplaintStatus.ASSIGNED})


def complaint_sensitive(*, category: str, flagged: bool) -> bool:
    """Complaints about PSEA, staff conduct or fraud are always sensitive; others when flagged."""
    return flagged or category in SENSITIVE_CATEGORIES


def complaint_due(*, category: str, received_on: datetime.date) -> datetime.date:
    """When the complainant should have an answer: PSEA the next day, safety within 2 days, conduct and
    fraud within a week, everything else within two weeks."""
    return received_on + datetime.timedelta(days=RESPONSE_DAYS.get(category, DEFAULT_RESPONSE_DAYS))


def complaint_overdue(*, due_on: datetime.date, status: str, today: datetime.date) -> bool:
    return status in OPEN_COMPLAINT_STATUSES and today > due_on


def complaint_close_problem(*, status: str, kind: str, note: str) -> str | None:
    """Why a complaint cannot be closed now, or None. A complaint is closed once answered; feedback and
    requests, or a complaint closed without an answer, need a closing note."""
    if status == ComplaintStatus.CLOSED:
        return str(_("It is already closed."))
    if status == ComplaintStatus.RESPONDED:
        return None
    if not note.strip():
        if kind == ComplaintKind.COMPLAINT:
            return str(_("Record the response first, or say in the closing note why it is closed without one."))
        return str(_("Write a closing note."))
    return None


def may_handle_complaint(*, is_psea: bool, holds_psea: bool, is_assignee: bool, role: str | None) -> bool:
    """Respond to or close a complaint: PSEA complaints only their focal points; others the assigned
    focal point or a manager."""
    if is_psea:
        return holds_psea
    return is_assignee or role == Role.MANAGER


def may_assign_complaint(*, is_psea: bool, holds_psea: bool, role: str | None) -> bool:
    if is_psea:
        return holds_psea
    return role in COMPLAINT_ASSIGNER_ROLES
