from rest_framework.routers import SimpleRouter

from .views import CallListViewSet

router = SimpleRouter()
router.register("call-lists", CallListViewSet, basename="call-list")

urlpatterns = router.urls
