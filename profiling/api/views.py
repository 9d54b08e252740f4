"""Read endpoints of profiling; rows are exactly what the selectors give the user."""

from core.api.views import ScopedReadOnlyViewSet
from profiling import selectors
from profiling.filters import AssessmentFilter, FacilityFilter, HouseholdFilter, MemberFilter

from .serializers import AssessmentSerializer, FacilitySerializer, HouseholdSerializer, MemberSerializer


class HouseholdApiFilter(HouseholdFilter):
    """The browser's filters without free-text search: names and phones must not travel in URLs."""

    q = None

    class Meta(HouseholdFilter.Meta):
        fields = ["area", "displacement_status", "intention", "vulnerability_band"]


class HouseholdViewSet(ScopedReadOnlyViewSet):
    """Households registered by the user's organisation inside the user's areas."""

    selector = staticmethod(selectors.households_for_user)
    read_scope = "households:read"
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdApiFilter

    def get_queryset(self):
        return super().get_queryset().select_related("origin")


class MemberViewSet(ScopedReadOnlyViewSet):
    selector = staticmethod(selectors.members_for_user)
    read_scope = "households:read"
    serializer_class = MemberSerializer
    filterset_class = MemberFilter


class AssessmentViewSet(ScopedReadOnlyViewSet):
    selector = staticmethod(selectors.assessments_for_user)
    read_scope = "assessments:read"
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter


class FacilityViewSet(ScopedReadOnlyViewSet):
    selector = staticmethod(selectors.facilities_for_user)
    read_scope = "assessments:read"
    serializer_class = FacilitySerializer
    filterset_class = FacilityFilter
