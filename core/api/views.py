"""Base classes for the API of each stage app, and core's reference-data endpoints."""

import django_filters
from rest_framework import permissions, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.settings import api_settings

from core.models import AdminArea, Organisation
from core.scoping import scope_for, user_has_role

from .filters import AreaPcodeFilter, UpdatedSinceFilterSet
from .serializers import AdminAreaSerializer, OrganisationSerializer


class RolePermission(permissions.BasePermission):
    """The view's ``allowed_roles`` (when it names any) decide who may call it at all."""

    message = "Your role does not give access to this endpoint."

    def has_permission(self, request, view) -> bool:
        roles = getattr(view, "allowed_roles", None)
        return not roles or user_has_role(request.user, *roles)


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """A read-only endpoint whose rows are exactly what ``selector(user)`` returns.

    Subclasses set ``selector`` to a function of the user (a selector of their app) and never build
    querysets themselves, so the API cannot see more than the browser. ``allowed_roles`` narrows who may
    call it; ``read_scope`` names the token scope partner systems need.
    """

    selector = None
    allowed_roles: tuple[str, ...] = ()
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, RolePermission]

    def get_queryset(self):
        if self.selector is None:
            raise NotImplementedError(f"{type(self).__name__} must set selector")
        return type(self).selector(self.request.user)

    def get_object(self):
        """A partner with de-identified access gets rows only through the list.

        Its rows carry pseudonyms, not ids; fetching ``/<id>/`` would pair a database id with its
        pseudonym, one probe at a time, and let two partners join their extracts.
        """
        meta = getattr(self.get_serializer_class(), "Meta", None)
        resource = getattr(meta, "scope_resource", None)
        scope = scope_for(self.request.user)
        hides_ids = "id" in getattr(meta, "pseudonymised", ["id"])
        if resource and hides_ids and scope.is_partner and not scope.identifiable(resource):
            raise NotFound("De-identified records are served by the list endpoint (filter with updated_since).")
        return super().get_object()


class AdminAreaFilter(django_filters.FilterSet):
    within = AreaPcodeFilter(field_name="parent", label="P-code of an area that contains these areas")
    level = django_filters.NumberFilter()
    country_code = django_filters.CharFilter()

    class Meta:
        model = AdminArea
        fields = ["level", "country_code"]


class AdminAreaViewSet(viewsets.ReadOnlyModelViewSet):
    """Places (OCHA COD-AB P-codes): reference data, the same for every user."""

    queryset = AdminArea.objects.filter(is_active=True).select_related("parent")
    read_scope = "reference:read"
    serializer_class = AdminAreaSerializer
    filterset_class = AdminAreaFilter
    lookup_field = "pcode"


class OrganisationFilter(UpdatedSinceFilterSet):
    class Meta:
        model = Organisation
        fields = ["kind"]


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Organisation.objects.filter(is_active=True).select_related("parent")
    read_scope = "reference:read"
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    lookup_field = "acronym"
