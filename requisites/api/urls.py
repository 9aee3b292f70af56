from rest_framework.routers import SimpleRouter

from .views import CompanyRequisiteViewSet, ContactRequisiteViewSet, PresetViewSet

router = SimpleRouter()
router.register(
    r"companies/(?P<company_id>[0-9]+)/requisites",
    CompanyRequisiteViewSet,
    basename="company-requisite",
)
router.register(
    r"contacts/(?P<contact_id>[0-9]+)/requisites",
    ContactRequisiteViewSet,
    basename="contact-requisite",
)
router.register("requisite-presets", PresetViewSet, basename="requisite-preset")

urlpatterns = router.urls
