"""Base classes for the API of each stage app, and core's reference-data endpoints."""

import django_filters
from rest_framework import viewsets

from core.models import AdminArea, Organisation

from .filters import AreaPcodeFilter, UpdatedSinceFilterSet
from .serializers import AdminAreaSerializer, OrganisationSerializer


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """A read-only endpoint whose rows are exactly what ``selector(user)`` returns.

    Subclasses set ``selector`` to a function of the user (a selector of their app) and never build
    querysets themselves, so the API cannot see more than the browser.
    """

    selector = None

    def get_queryset(self):
        if self.selector is None:
            raise NotImplementedError(f"{type(self).__name__} must set selector")
        return type(self).selector(self.request.user)


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
