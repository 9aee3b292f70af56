from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class DictionariesConfig(AppConfig):
    name = "dictionaries"
    verbose_name = gettext_lazy("Reference lists and pipelines")

    def ready(self):
        from crm.entities import register_settings_tabs
        from crm.fields import register_catalogue_source, register_layout_source
        from crm.filters import register_list_filter
        from crm.serializer_fields import register_list_serializer_field

        from .api.fields import entry_code_field
        from .card_layouts import arranged
        from .custom_fields import custom_catalogue
        from .filters import entry_filter
        from .navigation import settings_tabs

        register_settings_tabs("dictionaries", settings_tabs, order=10)
        register_list_filter(entry_filter)
        register_list_serializer_field(entry_code_field)
        _register_job_kinds()
        register_catalogue_source(custom_catalogue)
        register_layout_source(arranged)


def _register_job_kinds() -> None:
    from django.utils.translation import gettext_lazy as _

    from crm.jobs import KINDS, JobKind

    KINDS["custom_field.purge"] = JobKind(
        "dictionaries.tasks.purge_custom_values_job", _("Purge a deleted field's values")
    )
