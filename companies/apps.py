from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = gettext_lazy("Client base")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from crm.entities import EntityType, ItemServices, register
        from crm.fields import register_list_reader

        from . import cards, fields, services
        from .models import Company, Contact

        register(EntityType(
            "company", Company, _("Companies"), "companies:company_list",
            ItemServices(services.company_create, services.company_update,
                         services.company_delete, "company", services.COMPANY),
            bitrix24="COMPANY", order=10, list_view="companies.views.CompanyListView",
        ))  # fmt: skip
        register(EntityType(
            "contact", Contact, _("Contacts"), "companies:contact_list",
            ItemServices(services.contact_create, services.contact_update,
                         services.contact_delete, "contact", services.CONTACT),
            bitrix24="CONTACT", order=20, list_view="companies.views.ContactListView",
        ))  # fmt: skip
        fields.register_fields()
        cards.register_card_values()
        register_list_reader(services.channels_of_many)
