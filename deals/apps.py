from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "deals"
    verbose_name = "Deals and leads"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from crm.entities import EntityType, register

        from .models import Deal, Lead

        register(EntityType("deal", Deal, _("Deals"), "deals:deal_kanban", bitrix24="DEAL",
                            order=40, rights_rows=Deal.rights_rows))  # fmt: skip
        register(EntityType("lead", Lead, _("Leads"), "deals:lead_list", bitrix24="LEAD",
                            order=30))  # fmt: skip
