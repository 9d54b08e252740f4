"""Read endpoints of assistance: activity types, records, community projects, indicators and targets."""

from __future__ import annotations

import django_filters
from rest_framework.response import Response

from core.api.filters import AreaPcodeFilter, UpdatedSinceFilterSet
from core.api.views import ScopedReadOnlyViewSet
from core.sectors import Sector

from .. import selectors
from ..models import AssistanceRecord, CommunityProject, IndicatorTarget, ProjectStatus, ProjectType, RecordStatus
from .serializers import (
    ActivityTypeSerializer,
    AssistanceRecordSerializer,
    CommunityProjectSerializer,
    IndicatorSerializer,
    IndicatorTargetSerializer,
)


class ActivityTypeViewSet(ScopedReadOnlyViewSet):
    """Activity types by HDX sector, with unit, modality and repeat window (reference data)."""

    selector = staticmethod(selectors.activity_types_for_user)
    read_scope = "assistance:read"
    serializer_class = ActivityTypeSerializer
    lookup_field = "code"
    filterset_fields = ["sector", "modality", "grant_kind"]


class AssistanceRecordFilter(UpdatedSinceFilterSet):
    area = AreaPcodeFilter(field_name="household__settlement", label="P-code of an area containing the household")
    sector = django_filters.ChoiceFilter(field_name="activity_type__sector", choices=Sector.choices)
    activity_type = django_filters.CharFilter(field_name="activity_type__code")
    status = django_filters.ChoiceFilter(choices=RecordStatus.choices)
    delivered_from = django_filters.DateFilter(field_name="delivered_on", lookup_expr="gte")
    delivered_to = django_filters.DateFilter(field_name="delivered_on", lookup_expr="lte")

    class Meta:
        model = AssistanceRecord
        fields = ["status"]


class AssistanceRecordViewSet(ScopedReadOnlyViewSet):
    """Assistance to households and people (4W: who, what, where, when, for whom)."""

    selector = staticmethod(selectors.records_for_user)
    read_scope = "assistance:read"
    serializer_class = AssistanceRecordSerializer
    filterset_class = AssistanceRecordFilter


class CommunityProjectFilter(UpdatedSinceFilterSet):
    area = AreaPcodeFilter(field_name="area", label="P-code of an area containing the project")
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices)
    project_type = django_filters.ChoiceFilter(choices=ProjectType.choices)
    sector = django_filters.ChoiceFilter(choices=Sector.choices)

    class Meta:
        model = CommunityProject
        fields = ["status"]


class CommunityProjectViewSet(ScopedReadOnlyViewSet):
    """Community infrastructure projects with progress and people reached by sex and age group."""

    selector = staticmethod(selectors.projects_for_user)
    read_scope = "assistance:read"
    serializer_class = CommunityProjectSerializer
    filterset_class = CommunityProjectFilter
    lookup_field = "reference"


class IndicatorViewSet(ScopedReadOnlyViewSet):
    selector = staticmethod(selectors.indicators_for_user)
    read_scope = "assistance:read"
    serializer_class = IndicatorSerializer
    lookup_field = "code"
    filterset_fields = ["sector", "count_by"]


class IndicatorTargetFilter(UpdatedSinceFilterSet):
    area = AreaPcodeFilter(field_name="area", label="P-code of an area containing the target's area")
    indicator = django_filters.CharFilter(field_name="indicator__code")
    programme = django_filters.CharFilter(field_name="programme__code")
    sector = django_filters.ChoiceFilter(field_name="indicator__sector", choices=Sector.choices)
    active_on = django_filters.DateFilter(method="filter_active_on", label="Targets whose period includes this date")

    class Meta:
        model = IndicatorTarget
        fields = ["indicator"]

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(period_start__lte=value, period_end__gte=value)


class IndicatorTargetViewSet(ScopedReadOnlyViewSet):
    """Targets per indicator, area, period and programme with the reached figure computed from records,
    disaggregated by sex, age group, displacement status and disability."""

    selector = staticmethod(selectors.targets_for_user)
    read_scope = "assistance:read"
    serializer_class = IndicatorTargetSerializer
    filterset_class = IndicatorTargetFilter

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        serializer = self.get_serializer(
            rows, many=True, context={**self.get_serializer_context(), "reached": selectors.reached_for_targets(rows)}
        )
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        target = self.get_object()
        context = {**self.get_serializer_context(), "reached": selectors.reached_for_targets([target])}
        return Response(self.get_serializer(target, context=context).data)
