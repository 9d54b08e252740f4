from rest_framework.routers import DefaultRouter

from .views import AssessmentViewSet, FacilityViewSet, HouseholdViewSet, MemberViewSet

router = DefaultRouter()
router.register("households", HouseholdViewSet, basename="household")
router.register("members", MemberViewSet, basename="member")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("facilities", FacilityViewSet, basename="facility")
