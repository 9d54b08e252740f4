"""Writes of assistance. Each is one transaction with its audit events; bad input raises
``ValidationError`` naming the field, and nothing is written.

The overlap rule lives in ``rules.find_overlaps``: a delivery repeating, inside the repeat window, what the
same organisation already delivered to the same beneficiary is refused with a message saying what, when and
until when. Deliveries by another organisation are not refused; managers see them in the overlaps report.
Deliveries lock the households they touch, so two officers marking the same household at the same moment
are decided one after the other; on PostgreSQL an exclusion constraint guards the same rule.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record, changed, service, snapshot
from core.models import AdminArea, Organisation, Role
from core.scoping import scope_for
from profiling.models import Household, Member
from targeting.selectors import area_is_targeted

from . import rules, selectors
from .models import (
    MONETARY_MODALITIES,
    ActivityType,
    AssistanceRecord,
    BeneficiaryKind,
    BeneficiaryList,
    CommunityProject,
    Indicator,
    IndicatorTarget,
    ListStatus,
    Programme,
    ProjectStatus,
    ProjectType,
    ProjectUpdate,
    RecordStatus,
)

PLANNERS = (Role.FIELD_STAFF, Role.MANAGER)
MANAGERS = (Role.MANAGER,)
REFERENCE_EDITORS = (Role.MANAGER, Role.ADMIN)
_RECORD_FKS = ["household", "member", "activity_type", "programme", "beneficiary_list", "implementing_organisation"]
_RECORD_FKS += ["donor", "planned_by", "approved_by", "delivered_by"]


# --- helpers -----------------------------------------------------------------------------------------


def _diff(before: dict, after: dict) -> tuple[dict, dict]:
    """What changed, leaving out the bookkeeping timestamps."""
    old, new = changed(before, after)
    for name in ("updated_at", "created_at"):
        old.pop(name, None)
        new.pop(name, None)
    return old, new


def _require_role(actor, *roles: str) -> None:
    scope = scope_for(actor)
    if scope is None or scope.role not in roles:
        raise PermissionDenied(_("Your role does not allow this."))


def _actor_owner(actor) -> Organisation:
    """The organisation that owns what the actor creates (an internal unit works for its parent)."""
    organisation = actor.membership.organisation
    return organisation.parent if organisation.data_owner_id != organisation.pk else organisation


def _implementer_for(actor, household: Household, given: Organisation | None) -> Organisation:
    if given is not None:
        return given
    membership = getattr(actor, "membership", None) if actor is not None else None
    return membership.organisation if membership is not None else household.organisation


def _today() -> datetime.date:
    return timezone.localdate()


def _label(household: Household, member: Member | None) -> str:
    return f"{member.name} ({household.reference})" if member is not None else household.reference


def _duplicate_message(household: Household) -> str:
    original = Household.objects.filter(pk=household.duplicate_of_id).values_list("reference", flat=True).first()
    return _("%(ref)s is recorded as a duplicate of %(original)s: assist that household instead.") % {
        "ref": household.reference,
        "original": original or "?",
    }


def _check_beneficiary(activity_type: ActivityType, household: Household, member: Member | None) -> None:
    if household.duplicate_of_id is not None:
        raise ValidationError({"household": _duplicate_message(household)})
    if not activity_type.is_active:
        raise ValidationError({"activity_type": _("%(name)s is no longer in use.") % {"name": activity_type.name}})
    if activity_type.beneficiary == BeneficiaryKind.INDIVIDUAL and member is None:
        raise ValidationError(
            {"member": _("%(name)s is given to a person: choose the member.") % {"name": activity_type.name}}
        )
    if activity_type.beneficiary == BeneficiaryKind.HOUSEHOLD and member is not None:
        raise ValidationError(
            {"member": _("%(name)s is given to the whole household, not to one member.") % {"name": activity_type.name}}
        )
    if member is not None and member.household_id != household.pk:
        raise ValidationError(
            {"member": _("This person is not a member of household %(ref)s.") % {"ref": household.reference}}
        )


def _check_money(activity_type: ActivityType, amount: Decimal | None, currency: str, *, required: bool) -> None:
    if amount is not None and amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    if amount is not None and amount > 0 and not currency:
        raise ValidationError({"currency": _("Give the currency of the amount.")})
    if required and activity_type.modality in MONETARY_MODALITIES and not (amount and amount > 0):
        raise ValidationError(
            {
                "amount": _("%(name)s is a cash or voucher transfer: give the amount handed over.")
                % {"name": activity_type.name}
            }
        )


def _check_cap_action(actor, action, area: AdminArea | None) -> None:
    """A project or list carries out an action of an approved plan whose target area covers its place."""
    if action is None:
        return
    if not selectors.cap_actions_to_carry_out(actor, area=area).filter(pk=action.pk).exists():
        raise ValidationError(
            {
                "cap_action": _(
                    "Choose an action of an approved Community Action Plan for a target area that covers %(area)s."
                )
                % {"area": area}
            }
        )


def _check_programme(programme: Programme | None, organisation_id: int) -> None:
    if programme is not None and programme.organisation_id != organisation_id:
        raise ValidationError({"programme": _("This programme belongs to another organisation.")})


def _candidate(record_like, *, on: datetime.date, implementer: Organisation) -> rules.Candidate:
    activity_type = record_like["activity_type"]
    return rules.Candidate(
        household_id=record_like["household"].pk,
        member_id=record_like["member"].pk if record_like["member"] is not None else None,
        activity_type_id=activity_type.pk,
        overlap_key=activity_type.overlap_key,
        delivered_on=on,
        window_days=activity_type.repeat_window_days,
        implementer_id=implementer.data_owner_id,
    )


def _refuse_overlap(candidate: rules.Candidate, deliveries, *, label: str, field_name: str, exclude_record=None):
    """Raise the overlap message if the same organisation delivered this inside a window; return the others."""
    overlaps = rules.find_overlaps(candidate, deliveries, exclude_record=exclude_record)
    refusing = rules.refusing(overlaps)
    if refusing is not None:
        raise ValidationError({field_name: rules.overlap_message(refusing, beneficiary=label)})
    return overlaps


def _refuse_open_duplicate(household: Household, member: Member | None, activity_type: ActivityType, exclude=None):
    for pk, _household_id, member_id, key in selectors.open_records_for_households([household.pk], [activity_type]):
        if pk == exclude or key != activity_type.overlap_key:
            continue
        if member is None or member_id is None or member_id == member.pk:
            raise ValidationError(
                {
                    "activity_type": _("%(who)s already has %(name)s planned or approved (record %(pk)s).")
                    % {"who": _label(household, member), "name": activity_type.name, "pk": pk}
                }
            )


def _lock_households(household_ids) -> None:
    """Serialise deliveries to the same households: the overlap check and the write happen under the lock."""
    list(
        Household.objects.select_for_update().filter(pk__in=sorted(set(household_ids))).order_by("pk").values_list("pk")
    )


def _integrity_message(error: IntegrityError, label: str) -> ValidationError:
    text = str(error)
    if "assistance_no_repeat_inside_window" in text or "delivery_a_day" in text:
        return ValidationError(
            {"delivered_on": _("%(who)s already has this delivery recorded inside its repeat window.") % {"who": label}}
        )
    raise error


# --- reference data ----------------------------------------------------------------------------------

_ACTIVITY_TYPE_FIELDS = (
    "code",
    "sector",
    "name",
    "description",
    "unit",
    "modality",
    "beneficiary",
    "repeat_window_days",
    "overlap_group",
    "grant_kind",
    "default_quantity",
    "default_amount",
    "default_currency",
    "is_active",
    "order",
)


@service
def activity_type_save(*, actor, activity_type: ActivityType | None = None, **values) -> ActivityType:
    """Create or change an activity type. A shorter repeat window also frees beneficiaries of past
    deliveries sooner; a longer one applies to deliveries recorded from now on."""
    _require_role(actor, *REFERENCE_EDITORS)
    unknown = set(values) - set(_ACTIVITY_TYPE_FIELDS)
    if unknown:
        raise TypeError(f"unknown activity type fields: {sorted(unknown)}")
    creating = activity_type is None
    activity_type = activity_type or ActivityType()
    before = {} if creating else snapshot(activity_type)
    old_window = activity_type.repeat_window_days
    for name, value in values.items():
        setattr(activity_type, name, value)
    _check_money(activity_type, activity_type.default_amount, activity_type.default_currency, required=False)
    activity_type.full_clean()
    activity_type.save()
    new_window = activity_type.repeat_window_days
    shortened = not creating and new_window is not None and (old_window is None or new_window < old_window)
    if shortened:
        _shorten_windows(activity_type, new_window)
    old, new = _diff(before, snapshot(activity_type))
    audit_record(
        actor=actor,
        action="activity_type.create" if creating else "activity_type.update",
        target=activity_type,
        before=old or None,
        after=new,
    )
    return activity_type


def _shorten_windows(activity_type: ActivityType, days: int) -> None:
    from django.db.models import DateField, ExpressionWrapper, F

    AssistanceRecord.objects.filter(activity_type=activity_type, status=RecordStatus.DELIVERED).update(
        blocked_until=ExpressionWrapper(F("delivered_on") + datetime.timedelta(days=days), output_field=DateField())
    )


@service
def programme_save(
    *,
    actor,
    programme: Programme | None = None,
    code: str,
    name: str,
    start_date: datetime.date,
    end_date: datetime.date,
    donor: Organisation | None = None,
    is_active: bool = True,
) -> Programme:
    _require_role(actor, *MANAGERS)
    creating = programme is None
    organisation = _actor_owner(actor)
    if creating:
        programme = Programme(organisation=organisation)
    elif programme.organisation_id != organisation.pk:
        raise PermissionDenied(_("This programme belongs to another organisation."))
    if Programme.objects.filter(organisation=organisation, code=code).exclude(pk=programme.pk).exists():
        raise ValidationError({"code": _("Another programme already uses the code %(code)s.") % {"code": code}})
    if end_date < start_date:
        raise ValidationError({"end_date": _("The end comes before the start.")})
    before = {} if creating else snapshot(programme)
    programme.code, programme.name, programme.donor = code, name, donor
    programme.start_date, programme.end_date, programme.is_active = start_date, end_date, is_active
    programme.full_clean()
    programme.save()
    old, new = _diff(before, snapshot(programme))
    audit_record(
        actor=actor,
        action="programme.create" if creating else "programme.update",
        target=programme,
        before=old or None,
        after=new,
    )
    return programme


@service
def indicator_save(
    *,
    actor,
    indicator: Indicator | None = None,
    code: str,
    name: str,
    sector: str,
    unit: str,
    count_by: str,
    activity_types: Sequence[ActivityType] = (),
    project_types: Sequence[str] = (),
    description: str = "",
    is_active: bool = True,
) -> Indicator:
    _require_role(actor, *REFERENCE_EDITORS)
    creating = indicator is None
    indicator = indicator or Indicator()
    counts_projects = count_by in ("projects", "project_people")
    if counts_projects and not project_types:
        raise ValidationError({"project_types": _("Choose the project types this indicator counts.")})
    if not counts_projects and not activity_types:
        raise ValidationError({"activity_types": _("Choose the activities this indicator counts.")})
    unknown = set(project_types) - set(ProjectType.values)
    if unknown:
        raise ValidationError({"project_types": _("Unknown project type: %(v)s.") % {"v": ", ".join(sorted(unknown))}})
    before = (
        {}
        if creating
        else {**snapshot(indicator), "activity_types": sorted(t.pk for t in indicator.activity_types.all())}
    )
    indicator.code, indicator.name, indicator.sector, indicator.unit = code, name, sector, unit
    indicator.count_by, indicator.description, indicator.is_active = count_by, description, is_active
    indicator.project_types = list(project_types) if counts_projects else []
    indicator.full_clean()
    indicator.save()
    indicator.activity_types.set([] if counts_projects else list(activity_types))
    after = {**snapshot(indicator), "activity_types": sorted(t.pk for t in indicator.activity_types.all())}
    old, new = _diff(before, after)
    audit_record(
        actor=actor,
        action="indicator.create" if creating else "indicator.update",
        target=indicator,
        before=old or None,
        after=new,
    )
    return indicator


@service
def target_save(
    *,
    actor,
    target: IndicatorTarget | None = None,
    indicator: Indicator,
    area: AdminArea,
    period_start: datetime.date,
    period_end: datetime.date,
    value: int,
    programme: Programme | None = None,
) -> IndicatorTarget:
    """Set the number to reach for an indicator in an area over a period (optionally for one programme)."""
    _require_role(actor, *MANAGERS)
    organisation = _actor_owner(actor)
    scope = scope_for(actor)
    if not any(area.path.startswith(p) for p in scope.area_paths):
        raise ValidationError({"area": _("%(area)s is outside the areas you work in.") % {"area": area}})
    _check_programme(programme, organisation.pk)
    if period_end < period_start:
        raise ValidationError({"period_end": _("The end of the period comes before its start.")})
    if value < 0:
        raise ValidationError({"target": _("A target cannot be negative.")})
    duplicate = IndicatorTarget.objects.filter(
        organisation=organisation,
        indicator=indicator,
        programme=programme,
        area=area,
        period_start=period_start,
        period_end=period_end,
    )
    if target is not None:
        duplicate = duplicate.exclude(pk=target.pk)
    if duplicate.exists():
        raise ValidationError(
            {"indicator": _("This indicator already has a target for that area, period and programme.")}
        )
    creating = target is None
    if creating:
        target = IndicatorTarget(organisation=organisation, created_by=actor)
    elif target.organisation_id != organisation.pk:
        raise PermissionDenied(_("This target belongs to another organisation."))
    before = {} if creating else snapshot(target)
    target.indicator, target.area, target.programme = indicator, area, programme
    target.period_start, target.period_end, target.target = period_start, period_end, value
    target.full_clean()
    target.save()
    old, new = _diff(before, snapshot(target))
    audit_record(
        actor=actor,
        action="target.create" if creating else "target.update",
        target=target,
        before=old or None,
        after=new,
    )
    return target


# --- assistance to households and people ---------------------------------------------------------


@service
def assistance_plan(
    *,
    actor,
    household: Household,
    activity_type: ActivityType,
    member: Member | None = None,
    planned_date: datetime.date | None = None,
    quantity: Decimal | None = None,
    amount: Decimal | None = None,
    currency: str = "",
    implementing_organisation: Organisation | None = None,
    donor: Organisation | None = None,
    programme: Programme | None = None,
    notes: str = "",
) -> AssistanceRecord:
    """Plan one activity for a household or a member. Refused when the same is already planned, or when
    the same organisation delivered it inside its repeat window as of the planned date."""
    _require_role(actor, *PLANNERS)
    _check_beneficiary(activity_type, household, member)
    _check_programme(programme, household.organisation_id)
    amount = amount if amount is not None else activity_type.default_amount
    currency = currency or (activity_type.default_currency if amount else "")
    _check_money(activity_type, amount, currency, required=False)
    implementer = _implementer_for(actor, household, implementing_organisation)
    _refuse_open_duplicate(household, member, activity_type)
    on = planned_date or _today()
    values = {"household": household, "member": member, "activity_type": activity_type}
    _refuse_overlap(
        _candidate(values, on=on, implementer=implementer),
        selectors.deliveries_for_households([household.pk], [activity_type]),
        label=_label(household, member),
        field_name="planned_date",
    )
    record = AssistanceRecord(
        **values,
        planned_date=planned_date,
        quantity=quantity or activity_type.default_quantity,
        amount=amount,
        currency=currency,
        implementing_organisation=implementer,
        donor=donor,
        programme=programme,
        notes=notes,
        planned_by=actor,
    )
    record.full_clean()
    record.save()
    audit_record(actor=actor, action="assistance.plan", target=record, after=snapshot(record))
    return record


@service
def assistance_approve(*, actor, record: AssistanceRecord) -> AssistanceRecord:
    """A manager approves one planned record (records on a beneficiary list are approved with the list)."""
    _require_role(actor, *MANAGERS)
    if record.status != RecordStatus.PLANNED:
        raise ValidationError(
            {
                "status": _("Only planned assistance can be approved; this is %(s)s.")
                % {"s": record.get_status_display()}
            }
        )
    if record.beneficiary_list_id is not None:
        raise ValidationError({"status": _("This record is on a beneficiary list: approve the list as a whole.")})
    before = snapshot(record, ["status", "approved_by", "approved_at"])
    record.status, record.approved_by, record.approved_at = RecordStatus.APPROVED, actor, timezone.now()
    record.full_clean(exclude=_RECORD_FKS)
    record.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit_record(actor=actor, action="assistance.approve", target=record, before=before, after=snapshot(record, before))
    return record


@dataclass
class Delivered:
    delivered: list[AssistanceRecord] = field(default_factory=list)
    refused: list[tuple[AssistanceRecord, str]] = field(default_factory=list)
    reported: list[tuple[AssistanceRecord, str]] = field(default_factory=list)
    """Delivered, but repeating what another organisation gave: listed for managers."""


def _deliver_one(
    *, actor, record: AssistanceRecord, delivered_on: datetime.date, deliveries: list[rules.Delivery], result: Delivered
) -> None:
    label = _label(record.household, record.member)
    if record.status != RecordStatus.APPROVED:
        result.refused.append(
            (
                record,
                _("%(who)s: only approved assistance can be delivered (this is %(s)s).")
                % {"who": label, "s": record.get_status_display()},
            )
        )
        return
    if record.household.duplicate_of_id is not None:
        result.refused.append((record, _duplicate_message(record.household)))
        return
    try:
        _check_money(record.activity_type, record.amount, record.currency, required=True)
        overlaps = _refuse_overlap(
            _candidate(
                {"household": record.household, "member": record.member, "activity_type": record.activity_type},
                on=delivered_on,
                implementer=record.implementing_organisation,
            ),
            deliveries,
            label=label,
            field_name="delivered_on",
            exclude_record=record.pk,
        )
    except ValidationError as error:
        result.refused.append((record, " ".join(error.messages)))
        return
    before = snapshot(record, ["status", "delivered_on", "blocked_until", "delivered_by", "delivered_at"])
    record.status = RecordStatus.DELIVERED
    record.delivered_on = delivered_on
    record.blocked_until = rules.blocked_until(delivered_on, record.activity_type.repeat_window_days)
    record.delivered_by, record.delivered_at = actor, timezone.now()
    try:
        with transaction.atomic():
            record.save(update_fields=[*before, "updated_at"])
    except IntegrityError as error:
        record.status, record.delivered_on, record.blocked_until = RecordStatus.APPROVED, None, None
        result.refused.append((record, " ".join(_integrity_message(error, label).messages)))
        return
    audit_record(actor=actor, action="assistance.deliver", target=record, before=before, after=snapshot(record, before))
    deliveries.append(
        rules.Delivery(
            record_id=record.pk,
            household_id=record.household_id,
            member_id=record.member_id,
            activity_type_id=record.activity_type_id,
            overlap_key=record.activity_type.overlap_key,
            delivered_on=delivered_on,
            blocked_until=record.blocked_until,
            implementer_id=record.implementing_organisation.data_owner_id,
            activity_name=record.activity_type.name,
            implementer_name=record.implementing_organisation.acronym,
        )
    )
    result.delivered.append(record)
    for overlap in overlaps:
        result.reported.append((record, rules.overlap_message(overlap, beneficiary=label)))


def _check_delivery_date(delivered_on: datetime.date) -> None:
    if delivered_on > _today():
        raise ValidationError({"delivered_on": _("The delivery date cannot be in the future.")})


@service
def assistance_deliver(
    *,
    actor,
    record: AssistanceRecord,
    delivered_on: datetime.date,
    quantity: Decimal | None = None,
    amount: Decimal | None = None,
    currency: str | None = None,
    implementing_organisation: Organisation | None = None,
    donor: Organisation | None = None,
    notes: str | None = None,
) -> Delivered:
    """Record that one approved activity was handed over, with what was actually given."""
    _require_role(actor, *PLANNERS)
    _check_delivery_date(delivered_on)
    _lock_households([record.household_id])
    record.status = AssistanceRecord.objects.values_list("status", flat=True).get(pk=record.pk)
    if quantity is not None:
        if quantity <= 0:
            raise ValidationError({"quantity": _("The quantity must be more than zero.")})
        record.quantity = quantity
    if amount is not None:
        record.amount = amount
    if currency is not None:
        record.currency = currency
    if implementing_organisation is not None:
        record.implementing_organisation = implementing_organisation
    if donor is not None:
        record.donor = donor
    if notes is not None:
        record.notes = notes
    _check_money(record.activity_type, record.amount, record.currency, required=True)
    record.full_clean(exclude=_RECORD_FKS, validate_constraints=False)
    record.save(
        update_fields=["quantity", "amount", "currency", "implementing_organisation", "donor", "notes", "updated_at"]
    )
    result = Delivered()
    deliveries = selectors.deliveries_for_households([record.household_id], [record.activity_type])
    _deliver_one(actor=actor, record=record, delivered_on=delivered_on, deliveries=deliveries, result=result)
    if result.refused:
        raise ValidationError({"delivered_on": result.refused[0][1]})
    return result


@service
def assistance_deliver_bulk(*, actor, records: Sequence[AssistanceRecord], delivered_on: datetime.date) -> Delivered:
    """Mark many approved records delivered on one date (a distribution). Each record is decided on its own:
    those that would repeat a delivery inside its window are refused with the reason, the rest land."""
    _require_role(actor, *PLANNERS)
    _check_delivery_date(delivered_on)
    records = list(records)
    if not records:
        raise ValidationError({"records": _("Tick at least one household.")})
    _lock_households(r.household_id for r in records)
    deliveries = selectors.deliveries_for_households(
        {r.household_id for r in records}, {r.activity_type for r in records}
    )
    # Re-read the status under the lock: a record delivered by someone else meanwhile is refused, not repeated.
    current = dict(AssistanceRecord.objects.filter(pk__in=[r.pk for r in records]).values_list("pk", "status"))
    result = Delivered()
    for record in records:
        record.status = current.get(record.pk, record.status)
        _deliver_one(actor=actor, record=record, delivered_on=delivered_on, deliveries=deliveries, result=result)
    return result


@service
def assistance_cancel(*, actor, record: AssistanceRecord, reason: str) -> AssistanceRecord:
    """Cancel a planned or approved record, or (managers only) a delivery recorded in error, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why it is cancelled.")})
    if record.status == RecordStatus.CANCELLED:
        raise ValidationError({"status": _("This record is already cancelled.")})
    if record.status == RecordStatus.PLANNED:
        _require_role(actor, *PLANNERS)
    else:
        _require_role(actor, *MANAGERS)
    before = snapshot(record, ["status", "cancelled_reason"])
    record.status, record.cancelled_reason = RecordStatus.CANCELLED, reason
    record.save(update_fields=["status", "cancelled_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="assistance.cancel",
        target=record,
        before=before,
        after=snapshot(record, before),
        reason=reason,
    )
    return record


@service
def assistance_record_grant(
    *,
    actor,
    household: Household,
    activity_type: ActivityType,
    amount: Decimal,
    currency: str,
    delivered_on: datetime.date | None = None,
    member: Member | None = None,
    implementing_organisation: Organisation | None = None,
    donor: Organisation | None = None,
    programme: Programme | None = None,
    notes: str = "",
) -> AssistanceRecord:
    """Record a return grant paid to a household (departure, reinstallation, reintegration).

    For stages that pay grants as part of their own approved process (a facilitated movement): the
    record is created delivered, approved by the actor. The overlap rule applies as to any delivery:
    a once-only grant paid twice by the same organisation is refused."""
    if not activity_type.grant_kind:
        raise ValidationError({"activity_type": _("%(name)s is not a grant.") % {"name": activity_type.name}})
    _check_beneficiary(activity_type, household, member)
    _check_programme(programme, household.organisation_id)
    if not amount or amount <= 0:
        raise ValidationError({"amount": _("Give the amount of the grant.")})
    if not currency:
        raise ValidationError({"currency": _("Give the currency of the grant.")})
    delivered_on = delivered_on or _today()
    _check_delivery_date(delivered_on)
    implementer = _implementer_for(actor, household, implementing_organisation)
    _lock_households([household.pk])
    values = {"household": household, "member": member, "activity_type": activity_type}
    _refuse_overlap(
        _candidate(values, on=delivered_on, implementer=implementer),
        selectors.deliveries_for_households([household.pk], [activity_type]),
        label=_label(household, member),
        field_name="delivered_on",
    )
    now = timezone.now()
    record = AssistanceRecord(
        **values,
        status=RecordStatus.DELIVERED,
        planned_date=delivered_on,
        delivered_on=delivered_on,
        blocked_until=rules.blocked_until(delivered_on, activity_type.repeat_window_days),
        quantity=activity_type.default_quantity,
        amount=amount,
        currency=currency,
        implementing_organisation=implementer,
        donor=donor,
        programme=programme,
        notes=notes,
        planned_by=actor,
        approved_by=actor,
        approved_at=now,
        delivered_by=actor,
        delivered_at=now,
    )
    record.full_clean()
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as error:
        raise _integrity_message(error, _label(household, member)) from None
    audit_record(actor=actor, action="assistance.grant", target=record, after=snapshot(record))
    return record


# --- beneficiary lists ---------------------------------------------------------------------------


@service
def beneficiary_list_create(
    *,
    actor,
    title: str,
    activity_type: ActivityType,
    area: AdminArea,
    criteria: selectors.ListCriteria,
    planned_date: datetime.date,
    programme: Programme | None = None,
    cap_action=None,
    implementing_organisation: Organisation | None = None,
    donor: Organisation | None = None,
    quantity: Decimal | None = None,
    amount: Decimal | None = None,
    currency: str = "",
) -> tuple[BeneficiaryList, selectors.CandidateSet]:
    """Build a draft list from profiling criteria: one planned record per eligible household (or person).
    Households already planned for the activity, or given it inside its window, are left out."""
    _require_role(actor, *PLANNERS)
    if not activity_type.is_active:
        raise ValidationError({"activity_type": _("%(name)s is no longer in use.") % {"name": activity_type.name}})
    if not selectors.planning_areas_for_user(actor).filter(pk=area.pk).exists():
        raise ValidationError({"area": _("%(area)s is not a target area or settlement you work in.") % {"area": area}})
    organisation = _actor_owner(actor)
    _check_programme(programme, organisation.pk)
    _check_cap_action(actor, cap_action, area)
    amount = amount if amount is not None else activity_type.default_amount
    currency = currency or (activity_type.default_currency if amount else "")
    _check_money(activity_type, amount, currency, required=False)
    implementer = implementing_organisation or actor.membership.organisation
    candidates = selectors.list_candidates(
        actor,
        activity_type=activity_type,
        area=area,
        criteria=criteria,
        planned_date=planned_date,
        implementer_owner_id=implementer.data_owner_id,
    )
    if not candidates.eligible:
        raise ValidationError(
            {"__all__": _("No household matches these criteria, or all of them are already planned or served.")}
        )
    beneficiary_list = BeneficiaryList(
        organisation=organisation,
        title=title,
        activity_type=activity_type,
        area=area,
        programme=programme,
        cap_action=cap_action,
        criteria=criteria.as_json(area),
        planned_date=planned_date,
        created_by=actor,
    )
    beneficiary_list.full_clean()
    beneficiary_list.save()
    records = [
        AssistanceRecord(
            household=c.household,
            member=c.member,
            activity_type=activity_type,
            programme=programme,
            beneficiary_list=beneficiary_list,
            planned_date=planned_date,
            quantity=quantity or activity_type.default_quantity,
            amount=amount,
            currency=currency,
            implementing_organisation=implementer,
            donor=donor,
            planned_by=actor,
        )
        for c in candidates.eligible
    ]
    for record in records:
        # Foreign keys come from objects already loaded; constraints are enforced by the database.
        record.full_clean(exclude=_RECORD_FKS, validate_unique=False, validate_constraints=False)
    AssistanceRecord.objects.bulk_create(records, batch_size=500)
    audit_record(
        actor=actor,
        action="beneficiary_list.create",
        target=beneficiary_list,
        after={
            **snapshot(beneficiary_list),
            "records": len(records),
            "households": sorted({c.household.pk for c in candidates.eligible}),
            "left_out": len(candidates.excluded),
        },
    )
    return beneficiary_list, candidates


def _editable(beneficiary_list: BeneficiaryList) -> None:
    if beneficiary_list.status not in (ListStatus.DRAFT, ListStatus.REJECTED):
        raise ValidationError(
            {
                "status": _("The list is %(s)s: it can no longer be changed.")
                % {"s": beneficiary_list.get_status_display()}
            }
        )


@service
def beneficiary_list_remove(*, actor, beneficiary_list: BeneficiaryList, record_ids: Sequence[int]) -> int:
    """Take households off a list before it is approved (their planned records go)."""
    _require_role(actor, *PLANNERS)
    _editable(beneficiary_list)
    records = beneficiary_list.records.filter(pk__in=list(record_ids), status=RecordStatus.PLANNED)
    removed = list(records.values_list("pk", "household_id"))
    if not removed:
        raise ValidationError({"records": _("Tick the households to take off the list.")})
    records.delete()
    audit_record(
        actor=actor,
        action="beneficiary_list.remove",
        target=beneficiary_list,
        before={"records": [pk for pk, _hh in removed], "households": [hh for _pk, hh in removed]},
    )
    return len(removed)


@service
def beneficiary_list_submit(*, actor, beneficiary_list: BeneficiaryList) -> BeneficiaryList:
    _require_role(actor, *PLANNERS)
    _editable(beneficiary_list)
    if not beneficiary_list.records.filter(status=RecordStatus.PLANNED).exists():
        raise ValidationError({"records": _("The list is empty.")})
    before = snapshot(beneficiary_list, ["status", "submitted_at"])
    beneficiary_list.status, beneficiary_list.submitted_at = ListStatus.SUBMITTED, timezone.now()
    beneficiary_list.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(
        actor=actor,
        action="beneficiary_list.submit",
        target=beneficiary_list,
        before=before,
        after=snapshot(beneficiary_list, before),
    )
    return beneficiary_list


def _decide(beneficiary_list: BeneficiaryList, actor) -> None:
    _require_role(actor, *MANAGERS)
    if beneficiary_list.status != ListStatus.SUBMITTED:
        raise ValidationError({"status": _("Only a list awaiting approval can be decided.")})
    if beneficiary_list.created_by_id == actor.pk:
        raise ValidationError({"status": _("A list is approved by a manager other than the person who built it.")})


@service
def beneficiary_list_approve(*, actor, beneficiary_list: BeneficiaryList, note: str = "") -> int:
    """A manager approves the list as a whole: every planned record on it becomes approved."""
    _decide(beneficiary_list, actor)
    now = timezone.now()
    records = beneficiary_list.records.filter(status=RecordStatus.PLANNED)
    record_ids = list(records.values_list("pk", flat=True))
    records.update(status=RecordStatus.APPROVED, approved_by=actor, approved_at=now, updated_at=now)
    before = snapshot(beneficiary_list, ["status", "decided_by", "decided_at", "decision_note"])
    beneficiary_list.status, beneficiary_list.decided_by, beneficiary_list.decided_at = ListStatus.APPROVED, actor, now
    beneficiary_list.decision_note = note
    beneficiary_list.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    audit_record(
        actor=actor,
        action="beneficiary_list.approve",
        target=beneficiary_list,
        before=before,
        after={**snapshot(beneficiary_list, before), "records_approved": record_ids},
    )
    return len(record_ids)


@service
def beneficiary_list_return(*, actor, beneficiary_list: BeneficiaryList, note: str) -> BeneficiaryList:
    """A manager sends the list back to its builder with what to change."""
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what needs to change.")})
    _decide(beneficiary_list, actor)
    before = snapshot(beneficiary_list, ["status", "decided_by", "decided_at", "decision_note"])
    beneficiary_list.status, beneficiary_list.decided_by = ListStatus.REJECTED, actor
    beneficiary_list.decided_at, beneficiary_list.decision_note = timezone.now(), note.strip()
    beneficiary_list.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    audit_record(
        actor=actor,
        action="beneficiary_list.return",
        target=beneficiary_list,
        before=before,
        after=snapshot(beneficiary_list, before),
    )
    return beneficiary_list


# --- community projects --------------------------------------------------------------------------

_PROJECT_FIELDS = (
    "cap_action",
    "name",
    "project_type",
    "sector",
    "area",
    "programme",
    "implementing_organisation",
    "donor",
    "description",
    "budget",
    "currency",
    "start_date",
    "planned_end_date",
)


def _check_project(values: dict, actor, organisation: Organisation, project: CommunityProject | None = None) -> None:
    area = values.get("area")
    if area is not None and not selectors.planning_areas_for_user(actor).filter(pk=area.pk).exists():
        raise ValidationError({"area": _("%(area)s is not inside a target area you work in.") % {"area": area}})
    if area is not None and not area_is_targeted(area=area, organisation_id=organisation.pk):
        raise ValidationError({"area": _("%(area)s is not inside an approved target area.") % {"area": area}})
    _check_programme(values.get("programme"), organisation.pk)
    if "cap_action" in values:
        _check_cap_action(actor, values["cap_action"], area or (project.area if project is not None else None))
    budget = values.get("budget")
    if budget is not None and budget > 0 and not values.get("currency"):
        raise ValidationError({"currency": _("Give the currency of the budget.")})
    start, end = values.get("start_date"), values.get("planned_end_date")
    if start and end and end < start:
        raise ValidationError({"planned_end_date": _("The planned end comes before the start.")})


def _next_project_reference(area: AdminArea, project_type: str) -> str:
    prefix = f"{area.pcode}-{project_type[:3].upper()}-"
    taken = CommunityProject.objects.filter(reference__startswith=prefix).count()
    return f"{prefix}{taken + 1:03d}"


@service
def project_create(*, actor, **values) -> CommunityProject:
    """Start a community project in a target area (planned, 0 %)."""
    _require_role(actor, *MANAGERS)
    unknown = set(values) - set(_PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"unknown project fields: {sorted(unknown)}")
    organisation = _actor_owner(actor)
    _check_project(values, actor, organisation)
    if values.get("implementing_organisation") is None:
        values["implementing_organisation"] = actor.membership.organisation
    project = CommunityProject(organisation=organisation, created_by=actor, **values)
    project.reference = _next_project_reference(project.area, project.project_type)
    project.full_clean()
    project.save()
    audit_record(actor=actor, action="project.create", target=project, after=snapshot(project))
    return project


@service
def project_update(*, actor, project: CommunityProject, version: int, **values) -> CommunityProject:
    """Change what a project is (not its progress). Refused if someone saved it since ``version``."""
    _require_role(actor, *MANAGERS)
    unknown = set(values) - set(_PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"unknown project fields: {sorted(unknown)}")
    if version != project.version:
        raise ValidationError(
            {"__all__": _("Someone else saved this project while you were editing. Reload it and try again.")}
        )
    if values.get("implementing_organisation", project.implementing_organisation) is None:
        values.pop("implementing_organisation")
    organisation = _actor_owner(actor)
    _check_project(values, actor, organisation, project)
    before = snapshot(project)
    for name, value in values.items():
        setattr(project, name, value)
    project.version += 1
    project.full_clean()
    updated = CommunityProject.objects.filter(pk=project.pk, version=version).update(
        **{name: getattr(project, name) for name in values}, version=project.version, updated_at=timezone.now()
    )
    if not updated:
        raise ValidationError(
            {"__all__": _("Someone else saved this project while you were editing. Reload it and try again.")}
        )
    old, new = _diff(before, snapshot(project))
    audit_record(actor=actor, action="project.update", target=project, before=old, after=new)
    return project


@service
def project_report_progress(
    *,
    actor,
    project: CommunityProject,
    reported_on: datetime.date,
    progress_percent: int,
    status: str,
    note: str = "",
    reached: dict[str, int] | None = None,
    households_reached: int | None = None,
    reached_with_disability: int | None = None,
) -> ProjectUpdate:
    """Report where a project stands. Completing it needs 100 %; going backwards needs a note."""
    _require_role(actor, *PLANNERS)
    if project.status == ProjectStatus.CANCELLED:
        raise ValidationError({"status": _("This project is cancelled; it takes no more reports.")})
    if reported_on > _today():
        raise ValidationError({"reported_on": _("A report cannot be dated in the future.")})
    if not 0 <= progress_percent <= 100:
        raise ValidationError({"progress_percent": _("Progress is a percentage from 0 to 100.")})
    if status == ProjectStatus.COMPLETED and progress_percent != 100:
        raise ValidationError({"progress_percent": _("A completed project is at 100 %.")})
    if progress_percent < project.progress_percent and not note.strip():
        raise ValidationError(
            {"note": _("Progress went down from %(p)s %%: say why.") % {"p": project.progress_percent}}
        )
    before = snapshot(project)
    reached = reached or {}
    for name, value in reached.items():
        if not name.startswith("reached_") or not hasattr(project, name):
            raise TypeError(f"unknown reached field {name}")
        if value is not None:
            if value < 0:
                raise ValidationError({name: _("People reached cannot be negative.")})
            setattr(project, name, value)
    if households_reached is not None:
        project.households_reached = households_reached
    if reached_with_disability is not None:
        project.reached_with_disability = reached_with_disability
    if project.reached_with_disability > project.people_reached:
        raise ValidationError({"reached_with_disability": _("More people with disability than people reached.")})
    project.progress_percent, project.status = progress_percent, status
    if status == ProjectStatus.COMPLETED:
        project.completed_on = project.completed_on or reported_on
    else:
        project.completed_on = None
    if status == ProjectStatus.ONGOING and project.start_date is None:
        project.start_date = reported_on
    project.version += 1
    project.full_clean()
    project.save()
    update = ProjectUpdate(
        project=project,
        reported_on=reported_on,
        progress_percent=progress_percent,
        status=status,
        people_reached=project.people_reached,
        note=note.strip(),
        reported_by=actor,
    )
    update.full_clean()
    update.save()
    old, new = _diff(before, snapshot(project))
    audit_record(actor=actor, action="project.progress", target=project, before=old, after={**new, "note": update.note})
    return update
