"""Every read of monitoring, scoped to the user through ``core.scoping.scoped``.

``checkin_completion_by_wave`` is also read by the dashboards.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from core.models import AdminArea
from core.scoping import paths_q, scope_for, scoped

from . import rules
from .models import (
    FINAL_STATUSES,
    CallOutcome,
    CheckIn,
    CheckInStatus,
    CheckInTally,
    MovementCase,
    Notification,
)


def _role(user) -> str | None:
    scope = scope_for(user)
    return scope.role if scope else None


# --- Movements ------------------------------------------------------------------------------------


def movements_for_user(user) -> QuerySet[MovementCase]:
    if _role(user) is None:
        return MovementCase.objects.none()
    return scoped(MovementCase.objects.all(), user).select_related(
        "household__settlement", "origin", "destination", "arrival_place", "caseworker"
    )


def movement_get_for_user(*, user, pk: int) -> MovementCase:
    """One movement; absent and not-yours both raise ``MovementCase.DoesNotExist``."""
    return (
        movements_for_user(user)
        .select_related("registered_by", "departure_grant", "reinstallation_grant")
        .prefetch_related("go_and_see_visits__recorded_by")
        .get(pk=pk)
    )


def movement_search(user, *, status: str = "", intention: str = "") -> QuerySet[MovementCase]:
    queryset = movements_for_user(user)
    if status:
        queryset = queryset.filter(status=status)
    if intention:
        queryset = queryset.filter(intention=intention)
    return queryset.order_by("-registered_on", "-id")


def movements_of_household(*, user, household) -> list[MovementCase]:
    return list(
        movements_for_user(user)
        .filter(household=household)
        .prefetch_related("go_and_see_visits")
        .order_by("-registered_on", "-id")
    )


# --- Check-ins ------------------------------------------------------------------------------------


def checkins_for_user(user) -> QuerySet[CheckIn]:
    if _role(user) is None:
        return CheckIn.objects.none()
    return scoped(CheckIn.objects.all(), user).select_related(
        "household__settlement__parent", "assigned_to", "movement"
    )


def checkin_get_for_user(*, user, pk: int) -> CheckIn:
    return checkins_for_user(user).select_related("referral", "completed_by").get(pk=pk)


def checkins_due(user, *, today: datetime.date | None = None, mine: bool = True) -> QuerySet[CheckIn]:
    """Open check-ins whose window has opened (due today or overdue), oldest first; the user's own unless
    ``mine`` is false (a manager's view of the team)."""
    today = today or timezone.localdate()
    queryset = checkins_for_user(user).filter(status=CheckInStatus.OPEN, due_on__lte=today)
    if mine:
        queryset = queryset.filter(assigned_to_id=user.pk)
    return queryset.order_by("due_on", "id")


def checkins_of_household(*, user, household) -> list[CheckIn]:
    return list(checkins_for_user(user).filter(household=household).order_by("due_on", "id"))


def _completion_over_tally(user) -> tuple[QuerySet, str, dict]:
    sums = {"due": Sum("due"), "completed": Sum("completed"), "reached": Sum("reached")}
    return scoped(CheckInTally.objects.all(), user), "settlement__", sums


def completion_counts() -> dict:
    """What completion counts over check-ins: due, concluded, reached (the tally's triggers count the same,
    and ``checkin_tally_rebuild`` recounts the tally with these)."""
    return {
        "due": Count("id"),
        "completed": Count("id", filter=Q(status__in=FINAL_STATUSES)),
        "reached": Count("id", filter=Q(last_outcome=CallOutcome.REACHED)),
    }


def _completion_over_checkins(user) -> tuple[QuerySet, str, dict]:
    return checkins_for_user(user), "household__settlement__", completion_counts()


def _completion_source(user) -> tuple[QuerySet, str, dict]:
    """What completion is counted over, the user's part of it, how it is reached from an area and what
    to count: the tally its triggers keep on PostgreSQL, the check-ins themselves elsewhere."""
    if connection.vendor == "postgresql":
        return _completion_over_tally(user)
    return _completion_over_checkins(user)


@dataclass(frozen=True)
class WaveRow:
    wave: str
    due: int
    completed: int
    reached: int
    rate: float | None


def checkin_completion_by_wave(
    user,
    *,
    area: AdminArea | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    today: datetime.date | None = None,
) -> list[WaveRow]:
    """Per wave: check-ins due (window opened by ``end``, or today), how many were concluded (reached,
    refused or unreachable after every attempt), how many reached the household, and the completion rate
    (concluded / due, percent). One grouped query: on PostgreSQL over the tally its triggers keep (a
    province holds millions of check-ins), elsewhere over the check-ins."""
    today = today or timezone.localdate()
    end = min(end, today) if end else today
    queryset, area_prefix, sums = _completion_source(user)
    queryset = queryset.filter(due_on__lte=end)
    if start:
        queryset = queryset.filter(due_on__gte=start)
    if area is not None:
        queryset = queryset.filter(paths_q([area.path], area_prefix))
    grouped = queryset.order_by().values("wave").annotate(**sums).filter(due__gt=0)
    counts = {row["wave"]: row for row in grouped}
    codes = rules.wave_codes()
    codes += sorted(set(counts) - set(codes))
    rows = []
    for code in codes:
        row = counts.get(code, {"due": 0, "completed": 0, "reached": 0})
        rows.append(
            WaveRow(code, row["due"], row["completed"], row["reached"], rules.rate(row["completed"], row["due"]))
        )
    return rows


# --- Reminders ------------------------------------------------------------------------------------


def checkins_needing_reminder(
    *, today: datetime.date, after: tuple[datetime.date, int] | None = None, limit: int = 1000
) -> list[tuple]:
    """The system's daily scan (not a user's view): open, assigned check-ins due by ``today`` without a
    reminder for their due date, as ``(id, due_on, assigned_to_id)``, walked in (due date, id) order from
    ``after`` so each batch is a range of the partial index ``checkin_reminder_scan``."""
    queryset = CheckIn.objects.filter(
        status=CheckInStatus.OPEN, reminded_for__isnull=True, assigned_to__isnull=False, due_on__lte=today
    )
    if after is not None:
        due_on, pk = after
        queryset = queryset.filter(Q(due_on__gt=due_on) | Q(due_on=due_on, id__gt=pk))
    return list(queryset.order_by("due_on", "id").values_list("id", "due_on", "assigned_to_id")[:limit])


def notifications_for_user(user) -> QuerySet[Notification]:
    """The user's in-app reminders, newest first, with what they point to."""
    return (
        Notification.objects.filter(recipient_id=user.pk, channel="in_app")
        .filter(check_in_id__in=checkins_for_user(user).values("pk"))
        .select_related("check_in__household__settlement")
        .order_by("-created_at", "-id")
    )


def unread_count(user) -> int:
    return notifications_for_user(user).filter(read_at__isnull=True).count()
