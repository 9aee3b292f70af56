from rest_framework.routers import SimpleRouter

from .views import DictionaryViewSet, EntryViewSet, PipelineViewSet

router = SimpleRouter()
router.register("dictionaries", DictionaryViewSet, basename="dictionary")
router.register(
    r"dictionaries/(?P<list_code>[A-Z_]+)/entries", EntryViewSet, basename="dictionary-entry"
)
router.register("pipelines", PipelineViewSet, basename="pipeline")

urlpatterns = router.urls
