from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = gettext_lazy("Sales analytics")

    def ready(self):
        from crm.home import HomePanel, register_home_panel

        from . import home, median

        median.install()
        register_home_panel(HomePanel("won_this_month", "home/_won_this_month.html",
                                      home.won_this_month, order=10))  # fmt: skip
        register_home_panel(HomePanel("open_deals_in_reach", "home/_open_deals.html",
                                      home.open_deals_in_reach, order=25))  # fmt: skip
        register_home_panel(HomePanel("default_funnel", "home/_funnel.html", home.default_funnel,
                                      order=30))  # fmt: skip
