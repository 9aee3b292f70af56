from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class QuotesConfig(AppConfig):
    name = "quotes"
    verbose_name = gettext_lazy("Quotes and invoices")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from crm.dependencies import register_dependents
        from crm.entities import EntityType, ItemServices, register, register_settings_tabs

        from . import fields, services, settings_views
        from .dependencies import documents_of
        from .models import Invoice, Quote

        register(EntityType(
            "quote", Quote, _("Quotes"), "quotes:quote_kanban",
            ItemServices(services.quote_create, services.quote_update, services.quote_delete,
                         "quote", services.QUOTE),
            bitrix24="QUOTE", order=50, list_view="quotes.views.QuoteListView",
        ))  # fmt: skip
        register(EntityType(
            "invoice", Invoice, _("Invoices"), "quotes:invoice_kanban",
            ItemServices(services.invoice_create, services.invoice_update,
                         services.invoice_delete, "invoice", services.INVOICE),
            bitrix24="INVOICE", order=55, list_view="quotes.views.InvoiceListView",
        ))  # fmt: skip
        fields.register_fields()
        register_dependents("quotes/_documents.html", documents_of)
        register_settings_tabs("quotes", settings_views.settings_tabs, order=150)
