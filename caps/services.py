"""Writes of community action planning: councils, workshops, plans, priorities, actions, the workflow.

Every change to a plan locks the plan row, so two people cannot interleave a change and an approval.
Before approval a draft is edited freely; after approval every change is a ``PlanRevision`` with the
reason and each value before and after, and the signed document stays as it was (``caps.rules``
decides who may change what, when).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record, changed, service, snapshot
from core.models import AdminArea, Organisation
from core.scoping import scope_for, scoped
from targeting.models import TargetArea

from . import rules
from .document import plan_document
from .models import (
    Action,
    ActionStatus,
    Council,
    CouncilMember,
    Currency,
    ParticipantGroup,
    Plan,
    PlanRevision,
    PlanStatus,
    Priority,
    RaisedBy,
    Workshop,
    WorkshopParticipation,
)
from .selectors import caps_target_areas_for_user, plan_for_document

_COUNCIL_FIELDS = ["target_area", "name", "settlement", "registration_code", "established_on", "notes"]
_MEMBER_FIELDS = ["council", "name", "sex", "role", "population_group", "joined_on", "left_on"]
_WORKSHOP_FIELDS = ["target_area", "council", "held_on", "place", "settlement", "facilitators", "notes"]
_PLAN_FIELDS = ["title", "period_start", "period_end", "council", "vision"]
_PRIORITY_FIELDS = ["sector", "title", "description", "raised_by", "raised_by_note", "votes", "rank"]
_ACTION_FIELDS = [
    "description",
    "responsible_organisation",
    "responsible_other",
    "budget",
    "currency",
    "start_on",
    "end_on",
    "status",
]


# --- Guards ----------------------------------------------------------------------------------------


def _role(actor) -> str | None:
    scope = scope_for(actor)
    return scope.role if scope else None


def _require_editor(actor) -> None:
    if _role(actor) not in rules.EDITOR_ROLES:
        raise PermissionDenied(_("Only field staff and managers of the area record community planning."))


def _require_in_scope(actor, obj: Model) -> None:
    """Defence in depth: the object must be one the actor may see (views already fetch through selectors)."""
    if not scoped(type(obj).objects.filter(pk=obj.pk), actor).exists():
        raise PermissionDenied(_("This record is outside your areas."))


def _check_target_area(actor, target_area: TargetArea) -> None:
    if not caps_target_areas_for_user(actor).filter(pk=target_area.pk).exists():
        raise ValidationError(
            {"target_area": _("Choose a target area of an approved targeting round inside your areas.")}
        )


def _check_settlement(settlement: AdminArea | None, target_area: TargetArea, field: str = "settlement") -> None:
    if settlement is not None and not target_area.area.covers(settlement):
        raise ValidationError(
            {field: _("%(place)s is not inside %(area)s.") % {"place": settlement, "area": target_area.area}}
        )


def _check_council(council: Council | None, target_area: TargetArea) -> None:
    if council is not None and council.target_area_id != target_area.pk:
        raise ValidationError({"council": _("This council belongs to another target area.")})


def _lock(plan: Plan) -> Plan:
    """Re-read the plan under a row lock and carry its current state onto the caller's object."""
    current = Plan.objects.select_for_update().get(pk=plan.pk)
    for name in ("status", "version", "signed_document", "approved_version"):
        setattr(plan, name, getattr(current, name))
    return plan


def _guard_plan_change(*, actor, plan: Plan, reason: str, change: str = rules.CONTENT) -> bool:
    """Lock the plan and check the change is allowed. Returns True when it must be a revision."""
    _require_in_scope(actor, plan)
    _lock(plan)
    decision = rules.edit_decision(status=plan.status, role=_role(actor), change=change)
    if not decision.allowed:
        if decision.forbidden:
            raise PermissionDenied(decision.refusal)
        raise ValidationError(decision.refusal)
    if decision.revision and not reason.strip():
        raise ValidationError(
            {"reason": _("The plan is approved: say why it changes. The reason is kept with the revision.")}
        )
    return decision.revision


def _bump(plan: Plan) -> None:
    plan.version += 1
    plan.save(update_fields=["version", "updated_at"])


def _record_revision(*, actor, plan: Plan, reason: str, changes: list[dict[str, Any]]) -> PlanRevision:
    number = (plan.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision = PlanRevision(
        plan=plan,
        number=number,
        made_by=actor,
        made_at=timezone.now(),
        reason=reason.strip(),
        plan_status=plan.status,
        changes=changes,
    )
    revision.full_clean()
    revision.save()
    return revision


def _finish_plan_change(
    *, actor, plan: Plan, revision: bool, reason: str, action: str, target: Model, change: dict[str, Any]
) -> None:
    """Bump the version, record a revision when the plan is signed, and write the audit event."""
    _bump(plan)
    revision_number = None
    if revision:
        revision_number = _record_revision(actor=actor, plan=plan, reason=reason, changes=[change]).number
    audit_record(
        actor=actor,
        action=action,
        target=target,
        before=change.get("before"),
        after={
            **(change.get("after") or {}),
            "plan": plan.pk,
            "plan_version": plan.version,
            "revision": revision_number,
        },
        reason=reason.strip(),
    )


# --- Councils --------------------------------------------------------------------------------------


def _check_council_name(*, target_area: TargetArea, name: str, exclude_pk: int | None = None) -> None:
    clash = Council.objects.filter(target_area=target_area, name__iexact=name.strip())
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": _("A council with this name is already recorded for this target area.")})


@service
def council_create(
    *,
    actor,
    target_area: TargetArea,
    name: str,
    settlement: AdminArea | None = None,
    registration_code: str = "",
    established_on: datetime.date | None = None,
    notes: str = "",
) -> Council:
    _require_editor(actor)
    _check_target_area(actor, target_area)
    _check_settlement(settlement, target_area)
    _check_council_name(target_area=target_area, name=name)
    council = Council(
        target_area=target_area,
        name=name.strip(),
        settlement=settlement,
        registration_code=registration_code.strip(),
        established_on=established_on,
        notes=notes,
        created_by=actor,
    )
    council.full_clean()
    council.save()
    audit_record(actor=actor, action="caps.council.create", target=council, after=snapshot(council, _COUNCIL_FIELDS))
    return council


@service
def council_update(
    *,
    actor,
    council: Council,
    name: str,
    settlement: AdminArea | None,
    registration_code: str,
    established_on: datetime.date | None,
    notes: str,
) -> Council:
    _require_editor(actor)
    _require_in_scope(actor, council)
    _check_settlement(settlement, council.target_area)
    _check_council_name(target_area=council.target_area, name=name, exclude_pk=council.pk)
    before = snapshot(council, _COUNCIL_FIELDS)
    council.name = name.strip()
    council.settlement = settlement
    council.registration_code = registration_code.strip()
    council.established_on = established_on
    council.notes = notes
    council.full_clean()
    council.save()
    old, new = changed(before, snapshot(council, _COUNCIL_FIELDS))
    audit_record(actor=actor, action="caps.council.update", target=council, before=old, after=new)
    return council


def _check_member_dates(joined_on: datetime.date | None, left_on: datetime.date | None) -> None:
    if joined_on and left_on and left_on < joined_on:
        raise ValidationError({"left_on": _("The date they left cannot be before the date they joined.")})


@service
def council_member_add(
    *,
    actor,
    council: Council,
    name: str,
    sex: str,
    role: str,
    population_group: str = "",
    joined_on: datetime.date | None = None,
    left_on: datetime.date | None = None,
) -> CouncilMember:
    _require_editor(actor)
    _require_in_scope(actor, council)
    _check_member_dates(joined_on, left_on)
    member = CouncilMember(
        council=council,
        name=name.strip(),
        sex=sex,
        role=role,
        population_group=population_group,
        joined_on=joined_on,
        left_on=left_on,
    )
    member.full_clean()
    member.save()
    audit_record(actor=actor, action="caps.member.add", target=member, after=snapshot(member, _MEMBER_FIELDS))
    return member


@service
def council_member_update(
    *,
    actor,
    member: CouncilMember,
    name: str,
    sex: str,
    role: str,
    population_group: str,
    joined_on: datetime.date | None,
    left_on: datetime.date | None,
) -> CouncilMember:
    _require_editor(actor)
    _require_in_scope(actor, member)
    _check_member_dates(joined_on, left_on)
    before = snapshot(member, _MEMBER_FIELDS)
    member.name = name.strip()
    member.sex = sex
    member.role = role
    member.population_group = population_group
    member.joined_on = joined_on
    member.left_on = left_on
    member.full_clean()
    member.save()
    old, new = changed(before, snapshot(member, _MEMBER_FIELDS))
    audit_record(actor=actor, action="caps.member.update", target=member, before=old, after=new)
    return member


@service
def council_member_remove(*, actor, member: CouncilMember, reason: str) -> None:
    """Delete a member recorded by mistake. Someone who left the council keeps their row with ``left_on``."""
    _require_editor(actor)
    _require_in_scope(actor, member)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the member is removed (someone who left: set the date instead).")})
    before = snapshot(member, _MEMBER_FIELDS)
    audit_record(actor=actor, action="caps.member.remove", target=member, before=before, reason=reason.strip())
    member.delete()


# --- Workshops -------------------------------------------------------------------------------------


def _clean_participation(participation: Mapping[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    cleaned: dict[str, tuple[int, int]] = {}
    for group, (women, men) in participation.items():
        if group not in ParticipantGroup.values:
            raise ValidationError({"participation": _("Unknown population group: %(group)s.") % {"group": group}})
        if women is None or men is None or int(women) < 0 or int(men) < 0:
            raise ValidationError({"participation": _("Counts of women and men must be whole numbers, 0 or more.")})
        if women or men:
            cleaned[group] = (int(women), int(men))
    if not cleaned:
        raise ValidationError({"participation": _("Count who took part: at least one woman or man.")})
    return cleaned


def _participation_rows(workshop: Workshop) -> dict[str, list[int]]:
    return {p.group: [p.women, p.men] for p in workshop.participation.all()}


def _set_participation(workshop: Workshop, participation: dict[str, tuple[int, int]]) -> None:
    workshop.participation.all().delete()
    WorkshopParticipation.objects.bulk_create(
        WorkshopParticipation(workshop=workshop, group=group, women=women, men=men)
        for group, (women, men) in participation.items()
    )


@service
def workshop_create(
    *,
    actor,
    target_area: TargetArea,
    held_on: datetime.date,
    place: str,
    facilitators: str,
    participation: Mapping[str, tuple[int, int]],
    council: Council | None = None,
    settlement: AdminArea | None = None,
    notes: str = "",
) -> Workshop:
    _require_editor(actor)
    _check_target_area(actor, target_area)
    _check_settlement(settlement, target_area)
    _check_council(council, target_area)
    counts = _clean_participation(participation)
    workshop = Workshop(
        target_area=target_area,
        council=council,
        held_on=held_on,
        place=place.strip(),
        settlement=settlement,
        facilitators=facilitators.strip(),
        notes=notes,
        created_by=actor,
    )
    workshop.full_clean()
    workshop.save()
    _set_participation(workshop, counts)
    audit_record(
        actor=actor,
        action="caps.workshop.create",
        target=workshop,
        after={**snapshot(workshop, _WORKSHOP_FIELDS), "participation": counts},
    )
    return workshop


@service
def workshop_update(
    *,
    actor,
    workshop: Workshop,
    held_on: datetime.date,
    place: str,
    facilitators: str,
    participation: Mapping[str, tuple[int, int]],
    council: Council | None,
    settlement: AdminArea | None,
    notes: str,
) -> Workshop:
    """Correct a workshop's record. A workshop behind a signed plan keeps its counts in the signed document."""
    _require_editor(actor)
    _require_in_scope(actor, workshop)
    _check_settlement(settlement, workshop.target_area)
    _check_council(council, workshop.target_area)
    counts = _clean_participation(participation)
    before = {**snapshot(workshop, _WORKSHOP_FIELDS), "participation": _participation_rows(workshop)}
    workshop.held_on = held_on
    workshop.place = place.strip()
    workshop.facilitators = facilitators.strip()
    workshop.council = council
    workshop.settlement = settlement
    workshop.notes = notes
    workshop.full_clean()
    workshop.save()
    _set_participation(workshop, counts)
    after = {**snapshot(workshop, _WORKSHOP_FIELDS), "participation": {g: list(c) for g, c in counts.items()}}
    old, new = changed(before, after)
    audit_record(actor=actor, action="caps.workshop.update", target=workshop, before=old, after=new)
    return workshop


# --- Plans -----------------------------------------------------------------------------------------


def _check_period(
    *, target_area: TargetArea, start: datetime.date, end: datetime.date, exclude_pk: int | None = None
) -> None:
    if end < start:
        raise ValidationError({"period_end": _("The period cannot end before it starts.")})
    overlapping = Plan.objects.filter(target_area=target_area, period_start__lte=end, period_end__gte=start)
    if exclude_pk:
        overlapping = overlapping.exclude(pk=exclude_pk)
    clash = overlapping.order_by("period_start").first()
    if clash is not None:
        raise ValidationError(
            {
                "period_start": _("“%(title)s” already covers %(start)s to %(end)s for this target area.")
                % {"title": clash.title, "start": clash.period_start, "end": clash.period_end}
            }
        )


def _check_workshops(workshops: Sequence[Workshop], target_area: TargetArea) -> None:
    if any(w.target_area_id != target_area.pk for w in workshops):
        raise ValidationError({"workshops": _("Choose workshops held for this target area.")})


@service
def plan_create(
    *,
    actor,
    target_area: TargetArea,
    title: str,
    period_start: datetime.date,
    period_end: datetime.date,
    council: Council | None = None,
    workshops: Sequence[Workshop] = (),
    vision: str = "",
) -> Plan:
    _require_editor(actor)
    _check_target_area(actor, target_area)
    _check_council(council, target_area)
    _check_workshops(workshops, target_area)
    _check_period(target_area=target_area, start=period_start, end=period_end)
    plan = Plan(
        target_area=target_area,
        title=title.strip(),
        period_start=period_start,
        period_end=period_end,
        council=council,
        vision=vision,
        created_by=actor,
    )
    plan.full_clean()
    plan.save()
    plan.workshops.set(workshops)
    audit_record(
        actor=actor,
        action="caps.plan.create",
        target=plan,
        after={
            **snapshot(plan, ["target_area", *_PLAN_FIELDS, "status"]),
            "workshops": sorted(w.pk for w in workshops),
        },
    )
    return plan


@service
def plan_update(
    *,
    actor,
    plan: Plan,
    title: str,
    period_start: datetime.date,
    period_end: datetime.date,
    council: Council | None,
    workshops: Sequence[Workshop],
    vision: str,
    reason: str = "",
) -> Plan:
    revision = _guard_plan_change(actor=actor, plan=plan, reason=reason)
    _check_council(council, plan.target_area)
    _check_workshops(workshops, plan.target_area)
    _check_period(target_area=plan.target_area, start=period_start, end=period_end, exclude_pk=plan.pk)
    before = {**snapshot(plan, _PLAN_FIELDS), "workshops": sorted(plan.workshops.values_list("pk", flat=True))}
    plan.title = title.strip()
    plan.period_start = period_start
    plan.period_end = period_end
    plan.council = council
    plan.vision = vision
    plan.full_clean()
    after = {**snapshot(plan, _PLAN_FIELDS), "workshops": sorted(w.pk for w in workshops)}
    old, new = changed(before, after)
    if not new:
        return plan
    plan.save()
    plan.workshops.set(workshops)
    _finish_plan_change(
        actor=actor,
        plan=plan,
        revision=revision,
        reason=reason,
        action="caps.plan.update",
        target=plan,
        change={"entity": "plan", "id": plan.pk, "label": plan.title, "op": "update", "before": old, "after": new},
    )
    return plan


def _rerank(plan: Plan) -> None:
    """Recompute every priority's position from votes and agreed rank (``rules.rank_priorities``)."""
    priorities = list(plan.priorities.all())
    ranked = {r.key: r for r in rules.rank_priorities(rules.RankInput(p.pk, p.votes, p.rank) for p in priorities)}
    stale = []
    for priority in priorities:
        result = ranked[priority.pk]
        if (priority.position, priority.tied) != (result.position, result.tied):
            priority.position, priority.tied = result.position, result.tied
            stale.append(priority)
    Priority.objects.bulk_update(stale, ["position", "tied"])


def _clean_raised_by(raised_by: Iterable[str]) -> list[str]:
    codes = list(dict.fromkeys(raised_by))
    unknown = [c for c in codes if c not in RaisedBy.values]
    if unknown:
        raise ValidationError({"raised_by": _("Unknown group: %(codes)s.") % {"codes": ", ".join(unknown)}})
    return [c for c in RaisedBy.values if c in codes]


@service
def priority_add(
    *,
    actor,
    plan: Plan,
    sector: str,
    title: str,
    description: str = "",
    raised_by: Iterable[str] = (),
    raised_by_note: str = "",
    votes: int | None = None,
    rank: int | None = None,
    reason: str = "",
) -> Priority:
    revision = _guard_plan_change(actor=actor, plan=plan, reason=reason)
    priority = Priority(
        plan=plan,
        sector=sector,
        title=title.strip(),
        description=description,
        raised_by=_clean_raised_by(raised_by),
        raised_by_note=raised_by_note.strip(),
        votes=votes,
        rank=rank,
    )
    priority.full_clean()
    priority.save()
    _rerank(plan)
    priority.refresh_from_db(fields=["position", "tied"])
    after = snapshot(priority, [*_PRIORITY_FIELDS, "position"])
    _finish_plan_change(
        actor=actor,
        plan=plan,
        revision=revision,
        reason=reason,
        action="caps.priority.add",
        target=priority,
        change={"entity": "priority", "id": priority.pk, "label": priority.title, "op": "add", "after": after},
    )
    return priority


@service
def priority_update(
    *,
    actor,
    priority: Priority,
    sector: str,
    title: str,
    description: str,
    raised_by: Iterable[str],
    raised_by_note: str,
    votes: int | None,
    rank: int | None,
    reason: str = "",
) -> Priority:
    plan = priority.plan
    revision = _guard_plan_change(actor=actor, plan=plan, reason=reason)
    before = snapshot(priority, [*_PRIORITY_FIELDS, "position"])
    priority.sector = sector
    priority.title = title.strip()
    priority.description = description
    priority.raised_by = _clean_raised_by(raised_by)
    priority.raised_by_note = raised_by_note.strip()
    priority.votes = votes
    priority.rank = rank
    priority.full_clean()
    if not changed(before, snapshot(priority, [*_PRIORITY_FIELDS, "position"]))[1]:
        return priority
    priority.save()
    _rerank(plan)
    priority.refresh_from_db(fields=["position", "tied"])
    old, new = changed(before, snapshot(priority, [*_PRIORITY_FIELDS, "position"]))
    _finish_plan_change(
        actor=actor,
        plan=plan,
        revision=revision,
        reason=reason,
        action="caps.priority.update",
        target=priority,
        change={
            "entity": "priority",
            "id": priority.pk,
            "label": priority.title,
            "op": "update",
            "before": old,
            "after": new,
        },
    )
    return priority


@service
def priority_remove(*, actor, priority: Priority, reason: str = "") -> None:
    plan = priority.plan
    revision = _guard_plan_change(actor=actor, plan=plan, reason=reason)
    before = {
        **snapshot(priority, [*_PRIORITY_FIELDS, "position"]),
        "actions": [snapshot(a, _ACTION_FIELDS) for a in priority.actions.all()],
    }
    if Action.objects.filter(priority=priority).exists() and plan.status != PlanStatus.DRAFT:
        raise ValidationError(
            _("Actions of an approved plan may be carried out already: cancel them instead of removing the priority.")
        )
    label, pk = priority.title, priority.pk
    priority.delete()
    _rerank(plan)
    _finish_plan_change(
        actor=actor,
        plan=plan,
        revision=revision,
        reason=reason,
        action="caps.priority.remove",
        target=plan,
        change={"entity": "priority", "id": pk, "label": label, "op": "remove", "before": before},
    )


def _check_action_values(
    *, budget: Decimal | None, currency: str, start_on: datetime.date | None, end_on: datetime.date | None
) -> None:
    errors = {}
    if budget is not None and budget < 0:
        errors["budget"] = _("A budget cannot be negative.")
    if budget is not None and not currency:
        errors["currency"] = _("Say in which currency the budget is.")
    if currency and currency not in Currency.values:
        errors["currency"] = _("Choose one of the listed currencies.")
    if start_on and end_on and end_on < start_on:
        errors["end_on"] = _("The action cannot end before it starts.")
    if errors:
        raise ValidationError(errors)


@service
def action_add(
    *,
    actor,
    priority: Priority,
    description: str,
    responsible_organisation: Organisation | None = None,
    responsible_other: str = "",
    budget: Decimal | None = None,
    currency: str = "",
    start_on: datetime.date | None = None,
    end_on: datetime.date | None = None,
    status: str = ActionStatus.PLANNED,
    reason: str = "",
) -> Action:
    plan = priority.plan
    revision = _guard_plan_change(actor=actor, plan=plan, reason=reason)
    _check_action_values(budget=budget, currency=currency, start_on=start_on, end_on=end_on)
    position = (priority.actions.aggregate(n=Max("position"))["n"] or 0) + 1
    action = Action(
        priority=priority,
        description=description.strip(),
        responsible_organisation=responsible_organisation,
        responsible_other=responsible_other.strip(),
        budget=budget,
        currency=currency,
        start_on=start_on,
        end_on=end_on,
        status=status,
        position=position,
    )
    action.full_clean()
    action.save()
    _finish_plan_change(
        actor=actor,
        plan=plan,
        revision=revision,
        reason=reason,
        action="caps.action.add",
        target=action,
        change={
            "entity": "action",
            "id": action.pk,
            "label": action.description,
            "op": "add",
            "priority": priority.pk,
            "after": snapshot(action, _ACTION_FIELDS),
        },
    )
    return action


@service
def action_update(
    *,
    actor,
    action: Action,
    description: str,
    responsible_organisation: Organisation | None,
    responsible_other: str,
    budget: Decimal | None,
    currency: str,
    start_on: datetime.date | None,
    end_on: datetime.date | None,
    status: str,
    reason: str = "",
) -> Action:
    """Change an action. After approval a change of status alone is progress (field staff may record
    it); any other change is a revision of content (managers)."""
    plan = action.priority.plan
    before = snapshot(action, _ACTION_FIELDS)
    proposed = {
        "description": description.strip(),
        "responsible_organisation": responsible_organisation.pk if responsible_organisation else None,
        "responsible_other": responsible_other.strip(),
        "budget": str(budget) if budget is not None else None,
        "currency": currency,
        "start_on": start_on.isoformat() if start_on else None,
        "end_on": end_on.isoformat() if end_on else None,
        "status": status,
    }
    if before.get("budget") is not None:
        before["budget"] = str(Decimal(before["budget"]).quantize(Decimal("0.01")))
    if proposed["budget"] is not None:
        proposed["budget"] = str(Decimal(proposed["budget"]).quantize(Decimal("0.01")))
    old, new = changed(before, proposed)
    if not new:
        return action
    change_kind = rules.PROGRESS if set(new) == {"status"} else rules.CONTENT
    revision = _guard_plan_change(actor=actor, plan=plan, reason=reason, change=change_kind)
    _check_action_values(budget=budget, currency=currency, start_on=start_on, end_on=end_on)
    action.description = proposed["description"]
    action.responsible_organisation = responsible_organisation
    action.responsible_other = proposed["responsible_other"]
    action.budget = budget
    action.currency = currency
    action.start_on = start_on
    action.end_on = end_on
    action.status = status
    action.full_clean()
    action.save()
    _finish_plan_change(
        actor=actor,
        plan=plan,
        revision=revision,
        reason=reason,
        action="caps.action.update",
        target=action,
        change={
            "entity": "action",
            "id": action.pk,
            "label": action.description,
            "op": "update",
            "before": old,
            "after": new,
        },
    )
    return action


@service
def action_remove(*, actor, action: Action, reason: str = "") -> None:
    plan = action.priority.plan
    revision = _guard_plan_change(actor=actor, plan=plan, reason=reason)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(
            _("An approved action may be carried out already: set its status to cancelled instead of removing it.")
        )
    before = snapshot(action, _ACTION_FIELDS)
    pk, label = action.pk, action.description
    action.delete()
    _finish_plan_change(
        actor=actor,
        plan=plan,
        revision=revision,
        reason=reason,
        action="caps.action.remove",
        target=plan,
        change={"entity": "action", "id": pk, "label": label, "op": "remove", "before": before},
    )


# --- Workflow --------------------------------------------------------------------------------------


def _submission_facts(plan: Plan) -> list[rules.PriorityFacts]:
    priorities = plan.priorities.prefetch_related("actions").order_by("position", "id")
    return [
        rules.PriorityFacts(
            title=p.title,
            actions=[
                rules.ActionFacts(
                    description=a.description,
                    has_responsible=bool(a.responsible_organisation_id or a.responsible_other.strip()),
                    budget=a.budget,
                    currency=a.currency,
                    status=a.status,
                )
                for a in p.actions.all()
            ],
        )
        for p in priorities
    ]


@service
def plan_transition(*, actor, plan: Plan, verb: str, reason: str = "", expected_version: int | None = None) -> Plan:
    """Move a plan along draft → submitted → approved → in implementation → completed (or back to draft
    from submitted). Approval stores the signed document; ``expected_version`` makes sure a manager
    approves the version they read."""
    _require_in_scope(actor, plan)
    _lock(plan)
    try:
        transition = rules.check_transition(verb=verb, status=plan.status, role=_role(actor), reason=reason)
    except rules.TransitionRefused as refused:
        if refused.kind == "role":
            raise PermissionDenied(refused.message) from None
        if refused.kind == "reason":
            raise ValidationError({"reason": refused.message}) from None
        raise ValidationError(refused.message) from None
    if expected_version is not None and expected_version != plan.version:
        raise ValidationError(
            _("The plan changed while you were reading it (version %(seen)s, now %(now)s). Read it again first.")
            % {"seen": expected_version, "now": plan.version}
        )
    now = timezone.now()
    before = snapshot(plan, ["status", "version"])
    fields = ["status", "updated_at"]
    if verb == "submit":
        problems = rules.submission_problems(_submission_facts(plan))
        if problems:
            raise ValidationError(problems)
        plan.submitted_by, plan.submitted_at, plan.returned_reason = actor, now, ""
        fields += ["submitted_by", "submitted_at", "returned_reason"]
    elif verb == "return":
        plan.returned_reason = reason.strip()
        fields += ["returned_reason"]
    elif verb == "approve":
        plan.approved_by, plan.approved_at, plan.approved_version = actor, now, plan.version
        fields += ["approved_by", "approved_at", "approved_version", "signed_document"]
    elif verb == "start":
        plan.implementation_started_at = now
        fields += ["implementation_started_at"]
    elif verb == "complete":
        plan.completed_at = now
        fields += ["completed_at"]
    plan.status = transition.target
    if verb == "approve":
        loaded = plan_for_document(user=actor, pk=plan.pk)
        loaded.status, loaded.approved_by, loaded.approved_at = plan.status, actor, now
        loaded.approved_version = plan.version
        plan.signed_document = plan_document(loaded)
    plan.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=f"caps.plan.{verb}",
        target=plan,
        before=before,
        after=snapshot(plan, ["status", "version"]),
        reason=reason.strip(),
    )
    return plan
