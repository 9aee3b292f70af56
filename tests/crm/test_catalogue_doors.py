"""What comes from the field catalogue (``crm.fields``) rather than a list per door: the item
services' fields, the form, card and admin sections, the list filters and history labels."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import translation
from django.utils.text import capfirst

from companies import services as client_services
from companies.filters import CompanyFilterSet, ContactFilterSet
from companies.forms import CompanyForm, ContactForm
from companies.models import Company, Contact
from crm import fields as catalogue_module
from crm.entities import entity_type
from crm.fields import (
    CatalogueField,
    FieldKind,
    Section,
    catalogue,
    catalogue_field,
    layout,
    register_catalogue,
    service_fields,
)
from crm.filters import ItemFilterSet
from crm.history import render_for_reader
from deals import services as deal_services
from deals.filters import DealFilterSet, LeadFilterSet
from deals.forms import DealForm, LeadForm
from deals.models import Deal
from dictionaries.filters import EntryCodeFilter
from tests.factories import UserFactory
from tests.helpers import give_role
from timeline.models import Event

from ..companies.helpers import entry, phone

pytestmark = pytest.mark.django_db

ENTITIES = ("company", "contact", "deal", "lead")
FILTERSETS = {
    "company": CompanyFilterSet,
    "contact": ContactFilterSet,
    "deal": DealFilterSet,
    "lead": LeadFilterSet,
}


@pytest.mark.parametrize("entity_key", ENTITIES)
def test_the_services_write_the_catalogue_columns(entity_key):
    spec = {"company": client_services.COMPANY, "contact": client_services.CONTACT,
            "deal": deal_services.DEAL, "lead": deal_services.LEAD}[entity_key]  # fmt: skip
    assert spec.fields == service_fields(catalogue(entity_key))


@pytest.mark.parametrize("entity_key", ENTITIES)
def test_every_field_a_person_edits_sits_in_a_section(entity_key):
    placed = [f.code for _section, fields in layout(entity_key) for f in fields]
    assert len(placed) == len(set(placed))
    for field in catalogue(entity_key):
        if field.stored_by_services or field.kind in (FieldKind.PHONES, FieldKind.EMAILS):
            assert field.code in placed, field.code


@pytest.mark.parametrize(
    ("form_class", "kwargs"),
    [(CompanyForm, {}), (ContactForm, {}), (LeadForm, {}), (DealForm, {"user": None})],
)
def test_forms_are_laid_out_in_the_catalogue_sections(form_class, kwargs, admin_user):
    if "user" in kwargs:
        kwargs = {"user": admin_user}
    form = form_class(**kwargs)
    key = entity_type(entity_of(form_class)).key
    expected = [str(section.label) for section, _fields in layout(key)]
    titles = [str(title) for title, _names in form.sections]
    assert titles == expected
    placed = {name for _title, names in form.sections for name in names}
    editable = set(form.fields) - {"version", "original", "confirm_duplicates"}
    assert placed == editable


def entity_of(form_class) -> str:
    return {CompanyForm: "company", ContactForm: "contact", LeadForm: "lead",
            DealForm: "deal"}[form_class]  # fmt: skip


@pytest.mark.parametrize("entity_key", ENTITIES)
def test_list_filters_take_their_label_and_list_from_the_catalogue(entity_key):
    filterset = FILTERSETS[entity_key]
    assert filterset.catalogue_filters
    for code in filterset.catalogue_filters:
        field = catalogue_field(entity_key, code)
        filter_ = filterset.base_filters[code]
        if code == "stage" and entity_key == "deal":
            continue  # the deal's stages of every pipeline: a filter of its own
        assert str(filter_.label) == str(capfirst(field.label))
        if field.kind == FieldKind.REFERENCE and field.reference_list:
            assert isinstance(filter_, EntryCodeFilter)
            assert filter_.list_code == field.reference_list
    assert list(filterset.base_filters)[-1] == "ordering"


def test_a_field_named_in_catalogue_filters_filters_by_its_kind(admin_user):
    class BirthdayFilterSet(ItemFilterSet):
        catalogue_filters = ("birthday", "type")

        class Meta:
            model = Contact
            fields = []

    old = client_services.contact_create(user=admin_user, last_name="Old", birthday="1950-01-01")
    young = client_services.contact_create(
        user=admin_user, last_name="Young", birthday="2000-05-05",
        type=entry("CONTACT_TYPE", "CLIENT"),
    )  # fmt: skip
    found = BirthdayFilterSet({"birthday_after": "1990-01-01"}, Contact.objects.all()).qs
    assert list(found) == [young]
    by_type = BirthdayFilterSet({"type": ["CLIENT"]}, Contact.objects.all()).qs
    assert list(by_type) == [young] and old not in by_type


def test_a_filter_for_a_field_the_catalogue_lacks_is_refused_at_once():
    with pytest.raises(LookupError, match="shoe_size"):

        class WrongFilterSet(ItemFilterSet):
            catalogue_filters = ("shoe_size",)

            class Meta:
                model = Contact
                fields = []


def test_a_field_in_an_undeclared_section_is_refused():
    fields = [CatalogueField("name", FieldKind.TEXT, Company, section="nowhere")]
    with pytest.raises(ValueError, match="nowhere"):
        register_catalogue("test_sections", fields, [Section("about", "About")])
    assert "test_sections" not in catalogue_module._catalogues


def test_a_card_shows_each_section_with_values_by_kind(client, admin_user):
    company = client_services.company_create(
        user=admin_user, name="Acme", revenue="1234.5", currency="EUR",
        phones=[phone("+1 202 555 0143")], comments="first line\nsecond <b>line</b>",
    )  # fmt: skip
    client.force_login(admin_user)
    with translation.override("en"):
        body = client.get(company.get_absolute_url()).content.decode()
    for section, _fields in layout("company"):
        assert f"<h2>{section.label}</h2>" in body
    assert "1,234.50 EUR" in body
    assert 'href="tel:+12025550143"' in body
    assert "first line<br>second &lt;b&gt;line&lt;/b&gt;" in body  # escaped, lines kept


def test_a_deal_card_names_only_the_contacts_its_reader_may_read(client, admin_user):
    shown = client_services.contact_create(user=admin_user, last_name="Visible", opened=True)
    hidden = client_services.contact_create(user=admin_user, last_name="Hidden", opened=False)
    deal = deal_services.deal_create(user=admin_user, title="Shared deal", contacts=[shown, hidden])
    reader = give_role(
        UserFactory(), {"deal": {"read": "all"}, "contact": {"read": "open"}}, name="Readers"
    )
    client.force_login(reader.users.get())
    body = client.get(deal.get_absolute_url()).content.decode()
    assert "Visible" in body and "Hidden" not in body


def test_history_labels_come_from_the_catalogue(admin_user, monkeypatch):
    company = client_services.company_create(user=admin_user, name="Acme")
    client_services.company_update(user=admin_user, company=company, address_city="Lyon")
    fields = [
        CatalogueField(f.code, f.kind, f.model, label="Town" if f.code == "address_city" else "")
        for f in catalogue("company")
    ]
    monkeypatch.setitem(catalogue_module._catalogues, "company", tuple(fields))
    event = next(e for e in Event.objects.of_item(company) if e.changes)
    (shown,) = render_for_reader([event], admin_user)
    assert [c["label"] for c in shown.changes] == ["Town"]


def test_admin_forms_follow_the_catalogue_sections(admin_user):
    model_admin = admin.site._registry[Deal]
    request = RequestFactory().get("/")
    request.user = admin_user
    fieldsets = model_admin.get_fieldsets(request)
    titles = [str(title) for title, _options in fieldsets if title]
    assert titles == [str(section.label) for section, _fields in layout("deal")]
