from rest_framework.routers import SimpleRouter

from .views import InvoiceViewSet, QuoteViewSet

router = SimpleRouter()
router.register("quotes", QuoteViewSet, basename="quote")
router.register("invoices", InvoiceViewSet, basename="invoice")

urlpatterns = router.urls
