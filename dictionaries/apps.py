from django.apps import AppConfig


class DictionariesConfig(AppConfig):
    name = "dictionaries"
    verbose_name = "Reference lists and pipelines"

    def ready(self):
        from crm.entities import register_settings_tabs

        from .navigation import settings_tabs

        register_settings_tabs("dictionaries", settings_tabs, order=10)
