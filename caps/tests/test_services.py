"""Writes: who may change a plan when, revisions after approval, ranking kept by the services, audit."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from caps import services
from caps.models import ActionStatus, ParticipantGroup, Plan, PlanRevision, PlanStatus, Sector, Sex
from core.models import AuditEvent

from .factories import CouncilFactory, CouncilMemberFactory, WorkshopFactory, complete_plan


def _submit_and_approve(plan, *, field, manager):
    services.plan_transition(actor=field, plan=plan, verb="submit")
    services.plan_transition(actor=manager, plan=plan, verb="approve", expected_version=plan.version)
    plan.refresh_from_db()
    return plan


def _action_values(action, **changes):
    values = {
        "description": action.description,
        "responsible_organisation": action.responsible_organisation,
        "responsible_other": action.responsible_other,
        "budget": action.budget,
        "currency": action.currency,
        "start_on": action.start_on,
        "end_on": action.end_on,
        "status": action.status,
    }
    return {**values, **changes}


# --- Creating ------------------------------------------------------------------------------------


def test_plan_needs_an_approved_target_area_in_the_users_areas(field_officer, unapproved_target, injil_target):
    for target in (unapproved_target, injil_target):
        with pytest.raises(ValidationError) as error:
            services.plan_create(
                actor=field_officer,
                target_area=target,
                title="Plan",
                period_start=datetime.date(2026, 1, 1),
                period_end=datetime.date(2026, 12, 31),
            )
        assert "target_area" in error.value.message_dict
    assert not Plan.objects.exists()


def test_plans_of_one_target_area_do_not_overlap(field_officer, khogyani_target):
    complete_plan(actor=field_officer, target_area=khogyani_target)
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            actor=field_officer,
            target_area=khogyani_target,
            title="Second",
            period_start=datetime.date(2027, 1, 1),
            period_end=datetime.date(2027, 12, 31),
        )
    assert "already covers" in error.value.message_dict["period_start"][0]
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            actor=field_officer,
            target_area=khogyani_target,
            title="Backwards",
            period_start=datetime.date(2028, 1, 1),
            period_end=datetime.date(2027, 12, 31),
        )
    assert "period_end" in error.value.message_dict
    services.plan_create(
        actor=field_officer,
        target_area=khogyani_target,
        title="Next year",
        period_start=datetime.date(2027, 4, 1),
        period_end=datetime.date(2028, 3, 31),
    )


def test_desk_officers_and_partners_record_no_plans(desk_officer, partner_user, khogyani_target):
    for user in (desk_officer, partner_user):
        with pytest.raises(PermissionDenied):
            services.plan_create(
                actor=user,
                target_area=khogyani_target,
                title="Plan",
                period_start=datetime.date(2026, 1, 1),
                period_end=datetime.date(2026, 12, 31),
            )


def test_plan_links_only_councils_and_workshops_of_its_target_area(field_officer, khogyani_target, places, iom):
    from .factories import TargetAreaFactory, TargetingRoundFactory

    elsewhere = TargetAreaFactory(round=TargetingRoundFactory(organisation=iom), area=places.kaga)
    foreign_council = CouncilFactory(target_area=elsewhere)
    foreign_workshop = WorkshopFactory(target_area=elsewhere)
    base = {
        "actor": field_officer,
        "target_area": khogyani_target,
        "title": "Plan",
        "period_start": datetime.date(2026, 1, 1),
        "period_end": datetime.date(2026, 12, 31),
    }
    with pytest.raises(ValidationError) as error:
        services.plan_create(**base, council=foreign_council)
    assert "council" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.plan_create(**base, workshops=[foreign_workshop])
    assert "workshops" in error.value.message_dict


# --- Ranking ---------------------------------------------------------------------------------------


def test_services_keep_priority_positions_from_votes_and_rank(field_officer, khogyani_target):
    plan = complete_plan(actor=field_officer, target_area=khogyani_target, priorities=[(10, None), (30, None)])
    positions = dict(plan.priorities.values_list("title", "position"))
    assert positions == {"Priority 2": 1, "Priority 1": 2}
    first = plan.priorities.get(title="Priority 1")
    services.priority_update(
        actor=field_officer,
        priority=first,
        sector=Sector.HEA,
        title="Priority 1",
        description="",
        raised_by=["women", "returnees"],
        raised_by_note="",
        votes=30,
        rank=1,
    )
    ranked = list(plan.priorities.order_by("position").values_list("title", "position", "tied"))
    assert ranked == [("Priority 1", 1, False), ("Priority 2", 2, False)]
    first.refresh_from_db()
    assert first.raised_by == ["women", "returnees"]


def test_unknown_raised_by_group_is_named(field_officer, khogyani_target):
    plan = complete_plan(actor=field_officer, target_area=khogyani_target)
    with pytest.raises(ValidationError) as error:
        services.priority_add(actor=field_officer, plan=plan, sector=Sector.WSH, title="X", raised_by=["aliens"])
    assert "aliens" in error.value.message_dict["raised_by"][0]


# --- Workflow ------------------------------------------------------------------------------------


def test_incomplete_plan_cannot_be_submitted(field_officer, khogyani_target):
    plan = services.plan_create(
        actor=field_officer,
        target_area=khogyani_target,
        title="Plan",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    with pytest.raises(ValidationError) as error:
        services.plan_transition(actor=field_officer, plan=plan, verb="submit")
    assert error.value.messages == ["Add at least one priority."]
    priority = services.priority_add(actor=field_officer, plan=plan, sector=Sector.WSH, title="Water")
    services.action_add(actor=field_officer, priority=priority, description="Pumps")
    with pytest.raises(ValidationError) as error:
        services.plan_transition(actor=field_officer, plan=plan, verb="submit")
    assert error.value.messages == ["Action “Pumps” needs someone responsible."]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_only_managers_approve(field_officer, manager, khogyani_target):
    plan = complete_plan(actor=field_officer, target_area=khogyani_target)
    services.plan_transition(actor=field_officer, plan=plan, verb="submit")
    with pytest.raises(PermissionDenied):
        services.plan_transition(actor=field_officer, plan=plan, verb="approve")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert plan.signed_document is None
    services.plan_transition(actor=manager, plan=plan, verb="approve", expected_version=plan.version)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.approved_by == manager
    assert plan.approved_version == plan.version
    assert [p["title"] for p in plan.signed_document["priorities"]] == ["Priority 1", "Priority 2"]
    assert plan.signed_document["approval"]["approved_by"] == manager.get_full_name()
    event = AuditEvent.objects.get(action="caps.plan.approve")
    assert event.before == {"status": "submitted", "version": plan.version}
    assert event.after["status"] == "approved"
    assert event.actor == manager


def test_a_manager_of_another_area_cannot_approve(field_officer, khogyani_target, places, iom):
    from core.models import Role
    from core.tests.factories import UserFactory

    injil_manager = UserFactory(username="manager.injil", role=Role.MANAGER, organisation=iom, areas=[places.injil])
    plan = complete_plan(actor=field_officer, target_area=khogyani_target)
    services.plan_transition(actor=field_officer, plan=plan, verb="submit")
    with pytest.raises(PermissionDenied):
        services.plan_transition(actor=injil_manager, plan=plan, verb="approve")


def test_approval_refuses_a_version_the_manager_did_not_read(field_officer, manager, khogyani_target):
    plan = complete_plan(actor=field_officer, target_area=khogyani_target)
    services.plan_transition(actor=field_officer, plan=plan, verb="submit")
    read_version = plan.version
    services.plan_transition(actor=manager, plan=plan, verb="return", reason="Add the budget for pumps")
    plan.refresh_from_db()
    assert plan.returned_reason == "Add the budget for pumps"
    priority = plan.priorities.first()
    services.action_add(actor=field_officer, priority=priority, description="More", responsible_other="CDC")
    services.plan_transition(actor=field_officer, plan=plan, verb="submit")
    with pytest.raises(ValidationError, match="changed while you were reading"):
        services.plan_transition(actor=manager, plan=plan, verb="approve", expected_version=read_version)
    plan.refresh_from_db()
    assert plan.returned_reason == ""
    services.plan_transition(actor=manager, plan=plan, verb="approve", expected_version=plan.version)


def test_return_to_draft_needs_a_reason(field_officer, manager, khogyani_target):
    plan = complete_plan(actor=field_officer, target_area=khogyani_target)
    services.plan_transition(actor=field_officer, plan=plan, verb="submit")
    with pytest.raises(ValidationError) as error:
        services.plan_transition(actor=manager, plan=plan, verb="return", reason="")
    assert "reason" in error.value.message_dict


def test_implementation_and_completion_are_for_managers(field_officer, manager, khogyani_target):
    plan = _submit_and_approve(
        complete_plan(actor=field_officer, target_area=khogyani_target), field=field_officer, manager=manager
    )
    with pytest.raises(PermissionDenied):
        services.plan_transition(actor=field_officer, plan=plan, verb="start")
    services.plan_transition(actor=manager, plan=plan, verb="start")
    with pytest.raises(PermissionDenied):
        services.plan_transition(actor=field_officer, plan=plan, verb="complete")
    services.plan_transition(actor=manager, plan=plan, verb="complete")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPLETED
    assert plan.implementation_started_at
    assert plan.completed_at


# --- Editing and revisions -----------------------------------------------------------------------


def test_submitted_plan_is_not_edited(field_officer, manager, khogyani_target):
    plan = complete_plan(actor=field_officer, target_area=khogyani_target)
    services.plan_transition(actor=field_officer, plan=plan, verb="submit")
    with pytest.raises(ValidationError, match="waiting for approval"):
        services.priority_add(actor=manager, plan=plan, sector=Sector.EDU, title="School")


def test_no_edit_to_an_approved_plan_without_a_revision(field_officer, manager, khogyani_target):
    plan = _submit_and_approve(
        complete_plan(actor=field_officer, target_area=khogyani_target), field=field_officer, manager=manager
    )
    signed = plan.signed_document
    action = plan.priorities.get(title="Priority 1").actions.get()

    # Field staff cannot change content of an approved plan at all.
    with pytest.raises(PermissionDenied):
        services.action_update(actor=field_officer, action=action, **_action_values(action, budget=Decimal("5000")))
    # A manager must say why.
    with pytest.raises(ValidationError) as error:
        services.action_update(actor=manager, action=action, **_action_values(action, budget=Decimal("5000")))
    assert "reason" in error.value.message_dict
    action.refresh_from_db()
    assert action.budget == Decimal("1000.00")
    assert not PlanRevision.objects.exists()

    version = plan.version
    services.action_update(
        actor=manager,
        action=action,
        **_action_values(action, budget=Decimal("5000"), reason="Contractor quote for deeper well"),
    )
    revision = PlanRevision.objects.get(plan=plan)
    assert revision.number == 1
    assert revision.made_by == manager
    assert revision.reason == "Contractor quote for deeper well"
    assert revision.plan_status == PlanStatus.APPROVED
    [change] = revision.changes
    assert change["entity"] == "action"
    assert change["op"] == "update"
    assert change["before"] == {"budget": "1000.00"}
    assert change["after"] == {"budget": "5000.00"}
    plan.refresh_from_db()
    assert plan.version == version + 1
    assert plan.signed_document == signed  # the signed version stays as approved
    event = AuditEvent.objects.get(action="caps.action.update")
    assert event.reason == "Contractor quote for deeper well"
    assert event.after["revision"] == 1


def test_field_staff_record_progress_as_a_revision(field_officer, manager, khogyani_target):
    plan = _submit_and_approve(
        complete_plan(actor=field_officer, target_area=khogyani_target), field=field_officer, manager=manager
    )
    services.plan_transition(actor=manager, plan=plan, verb="start")
    action = plan.priorities.get(title="Priority 1").actions.get()
    with pytest.raises(ValidationError) as error:
        services.action_update(
            actor=field_officer, action=action, **_action_values(action, status=ActionStatus.IN_PROGRESS)
        )
    assert "reason" in error.value.message_dict
    services.action_update(
        actor=field_officer,
        action=action,
        **_action_values(action, status=ActionStatus.IN_PROGRESS, reason="Works started"),
    )
    revision = PlanRevision.objects.get(plan=plan)
    assert revision.changes[0]["before"] == {"status": "planned"}
    assert revision.changes[0]["after"] == {"status": "in_progress"}
    assert revision.plan_status == PlanStatus.IN_IMPLEMENTATION


def test_revisions_number_up_and_record_additions(field_officer, manager, khogyani_target):
    plan = _submit_and_approve(
        complete_plan(actor=field_officer, target_area=khogyani_target), field=field_officer, manager=manager
    )
    priority = services.priority_add(
        actor=manager, plan=plan, sector=Sector.PRO_GBV, title="Safe space for women", votes=12, reason="CDC asked"
    )
    services.plan_update(
        actor=manager,
        plan=plan,
        title="Khogyani plan (revised)",
        period_start=plan.period_start,
        period_end=plan.period_end,
        council=None,
        workshops=[],
        vision="",
        reason="Name agreed with the district",
    )
    revisions = list(PlanRevision.objects.filter(plan=plan).order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].changes[0]["op"] == "add"
    assert revisions[0].changes[0]["id"] == priority.pk
    assert revisions[1].changes[0]["before"] == {"title": "Khogyani community action plan"}


def test_approved_actions_are_cancelled_not_removed(field_officer, manager, khogyani_target):
    plan = _submit_and_approve(
        complete_plan(actor=field_officer, target_area=khogyani_target), field=field_officer, manager=manager
    )
    action = plan.priorities.first().actions.get()
    with pytest.raises(ValidationError, match="cancelled"):
        services.action_remove(actor=manager, action=action, reason="Not needed")
    assert action.__class__.objects.filter(pk=action.pk).exists()


def test_completed_plan_is_closed(field_officer, manager, khogyani_target):
    plan = _submit_and_approve(
        complete_plan(actor=field_officer, target_area=khogyani_target), field=field_officer, manager=manager
    )
    services.plan_transition(actor=manager, plan=plan, verb="start")
    services.plan_transition(actor=manager, plan=plan, verb="complete")
    with pytest.raises(ValidationError, match="closed"):
        services.priority_add(actor=manager, plan=plan, sector=Sector.WSH, title="Late", reason="x")


def test_draft_edits_make_no_revision_but_are_audited(field_officer, khogyani_target):
    plan = complete_plan(actor=field_officer, target_area=khogyani_target)
    action = plan.priorities.first().actions.get()
    services.action_remove(actor=field_officer, action=action)
    assert not PlanRevision.objects.exists()
    event = AuditEvent.objects.get(action="caps.action.remove")
    assert event.before["description"] == "Action for priority 1"


def test_users_of_another_organisation_cannot_change_the_plan(field_officer, other_org_officer, khogyani_target):
    plan = complete_plan(actor=field_officer, target_area=khogyani_target)
    with pytest.raises(PermissionDenied):
        services.priority_add(actor=other_org_officer, plan=plan, sector=Sector.WSH, title="Mine")
    with pytest.raises(PermissionDenied):
        services.plan_transition(actor=other_org_officer, plan=plan, verb="submit")


def test_action_values_are_checked_by_field(field_officer, khogyani_target):
    plan = complete_plan(actor=field_officer, target_area=khogyani_target)
    priority = plan.priorities.first()
    with pytest.raises(ValidationError) as error:
        services.action_add(actor=field_officer, priority=priority, description="Pumps", budget=Decimal("10"))
    assert "currency" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.action_add(
            actor=field_officer,
            priority=priority,
            description="Pumps",
            start_on=datetime.date(2026, 5, 1),
            end_on=datetime.date(2026, 4, 1),
        )
    assert "end_on" in error.value.message_dict


# --- Councils and workshops ----------------------------------------------------------------------


def test_council_settlement_must_lie_in_the_target_area(field_officer, khogyani_target, places):
    with pytest.raises(ValidationError) as error:
        services.council_create(
            actor=field_officer, target_area=khogyani_target, name="Karizak CDC", settlement=places.karizak
        )
    assert "settlement" in error.value.message_dict
    council = services.council_create(
        actor=field_officer, target_area=khogyani_target, name="Kaga CDC", settlement=places.kaga
    )
    with pytest.raises(ValidationError) as error:
        services.council_create(actor=field_officer, target_area=khogyani_target, name="kaga cdc")
    assert "already recorded" in error.value.message_dict["name"][0]
    assert AuditEvent.objects.filter(action="caps.council.create", target_id=str(council.pk)).exists()


def test_council_members_join_leave_and_mistakes_are_removed_with_a_reason(field_officer, khogyani_target):
    council = CouncilFactory(target_area=khogyani_target)
    member = services.council_member_add(
        actor=field_officer, council=council, name="Bibi Hawa", sex=Sex.FEMALE, role="treasurer"
    )
    with pytest.raises(ValidationError) as error:
        services.council_member_update(
            actor=field_officer,
            member=member,
            name="Bibi Hawa",
            sex=Sex.FEMALE,
            role="treasurer",
            population_group="",
            joined_on=datetime.date(2026, 5, 1),
            left_on=datetime.date(2026, 4, 1),
        )
    assert "left_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.council_member_remove(actor=field_officer, member=member, reason="")
    assert "reason" in error.value.message_dict
    services.council_member_remove(actor=field_officer, member=member, reason="Entered twice")
    assert not council.members.exists()
    assert AuditEvent.objects.get(action="caps.member.remove").before["name"] == "Bibi Hawa"


def test_workshop_counts_participants_by_group_and_sex(field_officer, khogyani_target):
    base = {
        "actor": field_officer,
        "target_area": khogyani_target,
        "held_on": datetime.date(2026, 3, 1),
        "place": "Kaga hall",
        "facilitators": "Farida (IOM)",
    }
    with pytest.raises(ValidationError) as error:
        services.workshop_create(**base, participation={ParticipantGroup.IDP: (0, 0)})
    assert "participation" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.workshop_create(**base, participation={ParticipantGroup.IDP: (-1, 4)})
    workshop = services.workshop_create(
        **base, participation={ParticipantGroup.IDP: (0, 12), ParticipantGroup.HOST: (0, 8), "refugee": (0, 0)}
    )
    rows = sorted(workshop.participation.values_list("group", "women", "men"))
    assert rows == [("host", 0, 8), ("idp", 0, 12)]
    services.workshop_update(
        actor=field_officer,
        workshop=workshop,
        held_on=workshop.held_on,
        place="Kaga hall",
        facilitators="Farida (IOM)",
        participation={ParticipantGroup.IDP: (9, 12)},
        council=None,
        settlement=None,
        notes="",
    )
    assert list(workshop.participation.values_list("group", "women", "men")) == [("idp", 9, 12)]
    event = AuditEvent.objects.get(action="caps.workshop.update")
    assert event.before["participation"] == {"idp": [0, 12], "host": [0, 8]}


def test_members_of_a_council_outside_scope_are_not_touched(other_org_officer, khogyani_target):
    member = CouncilMemberFactory(council=CouncilFactory(target_area=khogyani_target))
    with pytest.raises(PermissionDenied):
        services.council_member_remove(actor=other_org_officer, member=member, reason="x")
