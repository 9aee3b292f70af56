from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = "Client base"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from crm.entities import EntityType, register
        from crm.history import register_history_labels

        from .models import Communication, Company, Contact
        from .services import CLIENT_CHANNELS

        register(EntityType("company", Company, _("Companies"), "companies:company_list",
                            bitrix24="COMPANY", order=10))  # fmt: skip
        register(EntityType("contact", Contact, _("Contacts"), "companies:contact_list",
                            bitrix24="CONTACT", order=20))  # fmt: skip
        register_history_labels(
            {**CLIENT_CHANNELS.labels,
             **{f"kind:{value}": label for value, label in Communication.Kind.choices}}
        )  # fmt: skip
