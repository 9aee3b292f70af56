"""Quote and invoice pages: list, kanban, card, form with lines, conversions, print and PDF."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from companies import services as client_services
from dictionaries.models import Entry
from quotes import documents, services
from quotes.models import Invoice, Quote
from requisites import services as requisite_services

from ..requisites import helpers as requisite_helpers
from .helpers import company, deal, line, quote

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(page.extract_text() for page in reader.pages)


def test_list_kanban_and_card(admin_client, admin):
    document = quote(admin, title="Offer to Nordwind", company=company(admin))
    for url in (reverse("quotes:quote_list"), reverse("quotes:quote_kanban")):
        response = admin_client.get(url)
        assert response.status_code == 200 and "Offer to Nordwind" in response.text
    for tab in ("details", "history", "dependencies"):
        response = admin_client.get(f"{document.get_absolute_url()}?tab={tab}")
        assert response.status_code == 200, tab
    assert "Consulting" in admin_client.get(document.get_absolute_url()).text
    assert admin_client.get(reverse("quotes:invoice_kanban")).status_code == 200
    assert admin_client.get(reverse("quotes:invoice_list")).status_code == 200


def test_the_form_saves_the_posted_lines(admin_client, admin):
    response = admin_client.post(reverse("quotes:quote_add"), {
        "title": "Two lines", "currency": "EUR", "responsible": admin.pk, "opened": "on",
        "stage": Entry.objects.get(list_code="QUOTE_STATUS", code="DRAFT").pk,
        "language": "en",
        "line_product_name": ["Chairs", "Tables", ""],
        "line_quantity": ["4", "1", "1"], "line_unit": ["pcs", "pcs", ""],
        "line_price": ["25.00", "300", ""], "line_discount_percent": ["", "10", ""],
        "line_tax_percent": ["20", "20", ""],
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    document = Quote.objects.get(title="Two lines")
    assert [one.product_name for one in document.lines.all()] == ["Chairs", "Tables"]
    assert document.amount == Decimal("444.00")  # (100 + 270) * 1.2


def test_a_bad_line_comes_back_with_the_reason(admin_client, admin):
    """Bad input: a negative quantity typed in the line editor."""
    response = admin_client.post(reverse("quotes:quote_add"), {
        "title": "Bad", "currency": "EUR", "responsible": admin.pk, "language": "en",
        "stage": Entry.objects.get(list_code="QUOTE_STATUS", code="DRAFT").pk,
        "line_product_name": ["Chairs"], "line_quantity": ["-4"], "line_price": ["25"],
    })  # fmt: skip
    assert response.status_code == 200
    assert "Line 1" in response.text and not Quote.objects.exists()


def test_a_quote_and_an_invoice_from_a_deal_card(admin_client, admin):
    sale = deal(admin, amount=Decimal("990.00"), currency="RUB")
    response = admin_client.post(reverse("quotes:quote_from_deal", args=[sale.pk]))
    document = Quote.objects.get(deal=sale)
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    admin_client.post(reverse("quotes:invoice_from_quote", args=[document.pk]))
    invoice = Invoice.objects.get(quote=document)
    assert invoice.amount == Decimal("990.00")
    page = admin_client.get(f"{sale.get_absolute_url()}?tab=dependencies").text
    assert document.get_absolute_url() in page and invoice.get_absolute_url() in page


def test_a_companys_dependencies_list_its_quotes_and_invoices(admin_client, admin):
    client = company(admin)
    document = quote(admin, company=client)
    invoice = services.invoice_from_quote(user=admin, quote=document)
    page = admin_client.get(f"{client.get_absolute_url()}?tab=dependencies").text
    assert document.get_absolute_url() in page and invoice.get_absolute_url() in page


def test_moving_on_the_kanban(admin_client, admin):
    document = quote(admin)
    response = admin_client.post(
        reverse("quotes:quote_move", args=[document.pk]), {"stage": "APPROVED"},
        headers={"accept": "application/json"},
    )  # fmt: skip
    assert response.json()["closed"] is True
    response = admin_client.post(
        reverse("quotes:quote_move", args=[document.pk]), {"stage": "P"},
        headers={"accept": "application/json"},
    )  # fmt: skip
    assert response.status_code == 400  # an invoice stage's code


def test_the_pdf_names_the_client_and_the_total_in_cyrillic(admin_client, admin, pdf_rendering):
    client = company(admin, name="ООО «Ромашка»")
    requisite_services.requisite_create(
        user=admin, owner=client, preset=requisite_helpers.preset("Организация"),
        name="Реквизиты", values={"full_name": "ООО Ромашка", "inn": requisite_helpers.INN_10},
    )  # fmt: skip
    contact = client_services.contact_create(
        user=admin, first_name="Иван", last_name="Петров", responsible=admin,
        honorific=Entry.objects.get(list_code="HONORIFIC", code="HNR_EN_1"),
    )  # fmt: skip
    services.seller_update(user=admin, name="ООО «Продавец»", details="ИНН 7707083893")
    document = quote(admin, company=client, contacts=[contact], currency="RUB", language="ru",
                     lines=[line(name="Стулья", quantity="3", price="1234.50")])  # fmt: skip
    text = pdf_text(admin_client.get(reverse("quotes:quote_pdf", args=[document.pk])))
    assert "Ромашка" in text and "Продавец" in text and "Стулья" in text
    assert requisite_helpers.INN_10 in text  # the client's requisites
    assert "3 703,50" in text.replace("\xa0", " ")  # the total, in Russian number format
    assert "Уважаемый господин Петров" in text
    html = admin_client.get(reverse("quotes:quote_print", args=[document.pk])).text
    assert "Уважаемый господин Петров" in html


def test_the_document_is_in_its_own_language(admin_client, admin):
    contact = client_services.contact_create(
        user=admin, first_name="Jean", last_name="Dupont", responsible=admin,
        honorific=Entry.objects.get(list_code="HONORIFIC", code="HNR_EN_1"),
    )  # fmt: skip
    document = quote(admin, contacts=[contact], language="fr")
    html = admin_client.get(reverse("quotes:quote_print", args=[document.pk])).text
    assert "Monsieur Dupont," in html
    assert '<html lang="fr">' in html


def test_yen_are_shown_without_decimals(admin_client, admin):
    document = quote(admin, currency="JPY", lines=[line(quantity="3", price="333.33")])
    page = admin_client.get(document.get_absolute_url()).text
    assert 'class="document-total">1,000 JPY<' in page  # the lines' table and its totals
    printed = admin_client.get(reverse("quotes:quote_print", args=[document.pk])).text
    assert "1,000 JPY" in printed and "1,000.00" not in printed


def test_saving_untouched_lines_changes_no_line(admin_client, admin):
    document = quote(admin, lines=[line(quantity="2", price="10.50", tax="20")])
    stored = list(document.lines.values_list("pk", flat=True))
    form = admin_client.get(reverse("quotes:quote_edit", args=[document.pk])).context["form"]
    data = {name: form.initial.get(name) for name in ("version", "original")}
    response = admin_client.post(reverse("quotes:quote_edit", args=[document.pk]), {
        **data, "title": "Renamed", "currency": "EUR", "responsible": admin.pk,
        "stage": document.stage_id, "language": "en", "opened": "on",
        "number": document.number,
        "line_product_name": ["Consulting"], "line_quantity": ["2"], "line_unit": ["h"],
        "line_price": ["10.50"], "line_discount_percent": ["0"], "line_tax_percent": ["20"],
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    document.refresh_from_db()
    assert document.title == "Renamed"
    assert list(document.lines.values_list("pk", flat=True)) == stored  # not written again


def test_without_pango_the_pdf_is_a_clear_503_not_a_500(admin_client, admin, monkeypatch):
    # Bad environment: a server whose WeasyPrint cannot load Pango.
    monkeypatch.setattr(documents, "pdf_renderer", lambda: None)
    document = quote(admin, title="Offer", company=company(admin))
    response = admin_client.get(reverse("quotes:quote_pdf", args=[document.pk]))
    assert response.status_code == 503
    assert "No PDF on this server" in response.content.decode()
    assert admin_client.get(reverse("quotes:quote_print", args=[document.pk])).status_code == 200
