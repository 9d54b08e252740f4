from rest_framework.routers import DefaultRouter

from .views import ComplaintViewSet, ReferralViewSet, ServiceViewSet, VisitViewSet

router = DefaultRouter()
router.register("referral-services", ServiceViewSet, basename="referral-service")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("crc-visits", VisitViewSet, basename="crc-visit")
router.register("complaints", ComplaintViewSet, basename="complaint")
