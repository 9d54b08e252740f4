from rest_framework.routers import DefaultRouter

from .views import DtmDatasetViewSet, DtmFigureViewSet, TargetAreaViewSet

router = DefaultRouter()
router.register("dtm-datasets", DtmDatasetViewSet, basename="dtm-dataset")
router.register("dtm-figures", DtmFigureViewSet, basename="dtm-figure")
router.register("target-areas", TargetAreaViewSet, basename="target-area")
