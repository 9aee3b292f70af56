"""The REST API of quotes and invoices: nested lines, totals, moves, conversion, timeline."""

from decimal import Decimal

import pytest

from quotes.models import Invoice, Quote
from tests.conftest import token_client
from tests.helpers import refused

from .helpers import company, deal, line, quote

pytestmark = pytest.mark.django_db

QUOTES = "/api/v1/quotes/"
INVOICES = "/api/v1/invoices/"


def test_create_with_nested_lines_and_computed_totals(admin_api, admin):
    response = admin_api.post(QUOTES, {
        "title": "Chairs", "currency": "EUR",
        "lines": [line(quantity="4", price="25", tax="20"), line(name="Delivery", price="10")],
        "amount": "1.00",  # read-only: ignored, the lines decide
    }, format="json")  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["net_amount"], body["tax_amount"], body["amount"]) == ("110.00", "20.00",
                                                                        "130.00")  # fmt: skip
    assert [one["product_name"] for one in body["lines"]] == ["Consulting", "Delivery"]
    assert body["lines"][0]["amount"] == "120.00"
    assert body["stage"] == "DRAFT" and body["closed"] is False


def test_update_replaces_the_lines(admin_api, admin):
    document = quote(admin, lines=[line(), line()])
    response = admin_api.patch(f"{QUOTES}{document.pk}/", {"lines": [line(price="7")]},
                               format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["amount"] == "7.00" and len(response.json()["lines"]) == 1


def test_move_and_filters(admin_api, admin):
    document = quote(admin, title="Alpha")
    quote(admin, title="Beta")
    response = admin_api.post(f"{QUOTES}{document.pk}/move/", {"stage": "APPROVED"},
                              format="json")  # fmt: skip
    assert response.status_code == 200 and response.json()["closed"] is True
    listed = admin_api.get(QUOTES, {"stage": "APPROVED"}).json()["results"]
    assert [one["title"] for one in listed] == ["Alpha"]
    listed = admin_api.get(QUOTES, {"closed": "false"}).json()["results"]
    assert [one["title"] for one in listed] == ["Beta"]
    timeline = admin_api.get(f"{QUOTES}{document.pk}/timeline/")
    assert timeline.status_code == 200


def test_invoice_from_a_quote_and_its_stages(admin_api, admin):
    document = quote(admin, company=company(admin), lines=[line(price="50")])
    response = admin_api.post(f"{QUOTES}{document.pk}/invoice/")
    assert response.status_code == 201, response.content
    invoice = response.json()
    assert invoice["quote"] == document.pk and invoice["amount"] == "50.00"
    assert invoice["stage"] == "N"
    moved = admin_api.post(f"{INVOICES}{invoice['id']}/move/", {"stage": "P"}, format="json")
    assert moved.json()["closed"] is True and moved.json()["stage"] == "P"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"lines": [line(quantity="-2")]}, "lines"),  # a negative quantity
        ({"lines": [line()] * 10_000}, "lines"),  # 10,000 lines, over the cap
        ({"currency": "XYZ"}, "currency"),  # no currency
        ({"stage": "P"}, "stage"),  # an invoice stage on a quote
        ({"stage": "WON"}, "stage"),  # a deal stage
    ],
)
def test_bad_input_is_a_400_and_changes_nothing(admin_api, admin, data, field):
    refused(admin_api, "post", QUOTES, 400, {"title": "Bad", "currency": "EUR", **data},
            field=field)  # fmt: skip


def test_a_stage_of_another_list_is_refused_on_move(admin_api, admin):
    """Bad input: an invoice moved to a quote stage."""
    invoice = Invoice.objects.get(pk=admin_api.post(INVOICES, {"title": "B", "currency": "EUR"},
                                                    format="json").json()["id"])  # fmt: skip
    refused(admin_api, "post", f"{INVOICES}{invoice.pk}/move/", 400, {"stage": "APPROVED"})


def test_a_manager_reads_only_what_they_may(admin, manager):
    """The Manager role reads its own and open documents: a closed colleague's is a 404,
    never listed, and its deal is not named on a readable one."""
    hidden = quote(admin, title="Theirs", opened=False)
    hidden_deal = deal(admin, opened=False)
    open_one = quote(admin, title="Open one", deal=hidden_deal)
    quote(manager, title="Mine")
    api = token_client(manager)
    titles = {one["title"] for one in api.get(QUOTES).json()["results"]}
    assert titles == {"Open one", "Mine"}
    assert api.get(f"{QUOTES}{hidden.pk}/").status_code == 404
    assert api.get(f"{QUOTES}{open_one.pk}/").json()["deal"] is None
    refused(api, "patch", f"{QUOTES}{open_one.pk}/", 403, {"title": "Mine now"})
    refused(api, "post", f"{QUOTES}{hidden.pk}/invoice/", 404)
    assert Quote.objects.get(pk=open_one.pk).amount == Decimal("100.00")
