"""Read endpoints for councils, workshops, plans (with priorities and actions) and actions.

Every row comes from the caps selectors, so the API sees exactly what the user's pages show.
"""

import django_filters
from django.db.models import Prefetch

from caps import selectors
from caps.models import Action, Council, CouncilMember, Plan, PlanStatus, Priority, Workshop
from caps.sectors import Sector
from core.api.filters import AreaPcodeFilter, UpdatedSinceFilterSet
from core.api.views import ScopedReadOnlyViewSet

from .serializers import CouncilSerializer, FlatActionSerializer, PlanSerializer, WorkshopSerializer


class CouncilFilter(UpdatedSinceFilterSet):
    area = AreaPcodeFilter(field_name="target_area__area", label="P-code of an area containing the target area")

    class Meta:
        model = Council
        fields = ["target_area"]


class CouncilViewSet(ScopedReadOnlyViewSet):
    """Community Development Councils with their members (serving and former)."""

    serializer_class = CouncilSerializer
    filterset_class = CouncilFilter
    read_scope = "caps:read"

    @staticmethod
    def selector(user):
        return selectors.councils_for_user(user).prefetch_related(
            Prefetch("members", queryset=CouncilMember.objects.order_by("left_on", "role", "name", "id"))
        )


class WorkshopFilter(UpdatedSinceFilterSet):
    area = AreaPcodeFilter(field_name="target_area__area", label="P-code of an area containing the target area")
    held_from = django_filters.DateFilter(field_name="held_on", lookup_expr="gte")
    held_to = django_filters.DateFilter(field_name="held_on", lookup_expr="lte")

    class Meta:
        model = Workshop
        fields = ["target_area", "council"]


class WorkshopViewSet(ScopedReadOnlyViewSet):
    """Planning workshops with participants by population group and sex."""

    serializer_class = WorkshopSerializer
    filterset_class = WorkshopFilter
    selector = staticmethod(selectors.workshops_for_user)
    read_scope = "caps:read"


class PlanFilter(UpdatedSinceFilterSet):
    area = AreaPcodeFilter(field_name="target_area__area", label="P-code of an area containing the target area")
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices)

    class Meta:
        model = Plan
        fields = ["target_area", "status"]


class PlanViewSet(ScopedReadOnlyViewSet):
    """Community action plans with their ranked priorities and actions (current content)."""

    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    read_scope = "caps:read"

    @staticmethod
    def selector(user):
        return selectors.plans_for_user(user).prefetch_related(
            "workshops",
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


class ActionFilter(UpdatedSinceFilterSet):
    area = AreaPcodeFilter(
        field_name="priority__plan__target_area__area", label="P-code of an area containing the target area"
    )
    plan = django_filters.NumberFilter(field_name="priority__plan")
    sector = django_filters.ChoiceFilter(field_name="priority__sector", choices=Sector.choices)
    plan_status = django_filters.ChoiceFilter(field_name="priority__plan__status", choices=PlanStatus.choices)

    class Meta:
        model = Action
        fields = ["status", "currency"]


class ActionViewSet(ScopedReadOnlyViewSet):
    """Actions of community action plans, each with its priority, sector and plan."""

    serializer_class = FlatActionSerializer
    filterset_class = ActionFilter
    selector = staticmethod(selectors.cap_actions_for_user)
    read_scope = "caps:read"
