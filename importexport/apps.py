from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ImportExportConfig(AppConfig):
    name = "importexport"
    verbose_name = gettext_lazy("Import and export")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from crm.entities import register_settings_tabs
        from crm.generic_views import register_list_link
        from crm.jobs import KINDS, JobKind

        from .export_views import download_url, settings_tabs
        from .import_views import import_link

        KINDS["import.run"] = JobKind("importexport.tasks.import_job", _("Import"))
        KINDS["export.run"] = JobKind("importexport.tasks.export_job", _("Export"), download_url)
        register_list_link(import_link)
        register_settings_tabs("exports", settings_tabs, order=80)
