"""Deals, in the pipelines and stages the ``pipelines`` step made, with their company and
contacts; and leads."""

from deals.models import Deal
from deals.services import deal_links_write, deal_update

from .item_steps import CLIENT_CHANNELS, ItemStep
from .links import LINK_REFUSALS, differences, refuse_links


class DealStep(ItemStep):
    """Deals: their contacts (``CONTACT_IDS``, read apart from a portal whose list does not
    give them) linked as the portal links them; a new deal's company gets the "linked" line
    in its history, as a deal made on a page gives it."""

    def complete(self, run, rows):
        self.linked_lists(run, rows, "CONTACT_IDS", "crm.deal.contact.items.get", "CONTACT_ID")
        return rows

    def write_links(self, run, written, created, outcome):
        deals, added, removed = differences(run.user, Deal, "contacts", written)
        companies = [(deals[one.our_id], one.values["company"]) for one in written
                     if one.our_id in created and one.values.get("company")]  # fmt: skip
        try:
            deal_links_write(user=run.user, companies=companies, contacts=added)
        except LINK_REFUSALS as refusal:
            refuse_links(outcome, written, {deal.pk for deal, _c in added}, refusal)
        wanted = {one.our_id: one.linked.get("contacts", []) for one in written}
        for deal_id in removed:
            try:
                deal_update(user=run.user, deal=deals[deal_id], contacts=wanted[deal_id])
            except LINK_REFUSALS as refusal:
                refuse_links(outcome, written, [deal_id], refusal)


DEALS = DealStep("deals", "deal", "crm.deal", ("*", "UF_*", "CONTACT_IDS"))
LEADS = ItemStep("leads", "lead", "crm.lead", ("*", "UF_*", *CLIENT_CHANNELS))
