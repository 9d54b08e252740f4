"""Pure decisions of community action planning: ranking, participation, workflow, editing, budgets.

Nothing here touches the database; the services and pages feed plain values in.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from core.models import Role

from .models import ActionStatus, ParticipantGroup, PlanStatus

# Below this share of women among participants (or council members) the pages flag participation as low.
# Programme guidance asks for women's voices in every plan; the figure is shown even when it is zero.
WOMEN_SHARE_LOW_PERCENT = Decimal("30")

EDITOR_ROLES = frozenset({Role.FIELD_STAFF, Role.MANAGER})
READER_ROLES = frozenset({Role.FIELD_STAFF, Role.DESK_OFFICER, Role.MANAGER, Role.ADMIN})


# --- Ranking ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankInput:
    key: int  # a stable identity: the priority's id (creation order)
    votes: int | None
    rank: int | None


@dataclass(frozen=True)
class Ranked:
    key: int
    position: int
    tied: bool  # same votes and agreed rank as a neighbour: the order between them is by entry


def _rank_sort_key(item: RankInput) -> tuple:
    return (
        item.votes is None,
        -(item.votes or 0),
        item.rank is None,
        item.rank or 0,
        item.key,
    )


def rank_priorities(items: Iterable[RankInput]) -> list[Ranked]:
    """Order priorities by votes (most first), then by the agreed rank (1 first), then by entry order.

    Priorities without votes come after those with votes; without an agreed rank, after those with
    one. Two priorities with equal votes and equal (or no) rank are marked ``tied`` so the plan can
    say the community did not separate them.
    """
    ordered = sorted(items, key=_rank_sort_key)
    signature = [(i.votes, i.rank) for i in ordered]
    result = []
    for index, item in enumerate(ordered):
        tied = (index > 0 and signature[index - 1] == signature[index]) or (
            index + 1 < len(ordered) and signature[index + 1] == signature[index]
        )
        result.append(Ranked(key=item.key, position=index + 1, tied=tied))
    return result


# --- Participation ---------------------------------------------------------------------------------


def women_share_percent(women: int, total: int) -> Decimal | None:
    """Women as a percentage of everyone counted, to one decimal; None when nobody was counted."""
    if total <= 0:
        return None
    return (Decimal(women) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class SexCount:
    key: str
    women: int
    men: int

    @property
    def total(self) -> int:
        return self.women + self.men

    @property
    def women_share(self) -> Decimal | None:
        return women_share_percent(self.women, self.total)


@dataclass(frozen=True)
class ParticipationSummary:
    rows: list[SexCount]
    total: SexCount
    women_share: Decimal | None
    women_share_low: bool  # true when nobody, or too few women, took part

    @property
    def no_women(self) -> bool:
        return self.total.total > 0 and self.total.women == 0


def _summarise(rows: list[SexCount], threshold: Decimal) -> ParticipationSummary:
    total = SexCount("total", sum(r.women for r in rows), sum(r.men for r in rows))
    share = total.women_share
    return ParticipationSummary(
        rows=rows, total=total, women_share=share, women_share_low=share is None or share < threshold
    )


def participation_summary(
    counts: Iterable[tuple[str, int, int]], *, threshold: Decimal = WOMEN_SHARE_LOW_PERCENT
) -> ParticipationSummary:
    """Participants by population group and sex: ``counts`` are (group, women, men), possibly from
    several workshops. Groups come in the order of ``ParticipantGroup``; empty groups are left out."""
    merged: dict[str, list[int]] = OrderedDict((g, [0, 0]) for g in ParticipantGroup.values)
    for group, women, men in counts:
        if women < 0 or men < 0:
            raise ValueError("participant counts cannot be negative")
        bucket = merged.setdefault(group, [0, 0])
        bucket[0] += women
        bucket[1] += men
    rows = [SexCount(g, w, m) for g, (w, m) in merged.items() if w or m]
    return _summarise(rows, threshold)


def composition_summary(
    members: Iterable[tuple[str, str]], *, roles: Sequence[str], threshold: Decimal = WOMEN_SHARE_LOW_PERCENT
) -> ParticipationSummary:
    """A council's serving members by role and sex: ``members`` are (role, sex) with sex "f" or "m"."""
    merged: dict[str, list[int]] = OrderedDict((r, [0, 0]) for r in roles)
    for role, sex in members:
        bucket = merged.setdefault(role, [0, 0])
        bucket[0 if sex == "f" else 1] += 1
    rows = [SexCount(r, w, m) for r, (w, m) in merged.items() if w or m]
    return _summarise(rows, threshold)


# --- Workflow --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    verb: str
    source: str
    target: str
    roles: frozenset[str]
    label: str
    needs_reason: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.verb: t
    for t in (
        Transition("submit", PlanStatus.DRAFT, PlanStatus.SUBMITTED, EDITOR_ROLES, _("Submit for approval")),
        Transition(
            "return", PlanStatus.SUBMITTED, PlanStatus.DRAFT, EDITOR_ROLES, _("Return to draft"), needs_reason=True
        ),
        Transition("approve", PlanStatus.SUBMITTED, PlanStatus.APPROVED, frozenset({Role.MANAGER}), _("Approve")),
        Transition(
            "start",
            PlanStatus.APPROVED,
            PlanStatus.IN_IMPLEMENTATION,
            frozenset({Role.MANAGER}),
            _("Start implementation"),
        ),
        Transition(
            "complete",
            PlanStatus.IN_IMPLEMENTATION,
            PlanStatus.COMPLETED,
            frozenset({Role.MANAGER}),
            _("Mark completed"),
        ),
    )
}


class TransitionRefused(Exception):
    """``kind`` says why: "unknown" step, wrong "status", the user's "role", or a missing "reason"."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.message = str(message)
        self.kind = kind


def check_transition(*, verb: str, status: str, role: str | None, reason: str = "") -> Transition:
    """The transition ``verb`` if a user of ``role`` may take it from ``status``; else ``TransitionRefused``."""
    transition = TRANSITIONS.get(verb)
    if transition is None:
        raise TransitionRefused(_("Unknown step."), "unknown")
    if status != transition.source:
        raise TransitionRefused(
            _("This step is only possible from “%(source)s”; the plan is “%(status)s”.")
            % {"source": PlanStatus(transition.source).label, "status": PlanStatus(status).label},
            "status",
        )
    if role not in transition.roles:
        if transition.roles == {Role.MANAGER}:
            raise TransitionRefused(_("Only a manager can take this step."), "role")
        raise TransitionRefused(_("Your role cannot take this step."), "role")
    if transition.needs_reason and not reason.strip():
        raise TransitionRefused(_("Say why."), "reason")
    return transition


def available_transitions(*, status: str, role: str | None) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if t.source == status and role in t.roles]


# --- Editing ---------------------------------------------------------------------------------------

CONTENT = "content"  # the plan, its priorities, actions, budgets and timelines
PROGRESS = "progress"  # an action's status during implementation

SIGNED_STATUSES = frozenset({PlanStatus.APPROVED, PlanStatus.IN_IMPLEMENTATION, PlanStatus.COMPLETED})


@dataclass(frozen=True)
class EditDecision:
    allowed: bool
    revision: bool = False  # the change must be recorded as a revision with a reason
    refusal: str = ""
    forbidden: bool = False  # refused because of the user's role (not the plan's status)


def edit_decision(*, status: str, role: str | None, change: str = CONTENT) -> EditDecision:
    """May a user of ``role`` change a plan in ``status``, and does the change need a revision?

    Drafts are edited freely by field staff and managers of the area. A submitted plan is under review
    and changes only after being returned to draft. After approval every change is a revision with a
    reason: managers revise content; field staff may also record an action's progress. A completed
    plan is closed.
    """
    if role not in EDITOR_ROLES:
        return EditDecision(
            False, refusal=str(_("Only field staff and managers of the area change plans.")), forbidden=True
        )
    if status == PlanStatus.DRAFT:
        return EditDecision(True)
    if status == PlanStatus.SUBMITTED:
        return EditDecision(False, refusal=str(_("The plan is waiting for approval: return it to draft to change it.")))
    if status == PlanStatus.COMPLETED:
        return EditDecision(False, refusal=str(_("The plan is completed and closed to changes.")))
    if change == PROGRESS or role == Role.MANAGER:
        return EditDecision(True, revision=True)
    return EditDecision(False, refusal=str(_("Only a manager can revise an approved plan.")), forbidden=True)


# --- Completeness and budgets ----------------------------------------------------------------------


@dataclass(frozen=True)
class ActionFacts:
    description: str
    has_responsible: bool
    budget: Decimal | None
    currency: str
    status: str = ActionStatus.PLANNED


@dataclass(frozen=True)
class PriorityFacts:
    title: str
    actions: list[ActionFacts] = field(default_factory=list)


def submission_problems(priorities: Sequence[PriorityFacts]) -> list[str]:
    """What stops a draft from going to a manager: a plan needs priorities, each with an action that
    says who is responsible."""
    problems: list[str] = []
    if not priorities:
        problems.append(str(_("Add at least one priority.")))
    for priority in priorities:
        if not priority.actions:
            problems.append(str(_("“%(title)s” has no action.") % {"title": priority.title}))
        for action in priority.actions:
            if not action.has_responsible:
                problems.append(
                    str(_("Action “%(action)s” needs someone responsible.") % {"action": action.description})
                )
    return problems


def budget_totals(actions: Iterable[tuple[str, Decimal | None, str]]) -> list[tuple[str, Decimal]]:
    """Budget per currency over (currency, amount, status) rows, leaving out cancelled actions and
    actions without a budget. Currencies are never converted into one another."""
    totals: dict[str, Decimal] = {}
    for currency, amount, status in actions:
        if amount is None or status == ActionStatus.CANCELLED or not currency:
            continue
        totals[currency] = totals.get(currency, Decimal("0")) + Decimal(amount)
    return sorted(totals.items())
