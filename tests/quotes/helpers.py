"""Quotes and invoices for the tests, written through the services."""

from companies import services as client_services
from deals import services as deal_services
from dictionaries.models import Entry
from quotes import services


def stage(list_code: str, code: str) -> Entry:
    return Entry.objects.get(list_code=list_code, code=code)


def line(name="Consulting", quantity="1", price="100.00", discount="0", tax="0", unit="h"):
    return {"product_name": name, "quantity": quantity, "unit": unit, "price": price,
            "discount_percent": discount, "tax_percent": tax}  # fmt: skip


def quote(user, *, responsible=None, lines=None, currency="EUR", **fields):
    return services.quote_create(
        user=user, title=fields.pop("title", "Offer"), currency=currency,
        responsible=responsible or user, lines=[line()] if lines is None else lines, **fields,
    )  # fmt: skip


def company(user, name="Nordwind GmbH", **fields):
    return client_services.company_create(user=user, name=name, responsible=user, **fields)


def deal(user, **fields):
    fields.setdefault("responsible", user)
    return deal_services.deal_create(user=user, title=fields.pop("title", "Big sale"), **fields)
