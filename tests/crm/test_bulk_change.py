"""The bulk change service: many items, each changed its own way (an import's merges), with
the rights, validation and history of ``item_update``, decided per item, in a constant number
of statements (``crm.services.items_bulk_change``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from companies.models import Company
from companies.services import COMPANY, company_bulk_create, company_create
from crm.services import items_bulk_change
from tests.factories import UserFactory
from timeline.models import Event, EventKind

from ..companies.helpers import phone

pytestmark = pytest.mark.django_db


def companies(user, count: int) -> list[Company]:
    made = company_bulk_create(user=user, rows=[
        {"name": f"Company {n}", "emails": [{"value": f"c{n}@example.com"}]} for n in range(count)
    ])  # fmt: skip
    return list(Company.objects.filter(pk__in=made.ids).order_by("pk"))


def test_each_item_gets_its_own_change_with_its_history(admin):
    first, second, third = companies(admin, 3)

    def change(item, channels):
        if item.pk == first.pk:
            return {"comments": "", "address_city": "Lyon", "type": "Partner"}
        if item.pk == second.pk:
            return {"phones": [phone("+7 812 848 65 20")], "custom": {}}
        return {"name": "Company 2"}  # what it is already

    result = items_bulk_change(COMPANY, user=admin, ids=[c.pk for c in (first, second, third)],
                               change=change)  # fmt: skip
    assert (result.updated, result.unchanged, result.rejected) == (
        [first.pk, second.pk], [third.pk], {}
    )  # fmt: skip
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.address_city, first.type.code, first.version) == ("Lyon", "PARTNER", 2)
    assert [c.value for c in second.communications.filter(channel="phone")] == ["+7 812 848 65 20"]
    assert [c.value for c in second.communications.filter(channel="email")] == ["c1@example.com"]
    events = Event.objects.filter(kind=EventKind.UPDATED).order_by("item_id")
    assert [(e.item_id, e.item_version) for e in events] == [(first.pk, 2), (second.pk, 2)]
    assert {c["field"] for c in events[0].changes} == {"address_city", "type"}
    assert [c["field"] for c in events[1].changes] == ["phones"]
    assert Company.objects.get(pk=third.pk).version == 1


def test_refusals_are_per_item_and_leave_the_item_as_it_was(manager, admin):
    """Bad input: an item the manager may not change, a bad value, and a change that would
    hand the item to someone else (out of the manager's reach); the fourth item is written."""
    theirs = company_create(user=admin, name="Theirs", opened=True)
    bad, handed, fine = companies(manager, 3)
    other = UserFactory()
    changes = {bad.pk: {"emails": [{"value": "not an e-mail"}]},
               handed.pk: {"responsible": other}, fine.pk: {"address_city": "Lyon"},
               theirs.pk: {"address_city": "Nice"}}  # fmt: skip
    result = items_bulk_change(COMPANY, user=manager, ids=list(changes),
                               change=lambda item, channels: changes[item.pk])  # fmt: skip
    assert result.updated == [fine.pk]
    assert set(result.rejected) == {theirs.pk, bad.pk, handed.pk}
    assert "right" in result.rejected[theirs.pk]
    assert "emails" in result.rejected[bad.pk]
    assert "out of your reach" in result.rejected[handed.pk]
    versions = dict(Company.objects.values_list("pk", "version"))
    assert (versions[theirs.pk], versions[bad.pk], versions[handed.pk]) == (1, 1, 1)
    assert Company.objects.get(pk=handed.pk).responsible_id == manager.pk


def test_the_statements_do_not_grow_with_the_items(admin):
    def change(item, channels):
        number = f"+1 202 555 {item.pk % 10_000:04d}"
        return {"address_city": f"City {item.pk}", "phones": [phone(number)]}

    def run(count):
        items = companies(admin, count)
        with CaptureQueriesContext(connection) as queries:
            items_bulk_change(COMPANY, user=admin, ids=[c.pk for c in items], change=change)
        return len(queries)

    assert run(2) == run(20)
