from rest_framework.routers import DefaultRouter

from .views import FiveWViewSet, IndicatorResultViewSet

router = DefaultRouter()
router.register("reports/5w", FiveWViewSet, basename="report-5w")
router.register("reports/indicator-results", IndicatorResultViewSet, basename="indicator-result")
