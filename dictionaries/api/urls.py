from rest_framework.routers import SimpleRouter

from .catalogue import FieldViewSet, LayoutViewSet
from .views import DictionaryViewSet, EntryViewSet, PipelineViewSet

router = SimpleRouter()
router.register("dictionaries", DictionaryViewSet, basename="dictionary")
router.register(
    r"dictionaries/(?P<list_code>[A-Z_]+)/entries", EntryViewSet, basename="dictionary-entry"
)
router.register("pipelines", PipelineViewSet, basename="pipeline")
router.register(r"fields/(?P<entity>[a-z_]+)", FieldViewSet, basename="catalogue-field")
router.register("layouts", LayoutViewSet, basename="layout")

urlpatterns = router.urls
