"""Money amounts: one bound (13 digits before the point, 2 after, never negative) on every
door, so that what is accepted reads back exactly on SQLite as on PostgreSQL."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation

from companies import services as client_services
from companies.models import Company
from crm.models import MoneyField
from crm.money import money
from deals import services as deal_services
from deals.models import Deal, Lead
from timeline.models import Event

pytestmark = pytest.mark.django_db

LARGEST = "9999999999999.99"
TOO_LARGE = "9999999999999999.99"  # 16 digits before the point: SQLite would store 1E16

# (model, amount field, service creating one with an amount, API list URL, other fields)
MONEY = [
    (Company, "revenue", client_services.company_create, "/api/v1/companies/", {"name": "Acme"}),
    (Deal, "amount", deal_services.deal_create, "/api/v1/deals/", {"title": "Big"}),
    (Lead, "amount", deal_services.lead_create, "/api/v1/leads/", {"title": "Big"}),
]
IDS = ["company-revenue", "deal-amount", "lead-amount"]


def snapshot() -> list:
    return [list(model.objects.order_by("pk").values()) for model in (Company, Deal, Lead, Event)]


# Decimals that are no amounts: a document line's quantity (4 decimals) and its rates.
NOT_AMOUNTS = {
    f"quotes.{model}.{name}"
    for model in ("QuoteLine", "InvoiceLine")
    for name in ("quantity", "discount_percent", "tax_percent")
}


def test_every_decimal_field_of_the_crm_is_a_money_field():
    """A new amount elsewhere must take the shared bound too (or this test says where); the
    decimals that are no amounts keep to what SQLite stores exactly (15 digits) as well."""
    decimal_fields = {
        f"{model._meta.label}.{field.name}": field
        for model in apps.get_models()
        if model._meta.app_label not in {"axes", "guardian", "authtoken", "auth"}
        for field in model._meta.get_fields()
        if isinstance(field, models.DecimalField) and not isinstance(field, MoneyField)
    }
    assert set(decimal_fields) == NOT_AMOUNTS
    assert all(f.max_digits <= MoneyField.MAX_DIGITS for f in decimal_fields.values())


@pytest.mark.parametrize(("model", "field", "create", "url", "fields"), MONEY, ids=IDS)
def test_the_largest_amount_reads_back_exactly(user, model, field, create, url, fields):
    item = create(user=user, **fields, **{field: LARGEST}, currency="EUR")
    item.refresh_from_db()
    assert getattr(item, field) == Decimal(LARGEST)
    assert list(model.objects.values_list(field, flat=True)) == [Decimal(LARGEST)]


@pytest.mark.parametrize(
    "amount",
    [TOO_LARGE, "10000000000000", 10**13, "-0.01"],
    ids=["16-digits-before-the-point", "14-digits-string", "14-digits-int", "negative-cent"],
)
@pytest.mark.parametrize(("model", "field", "create", "url", "fields"), MONEY, ids=IDS)
def test_the_service_refuses_an_amount_out_of_bounds(
    user, model, field, create, url, fields, amount
):
    """Bad input: 16 and 14 digits before the point (string and int), and a negative cent."""
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        create(user=user, **fields, **{field: amount}, currency="EUR")
    assert field in info.value.message_dict
    assert snapshot() == before


@pytest.mark.parametrize(("model", "field", "create", "url", "fields"), MONEY, ids=IDS)
def test_the_service_refuses_it_on_update_too(user, model, field, create, url, fields):
    """Bad input: 9999999999999999.99 given to the update service of an existing item."""
    item = create(user=user, **fields)
    update = {
        Company: lambda: client_services.company_update(user=user, company=item, revenue=TOO_LARGE),
        Deal: lambda: deal_services.deal_update(user=user, deal=item, amount=TOO_LARGE),
        Lead: lambda: deal_services.lead_update(user=user, lead=item, amount=TOO_LARGE),
    }[model]
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        update()
    assert field in info.value.message_dict
    assert snapshot() == before


@pytest.mark.parametrize(("model", "field", "create", "url", "fields"), MONEY, ids=IDS)
def test_the_api_refuses_it_with_a_400_naming_the_field(
    admin_api, admin, model, field, create, url, fields
):
    """Bad input: 9999999999999999.99 in a POST and in a PATCH."""
    item = create(user=admin, **fields)
    before = snapshot()
    for method, target in (("post", url), ("patch", f"{url}{item.pk}/")):
        response = getattr(admin_api, method)(
            target, {**fields, field: TOO_LARGE, "currency": "EUR"}, format="json"
        )
        assert response.status_code == 400, response.content
        assert "15 digits" in str(response.json()[field])
        assert snapshot() == before


@pytest.mark.parametrize(("model", "field", "create", "url", "fields"), MONEY, ids=IDS)
def test_the_api_round_trips_the_largest_amount(admin_api, model, field, create, url, fields):
    created = admin_api.post(url, {**fields, field: LARGEST, "currency": "EUR"}, format="json")
    assert created.status_code == 201, created.content
    assert admin_api.get(f"{url}{created.json()['id']}/").json()[field] == LARGEST


@pytest.mark.parametrize(
    ("url", "data", "field"),
    [
        ("/companies/add/", {"name": "Acme", "revenue": TOO_LARGE}, "revenue"),
        ("/deals/add/", {"title": "Big", "amount": TOO_LARGE}, "amount"),
        ("/leads/add/", {"title": "Big", "amount": TOO_LARGE}, "amount"),
    ],
    ids=IDS,
)
def test_the_page_forms_refuse_it_next_to_the_field(user_client, user, url, data, field):
    """Bad input: 9999999999999999.99 typed into the company, deal and lead forms."""
    before = snapshot()
    response = user_client.post(url, {**data, "responsible": user.pk, "currency": "EUR"})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert snapshot() == before


@pytest.mark.parametrize(
    ("language", "amount", "currency", "written"),
    [
        ("en", "1234567.891", "USD", "1,234,567.89 USD"),
        ("en", "1234567", "JPY", "1,234,567 JPY"),  # the yen has no minor unit
        ("en", "12.5", "", "12.50"),
        ("ru", "1234567.89", "RUB", "1\xa0234\xa0567,89\xa0₽"),
        ("fr", "1234567", "JPY", "1\u202f234\u202f567\xa0JPY"),
    ],
)
def test_an_amount_is_written_with_its_currencys_decimals(language, amount, currency, written):
    with translation.override(language):
        assert money(Decimal(amount), currency) == written
