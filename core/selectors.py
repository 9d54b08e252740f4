"""Reads of the core app, each already limited to what the user may see."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from .models import (
    AdminArea,
    AdminLevel,
    ApiToken,
    AuditEvent,
    DataSharingAgreement,
    Job,
    Membership,
    Organisation,
    Role,
)
from .scoping import scope_for

User = get_user_model()


def areas_for_user(user, *, level: int | None = None) -> QuerySet[AdminArea]:
    """Areas the user works in, with everything under them. Admins see the whole reference list."""
    scope = scope_for(user)
    if scope is None:
        return AdminArea.objects.none()
    queryset = AdminArea.objects.filter(is_active=True)
    if scope.role != Role.ADMIN:
        queryset = queryset.filter(scope.areas_q())
    if level is not None:
        queryset = queryset.filter(level=level)
    return queryset.select_related("parent")


def areas_search(user, *, text: str, level: int | None = None, limit: int = 20) -> list[AdminArea]:
    """Places matching a name or P-code fragment, for pickers; settlements first when no level is given."""
    text = text.strip()
    queryset = areas_for_user(user, level=level)
    if text:
        queryset = queryset.filter(Q(pcode__istartswith=text) | Q(name__icontains=text))
    return list(queryset.select_related("parent__parent").order_by("-level", "name")[:limit])


def assigned_areas(user) -> list[AdminArea]:
    scope = scope_for(user)
    if scope is None:
        return []
    return list(AdminArea.objects.filter(pk__in=scope.area_ids).select_related("parent").order_by("path"))


def area_children(user, *, parent: AdminArea | None) -> QuerySet[AdminArea]:
    """One level of the place tree under ``parent`` (countries when None), with child counts."""
    queryset = areas_for_user(user)
    queryset = queryset.filter(parent=parent) if parent else queryset.filter(level=AdminLevel.COUNTRY)
    scope = scope_for(user)
    if parent is None and scope is not None and scope.role != Role.ADMIN:
        # A district officer has no country in scope: start from the highest assigned areas instead.
        queryset = AdminArea.objects.filter(path__in=scope.area_paths).select_related("parent")
    return queryset.annotate(child_count=Count("children")).order_by("name")


def area_get(user, *, pcode: str) -> AdminArea:
    return areas_for_user(user).get(pcode=pcode)


def organisations_list() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("parent").annotate(member_count=Count("memberships"))


def memberships_for_admin(user, *, role: str = "", organisation_id: int | None = None, text: str = ""):
    """Accounts an administrator manages. Administration is a programme-wide role held by the lead
    agency, so an admin manages every account; anyone else gets nothing."""
    scope = scope_for(user)
    if scope is None or scope.role != Role.ADMIN:
        return Membership.objects.none()
    queryset = Membership.objects.select_related("user", "organisation").prefetch_related("areas")
    if role:
        queryset = queryset.filter(role=role)
    if organisation_id:
        queryset = queryset.filter(organisation_id=organisation_id)
    if text:
        queryset = queryset.filter(
            Q(user__username__icontains=text)
            | Q(user__first_name__icontains=text)
            | Q(user__last_name__icontains=text)
            | Q(user__email__icontains=text)
        )
    return queryset.order_by("user__username")


def membership_get_for_admin(user, *, pk: int) -> Membership:
    return memberships_for_admin(user).get(pk=pk)


def accounts_needing_attention(user) -> QuerySet[Membership]:
    """Active staff accounts that can see nothing because no area is assigned."""
    return (
        memberships_for_admin(user).filter(user__is_active=True).exclude(role=Role.PARTNER).filter(areas__isnull=True)
    )


def audit_events_for_user(user, *, action: str = "", actor_id: int | None = None) -> QuerySet[AuditEvent]:
    """The audit trail, for administrators only."""
    scope = scope_for(user)
    if scope is None or scope.role != Role.ADMIN:
        return AuditEvent.objects.none()
    queryset = AuditEvent.objects.select_related("actor", "actor_organisation", "target_type")
    if action:
        queryset = queryset.filter(action__startswith=action)
    if actor_id:
        queryset = queryset.filter(actor_id=actor_id)
    return queryset


def job_get_for_user(user, *, pk: int) -> Job:
    """A job only its creator may watch (import reports quote what was in the file); others get DoesNotExist."""
    if scope_for(user) is None:
        raise Job.DoesNotExist
    return Job.objects.select_related("created_by").filter(created_by=user).get(pk=pk)


def _is_admin(user) -> bool:
    scope = scope_for(user)
    return scope is not None and scope.role == Role.ADMIN


def api_tokens_for_admin(user) -> QuerySet[ApiToken]:
    if not _is_admin(user):
        return ApiToken.objects.none()
    return ApiToken.objects.select_related("organisation", "created_by").prefetch_related("user__membership__areas")


def agreements_for_admin(user) -> QuerySet[DataSharingAgreement]:
    if not _is_admin(user):
        return DataSharingAgreement.objects.none()
    return DataSharingAgreement.objects.select_related("partner", "owner").prefetch_related("areas")
