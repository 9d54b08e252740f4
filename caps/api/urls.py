from rest_framework.routers import DefaultRouter

from .views import ActionViewSet, CouncilViewSet, PlanViewSet, WorkshopViewSet

router = DefaultRouter()
router.register("cap-councils", CouncilViewSet, basename="cap-council")
router.register("cap-workshops", WorkshopViewSet, basename="cap-workshop")
router.register("caps", PlanViewSet, basename="cap")
router.register("cap-actions", ActionViewSet, basename="cap-action")
