"""Replacing a reference-list entry in use changes the items through the bulk item service
(security issue, item 10): each moved item gets a new version, who changed it and when, and
the change in its history, as any update does."""

import pytest

from companies import services as client_services
from companies.models import Company
from deals import services as deal_services
from dictionaries import services
from dictionaries.models import Entry, Pipeline
from tests.helpers import shown_changes
from timeline.models import Event, EventKind

pytestmark = pytest.mark.django_db


def test_moved_items_record_who_changed_them_and_when(admin, user):
    kind = services.entry_create(user=admin, list_code="COMPANY_TYPE", name="Old kind")
    target = Entry.objects.get(list_code="COMPANY_TYPE", code="CUSTOMER")
    for n in range(3):
        client_services.company_create(user=user, name=f"C{n}", type=kind)
    before = {c.pk: c.modified_at for c in Company.objects.all()}
    services.entry_delete(user=admin, entry=kind, replacement=target)
    for company in Company.objects.order_by("pk"):
        assert company.type == target
        assert (company.version, company.modified_by) == (2, admin)
        assert company.modified_at > before[company.pk]
        [event] = Event.objects.of_item(company).filter(kind=EventKind.UPDATED)
        assert (event.author, event.item_version) == (admin, 2)
        assert shown_changes(event)["type"][0] == "Old kind"  # the entry is gone: its name stays


def test_moved_deal_stages_close_the_deals_they_must(admin):
    stage = services.entry_create(
        user=admin,
        list_code="DEAL_STAGE",
        name="Almost",
        pipeline=Pipeline.objects.get(is_default=True),
    )
    deal = deal_services.deal_create(user=admin, title="Sale", stage=stage)
    won = Entry.objects.get(list_code="DEAL_STAGE", code="WON")
    services.entry_delete(user=admin, entry=stage, replacement=won)
    deal.refresh_from_db()
    assert (deal.stage, deal.closed, deal.version, deal.modified_by) == (won, True, 2, admin)
