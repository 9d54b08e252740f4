"""Every write of referrals: directory entries, centres, walk-ins, referrals (with the consent gate), their
workflow, follow-ups and feedback, and the complaints register.

Each function is a ``@service``: one transaction, keyword-only arguments, the acting user, ``full_clean()``
before saving, an audit event with the values before and after, and notifications sent after commit.
Free text that may describe what happened to a person (reasons, feedback, complaints) is kept out of the
audit trail: the audit says who changed what field, the record holds the words.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record, changed, service, snapshot
from core.models import AdminArea, Organisation
from core.scoping import scope_for
from profiling import rules as profiling_rules
from profiling import selectors as profiling_selectors
from profiling import services as profiling_services
from profiling.models import ConsentPurpose, Household, LegalBasis, Member, Relationship

from . import rules, selectors
from .models import (
    AgeGroup,
    Channel,
    Complaint,
    ComplaintCategory,
    ComplaintKind,
    ComplaintStatus,
    EventKind,
    FollowUp,
    FollowUpMethod,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ResourceCentre,
    Service,
    Sex,
    Urgency,
    Visit,
    VisitPurpose,
)

REFERRAL_AUDIT_FIELDS = [
    "reference",
    "status",
    "household",
    "member",
    "visit",
    "service",
    "receiving_organisation",
    "sector",
    "urgency",
    "deadline",
    "sensitive",
    "consent_recorded",
]
COMPLAINT_AUDIT_FIELDS = [
    "reference",
    "kind",
    "channel",
    "category",
    "sensitive",
    "status",
    "area",
    "household",
    "received_on",
    "due_on",
    "assigned_to",
    "responded_on",
    "closed_on",
    "complainant_satisfied",
]


# --- helpers --------------------------------------------------------------------------------------


def _scope(actor):
    scope = scope_for(actor)
    if scope is None:
        raise PermissionDenied(_("You have no active membership."))
    return scope


def _owner(actor) -> Organisation:
    return Organisation.objects.get(pk=_scope(actor).data_owner_id)


def _reserve_id(model) -> int:
    """The next primary key of ``model``'s table, so a reference can be written with the row."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
            return cursor.fetchone()[0]
        # SQLite (local zero-setup runs only): one writer at a time.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return cursor.fetchone()[0]


def _in_areas(actor, area: AdminArea) -> bool:
    scope = _scope(actor)
    return any(area.path.startswith(path) for path in scope.area_paths)


def _age_group(member: Member | None, today: datetime.date) -> str:
    if member is None:
        return ""
    return profiling_rules.age_group(member.age_on(today)) or ""


def _event(*, referral: Referral, actor, kind: str, note: str = "", from_status: str = "", to_status: str = ""):
    return ReferralEvent.objects.create(
        referral=referral,
        kind=kind,
        note=note,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_organisation_id=_scope(actor).organisation_id,
    )


def _require_visible_referral(actor, referral: Referral) -> Referral:
    """The referral, locked, if the actor may see it (scope and sensitivity); otherwise PermissionDenied."""
    if not selectors.referrals_for_user(actor).filter(pk=referral.pk).exists():
        raise PermissionDenied(_("You cannot act on this referral."))
    return Referral.objects.select_for_update().get(pk=referral.pk)


def _notify(task_name: str, *ids: int) -> None:
    from . import tasks

    transaction.on_commit(partial(getattr(tasks, task_name).delay, *ids))


# --- Centres and the service directory ------------------------------------------------------------


@service
def centre_save(
    *,
    actor,
    centre: ResourceCentre | None = None,
    name: str,
    area: AdminArea,
    address: str = "",
    phone: str = "",
    opening_hours: str = "",
    is_active: bool = True,
) -> ResourceCentre:
    """Open or change a Community Resource Centre of the actor's agency, inside the actor's areas."""
    scope = _scope(actor)
    if scope.role not in rules.DIRECTORY_EDITOR_ROLES:
        raise PermissionDenied(_("Only managers and administrators set up resource centres."))
    if not _in_areas(actor, area):
        raise ValidationError({"area": _("%(place)s is outside your areas.") % {"place": area}})
    if centre is not None and centre.organisation_id != scope.data_owner_id:
        raise PermissionDenied(_("This centre belongs to another organisation."))
    before = snapshot(centre) if centre is not None else {}
    centre = centre or ResourceCentre(organisation_id=scope.data_owner_id)
    centre.name, centre.area, centre.address = name.strip(), area, address.strip()
    centre.phone, centre.opening_hours, centre.is_active = phone.strip(), opening_hours.strip(), is_active
    centre.full_clean()
    centre.save()
    old, new = changed(before, snapshot(centre))
    audit_record(actor=actor, action="referrals.centre.save", target=centre, before=old or None, after=new)
    return centre


SERVICE_FIELDS = (
    "name",
    "sector",
    "description",
    "contact_name",
    "contact_phone",
    "contact_email",
    "address",
    "opening_hours",
    "criteria",
    "accepts_referrals",
    "is_active",
)


@service
def service_save(
    *,
    actor,
    service_entry: Service | None = None,
    provider: Organisation,
    areas: Sequence[AdminArea],
    values: dict,
) -> Service:
    """Add or change an entry of the service directory.

    Managers and administrators keep their agency's directory (its units' services and the partners'
    services it refers to); a partner keeps its own entries current (hours, contact, criteria).
    """
    scope = _scope(actor)
    if scope.role == "partner":
        if provider.pk != scope.organisation_id or (
            service_entry is not None and service_entry.provider_id != scope.organisation_id
        ):
            raise PermissionDenied(_("A partner keeps only its own services."))
        maintained_by_id = service_entry.maintained_by_id if service_entry else scope.organisation_id
    elif scope.role in rules.DIRECTORY_EDITOR_ROLES:
        if service_entry is not None and service_entry.maintained_by_id != scope.data_owner_id:
            raise PermissionDenied(_("This entry is kept by another organisation."))
        maintained_by_id = scope.data_owner_id
    else:
        raise PermissionDenied(_("Only managers, administrators and the provider itself change the directory."))
    if not provider.is_active:
        raise ValidationError({"provider": _("%(org)s is no longer active.") % {"org": provider}})
    areas = list(areas)
    if not areas:
        raise ValidationError({"areas": _("Name at least one area the service covers.")})
    unknown = set(values) - set(SERVICE_FIELDS)
    if unknown:
        raise ValueError(f"unknown service fields: {sorted(unknown)}")
    before = {}
    if service_entry is not None:
        before = {**snapshot(service_entry), "areas": sorted(a.pcode for a in service_entry.areas.all())}
    entry = service_entry or Service()
    entry.provider, entry.maintained_by_id = provider, maintained_by_id
    for name, value in values.items():
        setattr(entry, name, value.strip() if isinstance(value, str) else value)
    entry.full_clean()
    entry.save()
    entry.areas.set(areas)
    after = {**snapshot(entry), "areas": sorted(a.pcode for a in areas)}
    old, new = changed(before, after)
    audit_record(
        actor=actor,
        action="referrals.service.change" if service_entry else "referrals.service.add",
        target=entry,
        before=old or None,
        after=new,
    )
    return entry


# --- Walk-ins -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitorInput:
    """The quick path: a walk-in known by a few details only."""

    name: str
    sex: str
    age_group: str
    phone: str = ""
    settlement: AdminArea | None = None
    consent_referral: bool | None = None
    consent_partner_sharing: bool | None = None


def _check_household(actor, household: Household | None, member: Member | None, *, field: str = "household"):
    if household is None:
        if member is not None:
            raise ValidationError({"member": _("Choose the household of this member first.")})
        return None
    try:
        household = profiling_selectors.household_get_for_user(user=actor, pk=household.pk)
    except Household.DoesNotExist:
        raise ValidationError({field: _("This household is not one you can see.")}) from None
    if member is not None and member.household_id != household.pk:
        raise ValidationError({"member": _("%(name)s is not a member of this household.") % {"name": member}})
    return household


@service
def visit_record(
    *,
    actor,
    centre: ResourceCentre,
    household: Household | None = None,
    member: Member | None = None,
    visitor: VisitorInput | None = None,
    purposes: Sequence[str] = (),
    notes: str = "",
    visited_at: datetime.datetime | None = None,
) -> Visit:
    """Log a walk-in at a CRC: a registered household (or member), or on the quick path a visitor with a
    name, sex and age group (phone and place optional), to be linked to a household later."""
    scope = _scope(actor)
    if scope.role not in rules.DESK_ROLES:
        raise PermissionDenied(_("Only CRC desk officers and managers log walk-ins."))
    if not selectors.centres_for_user(actor).filter(pk=centre.pk).exists():
        raise ValidationError({"centre": _("Choose a resource centre in your areas.")})
    household = _check_household(actor, household, member)
    unknown = [p for p in purposes if p not in VisitPurpose.values]
    if unknown:
        raise ValidationError({"purposes": _("Unknown purpose: %(codes)s.") % {"codes": ", ".join(unknown)}})
    now = timezone.now()
    if visited_at is not None and visited_at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"visited_at": _("A walk-in cannot be in the future.")})
    visit = Visit(
        organisation_id=scope.data_owner_id,
        centre=centre,
        household=household,
        member=member,
        purposes=list(dict.fromkeys(purposes)),
        notes=notes.strip(),
        visited_at=visited_at or now,
        recorded_by=actor,
    )
    if household is None:
        problems = {}
        if visitor is None or not visitor.name.strip():
            problems["visitor_name"] = _("Write the visitor's name, or choose a registered household.")
        if visitor is not None and visitor.sex not in Sex.values:
            problems["visitor_sex"] = _("Choose the visitor's sex.")
        if visitor is not None and visitor.age_group not in AgeGroup.values:
            problems["visitor_age_group"] = _("Choose the visitor's age group.")
        if problems:
            raise ValidationError(problems)
        visit.visitor_name, visit.visitor_sex, visit.visitor_age_group = (
            visitor.name.strip(),
            visitor.sex,
            visitor.age_group,
        )
        visit.visitor_phone = visitor.phone.strip()
        visit.visitor_settlement = visitor.settlement
        visit.consent_referral = visitor.consent_referral
        visit.consent_partner_sharing = visitor.consent_partner_sharing
    visit.full_clean()
    visit.save()
    audit_record(
        actor=actor,
        action="referrals.visit.record",
        target=visit,
        after={
            **snapshot(visit, ["centre", "household", "member", "purposes", "visited_at"]),
            "quick": household is None,
        },
    )
    return visit


@service
def visit_link_household(*, actor, visit: Visit, household: Household, member: Member | None = None) -> Visit:
    """Link a quick walk-in to the household registered for the visitor; its referrals follow."""
    scope = _scope(actor)
    if scope.role not in rules.DESK_ROLES:
        raise PermissionDenied(_("Only CRC desk officers and managers change walk-ins."))
    if not selectors.visits_for_user(actor).filter(pk=visit.pk).exists():
        raise PermissionDenied(_("You cannot change this walk-in."))
    household = _check_household(actor, household, member)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.household_id not in (None, household.pk):
        raise ValidationError({"household": _("This walk-in is already linked to another household.")})
    before = snapshot(visit, ["household", "member"])
    visit.household, visit.member = household, member
    visit.linked_by, visit.linked_at = actor, timezone.now()
    visit.full_clean()
    visit.save(update_fields=["household", "member", "linked_by", "linked_at", "updated_at"])
    moved = list(Referral.objects.select_for_update().filter(visit=visit, household__isnull=True))
    for referral in moved:
        referral.household, referral.member, referral.area = household, member, household.settlement
        referral.save(update_fields=["household", "member", "area", "updated_at"])
    audit_record(
        actor=actor,
        action="referrals.visit.link",
        target=visit,
        before=before,
        after={**snapshot(visit, ["household", "member"]), "referrals": [r.pk for r in moved]},
    )
    return visit


# --- Referrals ------------------------------------------------------------------------------------


def _client_of(*, household: Household | None, member: Member | None, visit: Visit | None, today) -> dict:
    if member is not None:
        return {
            "client_name": member.name,
            "client_sex": member.sex,
            "client_age_group": _age_group(member, today),
            "client_phone": household.phone,
        }
    if household is not None:
        head = household.members.filter(relationship=Relationship.HEAD).first()
        return {
            "client_name": household.head_name,
            "client_sex": head.sex if head else "",
            "client_age_group": _age_group(head, today),
            "client_phone": household.phone,
        }
    return {
        "client_name": visit.visitor_name,
        "client_sex": visit.visitor_sex,
        "client_age_group": visit.visitor_age_group,
        "client_phone": visit.visitor_phone,
    }


@service
def referral_create(
    *,
    actor,
    household: Household | None,
    member: Member | None = None,
    service: Service,
    reason: str,
    urgency: str,
    sensitive: bool = False,
    deadline: datetime.date | None = None,
    visit: Visit | None = None,
    consent_given_now: bool = False,
    consent_override_reason: str = "",
    client_phone: str | None = None,
) -> Referral:
    """Refer a household (or one member, or a walk-in) to a service of an internal unit or a partner.

    The consent gate: the household must have said yes to being referred and, when the service is outside
    the organisation, to having its details shared with partners. ``consent_given_now`` records that
    answer at the desk (informed consent) first. Without it, only a holder of ``core.override_consent``
    may send the referral, giving ``consent_override_reason``; the override is audited on its own.

    Cases in the GBV and child protection sectors are always sensitive; ``sensitive=True`` flags any other
    (PSEA, a protection risk found on a check-in call). Sensitive referrals are visible only to holders of
    ``core.view_sensitive``, the actor included.
    """
    scope = _scope(actor)
    if scope.role not in rules.REFERRER_ROLES:
        raise PermissionDenied(_("Your role cannot refer people."))
    today = timezone.localdate()
    if visit is not None:
        if not selectors.visits_for_user(actor).filter(pk=visit.pk).exists():
            raise ValidationError({"visit": _("This walk-in is not one you can see.")})
        if household is None:
            household = visit.household
        elif visit.household_id not in (None, household.pk):
            raise ValidationError({"household": _("The walk-in was linked to another household.")})
        if member is None and visit.member_id and household is not None and visit.household_id == household.pk:
            member = visit.member
    if household is None and visit is None:
        raise ValidationError({"household": _("Choose the household (or the walk-in) to refer.")})
    household = _check_household(actor, household, member)

    problems: dict[str, str] = {}
    service_entry = Service.objects.select_related("provider").filter(pk=service.pk).first()
    if service_entry is None or not service_entry.is_active or not service_entry.accepts_referrals:
        raise ValidationError({"service": _("This service does not take referrals now; choose another.")})
    if not service_entry.provider.is_active:
        raise ValidationError({"service": _("%(org)s is no longer active.") % {"org": service_entry.provider}})
    where = household.settlement if household else (visit.visitor_settlement or visit.centre.area)
    if not Service.objects.filter(selectors.covering_q(where), pk=service_entry.pk).exists():
        problems["service"] = _("%(service)s does not cover %(place)s.") % {
            "service": service_entry,
            "place": where.display_name,
        }
    if urgency not in Urgency.values:
        problems["urgency"] = _("Choose how urgent it is.")
    if not reason.strip():
        problems["reason"] = _("Say why the person is referred and what they need.")
    if deadline is not None and deadline < today:
        problems["deadline"] = _("The deadline cannot be in the past.")
    if problems:
        raise ValidationError(problems)

    internal = rules.is_internal(
        receiving_data_owner_id=service_entry.provider.data_owner_id, referring_owner_id=scope.data_owner_id
    )
    purposes = rules.consent_purposes(internal=internal)
    if consent_given_now:
        if household is None:
            raise ValidationError({"consent_given_now": _("Record the visitor's consent on the walk-in.")})
        for purpose in selectors.consent_missing_for(household=household, visit=None, purposes=purposes):
            profiling_services.consent_record(
                actor=actor, household=household, purpose=purpose, given=True, legal_basis=LegalBasis.CONSENT
            )
    missing = selectors.consent_missing_for(household=household, visit=visit, purposes=purposes)
    override = consent_override_reason.strip()
    if missing:
        if not override:
            labels = ", ".join(str(ConsentPurpose(p).label) for p in missing)
            raise ValidationError(
                {
                    "consent": _("No consent recorded for: %(purposes)s. Ask the person, or do not refer.")
                    % {"purposes": labels}
                }
            )
        if not selectors.may_override_consent(actor):
            raise ValidationError(
                {"consent_override_reason": _("You may not send a referral without consent; ask a supervisor.")}
            )
    else:
        override = ""

    pk = _reserve_id(Referral)
    referral = Referral(
        pk=pk,
        reference=f"RF-{_owner(actor).acronym[:12]}-{pk:06d}",
        organisation_id=scope.data_owner_id,
        referred_from_id=scope.organisation_id,
        area=household.settlement if household else visit.centre.area,
        household=household,
        member=member,
        visit=visit,
        service=service_entry,
        receiving_organisation=service_entry.provider,
        sector=service_entry.sector,
        reason=reason.strip(),
        urgency=urgency,
        deadline=deadline or rules.deadline_for(urgency=urgency, sent_on=today),
        sensitive=rules.is_sensitive(sector=service_entry.sector, flagged=sensitive),
        status=ReferralStatus.SENT,
        consent_recorded=not missing,
        consent_override_reason=override,
        consent_overridden_by=actor if missing else None,
        referred_by=actor,
        sent_at=timezone.now(),
        **_client_of(household=household, member=member, visit=visit, today=today),
    )
    if client_phone is not None:
        referral.client_phone = client_phone.strip()
    referral.full_clean()
    referral.save(force_insert=True)
    _event(referral=referral, actor=actor, kind=EventKind.SENT, to_status=ReferralStatus.SENT)
    FollowUp.objects.create(
        referral=referral, due_on=rules.first_follow_up_on(deadline=referral.deadline), scheduled_by=actor
    )
    audit_record(
        actor=actor, action="referral.create", target=referral, after=snapshot(referral, REFERRAL_AUDIT_FIELDS)
    )
    if missing:
        audit_record(
            actor=actor,
            action="referral.consent_override",
            target=referral,
            after={"missing_consent": missing, "household": referral.household_id, "visit": referral.visit_id},
            reason=override,
        )
    _notify("notify_referral_sent", referral.pk)
    return referral


@service
def referral_transition(*, actor, referral: Referral, verb: str, reason: str = "") -> Referral:
    """Move a referral along sent → accepted / declined → in progress → service provided → closed.

    The receiving organisation accepts, declines (with a reason), starts and provides; the referring desk
    closes it, or withdraws it (with a reason) while the service is still pending.
    """
    referral = _require_visible_referral(actor, referral)
    party = selectors.party_of(actor, referral)
    try:
        transition = rules.check_transition(verb=verb, status=referral.status, party=party, reason=reason)
    except rules.TransitionRefused as refused:
        if refused.kind == "party":
            raise PermissionDenied(refused.message) from None
        if refused.kind == "reason":
            raise ValidationError({"reason": refused.message}) from None
        raise ValidationError({"status": refused.message}) from None
    now = timezone.now()
    before = snapshot(referral, ["status"])
    from_status = referral.status
    fields = ["status", "updated_at"]
    referral.status = transition.target
    if verb in ("accept", "decline"):
        referral.responded_at = now
        fields.append("responded_at")
    if verb == "decline":
        referral.decline_reason = reason.strip()
        fields.append("decline_reason")
    if verb == "provide":
        referral.provided_at = now
        fields.append("provided_at")
    if transition.target == ReferralStatus.CLOSED:
        referral.closed_at, referral.closed_by, referral.closure_note = now, actor, reason.strip()
        fields += ["closed_at", "closed_by", "closure_note"]
    referral.full_clean()
    referral.save(update_fields=fields)
    _event(
        referral=referral,
        actor=actor,
        kind=EventKind.STATUS,
        note=reason.strip(),
        from_status=from_status,
        to_status=referral.status,
    )
    if referral.status == ReferralStatus.CLOSED:
        FollowUp.objects.filter(referral=referral, done_on__isnull=True).delete()
    audit_record(
        actor=actor,
        action=f"referral.{verb}",
        target=referral,
        before=before,
        after=snapshot(referral, ["status"]),
    )
    if transition.party == rules.Party.RECEIVER:
        _notify("notify_referrer", referral.pk)
    return referral


@service
def referral_feedback(*, actor, referral: Referral, note: str) -> ReferralEvent:
    """The provider tells the referring desk what happened (appointment given, case opened, outcome)."""
    referral = _require_visible_referral(actor, referral)
    party = selectors.party_of(actor, referral)
    if party != rules.Party.RECEIVER:
        raise PermissionDenied(_("Only the organisation the referral is addressed to gives feedback."))
    if not rules.may_give_feedback(party=party, status=referral.status):
        raise ValidationError({"note": _("The referral is closed.")})
    if not note.strip():
        raise ValidationError({"note": _("Write the feedback.")})
    event = _event(referral=referral, actor=actor, kind=EventKind.FEEDBACK, note=note.strip())
    referral.last_feedback_at = event.occurred_at
    referral.save(update_fields=["last_feedback_at", "updated_at"])
    audit_record(actor=actor, action="referral.feedback", target=referral, after={"event": event.pk})
    _notify("notify_referrer", referral.pk)
    return event


@service
def referral_message(*, actor, referral: Referral, note: str) -> ReferralEvent:
    """A message between the referring desk and the provider, on the referral's timeline."""
    referral = _require_visible_referral(actor, referral)
    if selectors.party_of(actor, referral) is None:
        raise PermissionDenied(_("Only the referring desk and the provider write on a referral."))
    if referral.status == ReferralStatus.CLOSED:
        raise ValidationError({"note": _("The referral is closed.")})
    if not note.strip():
        raise ValidationError({"note": _("Write the message.")})
    event = _event(referral=referral, actor=actor, kind=EventKind.NOTE, note=note.strip())
    referral.save(update_fields=["updated_at"])
    audit_record(actor=actor, action="referral.message", target=referral, after={"event": event.pk})
    return event


def _require_referrer(actor, referral: Referral) -> Referral:
    referral = _require_visible_referral(actor, referral)
    party = selectors.party_of(actor, referral)
    if not rules.may_follow_up(party=party, status=referral.status):
        if party != rules.Party.REFERRER:
            raise PermissionDenied(_("Only the referring desk follows referrals up."))
        raise ValidationError({"due_on": _("The referral is closed.")})
    return referral


@service
def follow_up_schedule(*, actor, referral: Referral, due_on: datetime.date, method: str = FollowUpMethod.PHONE):
    referral = _require_referrer(actor, referral)
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("Choose today or a later day.")})
    if method not in FollowUpMethod.values:
        raise ValidationError({"method": _("Choose how the follow-up will be done.")})
    follow_up = FollowUp(referral=referral, due_on=due_on, method=method, scheduled_by=actor)
    follow_up.full_clean()
    follow_up.save()
    audit_record(
        actor=actor,
        action="referral.follow_up.schedule",
        target=referral,
        after=snapshot(follow_up, ["id", "due_on", "method"]),
    )
    return follow_up


@service
def follow_up_record(
    *,
    actor,
    follow_up: FollowUp,
    done_on: datetime.date,
    outcome: str,
    method: str | None = None,
    next_due_on: datetime.date | None = None,
) -> FollowUp:
    """Record what a follow-up found; optionally plan the next one."""
    referral = _require_referrer(actor, follow_up.referral)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk, referral=referral)
    if follow_up.done_on is not None:
        raise ValidationError({"done_on": _("This follow-up is already recorded.")})
    today = timezone.localdate()
    problems = {}
    if done_on > today:
        problems["done_on"] = _("A follow-up cannot be done in the future.")
    if not outcome.strip():
        problems["outcome"] = _("Write what you found out.")
    if method is not None and method not in FollowUpMethod.values:
        problems["method"] = _("Choose how the follow-up was done.")
    if next_due_on is not None and next_due_on <= today:
        problems["next_due_on"] = _("Plan the next follow-up after today.")
    if problems:
        raise ValidationError(problems)
    follow_up.done_on, follow_up.outcome, follow_up.done_by = done_on, outcome.strip(), actor
    if method:
        follow_up.method = method
    follow_up.full_clean()
    follow_up.save(update_fields=["done_on", "outcome", "done_by", "method", "updated_at"])
    after = {"follow_up": follow_up.pk, "done_on": done_on}
    if next_due_on is not None:
        following = FollowUp.objects.create(
            referral=referral, due_on=next_due_on, method=follow_up.method, scheduled_by=actor
        )
        after["next"] = {"id": following.pk, "due_on": next_due_on}
    audit_record(actor=actor, action="referral.follow_up.record", target=referral, after=after)
    return follow_up


# --- Complaints -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintInput:
    kind: str
    channel: str
    category: str
    description: str
    area: AdminArea
    received_on: datetime.date
    sensitive: bool = False
    centre: ResourceCentre | None = None
    anonymous: bool = False
    complainant_name: str = ""
    complainant_phone: str = ""
    complainant_sex: str = ""
    complainant_age_group: str = ""
    household: Household | None = None
    assigned_to: object | None = None


def _check_assignee(complaint: Complaint, assignee) -> None:
    if not selectors.complaint_focal_point_choices(complaint=complaint).filter(pk=assignee.pk).exists():
        if complaint.is_psea:
            message = _("%(user)s is not a PSEA focal point for this place.")
        elif complaint.sensitive:
            message = _("%(user)s may not see sensitive complaints of this place.")
        else:
            message = _("%(user)s does not work on complaints of this place.")
        raise ValidationError({"assigned_to": message % {"user": assignee}})


@service
def complaint_register(*, actor, data: ComplaintInput) -> Complaint:
    """Record feedback or a complaint received at the desk, on the hotline, in the complaint box, by SMS
    or in a community meeting.

    A PSEA complaint is sensitive, goes to a PSEA focal point of the organisation covering the place (the
    least busy one) and is seen by no one else; the person recording it cannot open it afterwards unless
    they are a focal point themselves.
    """
    scope = _scope(actor)
    if scope.role not in rules.COMPLAINT_RECORDER_ROLES:
        raise PermissionDenied(_("Your role cannot record complaints."))
    problems: dict[str, str] = {}
    if data.kind not in ComplaintKind.values:
        problems["kind"] = _("Choose complaint, feedback or request.")
    if data.channel not in Channel.values:
        problems["channel"] = _("Choose how it was received.")
    if data.category not in ComplaintCategory.values:
        problems["category"] = _("Choose a category.")
    if not data.description.strip():
        problems["description"] = _("Write what the person said.")
    if not _in_areas(actor, data.area):
        problems["area"] = _("%(place)s is outside your areas.") % {"place": data.area}
    if data.received_on > timezone.localdate():
        problems["received_on"] = _("The day received cannot be in the future.")
    if data.centre is not None and not selectors.centres_for_user(actor).filter(pk=data.centre.pk).exists():
        problems["centre"] = _("Choose a resource centre in your areas.")
    if problems:
        raise ValidationError(problems)
    household = _check_household(actor, data.household, None)
    pk = _reserve_id(Complaint)
    complaint = Complaint(
        pk=pk,
        reference=f"FC-{_owner(actor).acronym[:12]}-{pk:06d}",
        organisation_id=scope.data_owner_id,
        area=data.area,
        centre=data.centre,
        kind=data.kind,
        channel=data.channel,
        category=data.category,
        sensitive=rules.complaint_sensitive(category=data.category, flagged=data.sensitive),
        description=data.description.strip(),
        anonymous=data.anonymous,
        complainant_name="" if data.anonymous else data.complainant_name.strip(),
        complainant_phone="" if data.anonymous else data.complainant_phone.strip(),
        complainant_sex=data.complainant_sex,
        complainant_age_group=data.complainant_age_group,
        household=None if data.anonymous else household,
        received_on=data.received_on,
        recorded_by=actor,
        due_on=rules.complaint_due(category=data.category, received_on=data.received_on),
        status=ComplaintStatus.OPEN,
    )
    complaint.full_clean()
    assignee = None
    if complaint.is_psea:
        focal_points = selectors.psea_focal_points(organisation_id=scope.data_owner_id, area=data.area)
        assignee = focal_points[0] if focal_points else None
    elif data.assigned_to is not None:
        _check_assignee(complaint, data.assigned_to)
        assignee = data.assigned_to
    if assignee is not None:
        complaint.assigned_to, complaint.assigned_at, complaint.status = assignee, timezone.now(), "assigned"
    complaint.save(force_insert=True)
    audit_record(
        actor=actor, action="complaint.register", target=complaint, after=snapshot(complaint, COMPLAINT_AUDIT_FIELDS)
    )
    if assignee is not None:
        _notify("notify_complaint_assigned", complaint.pk)
    return complaint


def _require_visible_complaint(actor, complaint: Complaint) -> Complaint:
    if not selectors.complaints_for_user(actor).filter(pk=complaint.pk).exists():
        raise PermissionDenied(_("You cannot act on this complaint."))
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _may_handle(actor, complaint: Complaint) -> None:
    if not rules.may_handle_complaint(
        is_psea=complaint.is_psea,
        holds_psea=selectors.is_psea_focal_point(actor),
        is_assignee=complaint.assigned_to_id == actor.pk,
        role=_scope(actor).role,
    ):
        raise PermissionDenied(_("Only the focal point of this complaint or a manager can answer it."))


@service
def complaint_assign(*, actor, complaint: Complaint, assignee) -> Complaint:
    complaint = _require_visible_complaint(actor, complaint)
    if not rules.may_assign_complaint(
        is_psea=complaint.is_psea, holds_psea=selectors.is_psea_focal_point(actor), role=_scope(actor).role
    ):
        raise PermissionDenied(_("Your role cannot assign complaints."))
    if complaint.status == ComplaintStatus.CLOSED:
        raise ValidationError({"assigned_to": _("The complaint is closed.")})
    _check_assignee(complaint, assignee)
    before = snapshot(complaint, ["assigned_to", "status"])
    complaint.assigned_to, complaint.assigned_at = assignee, timezone.now()
    if complaint.status == ComplaintStatus.OPEN:
        complaint.status = ComplaintStatus.ASSIGNED
    complaint.save(update_fields=["assigned_to", "assigned_at", "status", "updated_at"])
    audit_record(
        actor=actor,
        action="complaint.assign",
        target=complaint,
        before=before,
        after=snapshot(complaint, ["assigned_to", "status"]),
    )
    if assignee.pk != actor.pk:
        _notify("notify_complaint_assigned", complaint.pk)
    return complaint


@service
def complaint_respond(*, actor, complaint: Complaint, response: str, responded_on: datetime.date) -> Complaint:
    """Record the answer given to the complainant (or to the community, for anonymous complaints)."""
    complaint = _require_visible_complaint(actor, complaint)
    _may_handle(actor, complaint)
    problems = {}
    if complaint.status == ComplaintStatus.CLOSED:
        problems["response"] = _("The complaint is closed.")
    if not response.strip():
        problems["response"] = _("Write the response given.")
    if responded_on > timezone.localdate():
        problems["responded_on"] = _("The response cannot be dated in the future.")
    elif responded_on < complaint.received_on:
        problems["responded_on"] = _("The response cannot be before the complaint was received.")
    if problems:
        raise ValidationError(problems)
    before = snapshot(complaint, ["status", "responded_on"])
    complaint.response, complaint.responded_on, complaint.responded_by = response.strip(), responded_on, actor
    complaint.status = ComplaintStatus.RESPONDED
    complaint.full_clean()
    complaint.save(update_fields=["response", "responded_on", "responded_by", "status", "updated_at"])
    audit_record(
        actor=actor,
        action="complaint.respond",
        target=complaint,
        before=before,
        after=snapshot(complaint, ["status", "responded_on"]),
    )
    return complaint


@service
def complaint_close(
    *,
    actor,
    complaint: Complaint,
    note: str = "",
    satisfied: bool | None = None,
    closed_on: datetime.date | None = None,
) -> Complaint:
    complaint = _require_visible_complaint(actor, complaint)
    _may_handle(actor, complaint)
    problem = rules.complaint_close_problem(status=complaint.status, kind=complaint.kind, note=note)
    if problem:
        raise ValidationError({"note": problem})
    closed_on = closed_on or timezone.localdate()
    if closed_on > timezone.localdate() or closed_on < complaint.received_on:
        raise ValidationError({"closed_on": _("Choose a day between receipt and today.")})
    before = snapshot(complaint, ["status", "closed_on", "complainant_satisfied"])
    complaint.status, complaint.closed_on, complaint.closed_by = ComplaintStatus.CLOSED, closed_on, actor
    complaint.closure_note, complaint.complainant_satisfied = note.strip(), satisfied
    complaint.full_clean()
    complaint.save(
        update_fields=["status", "closed_on", "closed_by", "closure_note", "complainant_satisfied", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="complaint.close",
        target=complaint,
        before=before,
        after=snapshot(complaint, ["status", "closed_on", "complainant_satisfied"]),
    )
    return complaint


@service
def sensitive_referrals_listed(*, actor, referrals: Sequence[Referral]) -> None:
    """Record that a page of a list (browser or API) showed ``actor`` these referrals' sensitive rows:
    one audit event per page, naming every sensitive referral on it. Nothing when none is sensitive."""
    shown = [r.pk for r in referrals if r.sensitive]
    if shown:
        audit_record(actor=actor, action="referral.list_view", after={"referrals": shown})
