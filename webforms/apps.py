from django.apps import AppConfig


class WebFormsConfig(AppConfig):
    name = "webforms"
    verbose_name = "Web forms"

    def ready(self):
        from crm.entities import register_settings_tabs
        from timeline.doors import DoorKind, register_door_namer

        from . import ratelimit  # noqa: F401 - registers the check of the rate settings
        from .models import WebForm
        from .settings_views import settings_tabs

        def form_name(pk: int) -> str | None:
            return WebForm.objects.filter(pk=pk).values_list("name", flat=True).first()

        register_door_namer(DoorKind.WEBFORM, form_name)
        register_settings_tabs("webforms", settings_tabs, order=70)
