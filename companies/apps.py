from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = "Client base"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from crm.entities import EntityType, ItemServices, register

        from . import cards, fields, services
        from .models import Company, Contact

        register(EntityType(
            "company", Company, _("Companies"), "companies:company_list",
            ItemServices(services.company_create, services.company_update,
                         services.company_delete, "company", services.COMPANY),
            bitrix24="COMPANY", order=10,
        ))  # fmt: skip
        register(EntityType(
            "contact", Contact, _("Contacts"), "companies:contact_list",
            ItemServices(services.contact_create, services.contact_update,
                         services.contact_delete, "contact", services.CONTACT),
            bitrix24="CONTACT", order=20,
        ))  # fmt: skip
        fields.register_fields()
        cards.register_card_values()
