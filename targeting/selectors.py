"""Reads of targeting, scoped to the user. Later stages ask here which areas are targeted."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from core.models import AdminArea
from core.scoping import scope_for, scoped

from .models import RoundStatus, TargetArea


def target_areas_for_user(user) -> QuerySet[TargetArea]:
    """Approved target areas inside the user's areas, for the user's organisation."""
    return scoped(TargetArea.objects.filter(round__status=RoundStatus.APPROVED), user).select_related(
        "area__parent", "round"
    )


def area_is_targeted(*, area: AdminArea, organisation_id: int) -> bool:
    """True if ``area`` is, or lies inside, an approved target area of the organisation."""
    ancestor_codes = [code for code in area.path.split("/") if code]
    return TargetArea.objects.filter(
        round__status=RoundStatus.APPROVED,
        round__organisation_id=organisation_id,
        area__pcode__in=ancestor_codes,
    ).exists()


def targeted_settlements_for_user(user) -> QuerySet[AdminArea]:
    """Settlements where the user may register households: inside an approved target area and their own areas."""
    scope = scope_for(user)
    if scope is None:
        return AdminArea.objects.none()
    paths = list(target_areas_for_user(user).values_list("area__path", flat=True))
    if not paths:
        return AdminArea.objects.none()
    inside_targets = reduce(or_, (Q(path__startswith=p) for p in paths))
    return AdminArea.objects.filter(inside_targets, scope.areas_q(), level=3, is_active=True).select_related(
        "parent__parent"
    )
