from rest_framework.routers import DefaultRouter

from .views import AdminAreaViewSet, OrganisationViewSet

router = DefaultRouter()
router.register("areas", AdminAreaViewSet, basename="area")
router.register("organisations", OrganisationViewSet, basename="organisation")
