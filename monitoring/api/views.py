"""Read endpoints of monitoring: movements and check-ins, exactly as the selectors give them to the user."""

from __future__ import annotations

import django_filters

from core.api.filters import AreaPcodeFilter, UpdatedSinceFilterSet
from core.api.views import ScopedReadOnlyViewSet
from monitoring import selectors
from monitoring.models import CheckIn, CheckInStatus, MovementCase, MovementIntention, MovementStatus

from .serializers import CheckInSerializer, MovementCaseSerializer


class MovementCaseFilter(UpdatedSinceFilterSet):
    area = AreaPcodeFilter(field_name="household__settlement", label="P-code of an area containing the household")
    status = django_filters.ChoiceFilter(choices=MovementStatus.choices)
    intention = django_filters.ChoiceFilter(choices=MovementIntention.choices)

    class Meta:
        model = MovementCase
        fields = ["status", "intention"]


class MovementCaseViewSet(ScopedReadOnlyViewSet):
    """Facilitated movements: intention, origin and destination P-codes, departure and arrival."""

    selector = staticmethod(selectors.movements_for_user)
    read_scope = "monitoring:read"
    serializer_class = MovementCaseSerializer
    filterset_class = MovementCaseFilter


class CheckInFilter(UpdatedSinceFilterSet):
    area = AreaPcodeFilter(field_name="household__settlement", label="P-code of an area containing the household")
    status = django_filters.ChoiceFilter(choices=CheckInStatus.choices)
    wave = django_filters.CharFilter()
    due_from = django_filters.DateFilter(field_name="due_on", lookup_expr="gte")
    due_to = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = CheckIn
        fields = ["status", "wave"]


class CheckInViewSet(ScopedReadOnlyViewSet):
    """Check-in calls after arrival, with the answers per durable-solutions criterion."""

    selector = staticmethod(selectors.checkins_for_user)
    read_scope = "monitoring:read"
    serializer_class = CheckInSerializer
    filterset_class = CheckInFilter
