from rest_framework.routers import SimpleRouter

from .views import DealViewSet, LeadViewSet

router = SimpleRouter()
router.register("deals", DealViewSet, basename="deal")
router.register("leads", LeadViewSet, basename="lead")

urlpatterns = router.urls
