from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class RequisitesConfig(AppConfig):
    name = "requisites"
    verbose_name = gettext_lazy("Requisites (legal details)")

    def ready(self):
        from companies.matching import register_tax_ids

        from .identifiers import compact_tax_id
        from .models import Requisite

        def owners(kind: str, tax_id: str):
            # kind is "company" or "contact", the name of the requisite's owner field
            return Requisite.objects.filter(tax_id=tax_id, **{f"{kind}__isnull": False}).values(
                f"{kind}_id"
            )

        def holders(kind: str, tax_ids):
            rows = Requisite.objects.filter(tax_id__in=list(tax_ids), **{f"{kind}__isnull": False})
            return rows.values_list(f"{kind}_id", "tax_id")

        # The client matcher's tax-id signal; companies imports nothing of requisites for it.
        register_tax_ids(compact=compact_tax_id, owners=owners, holders=holders)
