"""Read endpoints of profiling; rows are exactly what the selectors give the user."""

from core.api.views import ScopedReadOnlyViewSet
from profiling import selectors
from profiling.filters import AssessmentFilter, FacilityFilter, HouseholdFilter, MemberFilter

from .serializers import AssessmentSerializer, FacilitySerializer, HouseholdSerializer, MemberSerializer


class HouseholdViewSet(ScopedReadOnlyViewSet):
    """Households registered by the user's organisation inside the user's areas."""

    selector = staticmethod(selectors.households_for_user)
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilter

    def get_queryset(self):
        return super().get_queryset().select_related("origin")


class MemberViewSet(ScopedReadOnlyViewSet):
    selector = staticmethod(selectors.members_for_user)
    serializer_class = MemberSerializer
    filterset_class = MemberFilter


class AssessmentViewSet(ScopedReadOnlyViewSet):
    selector = staticmethod(selectors.assessments_for_user)
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter


class FacilityViewSet(ScopedReadOnlyViewSet):
    selector = staticmethod(selectors.facilities_for_user)
    serializer_class = FacilitySerializer
    filterset_class = FacilityFilter
