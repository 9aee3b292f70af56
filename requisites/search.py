"""Search by tax identifier for the company and contact lists (``companies.filters``)."""

from .identifiers import compact_tax_id
from .models import Requisite


class TaxIdSearch:
    """A tax identifier as typed (spaces, dashes) finds the owners of requisites with it."""

    def compact(self, text: str) -> str:
        return compact_tax_id(text)

    def owners(self, owner_field: str, compact: str):
        return Requisite.objects.filter(tax_id=compact, **{f"{owner_field}__isnull": False}).values(
            f"{owner_field}_id"
        )
