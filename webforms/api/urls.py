from rest_framework.routers import SimpleRouter

from .views import SubmissionViewSet, WebFormViewSet

router = SimpleRouter()
router.register("webforms", WebFormViewSet, basename="webform")
router.register(
    r"webforms/(?P<form_pk>[0-9]+)/submissions", SubmissionViewSet, basename="webform-submission"
)

urlpatterns = router.urls
