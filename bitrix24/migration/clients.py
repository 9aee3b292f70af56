"""Companies, and contacts with their links to companies."""

from companies.models import Company, Contact
from companies.services import contact_company_links_write, contact_unlink

from .item_steps import CLIENT_CHANNELS, ItemStep
from .links import LINK_REFUSALS, differences, refuse_links

COMPANIES = ItemStep("companies", "company", "crm.company", ("*", "UF_*", *CLIENT_CHANNELS))


class ContactStep(ItemStep):
    """Contacts: their companies (``COMPANY_IDS``, read apart from a portal whose list does
    not give them) linked as the portal links them."""

    def complete(self, run, rows):
        self.linked_lists(run, rows, "COMPANY_IDS", "crm.contact.company.items.get", "COMPANY_ID")
        return rows

    def write_links(self, run, written, created, outcome):
        contacts, added, removed = differences(run.user, Contact, "companies", written)
        try:
            contact_company_links_write(user=run.user, pairs=added)
        except LINK_REFUSALS as refusal:
            refuse_links(outcome, written, {contact.pk for contact, _c in added}, refusal)
        companies = Company._base_manager.in_bulk({pk for pks in removed.values() for pk in pks})
        for contact_id, company_ids in removed.items():
            try:
                for company_id in company_ids:
                    contact_unlink(user=run.user, contact=contacts[contact_id],
                                   company=companies[company_id])  # fmt: skip
            except LINK_REFUSALS as refusal:
                refuse_links(outcome, written, [contact_id], refusal)


CONTACTS = ContactStep(
    "contacts", "contact", "crm.contact", ("*", "UF_*", *CLIENT_CHANNELS, "COMPANY_IDS")
)
