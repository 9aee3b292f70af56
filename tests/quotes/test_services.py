"""Quotes and invoices through their services: totals, stage rules, conversions, bad input."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from companies import services as client_services
from dictionaries.models import Entry
from quotes import services
from quotes.models import Invoice, Quote
from quotes.totals import minor_units
from tests.helpers import service_refused
from timeline.models import Event, EventKind

from .helpers import company, deal, line, quote, stage

pytestmark = pytest.mark.django_db


# Totals


def test_totals_are_exact_decimals_rounded_per_line(admin):
    """3 * 33.33 less 10% = 89.991 -> 89.99; 19% tax of it = 17.0981 -> 17.10; and a second
    line of 0.1 + 0.2 that floats would make 0.30000000000000004."""
    document = quote(admin, lines=[line(quantity="3", price="33.33", discount="10", tax="19"),
                                   line(name="Fee", quantity="1", price="0.1"),
                                   line(name="Fee 2", quantity="1", price="0.2")])  # fmt: skip
    document.refresh_from_db()
    assert document.net_amount == Decimal("90.29")
    assert document.tax_amount == Decimal("17.10")
    assert document.amount == Decimal("107.39")
    first = document.lines.order_by("sort")[0]
    assert (first.net_amount, first.tax_amount, first.amount) == (
        Decimal("89.99"), Decimal("17.10"), Decimal("107.09"))  # fmt: skip


def test_a_currency_without_minor_units_rounds_to_whole_amounts(admin):
    """JPY: 3 * 333.33 = 999.99 -> 1000; 10% tax -> 100."""
    document = quote(admin, currency="JPY", lines=[line(quantity="3", price="333.33", tax="10")])
    document.refresh_from_db()
    assert (document.net_amount, document.tax_amount, document.amount) == (
        Decimal(1000), Decimal(100), Decimal(1100))  # fmt: skip


def test_minor_units_by_currency():
    assert minor_units("RUB") == minor_units("EUR") == minor_units("USD") == 2
    assert minor_units("JPY") == minor_units("KRW") == 0
    for bad in ("XYZ", "eur", "", "KWD", "XAU"):
        with pytest.raises(ValidationError):
            minor_units(bad)


def test_changing_the_currency_rounds_the_stored_lines_again(admin):
    document = quote(admin, lines=[line(price="10.50")])
    document = services.quote_update(user=admin, quote=document, currency="JPY")
    assert document.amount == Decimal(11)  # 10.50 rounded half up in yen


def test_lines_given_on_update_replace_every_line_and_the_totals(admin):
    document = quote(admin, lines=[line(), line(name="Second")])
    document = services.quote_update(user=admin, quote=document, lines=[line(price="5")])
    assert [one.product_name for one in document.lines.all()] == ["Consulting"]
    assert document.amount == Decimal(5)
    change = Event.objects.of_item(document).filter(kind=EventKind.UPDATED).first()
    assert "amount" in {c["field"] for c in change.changes}


# Bad input


@pytest.mark.parametrize(
    ("bad_line", "match"),
    [
        (line(quantity="-1"), "quantity"),  # a negative quantity
        (line(quantity="0"), "quantity"),  # nothing sold
        (line(price="-5"), "price"),  # a negative price
        (line(price="1.005"), "decimals"),  # a third decimal of a price
        (line(discount="101"), "discount"),  # more than all of it off
        (line(tax="-1"), "tax"),  # a negative tax rate
        (line(name=""), "product"),  # no product
        (line(quantity="many"), "number"),  # not a number
        (line(quantity="NaN"), "decimals"),  # not a finite number
        ({**line(), "colour": "red"}, "unknown"),  # a field no line has
    ],
)
def test_a_bad_line_is_refused_and_nothing_is_written(admin, bad_line, match):
    error = service_refused(lambda: quote(admin, lines=[line(), bad_line]), field="lines")
    assert "Line 2" in " ".join(error.messages)
    assert match in " ".join(error.messages).lower()


def test_ten_thousand_lines_are_refused_with_the_cap(admin):
    """Bad input: 10,000 lines, over the cap of 500."""
    error = service_refused(lambda: quote(admin, lines=[line()] * 10_000), field="lines")
    assert "500" in " ".join(error.messages) and "10000" in " ".join(error.messages)


def test_as_many_lines_as_the_cap_are_taken(admin):
    document = quote(admin, lines=[line(price="1")] * services.MAX_LINES)
    assert document.lines.count() == services.MAX_LINES
    assert document.amount == Decimal(services.MAX_LINES)


@pytest.mark.parametrize("currency", ["XYZ", "", "KWD"])
def test_an_unknown_or_unwritable_currency_is_refused(admin, currency):
    """Bad input: no ISO 4217 code, none at all, a currency of 3 decimals."""
    service_refused(lambda: quote(admin, currency=currency), field="currency")


def test_a_stage_of_another_list_is_refused(admin):
    """Bad input: a quote given an invoice stage (and a deal stage), on create and on move."""
    service_refused(lambda: quote(admin, stage=stage("INVOICE_STATUS", "P")), field="stage")
    document = quote(admin)
    deal_stage = Entry.objects.get(list_code="DEAL_STAGE", code="WON")
    service_refused(
        lambda: services.move_to_stage(user=admin, item=document, stage=deal_stage),
        field="stage",
    )
    with pytest.raises(ValidationError):
        services.stage_by_code(Quote, "P")  # an invoice stage's code


def test_totals_cannot_be_given(admin):
    """Bad input: a total typed instead of computed."""
    service_refused(lambda: quote(admin, amount=Decimal(1)), field="amount")


# Stage rules


def test_a_document_starts_in_its_first_stage_and_a_final_stage_closes_it(admin):
    document = quote(admin)
    assert document.stage.code == "DRAFT" and not document.closed
    document = services.move_to_stage(
        user=admin, item=document, stage=stage("QUOTE_STATUS", "APPROVED")
    )
    assert document.closed
    document = services.move_to_stage(
        user=admin, item=document, stage=stage("QUOTE_STATUS", "SENT")
    )
    assert not document.closed  # back to a process stage reopens it
    document = services.move_to_stage(
        user=admin, item=document, stage=stage("QUOTE_STATUS", "DECLAINED")
    )
    assert document.closed


def test_invoice_stages_are_bitrix24s(admin):
    codes = list(Entry.objects.of_list("INVOICE_STATUS").values_list("code", "semantics"))
    assert codes == [("N", "process"), ("S", "process"), ("P", "success"), ("D", "failure")]
    invoice = services.invoice_create(user=admin, title="Bill", currency="RUB", responsible=admin)
    assert invoice.stage.code == "N"
    paid = services.move_to_stage(user=admin, item=invoice, stage=stage("INVOICE_STATUS", "P"))
    assert paid.closed


def test_invoice_stage_rules_hold_in_the_reference_lists(admin):
    """The paid stage is the list's one success stage: it cannot be deleted."""
    from dictionaries import services as dictionary_services

    paid = stage("INVOICE_STATUS", "P")
    with pytest.raises(ValidationError):
        dictionary_services.entry_delete(user=admin, entry=paid)


# Conversions


def test_a_quote_from_a_deal_takes_its_client_and_amount_as_a_line(admin):
    client = company(admin)
    contact = client_services.contact_create(user=admin, first_name="Greta", last_name="Baum",
                                             responsible=admin)  # fmt: skip
    sale = deal(admin, company=client, contacts=[contact], amount=Decimal("1500.00"),
                currency="EUR")  # fmt: skip
    document = services.quote_from_deal(user=admin, deal=sale)
    assert (document.company, list(document.contacts.all()), document.deal) == (
        client, [contact], sale)  # fmt: skip
    assert document.amount == Decimal("1500.00") and document.currency == "EUR"
    assert [one.product_name for one in document.lines.all()] == ["Big sale"]
    assert list(sale.quotes.all()) == [document]
    assert Event.objects.of_item(sale).filter(kind=EventKind.LINKED).exists()


def test_an_invoice_from_a_quote_copies_its_lines(admin):
    client = company(admin)
    offer = quote(admin, company=client, lines=[line(quantity="2", price="10", tax="20"),
                                                line(name="Setup", price="99.99")])  # fmt: skip
    invoice = services.invoice_from_quote(user=admin, quote=offer)
    assert invoice.quote == offer and invoice.company == client
    assert services.stored_lines(invoice) == services.stored_lines(offer)
    assert (invoice.amount, invoice.currency) == (offer.amount, offer.currency)
    assert invoice.stage.code == "N"
    assert list(offer.invoices.all()) == [invoice]


def test_a_deal_quote_invoice_chain(admin):
    sale = deal(admin, amount=Decimal("300"), currency="USD")
    offer = services.quote_from_deal(user=admin, deal=sale)
    invoice = services.invoice_from_quote(user=admin, quote=offer)
    direct = services.invoice_from_deal(user=admin, deal=sale)
    assert invoice.deal == direct.deal == sale
    assert set(sale.invoices.all()) == {invoice, direct}
    assert Invoice.objects.get(pk=invoice.pk).amount == Decimal("300.00")


def test_a_number_is_given_when_none_is_typed(admin):
    document = quote(admin)
    assert Quote.objects.get(pk=document.pk).number == str(document.pk)
    typed = quote(admin, number="Q-2026-7")
    assert Quote.objects.get(pk=typed.pk).number == "Q-2026-7"


# Rights


def test_a_manager_cannot_make_a_quote_from_a_deal_they_may_not_read(admin, manager):
    """Bad input: someone else's closed deal (the Manager reads their own and open ones)."""
    sale = deal(admin, opened=False)
    service_refused(lambda: services.quote_from_deal(user=manager, deal=sale), PermissionDenied)


def test_a_manager_cannot_link_a_company_they_may_not_read(admin, manager):
    hidden = company(admin, opened=False)
    service_refused(lambda: quote(manager, company=hidden), PermissionDenied)


def test_a_manager_cannot_give_a_quote_to_someone_else(admin, manager):
    service_refused(lambda: quote(manager, responsible=admin), PermissionDenied)


def test_a_deleted_stage_moves_its_quotes_and_the_closed_flag_follows(admin):
    from dictionaries import services as dictionary_services

    sent = stage("QUOTE_STATUS", "SENT")
    document = services.move_to_stage(user=admin, item=quote(admin), stage=sent)
    moved = dictionary_services.entry_delete(
        user=admin, entry=sent, replacement=stage("QUOTE_STATUS", "APOLOGY")
    )
    document.refresh_from_db()
    assert moved == 1 and document.stage.code == "APOLOGY" and document.closed


def test_an_employees_quotes_and_invoices_are_handed_over(admin):
    from people.services import items_hand_over
    from tests.conftest import sales_user

    bob, eve = sales_user(), sales_user()
    document = quote(admin, responsible=bob)
    invoice = services.invoice_from_quote(user=admin, quote=document, responsible=bob)
    moved = items_hand_over(user=admin, employee=bob, to=eve)
    assert (moved["quote"], moved["invoice"]) == (1, 1)
    assert Quote.objects.get(pk=document.pk).responsible == eve
    assert Invoice.objects.get(pk=invoice.pk).responsible == eve
