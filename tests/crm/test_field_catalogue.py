"""The field catalogue (``crm.fields``): every field the item services accept declared once,
mapped from Bitrix24's headers, parsed from text and rendered for a reader."""

import inspect
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation

from companies.services import COMPANY, CONTACT
from crm.entities import entity_type
from crm.fields import (
    CatalogueField,
    FieldKind,
    ReferenceCache,
    catalogue,
    field_for_header,
    register_catalogue,
)
from crm.models import MoneyField
from deals.services import DEAL, LEAD
from dictionaries.models import Entry, Pipeline
from tests.factories import UserFactory

from ..companies.helpers import entry

# The catalogue holds the custom fields admins add too, read from the database.
pytestmark = pytest.mark.django_db

SPECS = {"company": COMPANY, "contact": CONTACT, "deal": DEAL, "lead": LEAD}


def field(entity_key: str, code: str) -> CatalogueField:
    return next(f for f in catalogue(entity_key) if f.code == code)


def accepted(entity_key: str) -> set[str]:
    """What the item's create service accepts: its spec's fields and its own keywords (the
    phones, e-mails and websites, a contact's companies, a deal's contacts)."""
    create = entity_type(entity_key).services.create
    keywords = {
        name
        for name, parameter in inspect.signature(create).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and name != "user"
    }
    return set(SPECS[entity_key].fields) | keywords


@pytest.mark.parametrize("entity_key", SPECS)
def test_the_catalogue_and_the_services_name_the_same_fields(entity_key):
    codes = [f.code for f in catalogue(entity_key)]
    assert len(codes) == len(set(codes))
    assert set(codes) == accepted(entity_key)


KIND_OF_MODEL_FIELD = [
    (models.BooleanField, FieldKind.BOOL),
    (MoneyField, FieldKind.DECIMAL),
    (models.PositiveSmallIntegerField, FieldKind.INTEGER),
    (models.DateField, FieldKind.DATE),
    (models.CharField, (FieldKind.TEXT, FieldKind.CURRENCY)),
    (models.TextField, FieldKind.TEXT),
]


@pytest.mark.parametrize("entity_key", SPECS)
def test_each_kind_fits_its_model_field(entity_key):
    for entry_ in catalogue(entity_key):
        model_field = entry_.model_field
        if entry_.kind in (FieldKind.PHONES, FieldKind.EMAILS, FieldKind.WEBSITES):
            assert model_field is None and entry_.label and entry_.bitrix24
            continue
        assert model_field is not None, entry_.code
        assert entry_.label == model_field.verbose_name
        related = model_field.related_model
        if related is Entry or related is Pipeline:
            assert entry_.kind == FieldKind.REFERENCE
            if related is Entry:
                assert (
                    entry_.reference_list == model_field.remote_field.limit_choices_to["list_code"]
                )
        elif related is not None and related._meta.label == "auth.User":
            assert entry_.kind == FieldKind.USER
        elif related is not None:
            assert entry_.kind == FieldKind.ITEM_LINK
            assert entry_.multiple == model_field.many_to_many
        else:
            kinds = next(k for cls, k in KIND_OF_MODEL_FIELD if isinstance(model_field, cls))
            assert entry_.kind in (kinds if isinstance(kinds, tuple) else (kinds,)), entry_.code
        assert entry_.bitrix24, entry_.code


# Headers from columns.md §4.1-4.5, export (E:) and import-template (I:) variants.
HEADERS = [
    # §4.1 companies
    ("company", "TITLE", "name"),
    ("company", "Company Name", "name"),
    ("company", "Название компании", "name"),
    ("company", "Dénomination de l'entreprise", "name"),
    ("company", "Unternehmensname", "name"),
    ("company", "COMPANY_TYPE", "type"),
    ("company", "Тип компании", "type"),
    ("company", "Type de l'entreprise", "type"),
    ("company", "Sphère de l'activité", "industry"),
    ("company", "Кол-во сотрудников", "employees"),
    ("company", "Annual Income", "revenue"),  # E:
    ("company", "Annual Revenue", "revenue"),  # I:
    ("company", "Годовой оборот", "revenue"),
    ("company", "Chiffre d'affaires annuel", "revenue"),
    ("company", "Jahresumsatz", "revenue"),
    ("company", "Währung", "currency"),
    ("company", "Commentaire", "comments"),
    ("company", "Responsible", "responsible"),  # E:
    ("company", "Responsible person", "responsible"),  # I:
    ("company", "Ответственный", "responsible"),
    ("company", "Responsable", "responsible"),  # E:
    ("company", "Personne responsable", "responsible"),  # I:
    ("company", "Verantwortlich", "responsible"),
    ("company", "ASSIGNED_BY_ID", "responsible"),
    ("company", "Accessible pour tous", "opened"),
    # §4.6 addresses
    ("company", "Straße", "address_street"),
    ("company", "Город", "address_city"),
    ("company", "Code Postal", "address_postal_code"),
    ("company", "Pays", "address_country"),
    # §4.2 contacts
    ("contact", "Обращение", "honorific"),
    ("contact", "First Name", "first_name"),
    ("contact", "Отчество", "middle_name"),
    ("contact", "Nom", "last_name"),  # E:
    ("contact", "Nom de famille", "last_name"),  # I:
    ("contact", "Birthday", "birthday"),  # E:
    ("contact", "Date of birth", "birthday"),  # I:
    ("contact", "Geburtstag", "birthday"),  # E:
    ("contact", "Geburtsdatum", "birthday"),  # I:
    ("contact", "Fonction", "position"),
    ("contact", "Kontakttyp", "type"),
    ("contact", "Chemin", "source"),  # E:
    ("contact", "Source", "source"),  # I:
    ("contact", "Компания", "companies"),
    ("contact", "Verfügbar für alle", "opened"),
    # §4.3 deals
    ("deal", "Deal Name", "title"),
    ("deal", "Nom de la transaction", "title"),
    ("deal", "Тип", "type"),
    ("deal", "Направление", "pipeline"),
    ("deal", "Stage", "stage"),  # E:
    ("deal", "Deal Stage", "stage"),  # I:
    ("deal", "Étape", "stage"),  # E:
    ("deal", "Stade du marché", "stage"),  # I:
    ("deal", "Phase des Auftrags", "stage"),
    ("deal", "Probability, %", "probability"),  # E:
    ("deal", "Gewinnwahrscheinlichkeit", "probability"),  # I:
    ("deal", "Income", "amount"),  # E:
    ("deal", "Amount", "amount"),  # I:
    ("deal", "Сумма", "amount"),
    ("deal", "Dans le montant de", "amount"),  # I:
    ("deal", "Gewinn", "amount"),  # E:
    ("deal", "Betrag", "amount"),  # I:
    ("deal", "OPPORTUNITY", "amount"),
    ("deal", "Unternehmen", "company"),
    ("deal", "Client", "contacts"),  # FR E:
    ("deal", "Контакт", "contacts"),
    ("deal", "Date de début", "begin_date"),
    ("deal", "Voraussichtliches Abschlussdatum", "close_date"),
    ("deal", "Responsible person", "responsible"),
    ("deal", "Personne responsable", "responsible"),
    ("deal", "Quelle", "source"),
    # §4.4 leads
    ("lead", "Lead Name", "title"),
    ("lead", "Название лида", "title"),
    ("lead", "Statut", "stage"),
    ("lead", "Company Name", "company_name"),
    ("lead", "Total", "amount"),  # E:
    ("lead", "Opportunity", "amount"),  # I:
    ("lead", "Сумма", "amount"),  # E:
    ("lead", "Возможная сумма", "amount"),  # I:
    ("lead", "Montant possible", "amount"),  # I:
    ("lead", "Gesamt", "amount"),  # E:
    ("lead", "Verantwortlich", "responsible"),
    ("lead", "Zweiter Vorname", "middle_name"),
    # §4.5 multi-fields
    ("company", "Work Phone", "phones"),
    ("contact", "Рабочий телефон", "phones"),
    ("lead", "Téléphone professionnel", "phones"),
    ("company", "Telefon dienstlich", "phones"),
    ("company", "Corporate Website", "websites"),
    ("lead", "Частный e-mail", "emails"),
]


@pytest.mark.parametrize(("entity_key", "header", "code"), HEADERS)
def test_bitrix24_headers_map_to_our_fields(entity_key, header, code):
    found = field_for_header(entity_key, header)
    assert found is not None and found.code == code
    assert field_for_header(entity_key, f"  {header.upper()} ") is found  # as Bitrix24 maps


@pytest.mark.parametrize(
    ("entity_key", "header", "code", "kind"),
    [
        ("company", "Work Phone", "phones", "work"),
        ("company", "Telefon geschäftlich", "phones", "work"),
        ("company", "PHONE_WORK", "phones", "work"),
        ("contact", "Mobile", "phones", "mobile"),
        ("contact", "Мобильный телефон", "phones", "mobile"),
        ("contact", "Portable", "phones", "mobile"),
        ("contact", "Mobiltelefon", "phones", "mobile"),
        ("lead", "Домашний телефон", "phones", "home"),
        ("lead", "Номер факса", "phones", "other"),
        ("lead", "Work phone 2", "phones", "work"),  # the new importer's numbered captions
        ("company", "Home E-mail", "emails", "home"),
        ("company", "E-Mail dienstlich", "emails", "work"),
        ("company", "Andere E-Mail", "emails", "other"),
        ("company", "Page personnelle", "websites", "home"),
        ("company", "Facebook-Seite", "websites", "other"),
        ("company", "Телефон", "phones", ""),  # the aggregate column: the default kind
    ],
)
def test_a_multi_field_header_gives_the_kind_it_implies(entity_key, header, code, kind):
    found = field_for_header(entity_key, header)
    assert found.code == code and found.kind_for_header(header) == kind


def test_headers_for_no_field_of_ours_map_to_nothing():
    for entity_key, header in [("company", "Logo"), ("company", "Created"), ("deal", "Closed"),
                               ("lead", "Full name"), ("contact", "Skype ID")]:  # fmt: skip
        assert field_for_header(entity_key, header) is None


@pytest.mark.parametrize("language", ["en", "ru", "fr"])
@pytest.mark.parametrize("entity_key", SPECS)
def test_no_header_names_two_fields_of_one_entity(entity_key, language):
    fields = catalogue(entity_key)
    with translation.override(language):
        for one in fields:
            for header in [*one.headers(), str(one.label)]:
                assert [f.code for f in fields if f.matches(header)] == [one.code], header


def test_registering_two_fields_under_one_header_is_refused():
    with pytest.raises(ValueError, match="names both"):
        register_catalogue(
            "test-clash",
            [CatalogueField("a", FieldKind.TEXT, aliases=("Amount",)),
             CatalogueField("b", FieldKind.DECIMAL, bitrix24="amount")],
        )  # fmt: skip


# Parsing


def test_a_reference_by_name_or_code_and_a_user_by_login_or_e_mail():
    references = ReferenceCache()
    customer = entry("COMPANY_TYPE", "CUSTOMER")
    company_type = field("company", "type")
    assert company_type.parse("Client", references) == customer
    assert company_type.parse("CUSTOMER", references) == customer
    assert company_type.parse(customer, references) == customer  # a row passes through
    anna = UserFactory(username="anna", email="anna@example.com")
    responsible = field("company", "responsible")
    assert responsible.parse("anna", references) == anna
    assert responsible.parse("Anna@Example.com", references) == anna
    assert responsible.parse(str(anna.pk), references) == anna
    pipeline = Pipeline.objects.get(is_default=True)
    assert field("deal", "pipeline").parse(pipeline.name.upper(), references) == pipeline
    assert field("deal", "stage").parse("NEW", references) == entry("DEAL_STAGE", "NEW")


def test_dates_numbers_and_yes_or_no():
    assert field("contact", "birthday").parse("31.12.2024") == date(2024, 12, 31)
    assert field("contact", "birthday").parse(date(2024, 12, 31)) == date(2024, 12, 31)
    assert field("company", "revenue").parse("1 234,56") == Decimal("1234.56")
    assert field("company", "revenue").parse(1234.5) == Decimal("1234.5")
    assert field("deal", "probability").parse("40") == 40
    assert field("company", "opened").parse("Y") is True
    assert field("company", "opened").parse("nein") is False  # Bitrix24's German export
    assert field("company", "opened").parse(False) is False
    assert field("company", "currency").parse(" eur ") == "EUR"
    assert field("company", "name").parse("  Acme ") == "Acme"
    assert field("company", "revenue").parse("  ") is None


def test_a_multi_value_cell_splits_as_bitrix24_writes_it():
    phones = field("company", "phones")
    assert phones.parse("+7 911 4445566; +7 000 344222", kind="home") == [
        {"value": "+7 911 4445566", "kind": "home"},
        {"value": "+7 000 344222", "kind": "home"},
    ]
    assert field("company", "emails").parse("a@example.com b@example.com") == [
        {"value": "a@example.com", "kind": "work"},
        {"value": "b@example.com", "kind": "work"},
    ]
    given = [{"value": "https://example.com", "kind": "other"}]
    assert field("company", "websites").parse(given) == given  # JSON passes through
    assert phones.parse("") == []


@pytest.mark.parametrize(
    ("entity_key", "code", "value"),
    [
        ("contact", "birthday", "31.13.2024"),
        ("company", "revenue", "12,34,5"),
        ("deal", "probability", "12.5"),
        ("company", "opened", "maybe"),
        ("company", "currency", "EURO"),
        ("company", "type", "Clientt"),
        ("company", "responsible", "nobody"),
        ("deal", "pipeline", "No such pipeline"),
        ("deal", "company", "Acme"),
    ],
)
def test_a_bad_value_is_an_error_naming_it(entity_key, code, value):
    with pytest.raises(ValidationError) as info:
        field(entity_key, code).parse(value, ReferenceCache())
    assert list(info.value.message_dict) == [code]
    assert f"“{value}”" in info.value.message_dict[code][0]


# Rendering


def test_render_for_a_reader():
    customer = entry("COMPANY_TYPE", "CUSTOMER")
    assert field("company", "type").render(customer) == "Client"
    assert field("company", "type").render(None) == ""
    birthday = field("contact", "birthday")
    with translation.override("ru"):
        assert birthday.render(date(2024, 12, 31)) == "31.12.2024"
        assert field("company", "revenue").render(Decimal("1234.56")) == "1\xa0234,56"
    with translation.override("en"):
        assert birthday.render(date(2024, 12, 31)) == "12/31/2024"
        assert field("company", "opened").render(True) == "yes"
    user = UserFactory(username="anna", first_name="Anna", last_name="Smith")
    assert field("deal", "responsible").render(user) == "Anna Smith"
    phones = [{"value": "+1 555 0100", "kind": "work"}, {"value": "+1 555 0101", "kind": "home"}]
    assert field("lead", "phones").render(phones) == "+1 555 0100, +1 555 0101"


def test_labels_are_lazy_and_translated():
    revenue = field("company", "revenue")
    assert revenue.label.__class__.__name__ == "__proxy__"
    with translation.override("en"):
        assert str(revenue.label) == "annual revenue"
