from django.apps import AppConfig


class RequisitesConfig(AppConfig):
    name = "requisites"
    verbose_name = "Requisites (legal details)"

    def ready(self):
        from companies.filters import register_tax_id_search

        from .search import TaxIdSearch

        register_tax_id_search(TaxIdSearch())
