from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = "Client base"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from crm.entities import EntityType, register

        from .models import Company, Contact

        register(EntityType("company", Company, _("Companies"), "companies:company_list",
                            bitrix24="COMPANY", order=10))  # fmt: skip
        register(EntityType("contact", Contact, _("Contacts"), "companies:contact_list",
                            bitrix24="CONTACT", order=20))  # fmt: skip
