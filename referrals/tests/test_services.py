"""Services: the consent gate and its audited override, sensitivity, the workflow by the right party,
follow-ups, feedback, walk-ins, complaints with PSEA routing, and retention."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEvent
from core.services import retention_sweep
from profiling.models import Consent
from profiling.selectors import consent_given
from referrals import selectors, services
from referrals.models import Complaint, FollowUp, Referral, ReferralEvent, Visit

from .factories import ReferralFactory, VisitFactory


def refer(actor, household, service, **kwargs):
    values = {"reason": "Land dispute with a neighbour over the family plot.", "urgency": "normal"}
    values.update(kwargs)
    return services.referral_create(actor=actor, household=household, service=service, **values)


# --- the consent gate ------------------------------------------------------------------------------


def test_referral_with_consent_is_sent_with_deadline_follow_up_and_audit(
    desk_officer, household, legal_aid, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = refer(desk_officer, household, legal_aid, urgency="high")
    today = timezone.localdate()
    assert referral.reference.startswith("RF-IOM-")
    assert referral.status == "sent"
    assert referral.receiving_organisation.acronym == "NRC"
    assert referral.area == household.settlement
    assert referral.deadline == today + datetime.timedelta(days=3)
    assert referral.consent_recorded
    assert not referral.consent_overridden
    assert referral.client_name == "Bibi Hawa Ahmadzai"
    assert referral.client_phone == household.phone
    assert not referral.sensitive
    assert list(referral.events.values_list("kind", "to_status")) == [("sent", "sent")]
    assert referral.follow_ups.get().due_on == today + datetime.timedelta(days=4)
    event = AuditEvent.objects.get(action="referral.create", target_id=str(referral.pk))
    assert event.after["status"] == "sent"
    assert "client_name" not in event.after
    assert "reason" not in event.after
    [message] = mail.outbox
    assert referral.reference in message.subject
    assert "Bibi Hawa" not in message.body
    assert "Land dispute" not in message.body


def test_referral_without_consent_is_refused_and_nothing_is_saved(desk_officer, household_without_consent, legal_aid):
    with pytest.raises(ValidationError) as refused:
        refer(desk_officer, household_without_consent, legal_aid)
    assert "consent" in refused.value.message_dict
    assert "Referral to other services" in refused.value.message_dict["consent"][0]
    assert not Referral.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="referral.").exists()


def test_partner_referral_needs_partner_sharing_consent_but_an_internal_one_does_not(
    desk_officer, household, legal_aid, case_management
):
    Consent.objects.filter(household=household, purpose="partner_sharing").update(given=False)
    with pytest.raises(ValidationError) as refused:
        refer(desk_officer, household, legal_aid)
    assert "Sharing with partner organisations" in refused.value.message_dict["consent"][0]
    internal = refer(desk_officer, household, case_management)
    assert internal.consent_recorded
    assert internal.receiving_organisation.acronym == "IOM-PRO"


def test_consent_given_at_the_desk_is_recorded_then_the_referral_goes(
    desk_officer, household_without_consent, legal_aid
):
    referral = refer(desk_officer, household_without_consent, legal_aid, consent_given_now=True)
    assert referral.consent_recorded
    assert consent_given(household=household_without_consent, purpose="referral")
    assert consent_given(household=household_without_consent, purpose="partner_sharing")
    assert AuditEvent.objects.filter(action="consent.record", target_id=str(household_without_consent.pk)).count() == 2


def test_override_needs_the_permission(desk_officer, household_without_consent, legal_aid):
    with pytest.raises(ValidationError) as refused:
        refer(desk_officer, household_without_consent, legal_aid, consent_override_reason="Urgent eviction")
    assert "consent_override_reason" in refused.value.message_dict
    assert not Referral.objects.exists()


def test_override_with_a_reason_is_audited_on_its_own(supervisor, household_without_consent, legal_aid):
    with pytest.raises(ValidationError) as refused:
        refer(supervisor, household_without_consent, legal_aid)
    assert "consent" in refused.value.message_dict
    referral = refer(
        supervisor, household_without_consent, legal_aid, consent_override_reason="Eviction tomorrow; head unreachable"
    )
    assert not referral.consent_recorded
    assert referral.consent_overridden
    assert referral.consent_overridden_by == supervisor
    override = AuditEvent.objects.get(action="referral.consent_override", target_id=str(referral.pk))
    assert override.reason == "Eviction tomorrow; head unreachable"
    assert override.actor == supervisor
    assert override.after["missing_consent"] == ["referral", "partner_sharing"]


def test_override_reason_is_ignored_when_consent_exists(supervisor, household, legal_aid):
    referral = refer(supervisor, household, legal_aid, consent_override_reason="not needed")
    assert referral.consent_recorded
    assert referral.consent_override_reason == ""
    assert not AuditEvent.objects.filter(action="referral.consent_override").exists()


# --- what may be referred where ------------------------------------------------------------------


def test_bad_input_names_the_fields(desk_officer, household, livelihoods_injil, legal_aid):
    with pytest.raises(ValidationError) as refused:
        refer(desk_officer, household, livelihoods_injil, reason=" ", urgency="soon")
    assert set(refused.value.message_dict) == {"service", "reason", "urgency"}
    assert "does not cover Kaga" in refused.value.message_dict["service"][0]
    with pytest.raises(ValidationError) as refused:
        refer(desk_officer, household, legal_aid, deadline=timezone.localdate() - datetime.timedelta(days=1))
    assert "deadline" in refused.value.message_dict


def test_inactive_services_take_no_referrals(desk_officer, household, legal_aid):
    legal_aid.accepts_referrals = False
    legal_aid.save()
    with pytest.raises(ValidationError) as refused:
        refer(desk_officer, household, legal_aid)
    assert "service" in refused.value.message_dict


def test_households_outside_scope_and_wrong_roles_cannot_be_referred(
    desk_officer, field_officer_injil, partner_user, admin_user, household, injil_household, legal_aid
):
    with pytest.raises(ValidationError) as refused:
        refer(field_officer_injil, household, legal_aid)
    assert "household" in refused.value.message_dict
    for outsider in (partner_user, admin_user):
        with pytest.raises(PermissionDenied):
            refer(outsider, household, legal_aid)
    member = injil_household.members.first()
    with pytest.raises(ValidationError) as refused:
        refer(desk_officer, household, legal_aid, member=member)
    assert "member" in refused.value.message_dict


def test_member_referral_uses_the_members_details(desk_officer, household, legal_aid):
    child = household.members.exclude(relationship="head").first()
    referral = refer(desk_officer, household, legal_aid, member=child)
    assert referral.member == child
    assert referral.client_name == child.name
    assert referral.client_age_group == "6-17"


def test_call_of_a_check_in_that_reveals_a_protection_risk(field_officer, household, case_management):
    """The signature monitoring relies on."""
    referral = services.referral_create(
        actor=field_officer,
        household=household,
        member=None,
        service=case_management,
        reason="Check-in call: threats from the landlord",
        urgency="high",
        sensitive=True,
    )
    assert referral.sensitive
    assert not selectors.referrals_for_user(field_officer).filter(pk=referral.pk).exists()


def test_gbv_and_child_protection_are_sensitive_whatever_the_flag(
    desk_officer, sensitive_desk, household, child_protection
):
    referral = refer(desk_officer, household, child_protection, sensitive=False)
    assert referral.sensitive
    assert not selectors.referrals_for_user(desk_officer).filter(pk=referral.pk).exists()
    assert selectors.referrals_for_user(sensitive_desk).filter(pk=referral.pk).exists()


# --- the workflow ---------------------------------------------------------------------------------


def test_full_workflow_by_the_right_parties(
    desk_officer, partner_user, household, legal_aid, django_capture_on_commit_callbacks
):
    referral = refer(desk_officer, household, legal_aid)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_transition(actor=partner_user, referral=referral, verb="accept")
    assert mail.outbox[0].to == [desk_officer.email]
    services.referral_transition(actor=partner_user, referral=referral, verb="start")
    services.referral_feedback(actor=partner_user, referral=referral, note="First session held; case opened.")
    services.referral_transition(actor=partner_user, referral=referral, verb="provide")
    services.referral_transition(actor=desk_officer, referral=referral, verb="close", reason="Client satisfied")
    referral.refresh_from_db()
    assert referral.status == "closed"
    assert referral.responded_at
    assert referral.provided_at
    assert referral.closed_at
    assert referral.closed_by == desk_officer
    assert referral.last_feedback_at is not None
    timeline = list(referral.events.values_list("kind", "to_status"))
    assert timeline == [
        ("sent", "sent"),
        ("status", "accepted"),
        ("status", "in_progress"),
        ("feedback", ""),
        ("status", "service_provided"),
        ("status", "closed"),
    ]
    assert not FollowUp.objects.filter(referral=referral, done_on__isnull=True).exists()
    actions = set(AuditEvent.objects.filter(target_id=str(referral.pk)).values_list("action", flat=True))
    assert {"referral.accept", "referral.start", "referral.provide", "referral.close", "referral.feedback"} <= actions


def test_only_the_receiver_answers_and_only_the_referrer_closes(
    desk_officer, partner_user, brac_user, household, legal_aid
):
    referral = refer(desk_officer, household, legal_aid)
    with pytest.raises(PermissionDenied):
        services.referral_transition(actor=desk_officer, referral=referral, verb="accept")
    with pytest.raises(PermissionDenied):  # another partner does not even see it
        services.referral_transition(actor=brac_user, referral=referral, verb="accept")
    with pytest.raises(PermissionDenied):
        services.referral_transition(actor=partner_user, referral=referral, verb="withdraw", reason="no")
    with pytest.raises(ValidationError) as refused:
        services.referral_transition(actor=partner_user, referral=referral, verb="decline")
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.referral_transition(actor=desk_officer, referral=referral, verb="close")
    assert "status" in refused.value.message_dict
    services.referral_transition(actor=partner_user, referral=referral, verb="decline", reason="Outside our mandate")
    referral.refresh_from_db()
    assert referral.status == "declined"
    assert referral.decline_reason == "Outside our mandate"
    with pytest.raises(PermissionDenied):
        services.referral_feedback(actor=desk_officer, referral=referral, note="hello")


def test_internal_unit_staff_answer_referrals_to_their_unit(desk_officer, unit_officer, household, case_management):
    referral = refer(desk_officer, household, case_management)
    services.referral_transition(actor=unit_officer, referral=referral, verb="accept")
    with pytest.raises(PermissionDenied):
        services.referral_transition(actor=unit_officer, referral=referral, verb="withdraw", reason="x")
    assert selectors.referrals_awaiting_answer(unit_officer).count() == 0
    assert selectors.referrals_addressed_to_user(unit_officer).get() == referral


def test_sensitive_referrals_cannot_be_acted_on_without_the_permission(
    desk_officer, sensitive_desk, unicef_user, household, child_protection
):
    referral = refer(sensitive_desk, household, child_protection)
    services.referral_transition(actor=unicef_user, referral=referral, verb="accept")
    with pytest.raises(PermissionDenied):
        services.referral_message(actor=desk_officer, referral=referral, note="any news?")
    services.referral_message(actor=sensitive_desk, referral=referral, note="any news?")


def test_messages_and_follow_ups(desk_officer, partner_user, household, legal_aid):
    referral = refer(desk_officer, household, legal_aid)
    services.referral_message(actor=partner_user, referral=referral, note="Please confirm the phone number.")
    services.referral_message(actor=desk_officer, referral=referral, note="Confirmed.")
    with pytest.raises(ValidationError):
        services.referral_message(actor=desk_officer, referral=referral, note=" ")
    first = referral.follow_ups.get()
    with pytest.raises(ValidationError) as refused:
        services.follow_up_record(
            actor=desk_officer, follow_up=first, done_on=timezone.localdate(), outcome="", next_due_on=None
        )
    assert "outcome" in refused.value.message_dict
    services.follow_up_record(
        actor=desk_officer,
        follow_up=first,
        done_on=timezone.localdate(),
        outcome="Client has an appointment next week.",
        next_due_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    assert referral.follow_ups.filter(done_on__isnull=True).count() == 1
    with pytest.raises(ValidationError):
        services.follow_up_record(actor=desk_officer, follow_up=first, done_on=timezone.localdate(), outcome="again")
    with pytest.raises(PermissionDenied):
        services.follow_up_schedule(actor=partner_user, referral=referral, due_on=timezone.localdate())
    with pytest.raises(ValidationError) as refused:
        services.follow_up_schedule(
            actor=desk_officer, referral=referral, due_on=timezone.localdate() - datetime.timedelta(days=1)
        )
    assert "due_on" in refused.value.message_dict


# --- walk-ins -------------------------------------------------------------------------------------


def test_quick_walk_in_needs_minimal_details_and_links_later(desk_officer, centre, household, legal_aid):
    with pytest.raises(ValidationError) as refused:
        services.visit_record(actor=desk_officer, centre=centre, visitor=services.VisitorInput("", "x", "old"))
    assert set(refused.value.message_dict) == {"visitor_name", "visitor_sex", "visitor_age_group"}
    visit = services.visit_record(
        actor=desk_officer,
        centre=centre,
        visitor=services.VisitorInput("Shabnam", "f", "18-59", phone="0700 123 999", consent_referral=True),
        purposes=["referral"],
    )
    assert visit.is_quick
    with pytest.raises(ValidationError) as refused:  # no consent to share with partners was asked
        services.referral_create(
            actor=desk_officer, household=None, visit=visit, service=legal_aid, reason="HLP", urgency="low"
        )
    assert "consent" in refused.value.message_dict
    visit.consent_partner_sharing = True
    visit.save()
    referral = services.referral_create(
        actor=desk_officer, household=None, visit=visit, service=legal_aid, reason="HLP", urgency="low"
    )
    assert referral.household is None
    assert referral.client_name == "Shabnam"
    assert referral.area == centre.area
    services.visit_link_household(actor=desk_officer, visit=visit, household=household)
    referral.refresh_from_db()
    assert referral.household == household
    assert referral.area == household.settlement
    assert AuditEvent.objects.filter(action="referrals.visit.link", target_id=str(visit.pk)).exists()


def test_walk_in_of_a_household_and_who_may_log_it(desk_officer, field_officer, centre, household, places):
    visit = services.visit_record(
        actor=desk_officer, centre=centre, household=household, purposes=["information", "complaint"]
    )
    assert visit.household == household
    assert visit.visitor_name == ""
    with pytest.raises(PermissionDenied):
        services.visit_record(actor=field_officer, centre=centre, household=household)
    with pytest.raises(ValidationError) as refused:
        services.visit_record(actor=desk_officer, centre=centre, household=household, purposes=["gossip"])
    assert "purposes" in refused.value.message_dict


def test_walk_in_at_a_centre_outside_the_officers_areas_is_refused(field_officer_injil, places, iom, household):
    from core.models import Role
    from core.tests.factories import UserFactory

    from .factories import ResourceCentreFactory

    injil_desk = UserFactory(username="desk.injil", role=Role.DESK_OFFICER, organisation=iom, areas=[places.injil])
    khogyani_crc = ResourceCentreFactory(organisation=iom, name="Khogyani CRC", area=places.khogyani)
    with pytest.raises(ValidationError) as refused:
        services.visit_record(
            actor=injil_desk, centre=khogyani_crc, visitor=services.VisitorInput("A visitor", "m", "60+")
        )
    assert "centre" in refused.value.message_dict


# --- complaints -----------------------------------------------------------------------------------


def complaint(actor, area, **overrides):
    values = {
        "kind": "complaint",
        "channel": "hotline",
        "category": "eligibility",
        "description": "We were left off the distribution list.",
        "area": area,
        "received_on": timezone.localdate(),
        "complainant_name": "Zarmina",
        "complainant_phone": "0700999888",
    }
    values.update(overrides)
    return services.complaint_register(actor=actor, data=services.ComplaintInput(**values))


def test_psea_complaint_goes_only_to_the_psea_focal_point(
    desk_officer, manager, supervisor, psea_focal_point, places, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        received = complaint(desk_officer, places.kaga, category="psea", description="A distributor asked for favours")
    assert received.sensitive
    assert received.is_psea
    assert received.assigned_to == psea_focal_point
    assert received.status == "assigned"
    assert received.due_on == timezone.localdate() + datetime.timedelta(days=1)
    assert mail.outbox[0].to == [psea_focal_point.email]
    assert "favours" not in mail.outbox[0].body
    for other in (desk_officer, manager, supervisor):  # supervisor sees sensitive cases, not PSEA
        assert not selectors.complaints_for_user(other).filter(pk=received.pk).exists()
        with pytest.raises(PermissionDenied):
            services.complaint_respond(actor=other, complaint=received, response="x", responded_on=timezone.localdate())
    assert selectors.complaints_for_user(psea_focal_point).get() == received
    assert selectors.restricted_complaint_total(manager) == "<5"
    services.complaint_respond(
        actor=psea_focal_point,
        complaint=received,
        response="Referred to the PSEA network",
        responded_on=timezone.localdate(),
    )
    services.complaint_close(actor=psea_focal_point, complaint=received, satisfied=None)
    received.refresh_from_db()
    assert received.status == "closed"


def test_psea_complaint_without_a_focal_point_is_held_unassigned(desk_officer, places):
    received = complaint(desk_officer, places.kaga, category="psea")
    assert received.assigned_to is None
    assert received.status == "open"
    assert not selectors.complaints_for_user(desk_officer).exists()


def test_complaint_assign_respond_close(desk_officer, manager, sensitive_desk, field_officer, places):
    received = complaint(desk_officer, places.kaga)
    assert received.reference.startswith("FC-IOM-")
    assert received.status == "open"
    with pytest.raises(ValidationError) as refused:
        services.complaint_assign(actor=desk_officer, complaint=received, assignee=manager.__class__(pk=0))
    assert "assigned_to" in refused.value.message_dict
    services.complaint_assign(actor=desk_officer, complaint=received, assignee=field_officer)
    received.refresh_from_db()
    assert received.status == "assigned"
    assert selectors.complaints_for_user(field_officer).get() == received  # focal point sees what is assigned
    with pytest.raises(PermissionDenied):
        services.complaint_respond(
            actor=sensitive_desk, complaint=received, response="x", responded_on=timezone.localdate()
        )
    with pytest.raises(ValidationError) as refused:
        services.complaint_close(actor=field_officer, complaint=received)
    assert "note" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.complaint_respond(
            actor=field_officer,
            complaint=received,
            response="Checked: on next month's list.",
            responded_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert "responded_on" in refused.value.message_dict
    services.complaint_respond(
        actor=field_officer,
        complaint=received,
        response="Checked: on next month's list.",
        responded_on=timezone.localdate(),
    )
    services.complaint_close(actor=manager, complaint=received, satisfied=True)
    received.refresh_from_db()
    assert (received.status, received.complainant_satisfied, received.closed_by) == ("closed", True, manager)
    actions = list(
        AuditEvent.objects.filter(target_id=str(received.pk), action__startswith="complaint.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["complaint.register", "complaint.assign", "complaint.respond", "complaint.close"]
    assert "We were left off" not in str(AuditEvent.objects.filter(target_id=str(received.pk)).values_list())


def test_sensitive_complaints_go_to_holders_of_the_permission(desk_officer, sensitive_desk, field_officer, places):
    received = complaint(desk_officer, places.kaga, category="staff_conduct")
    assert received.sensitive
    assert not selectors.complaints_for_user(desk_officer).filter(pk=received.pk).exists()
    assert selectors.complaints_for_user(sensitive_desk).filter(pk=received.pk).exists()
    with pytest.raises(ValidationError) as refused:  # the field officer may not see sensitive complaints
        services.complaint_assign(actor=sensitive_desk, complaint=received, assignee=field_officer)
    assert "may not see sensitive" in refused.value.message_dict["assigned_to"][0]


def test_complaint_bad_input_and_anonymous(desk_officer, field_officer_injil, partner_user, places):
    with pytest.raises(ValidationError) as refused:
        complaint(desk_officer, places.karizak, channel="pigeon", category="x", description="")
    assert set(refused.value.message_dict) == {"channel", "category", "description", "area"}
    anonymous = complaint(desk_officer, places.kaga, anonymous=True, complainant_name="Someone")
    assert anonymous.complainant_name == ""
    assert anonymous.complainant_phone == ""
    with pytest.raises(PermissionDenied):
        complaint(partner_user, places.kaga)


# --- retention ------------------------------------------------------------------------------------


def test_closed_referrals_complaints_and_walk_ins_lose_personal_data_after_three_years(
    desk_officer, household, legal_aid, centre, places
):
    old = timezone.now() - datetime.timedelta(days=3 * 365 + 5)
    visit = VisitFactory(centre=centre, visitor_name="Old Visitor", visitor_phone="0700111333", notes="came for HLP")
    Visit.objects.filter(pk=visit.pk).update(visited_at=old)
    closed = ReferralFactory(household=household, service=legal_aid, status="closed", closed_at=old, visit=visit)
    ReferralEvent.objects.create(
        referral=closed,
        kind="feedback",
        note="Client told us about the dispute",
        actor=desk_officer,
        actor_organisation=legal_aid.provider,
    )
    recent = ReferralFactory(household=household, service=legal_aid, status="closed", closed_at=timezone.now())
    still_open = ReferralFactory(household=household, service=legal_aid, sent_at=old)
    from .factories import ComplaintFactory

    old_complaint = ComplaintFactory(
        area=places.kaga, status="closed", closed_on=old.date(), organisation=household.organisation
    )
    done = retention_sweep()
    assert done["referrals.referral"] == 1
    assert done["referrals.complaint"] == 1
    assert done["referrals.visit"] == 1
    closed.refresh_from_db()
    assert (closed.client_name, closed.client_phone, closed.reason, closed.household) == ("", "", "", None)
    assert closed.anonymised_at is not None
    assert closed.sector == "PRO-HLP"
    assert closed.events.get().note == ""
    for kept in (recent, still_open):
        kept.refresh_from_db()
        assert kept.client_name
        assert kept.anonymised_at is None
    old_complaint.refresh_from_db()
    assert old_complaint.complainant_name == ""
    assert old_complaint.description == ""
    visit.refresh_from_db()
    assert visit.visitor_name == ""
    assert visit.notes == ""
    assert retention_sweep()["referrals.referral"] == 0
    assert Complaint.objects.count() == 1
