"""The one chokepoint that scopes people's data to a user: organisation, role and areas.

A model holding people's data declares how it is scoped::

    class Household(BaseModel):
        scope_area_field = "settlement"          # FK path to an AdminArea
        scope_organisation_field = "organisation"  # FK path to the owning Organisation
        scope_partner_field = None               # FK path to an Organisation a partner may act for

``scoped(queryset, user)`` then keeps only rows of the user's organisation inside the user's areas
(an area covers its descendants). Partners see only rows addressed to their organisation through
``scope_partner_field``; with none declared they see nothing. A user without an active membership or
without areas sees nothing: access fails closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Model, Q, QuerySet

from .models import AdminArea, Membership, Role

_CACHE_ATTR = "_abr_scope"


@dataclass(frozen=True)
class UserScope:
    user_id: int
    organisation_id: int
    data_owner_id: int
    role: str
    area_ids: tuple[int, ...]
    area_paths: tuple[str, ...]

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER

    def areas_q(self, prefix: str = "") -> Q:
        """Rows whose AdminArea (reached through ``prefix``) lies inside one of the user's areas."""
        if not self.area_paths:
            return Q(pk__in=[])
        field = f"{prefix}path__startswith" if prefix else "path__startswith"
        return reduce(or_, (Q(**{field: path}) for path in self.area_paths))

    def covered_areas(self) -> QuerySet[AdminArea]:
        return AdminArea.objects.filter(self.areas_q())


def scope_for(user) -> UserScope | None:
    """The user's scope, read once per request (cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    membership = (
        Membership.objects.select_related("organisation").filter(user_id=user.pk, organisation__is_active=True).first()
    )
    if membership is None:
        return None
    areas = list(membership.areas.filter(is_active=True).values_list("pk", "path"))
    # Drop areas already covered by another assigned area, so the prefix query stays short.
    paths = sorted(path for _, path in areas)
    minimal = [p for i, p in enumerate(paths) if not any(p.startswith(q) for q in paths[:i])]
    scope = UserScope(
        user_id=user.pk,
        organisation_id=membership.organisation_id,
        data_owner_id=membership.organisation.data_owner_id,
        role=membership.role,
        area_ids=tuple(pk for pk, _ in areas),
        area_paths=tuple(minimal),
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after a membership change within the same request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _declared(model: type[Model], name: str) -> str | None:
    return getattr(model, name, None)


def scoped(queryset: QuerySet, user) -> QuerySet:
    """Restrict ``queryset`` to what ``user`` may see. Every read of people's data goes through here."""
    scope = scope_for(user)
    if scope is None:
        return queryset.none()
    model = queryset.model
    area_field = _declared(model, "scope_area_field")
    organisation_field = _declared(model, "scope_organisation_field")
    partner_field = _declared(model, "scope_partner_field")
    if area_field is None and organisation_field is None:
        raise TypeError(f"{model.__name__} does not declare how it is scoped")

    if scope.is_partner:
        if partner_field is None:
            return queryset.none()
        return queryset.filter(**{partner_field: scope.organisation_id})

    if organisation_field is not None:
        queryset = queryset.filter(**{organisation_field: scope.data_owner_id})
    if area_field is not None:
        covered = AdminArea.objects.filter(scope.areas_q()).values("pk")
        queryset = queryset.filter(**{f"{area_field}__in": covered})
    return queryset


def scoped_get(queryset: QuerySet, user, **lookups) -> Model:
    """One row the user may see; absent and not-yours raise the same ``DoesNotExist``."""
    return scoped(queryset, user).get(**lookups)


def user_has_role(user, *roles: str) -> bool:
    scope = scope_for(user)
    return scope is not None and scope.role in roles
