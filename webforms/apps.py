from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class WebFormsConfig(AppConfig):
    name = "webforms"
    verbose_name = gettext_lazy("Web forms")

    def ready(self):
        from crm.entities import register_settings_tabs
        from timeline.doors import DoorKind, register_door_namer

        from . import ratelimit  # noqa: F401 - registers the check of the rate settings
        from .models import WebForm
        from .settings_views import settings_tabs

        def form_names(ids: list[int]) -> dict[int, str]:
            return dict(WebForm.objects.filter(pk__in=ids).values_list("pk", "name"))

        register_door_namer(DoorKind.WEBFORM, form_names)
        register_settings_tabs("webforms", settings_tabs, order=70)
