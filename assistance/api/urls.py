from rest_framework.routers import DefaultRouter

from .views import (
    ActivityTypeViewSet,
    AssistanceRecordViewSet,
    CommunityProjectViewSet,
    IndicatorTargetViewSet,
    IndicatorViewSet,
)

router = DefaultRouter()
router.register("activity-types", ActivityTypeViewSet, basename="activity-type")
router.register("assistance-records", AssistanceRecordViewSet, basename="assistance-record")
router.register("community-projects", CommunityProjectViewSet, basename="community-project")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("indicator-targets", IndicatorTargetViewSet, basename="indicator-target")
