"""In Chromium: a quote made from a deal, given a second line in the line editor, dragged to
"Accepted" on the quote kanban (closed), an invoice made from it, and the invoice's PDF
downloaded with the client's name and the total in it."""

import io
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from companies import services as client_services
from deals import services as deal_services
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_quote_from_a_deal_to_an_invoice_pdf(signed_in_page, live_server, pdf_rendering):
    page = signed_in_page
    owner = UserFactory(is_superuser=True)
    company = client_services.company_create(user=owner, name="Nordwind Logistik")
    deal = deal_services.deal_create(user=owner, title="Forty trucks", company=company,
                                     amount=Decimal("1000.00"), currency="EUR",
                                     responsible=owner)  # fmt: skip

    page.goto(f"{live_server.url}/deals/{deal.pk}/?tab=dependencies")
    page.get_by_role("button", name="New quote from this deal").click()
    expect(page.get_by_role("heading", name="Forty trucks")).to_be_visible()
    page.get_by_role("link", name="Edit").click()
    products = page.get_by_label("Product")
    expect(products.first).to_have_value("Forty trucks")
    page.get_by_role("button", name="Add a line").click()
    row = page.locator("[data-line]").last
    row.get_by_label("Product").fill("Delivery")
    row.get_by_label("Quantity").fill("2")
    row.get_by_label("Price").fill("150")
    row.get_by_label("Tax, %").fill("20")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".document-total")).to_have_text("1,360.00 EUR")  # 1000 + 300 * 1.2

    page.set_viewport_size({"width": 2000, "height": 900})
    page.goto(f"{live_server.url}/quotes/")
    card = page.locator(".kanban-card", has_text="Forty trucks")
    accepted = page.locator('.column[data-stage="APPROVED"]')
    with page.expect_response(lambda r: "/move/" in r.url and r.status == 200):
        card.drag_to(accepted.locator("[data-drop]"))
    expect(accepted.locator("[data-count]")).to_have_text("1")

    accepted.get_by_role("link", name="Forty trucks").click()
    expect(page.get_by_text("closed", exact=True)).to_be_visible()
    page.get_by_role("button", name="Make an invoice").click()
    expect(page.get_by_text("Invoice", exact=True).first).to_be_visible()
    expect(page.locator(".document-total")).to_have_text("1,360.00 EUR")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = " ".join(one.extract_text() for one in pdf.pages)
    assert "Nordwind Logistik" in text and "1,360.00" in text and "Delivery" in text
