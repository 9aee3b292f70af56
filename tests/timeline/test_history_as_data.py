"""History as data (framework issue): a change keeps field codes and raw values, and is
rendered when it is read, in the reader's language, with today's names of what it refers to."""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.utils import translation

from companies import services
from dictionaries import services as dictionary_services
from dictionaries.models import Entry
from tests.helpers import shown_changes
from timeline.models import Event, EventKind

pytestmark = pytest.mark.django_db


def last_change(item) -> Event:
    return Event.objects.of_item(item).filter(kind=EventKind.UPDATED)[0]


def test_a_change_is_stored_as_codes_and_raw_values(admin):
    customer = Entry.objects.get(list_code="CONTACT_TYPE", code="CLIENT")
    contact = services.contact_create(user=admin, last_name="Smith", opened=True)
    services.contact_update(
        user=admin, contact=contact, type=customer, birthday=date(1990, 3, 1), opened=False,
        phones=[{"value": "+1 202 555 0143", "kind": "mobile"}],
    )  # fmt: skip
    changes = {c["field"]: c for c in last_change(contact).changes}
    assert changes["type"] == {"field": "type", "old": None, "new": "CLIENT",
                               "old_label": "", "new_label": customer.name}  # fmt: skip
    assert (changes["birthday"]["old"], changes["birthday"]["new"]) == (None, "1990-03-01")
    assert (changes["opened"]["old"], changes["opened"]["new"]) == (True, False)
    assert changes["phones"]["new"] == [{"value": "+1 202 555 0143", "kind": "mobile"}]
    assert all("label" not in change for change in changes.values())


def test_a_change_is_rendered_in_the_readers_language(admin):
    contact = services.contact_create(user=admin, last_name="Smith")
    services.contact_update(user=admin, contact=contact, birthday=date(1990, 3, 1))
    event = last_change(contact)
    # Dates are shown in the reader's locale, in the one short format of every page.
    with translation.override("ru"):
        assert shown_changes(event)["birthday"][1] == "01.03.1990"
    with translation.override("fr"):
        assert shown_changes(event)["birthday"][1] == "01/03/1990"
    with translation.override("en"):
        assert shown_changes(event)["birthday"][1] == "03/01/1990"


def test_a_reference_is_shown_by_its_name_of_today(admin):
    partner = Entry.objects.get(list_code="COMPANY_TYPE", code="PARTNER")
    company = services.company_create(user=admin, name="Acme")
    services.company_update(user=admin, company=company, type=partner)
    dictionary_services.entry_update(user=admin, entry=partner, name="Ally")
    assert shown_changes(last_change(company))["type"] == ("", "Ally")


def test_a_deleted_reference_keeps_the_name_it_had(admin):
    kind = dictionary_services.entry_create(user=admin, list_code="COMPANY_TYPE", name="Rare")
    company = services.company_create(user=admin, name="Acme")
    services.company_update(user=admin, company=company, type=kind)
    services.company_update(user=admin, company=company, type=None)
    dictionary_services.entry_delete(user=admin, entry=kind)
    shown = shown_changes(Event.objects.of_item(company).filter(kind=EventKind.UPDATED)[1])
    assert shown["type"] == ("", "Rare")


def test_the_migration_turns_text_into_data_where_it_maps_back(admin):
    """Events written as text before: a reference name, yes/no and a date map back to their raw
    values; a name no entry has stays text and is shown as it was written."""
    company = services.company_create(user=admin, name="Acme")
    services.company_update(user=admin, company=company, name="Acme 2")
    event = last_change(company)
    event.changes = [
        {"field": "type", "label": "company type", "old": "", "new": "Client"},
        {"field": "opened", "label": "available to everyone", "old": "yes", "new": "no"},
        {"field": "industry", "label": "industry", "old": "", "new": "No such industry"},
        {"field": "phones", "label": "phones", "old": "", "new": "+1 202 (work)"},
    ]
    event.save()
    importlib.import_module("timeline.migrations.0004_changes_as_data").convert(apps, None)
    event.refresh_from_db()
    by_field = {c["field"]: c for c in event.changes}
    assert (by_field["type"]["old"], by_field["type"]["new"]) == (None, "CUSTOMER")
    assert (by_field["opened"]["old"], by_field["opened"]["new"]) == (True, False)
    assert "label" in by_field["industry"] and "label" in by_field["phones"]
    shown = shown_changes(event)
    assert shown["industry"] == ("", "No such industry")
    assert shown["type"] == ("", "Client")
