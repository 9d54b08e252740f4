"""The pure rules: deadlines, overdue, the workflow table and who may take each step, consent, sensitivity."""

import datetime

import pytest

from core.models import Role
from referrals import rules
from referrals.models import ComplaintCategory, ComplaintKind, ComplaintStatus, ReferralStatus, Urgency

MONDAY = datetime.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("urgency", "days"), [(Urgency.EMERGENCY, 1), (Urgency.HIGH, 3), (Urgency.NORMAL, 10), (Urgency.LOW, 30)]
)
def test_deadline_follows_urgency_in_calendar_days(urgency, days):
    assert rules.deadline_for(urgency=urgency, sent_on=MONDAY) == MONDAY + datetime.timedelta(days=days)


def test_unknown_urgency_has_no_deadline():
    with pytest.raises(ValueError, match="unknown urgency"):
        rules.deadline_for(urgency="whenever", sent_on=MONDAY)


@pytest.mark.parametrize(
    ("status", "today", "overdue"),
    [
        (ReferralStatus.SENT, MONDAY, False),  # on the deadline day it is not yet late
        (ReferralStatus.SENT, MONDAY + datetime.timedelta(days=1), True),
        (ReferralStatus.ACCEPTED, MONDAY + datetime.timedelta(days=1), True),
        (ReferralStatus.IN_PROGRESS, MONDAY + datetime.timedelta(days=9), True),
        (ReferralStatus.SERVICE_PROVIDED, MONDAY + datetime.timedelta(days=9), False),
        (ReferralStatus.DECLINED, MONDAY + datetime.timedelta(days=9), False),
        (ReferralStatus.CLOSED, MONDAY + datetime.timedelta(days=9), False),
    ],
)
def test_overdue_only_while_the_service_is_pending_after_the_deadline(status, today, overdue):
    assert rules.is_overdue(deadline=MONDAY, status=status, today=today) is overdue
    expected_days = (today - MONDAY).days if overdue else 0
    assert rules.days_overdue(deadline=MONDAY, status=status, today=today) == expected_days


def test_first_follow_up_is_the_day_after_the_deadline():
    assert rules.first_follow_up_on(deadline=MONDAY) == MONDAY + datetime.timedelta(days=1)


def test_referrals_leaving_the_organisation_need_partner_sharing_consent():
    assert rules.is_internal(receiving_data_owner_id=1, referring_owner_id=1)
    assert not rules.is_internal(receiving_data_owner_id=2, referring_owner_id=1)
    assert rules.consent_purposes(internal=True) == ("referral",)
    assert rules.consent_purposes(internal=False) == ("referral", "partner_sharing")


@pytest.mark.parametrize(
    ("sector", "flagged", "sensitive"),
    [("PRO-GBV", False, True), ("PRO-CPN", False, True), ("PRO-HLP", False, False), ("PRO", True, True)],
)
def test_gbv_and_child_protection_are_always_sensitive(sector, flagged, sensitive):
    assert rules.is_sensitive(sector=sector, flagged=flagged) is sensitive


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, "<5"), (4, "<5"), (5, 5), (37, 37)])
def test_anonymised_totals_hide_small_numbers(count, shown):
    assert rules.anonymised_total(count) == shown


def _party(role, organisation_id, data_owner_id):
    return rules.party_for(
        role=role,
        organisation_id=organisation_id,
        data_owner_id=data_owner_id,
        referral_organisation_id=1,  # IOM referred
        receiving_organisation_id=7,  # to NRC (or to the unit with id 7)
    )


def test_parties_of_a_referral():
    assert _party(Role.PARTNER, 7, 7) == rules.Party.RECEIVER
    assert _party(Role.FIELD_STAFF, 7, 1) == rules.Party.RECEIVER  # staff of the internal unit addressed
    assert _party(Role.DESK_OFFICER, 1, 1) == rules.Party.REFERRER
    assert _party(Role.MANAGER, 3, 1) == rules.Party.REFERRER  # staff of another unit of the agency
    assert _party(Role.ADMIN, 1, 1) is None
    assert _party(Role.PARTNER, 8, 8) is None
    assert _party(Role.DESK_OFFICER, 9, 9) is None
    assert _party(None, 1, 1) is None


WORKFLOW = [
    ("accept", ReferralStatus.SENT, rules.Party.RECEIVER, ReferralStatus.ACCEPTED),
    ("decline", ReferralStatus.SENT, rules.Party.RECEIVER, ReferralStatus.DECLINED),
    ("start", ReferralStatus.ACCEPTED, rules.Party.RECEIVER, ReferralStatus.IN_PROGRESS),
    ("provide", ReferralStatus.IN_PROGRESS, rules.Party.RECEIVER, ReferralStatus.SERVICE_PROVIDED),
    ("provide", ReferralStatus.ACCEPTED, rules.Party.RECEIVER, ReferralStatus.SERVICE_PROVIDED),
    ("close", ReferralStatus.SERVICE_PROVIDED, rules.Party.REFERRER, ReferralStatus.CLOSED),
    ("close", ReferralStatus.DECLINED, rules.Party.REFERRER, ReferralStatus.CLOSED),
    ("withdraw", ReferralStatus.ACCEPTED, rules.Party.REFERRER, ReferralStatus.CLOSED),
]


@pytest.mark.parametrize(("verb", "status", "party", "target"), WORKFLOW)
def test_each_step_of_the_workflow(verb, status, party, target):
    assert rules.check_transition(verb=verb, status=status, party=party, reason="a reason").target == target


@pytest.mark.parametrize(("verb", "status", "party", "target"), WORKFLOW)
def test_the_other_party_cannot_take_the_step(verb, status, party, target):
    other = rules.Party.REFERRER if party == rules.Party.RECEIVER else rules.Party.RECEIVER
    for who in (other, None):
        with pytest.raises(rules.TransitionRefused) as refused:
            rules.check_transition(verb=verb, status=status, party=who, reason="a reason")
        assert refused.value.kind == "party"


def test_steps_out_of_order_are_refused_with_the_status_named():
    with pytest.raises(rules.TransitionRefused) as refused:
        rules.check_transition(verb="provide", status=ReferralStatus.SENT, party=rules.Party.RECEIVER)
    assert refused.value.kind == "status"
    assert "Sent" in refused.value.message
    with pytest.raises(rules.TransitionRefused) as refused:
        rules.check_transition(verb="close", status=ReferralStatus.IN_PROGRESS, party=rules.Party.REFERRER)
    assert refused.value.kind == "status"
    with pytest.raises(rules.TransitionRefused) as refused:
        rules.check_transition(verb="accept", status=ReferralStatus.CLOSED, party=rules.Party.RECEIVER)
    assert refused.value.kind == "status"


def test_declining_and_withdrawing_need_a_reason():
    for verb, status, party in (
        ("decline", ReferralStatus.SENT, rules.Party.RECEIVER),
        ("withdraw", ReferralStatus.SENT, rules.Party.REFERRER),
    ):
        with pytest.raises(rules.TransitionRefused) as refused:
            rules.check_transition(verb=verb, status=status, party=party, reason="  ")
        assert refused.value.kind == "reason"


def test_unknown_step():
    with pytest.raises(rules.TransitionRefused) as refused:
        rules.check_transition(verb="reopen", status=ReferralStatus.CLOSED, party=rules.Party.REFERRER)
    assert refused.value.kind == "unknown"


def test_available_steps_per_party():
    receiver = {t.verb for t in rules.available_transitions(status=ReferralStatus.SENT, party=rules.Party.RECEIVER)}
    referrer = {t.verb for t in rules.available_transitions(status=ReferralStatus.SENT, party=rules.Party.REFERRER)}
    assert receiver == {"accept", "decline"}
    assert referrer == {"withdraw"}
    assert rules.available_transitions(status=ReferralStatus.CLOSED, party=rules.Party.REFERRER) == []
    assert rules.available_transitions(status=ReferralStatus.SENT, party=None) == []


def test_feedback_and_follow_up_belong_to_each_side_until_closed():
    assert rules.may_give_feedback(party=rules.Party.RECEIVER, status=ReferralStatus.IN_PROGRESS)
    assert not rules.may_give_feedback(party=rules.Party.REFERRER, status=ReferralStatus.IN_PROGRESS)
    assert not rules.may_give_feedback(party=rules.Party.RECEIVER, status=ReferralStatus.CLOSED)
    assert rules.may_follow_up(party=rules.Party.REFERRER, status=ReferralStatus.DECLINED)
    assert not rules.may_follow_up(party=rules.Party.RECEIVER, status=ReferralStatus.SENT)


# --- complaints -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "flagged", "sensitive"),
    [
        (ComplaintCategory.PSEA, False, True),
        (ComplaintCategory.STAFF_CONDUCT, False, True),
        (ComplaintCategory.FRAUD, False, True),
        (ComplaintCategory.ELIGIBILITY, False, False),
        (ComplaintCategory.SAFETY, True, True),
    ],
)
def test_complaint_sensitivity(category, flagged, sensitive):
    assert rules.complaint_sensitive(category=category, flagged=flagged) is sensitive


@pytest.mark.parametrize(
    ("category", "days"),
    [
        (ComplaintCategory.PSEA, 1),
        (ComplaintCategory.SAFETY, 2),
        (ComplaintCategory.STAFF_CONDUCT, 7),
        (ComplaintCategory.ELIGIBILITY, 14),
    ],
)
def test_complaint_answer_due(category, days):
    assert rules.complaint_due(category=category, received_on=MONDAY) == MONDAY + datetime.timedelta(days=days)


def test_complaint_overdue_until_answered():
    late = MONDAY + datetime.timedelta(days=1)
    assert rules.complaint_overdue(due_on=MONDAY, status=ComplaintStatus.ASSIGNED, today=late)
    assert not rules.complaint_overdue(due_on=MONDAY, status=ComplaintStatus.RESPONDED, today=late)
    assert not rules.complaint_overdue(due_on=MONDAY, status=ComplaintStatus.OPEN, today=MONDAY)


def test_closing_a_complaint_needs_an_answer_or_a_note():
    assert (
        rules.complaint_close_problem(status=ComplaintStatus.RESPONDED, kind=ComplaintKind.COMPLAINT, note="") is None
    )
    assert "response" in rules.complaint_close_problem(
        status=ComplaintStatus.OPEN, kind=ComplaintKind.COMPLAINT, note=""
    )
    assert (
        rules.complaint_close_problem(status=ComplaintStatus.OPEN, kind=ComplaintKind.COMPLAINT, note="duplicate")
        is None
    )
    assert rules.complaint_close_problem(status=ComplaintStatus.OPEN, kind=ComplaintKind.FEEDBACK, note="") is not None
    assert (
        rules.complaint_close_problem(status=ComplaintStatus.OPEN, kind=ComplaintKind.FEEDBACK, note="thanks") is None
    )
    assert rules.complaint_close_problem(status=ComplaintStatus.CLOSED, kind=ComplaintKind.FEEDBACK, note="x")


def test_who_handles_complaints():
    assert rules.may_handle_complaint(is_psea=True, holds_psea=True, is_assignee=False, role=Role.FIELD_STAFF)
    assert not rules.may_handle_complaint(is_psea=True, holds_psea=False, is_assignee=True, role=Role.MANAGER)
    assert rules.may_handle_complaint(is_psea=False, holds_psea=False, is_assignee=True, role=Role.DESK_OFFICER)
    assert rules.may_handle_complaint(is_psea=False, holds_psea=False, is_assignee=False, role=Role.MANAGER)
    assert not rules.may_handle_complaint(is_psea=False, holds_psea=False, is_assignee=False, role=Role.DESK_OFFICER)
    assert rules.may_assign_complaint(is_psea=False, holds_psea=False, role=Role.DESK_OFFICER)
    assert not rules.may_assign_complaint(is_psea=True, holds_psea=False, role=Role.MANAGER)
    assert not rules.may_assign_complaint(is_psea=False, holds_psea=False, role=Role.FIELD_STAFF)
