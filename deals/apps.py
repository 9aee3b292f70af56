from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class DealsConfig(AppConfig):
    name = "deals"
    verbose_name = gettext_lazy("Deals and leads")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from crm.entities import EntityType, ItemServices, register
        from crm.home import HomePanel, register_home_panel
        from crm.services import register_item_dependents
        from dictionaries.signals import stages_changed

        from . import fields, home, period_rollups, services
        from .models import Deal, Lead

        register(EntityType(
            "deal", Deal, _("Deals"), "deals:deal_kanban",
            ItemServices(services.deal_create, services.deal_update, services.deal_delete,
                         "deal", services.DEAL),
            bitrix24="DEAL", order=40, rights_rows=Deal.rights_rows,
            list_view="deals.views.DealListView",
        ))  # fmt: skip
        register(EntityType(
            "lead", Lead, _("Leads"), "deals:lead_list",
            ItemServices(services.lead_create, services.lead_update, services.lead_delete,
                         "lead", services.LEAD),
            bitrix24="LEAD", order=30, list_view="deals.views.LeadListView",
        ))  # fmt: skip
        fields.register_fields()
        stages_changed.connect(period_rollups.stages_changed, dispatch_uid="deal-periods")
        register_item_dependents(period_rollups.items_deleted)
        register_home_panel(HomePanel("open_deals", "home/_open_deals.html", home.open_deals, 20))
