"""Reads of community action planning, each scoped to the user through ``core.scoping``.

Later stages read actions through ``cap_actions_for_user`` (assistance links its community projects
and activities to them).
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from core.scoping import scope_for, scoped
from targeting.models import TargetArea
from targeting.selectors import target_areas_for_user

from .models import (
    Action,
    Council,
    CouncilMember,
    Plan,
    PlanRevision,
    PlanStatus,
    Priority,
    Workshop,
    WorkshopParticipation,
)
from .rules import READER_ROLES

_TARGET = ("target_area__area__parent", "target_area__round__organisation")


def _reader(user) -> bool:
    scope = scope_for(user)
    return scope is not None and scope.role in READER_ROLES


def caps_target_areas_for_user(user) -> QuerySet[TargetArea]:
    """Approved target areas where the user may start councils, workshops and plans."""
    return target_areas_for_user(user).select_related("area__parent", "round__organisation")


# --- Councils --------------------------------------------------------------------------------------


def councils_for_user(user) -> QuerySet[Council]:
    if not _reader(user):
        return Council.objects.none()
    return (
        scoped(Council.objects.all(), user)
        .select_related(*_TARGET, "settlement")
        .annotate(
            women_count=Count("members", filter=Q(members__left_on__isnull=True, members__sex="f")),
            men_count=Count("members", filter=Q(members__left_on__isnull=True, members__sex="m")),
        )
    )


def council_get_for_user(*, user, pk: int) -> Council:
    """One council the user may see, with its members; absent and not-yours both raise ``DoesNotExist``."""
    return councils_for_user(user).prefetch_related("members").get(pk=pk)


def council_members_for_user(user) -> QuerySet[CouncilMember]:
    if not _reader(user):
        return CouncilMember.objects.none()
    return scoped(CouncilMember.objects.all(), user).select_related("council")


def council_member_get_for_user(*, user, pk: int) -> CouncilMember:
    return council_members_for_user(user).get(pk=pk)


# --- Workshops -------------------------------------------------------------------------------------


def workshops_for_user(user) -> QuerySet[Workshop]:
    if not _reader(user):
        return Workshop.objects.none()
    return (
        scoped(Workshop.objects.all(), user)
        .select_related(*_TARGET, "council", "settlement")
        .prefetch_related(Prefetch("participation", queryset=WorkshopParticipation.objects.order_by("group")))
    )


def workshop_get_for_user(*, user, pk: int) -> Workshop:
    return workshops_for_user(user).get(pk=pk)


# --- Plans -----------------------------------------------------------------------------------------


def plans_for_user(user) -> QuerySet[Plan]:
    if not _reader(user):
        return Plan.objects.none()
    return (
        scoped(Plan.objects.all(), user)
        .select_related(*_TARGET, "council", "approved_by", "created_by")
        .annotate(priority_count=Count("priorities", distinct=True))
    )


def plan_get_for_user(*, user, pk: int) -> Plan:
    return plans_for_user(user).get(pk=pk)


def plan_for_document(*, user, pk: int) -> Plan:
    """A plan with everything its document shows, in a fixed number of queries."""
    return (
        plans_for_user(user)
        .prefetch_related(
            Prefetch("council__members", queryset=CouncilMember.objects.filter(left_on__isnull=True)),
            Prefetch(
                "workshops",
                queryset=Workshop.objects.select_related("settlement").prefetch_related("participation"),
            ),
            Prefetch(
                "priorities",
                queryset=Priority.objects.order_by("position", "id").prefetch_related(
                    Prefetch(
                        "actions",
                        queryset=Action.objects.select_related("responsible_organisation").order_by("position", "id"),
                    )
                ),
            ),
        )
        .get(pk=pk)
    )


def plans_awaiting_approval(user) -> QuerySet[Plan]:
    return plans_for_user(user).filter(status=PlanStatus.SUBMITTED).order_by("submitted_at", "id")


def draft_plans(user) -> QuerySet[Plan]:
    return plans_for_user(user).filter(status=PlanStatus.DRAFT).order_by("-updated_at", "id")


def plan_revisions(*, plan: Plan) -> QuerySet[PlanRevision]:
    """The revisions of a plan the caller already obtained through a selector."""
    return plan.revisions.select_related("made_by").order_by("-number")


# --- Priorities and actions ------------------------------------------------------------------------


def priorities_for_user(user) -> QuerySet[Priority]:
    if not _reader(user):
        return Priority.objects.none()
    return scoped(Priority.objects.all(), user).select_related("plan__target_area__round")


def priority_get_for_user(*, user, pk: int) -> Priority:
    return priorities_for_user(user).get(pk=pk)


def cap_actions_for_user(user) -> QuerySet[Action]:
    """Actions of the plans the user may see, with their priority, plan and target area."""
    if not _reader(user):
        return Action.objects.none()
    return scoped(Action.objects.all(), user).select_related(
        "priority__plan__target_area__area", "priority__plan__target_area__round", "responsible_organisation"
    )


def cap_action_get_for_user(*, user, pk: int) -> Action:
    return cap_actions_for_user(user).get(pk=pk)
