from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CallListsConfig(AppConfig):
    name = "calllists"
    verbose_name = gettext_lazy("Call lists")

    def ready(self):
        from django.urls import reverse
        from django.utils.translation import gettext_lazy as _

        from crm.generic_views import register_bulk_button
        from crm.home import HomePanel, register_home_panel

        from .services import CLIENT_TYPES, home_panel

        def call_list_button(entity_type, user):
            """ "Create call list" in the bulk bar of companies, contacts and leads."""
            if entity_type.key not in CLIENT_TYPES:
                return None
            url = reverse("calllists:call_list_new", args=[entity_type.key])
            return (_("Create call list"), url)

        register_bulk_button(call_list_button)
        register_home_panel(HomePanel("call_lists", "calllists/_home.html", home_panel, 30))
