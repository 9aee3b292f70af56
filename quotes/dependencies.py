"""The quotes and invoices listed on the dependencies tab of a company, a contact or a deal
(``crm.dependencies``): only those the reader may read."""

from companies.models import Company, Contact
from deals.models import Deal

# The card's item -> the query parameter that starts a new document for it.
OWNERS = {Company: "company", Contact: "contact", Deal: "deal"}


def documents_of(item, user) -> dict | None:
    param = OWNERS.get(type(item))
    if param is None:
        return None
    return {
        "quotes": item.quotes.restrict(user, "read").select_related("stage").order_by("-id"),
        "invoices": item.invoices.restrict(user, "read").select_related("stage").order_by("-id"),
        "param": param,
        "owner": item,
    }
