from django.apps import AppConfig


class ImportExportConfig(AppConfig):
    name = "importexport"
    verbose_name = "Import and export"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from crm.jobs import KINDS, JobKind

        KINDS["import.run"] = JobKind("importexport.tasks.import_job", _("Import"))

        from crm.generic_views import register_list_link

        from .import_views import import_link

        register_list_link(import_link)
