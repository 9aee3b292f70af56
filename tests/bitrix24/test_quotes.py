"""Quotes and invoices through the Bitrix24-compatible REST (``crm.quote.*``, ``crm.invoice.*``):
their fields in Bitrix24's shapes; the totals follow the lines, so OPPORTUNITY is refused."""

import pytest

from quotes import services
from quotes.models import Quote

from ..quotes.helpers import line, quote
from .test_endpoint import refused
from .test_items import call, result

pytestmark = pytest.mark.django_db


def test_quotes_in_their_bitrix24_shape(client, hook, user):
    _webhook, base = hook
    pk = result(client, base, "crm.quote.add", {"fields": {
        "TITLE": "Offer", "CURRENCY_ID": "EUR", "STATUS_ID": "SENT"}})  # fmt: skip
    got = result(client, base, "crm.quote.get", {"id": pk})
    assert (got["TITLE"], got["STATUS_ID"], got["CURRENCY_ID"]) == ("Offer", "SENT", "EUR")
    listed = result(client, base, "crm.quote.list", {"filter": {"STATUS_ID": "SENT"}})
    assert [row["ID"] for row in listed] == [str(pk)]


def test_a_total_given_through_the_facade_is_refused(client, hook, user):
    """Bad input: OPPORTUNITY, computed from the lines, typed in."""
    _webhook, base = hook
    answer = call(client, base, "crm.quote.add", {"fields": {
        "TITLE": "Offer", "CURRENCY_ID": "EUR", "OPPORTUNITY": "5"}})  # fmt: skip
    body = refused(answer, 400, "ERROR_ARGUMENT")
    assert "OPPORTUNITY" in body["error_description"]
    assert not Quote.objects.exists()


def test_invoices_read_with_their_totals(client, hook, user):
    _webhook, base = hook
    invoice = services.invoice_from_quote(user=user, quote=quote(user, lines=[line(price="9")]))
    got = result(client, base, "crm.invoice.get", {"id": invoice.pk})
    assert (got["STATUS_ID"], got["OPPORTUNITY"]) == ("N", "9.00")
