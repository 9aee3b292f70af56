from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = gettext_lazy("Activities")

    def ready(self):
        from crm.home import HomePanel, register_home_panel
        from crm.item_marks import register_item_marks
        from crm.services import register_item_dependents

        from . import home, services, timeline_source
        from .next_activity import mark_next_activities

        timeline_source.register()
        # The user's day starts with what they have to do today.
        register_home_panel(HomePanel("activities", "activities/_home.html", home.due_today, 5))
        register_item_marks(mark_next_activities)
        register_item_dependents(services.activities_of_items_delete)
