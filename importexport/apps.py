from django.apps import AppConfig


class ImportExportConfig(AppConfig):
    name = "importexport"
    verbose_name = "Import and export"

    def ready(self):
        from crm.entities import register_settings_tabs

        from .export_views import settings_tabs

        _register_export_kind()
        register_settings_tabs("exports", settings_tabs, order=80)


def _register_export_kind() -> None:
    from django.utils.translation import gettext_lazy as _

    from crm.jobs import KINDS, JobKind

    from .export_views import download_url

    KINDS["export.run"] = JobKind("importexport.tasks.export_job", _("Export"), download_url)
