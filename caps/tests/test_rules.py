"""The pure decisions: ranking, participation summaries, the workflow table, editing, budgets."""

from decimal import Decimal

import pytest

from caps import rules
from caps.models import ActionStatus, ParticipantGroup, PlanStatus
from caps.rules import RankInput
from core.models import Role


def _order(items):
    return [r.key for r in rules.rank_priorities(items)]


def test_priorities_rank_by_votes_then_agreed_rank_then_entry():
    items = [
        RankInput(key=1, votes=10, rank=None),
        RankInput(key=2, votes=30, rank=None),
        RankInput(key=3, votes=10, rank=1),  # same votes as 1: the agreed rank decides
        RankInput(key=4, votes=None, rank=1),  # no votes: after every voted priority
        RankInput(key=5, votes=None, rank=None),
    ]
    ranked = rules.rank_priorities(items)
    assert [r.key for r in ranked] == [2, 3, 1, 4, 5]
    assert [r.position for r in ranked] == [1, 2, 3, 4, 5]
    assert not any(r.tied for r in ranked)


def test_ties_are_broken_by_entry_order_whatever_the_input_order_and_flagged():
    items = [RankInput(7, 12, None), RankInput(3, 12, None), RankInput(5, 20, None)]
    assert _order(items) == [5, 3, 7]
    assert _order(list(reversed(items))) == [5, 3, 7]
    tied = {r.key: r.tied for r in rules.rank_priorities(items)}
    assert tied == {5: False, 3: True, 7: True}


def test_agreed_rank_alone_orders_a_plan_without_votes():
    items = [RankInput(1, None, 3), RankInput(2, None, 1), RankInput(3, None, 2)]
    assert _order(items) == [2, 3, 1]


def test_zero_votes_rank_after_some_votes_but_before_no_vote():
    assert _order([RankInput(1, None, None), RankInput(2, 0, None), RankInput(3, 1, None)]) == [3, 2, 1]


def test_participation_merges_workshops_and_orders_groups():
    summary = rules.participation_summary(
        [
            (ParticipantGroup.HOST, 3, 9),
            (ParticipantGroup.IDP, 6, 14),
            (ParticipantGroup.IDP, 12, 0),
        ]
    )
    assert [(r.key, r.women, r.men) for r in summary.rows] == [("idp", 18, 14), ("host", 3, 9)]
    assert summary.total.total == 44
    assert summary.women_share == Decimal("47.7")
    assert summary.women_share_low is False


def test_womens_share_is_shown_when_low_and_when_zero():
    low = rules.participation_summary([(ParticipantGroup.IDP, 2, 18)])
    assert low.women_share == Decimal("10.0")
    assert low.women_share_low is True
    none = rules.participation_summary([(ParticipantGroup.HOST, 0, 25)])
    assert none.women_share == Decimal("0.0")
    assert none.women_share_low is True
    assert none.no_women is True
    assert none.rows[0].women_share == Decimal("0.0")


def test_no_participants_has_no_share_and_counts_as_low():
    empty = rules.participation_summary([])
    assert empty.total.total == 0
    assert empty.women_share is None
    assert empty.women_share_low is True
    assert empty.no_women is False


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="negative"):
        rules.participation_summary([(ParticipantGroup.IDP, -1, 3)])


def test_council_composition_by_role_and_sex():
    summary = rules.composition_summary(
        [("chair", "m"), ("member", "f"), ("member", "f"), ("member", "m"), ("deputy_chair", "f")],
        roles=["chair", "deputy_chair", "secretary", "member"],
    )
    assert [(r.key, r.women, r.men) for r in summary.rows] == [
        ("chair", 0, 1),
        ("deputy_chair", 1, 0),
        ("member", 2, 1),
    ]
    assert summary.women_share == Decimal("60.0")


@pytest.mark.parametrize(
    ("verb", "status", "role", "target"),
    [
        ("submit", PlanStatus.DRAFT, Role.FIELD_STAFF, PlanStatus.SUBMITTED),
        ("submit", PlanStatus.DRAFT, Role.MANAGER, PlanStatus.SUBMITTED),
        ("approve", PlanStatus.SUBMITTED, Role.MANAGER, PlanStatus.APPROVED),
        ("start", PlanStatus.APPROVED, Role.MANAGER, PlanStatus.IN_IMPLEMENTATION),
        ("complete", PlanStatus.IN_IMPLEMENTATION, Role.MANAGER, PlanStatus.COMPLETED),
    ],
)
def test_workflow_moves_forward(verb, status, role, target):
    assert rules.check_transition(verb=verb, status=status, role=role).target == target


@pytest.mark.parametrize("role", [Role.FIELD_STAFF, Role.DESK_OFFICER, Role.ADMIN, Role.PARTNER, None])
@pytest.mark.parametrize("verb", ["approve", "start", "complete"])
def test_only_managers_approve_start_and_complete(verb, role):
    source = rules.TRANSITIONS[verb].source
    with pytest.raises(rules.TransitionRefused) as refused:
        rules.check_transition(verb=verb, status=source, role=role)
    assert refused.value.kind == "role"


def test_steps_out_of_order_are_refused():
    with pytest.raises(rules.TransitionRefused) as refused:
        rules.check_transition(verb="approve", status=PlanStatus.DRAFT, role=Role.MANAGER)
    assert refused.value.kind == "status"
    with pytest.raises(rules.TransitionRefused):
        rules.check_transition(verb="complete", status=PlanStatus.APPROVED, role=Role.MANAGER)
    with pytest.raises(rules.TransitionRefused) as unknown:
        rules.check_transition(verb="delete", status=PlanStatus.DRAFT, role=Role.MANAGER)
    assert unknown.value.kind == "unknown"


def test_returning_to_draft_needs_a_reason():
    with pytest.raises(rules.TransitionRefused) as refused:
        rules.check_transition(verb="return", status=PlanStatus.SUBMITTED, role=Role.MANAGER, reason="  ")
    assert refused.value.kind == "reason"
    assert rules.check_transition(verb="return", status=PlanStatus.SUBMITTED, role=Role.MANAGER, reason="Budget?")


def test_available_transitions_follow_role_and_status():
    verbs = lambda status, role: [t.verb for t in rules.available_transitions(status=status, role=role)]  # noqa: E731
    assert verbs(PlanStatus.SUBMITTED, Role.MANAGER) == ["return", "approve"]
    assert verbs(PlanStatus.SUBMITTED, Role.FIELD_STAFF) == ["return"]
    assert verbs(PlanStatus.COMPLETED, Role.MANAGER) == []


def test_edit_decisions():
    decide = rules.edit_decision
    assert decide(status=PlanStatus.DRAFT, role=Role.FIELD_STAFF) == rules.EditDecision(True)
    submitted = decide(status=PlanStatus.SUBMITTED, role=Role.MANAGER)
    assert not submitted.allowed
    assert not submitted.forbidden
    assert decide(status=PlanStatus.APPROVED, role=Role.MANAGER) == rules.EditDecision(True, revision=True)
    field_content = decide(status=PlanStatus.APPROVED, role=Role.FIELD_STAFF)
    assert (field_content.allowed, field_content.forbidden) == (False, True)
    progress = decide(status=PlanStatus.IN_IMPLEMENTATION, role=Role.FIELD_STAFF, change=rules.PROGRESS)
    assert progress == rules.EditDecision(True, revision=True)
    assert not decide(status=PlanStatus.COMPLETED, role=Role.MANAGER).allowed
    assert decide(status=PlanStatus.DRAFT, role=Role.DESK_OFFICER).forbidden


def test_submission_needs_priorities_with_actions_and_someone_responsible():
    assert rules.submission_problems([]) == ["Add at least one priority."]
    problems = rules.submission_problems(
        [
            rules.PriorityFacts("Water", []),
            rules.PriorityFacts("Health", [rules.ActionFacts("Road", has_responsible=False, budget=None, currency="")]),
        ]
    )
    assert problems == ["“Water” has no action.", "Action “Road” needs someone responsible."]


def test_budget_totals_per_currency_leave_out_cancelled_and_unbudgeted_actions():
    totals = rules.budget_totals(
        [
            ("AFN", Decimal("720000"), ActionStatus.PLANNED),
            ("USD", Decimal("18000.50"), ActionStatus.DONE),
            ("AFN", Decimal("60000"), ActionStatus.IN_PROGRESS),
            ("AFN", Decimal("999"), ActionStatus.CANCELLED),
            ("", None, ActionStatus.PLANNED),
        ]
    )
    assert totals == [("AFN", Decimal("780000")), ("USD", Decimal("18000.50"))]


def test_participant_groups_cover_profiling_displacement_statuses():
    from profiling.models import DisplacementStatus

    assert set(DisplacementStatus.values) <= set(ParticipantGroup.values)


def test_sectors_are_the_hdx_codes():
    from caps.sectors import Sector, sector_label

    assert set(Sector.values) == {
        "SHL", "WSH", "HEA", "PRO", "PRO-CPN", "PRO-GBV", "PRO-HLP", "PRO-MIN",
        "FSC", "EDU", "CCM", "ERY", "MPC", "NUT", "AGR",
    }  # fmt: skip
    assert sector_label("WSH") == "Water, sanitation and hygiene"
    assert sector_label("XYZ") == "XYZ"
