from django.apps import AppConfig


class DictionariesConfig(AppConfig):
    name = "dictionaries"
    verbose_name = "Reference lists and pipelines"

    def ready(self):
        from crm.entities import register_settings_tabs
        from crm.fields import register_catalogue_source, register_layout_source
        from crm.filters import register_list_filter

        from .card_layouts import arranged
        from .custom_fields import custom_catalogue
        from .filters import entry_filter
        from .navigation import settings_tabs

        register_settings_tabs("dictionaries", settings_tabs, order=10)
        register_list_filter(entry_filter)
        register_catalogue_source(custom_catalogue)
        register_layout_source(arranged)
