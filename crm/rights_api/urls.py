from rest_framework.routers import SimpleRouter

from .views import DepartmentViewSet, RoleViewSet

router = SimpleRouter()
router.register("departments", DepartmentViewSet, basename="department")
router.register("roles", RoleViewSet, basename="role")

urlpatterns = router.urls
