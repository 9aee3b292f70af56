from django.apps import AppConfig


class ImportExportConfig(AppConfig):
    name = "importexport"
    verbose_name = "Import and export"
