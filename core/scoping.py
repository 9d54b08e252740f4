"""The one chokepoint that scopes people's data to a user: organisation, role and areas.

A model holding people's data declares how it is scoped::

    class Household(BaseModel):
        scope_area_field = "settlement"          # FK path to an AdminArea
        scope_organisation_field = "organisation"  # FK path to the owning Organisation
        scope_partner_field = None               # FK path to an Organisation a partner may act for

``scoped(queryset, user)`` then keeps only rows of the user's organisation inside the user's areas
(an area covers its descendants). Partners see rows addressed to their organisation through
``scope_partner_field``, and, where a data-sharing agreement in force names the model's
``scope_resource`` (e.g. ``"households"``), the owner's rows inside the agreement's areas (narrowed to
the partner account's own areas when it has any). A user without an active membership, or staff
without areas, see nothing: access fails closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from .models import AdminArea, DataSharingAgreement, Membership, Role

_CACHE_ATTR = "_abr_scope"


def paths_q(paths, prefix: str = "") -> Q:
    """Areas (reached through ``prefix``) inside any of ``paths``; nothing when there are none."""
    if not paths:
        return Q(pk__in=[])
    field = f"{prefix}path__startswith" if prefix else "path__startswith"
    return reduce(or_, (Q(**{field: path}) for path in paths))


def _minimal(paths) -> tuple[str, ...]:
    """Drop paths already covered by a shorter one, so prefix queries stay short."""
    ordered = sorted(set(paths))
    return tuple(p for i, p in enumerate(ordered) if not any(p.startswith(q) for q in ordered[:i]))


def _intersect(paths_a, paths_b) -> tuple[str, ...]:
    """The areas lying inside both sets of areas (each path covering its descendants)."""
    both = [a for a in paths_a for b in paths_b if a.startswith(b)]
    both += [b for b in paths_b for a in paths_a if b.startswith(a)]
    return _minimal(both)


@dataclass(frozen=True)
class Grant:
    """One agreement in force for a partner: whose records, of which kinds, where, and how identifiable."""

    owner_id: int
    resources: frozenset[str]
    area_paths: tuple[str, ...]
    identifiable: bool


@dataclass(frozen=True)
class UserScope:
    user_id: int
    organisation_id: int
    data_owner_id: int
    role: str
    area_ids: tuple[int, ...]
    area_paths: tuple[str, ...]
    grants: tuple[Grant, ...] = ()

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER

    def areas_q(self, prefix: str = "") -> Q:
        """Rows whose AdminArea (reached through ``prefix``) lies inside one of the user's areas."""
        return paths_q(self.area_paths, prefix)

    def grants_for(self, resource: str | None) -> tuple[Grant, ...]:
        return tuple(g for g in self.grants if resource and resource in g.resources)

    def identifiable(self, resource: str) -> bool:
        """Staff see identifiable data; a partner only where every agreement covering it says so."""
        if not self.is_partner:
            return True
        grants = self.grants_for(resource)
        return bool(grants) and all(g.identifiable for g in grants)

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
    area_paths = _minimal(path for _, path in areas)
    scope = UserScope(
        user_id=user.pk,
        organisation_id=membership.organisation_id,
        data_owner_id=membership.organisation.data_owner_id,
        role=membership.role,
        area_ids=tuple(pk for pk, _ in areas),
        area_paths=area_paths,
        grants=_grants(membership.organisation_id, area_paths) if membership.role == Role.PARTNER else (),
    )
    setattr(user, _CACHE_ATTR, scope)
    return scope


def _grants(partner_id: int, account_paths: tuple[str, ...]) -> tuple[Grant, ...]:
    today = timezone.localdate()
    agreements = DataSharingAgreement.objects.filter(
        partner_id=partner_id,
        is_active=True,
        owner__is_active=True,
        valid_from__lte=today,
        valid_until__gte=today,
    ).prefetch_related("areas")
    grants = []
    for agreement in agreements:
        paths = _minimal(a.path for a in agreement.areas.all() if a.is_active)
        if account_paths:  # a partner account limited to some areas sees only those of the agreement
            paths = _intersect(paths, account_paths)
        grants.append(Grant(agreement.owner_id, frozenset(agreement.resources), paths, agreement.identifiable))
    return tuple(grants)


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
        visible = Q(**{partner_field: scope.organisation_id}) if partner_field else Q(pk__in=[])
        for grant in scope.grants_for(getattr(model, "scope_resource", None)):
            if organisation_field is None or area_field is None or not grant.area_paths:
                continue
            covered = AdminArea.objects.filter(paths_q(grant.area_paths)).values("pk")
            visible |= Q(**{organisation_field: grant.owner_id, f"{area_field}__in": covered})
        return queryset.filter(visible)

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
