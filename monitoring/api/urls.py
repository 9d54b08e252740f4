from rest_framework.routers import DefaultRouter

from .views import CheckInViewSet, MovementCaseViewSet

router = DefaultRouter()
router.register("movements", MovementCaseViewSet, basename="movement")
router.register("check-ins", CheckInViewSet, basename="check-in")
