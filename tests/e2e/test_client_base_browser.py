"""In Chromium: a company with two phones, a new contact linked to it, both dependencies tabs,
the history, and finding the company again by a fragment of its phone number."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_company_contact_link_history_and_phone_search(signed_in_page, live_server):
    page = signed_in_page
    page.goto(f"{live_server.url}/companies/add/")
    page.get_by_label("Name").fill("Nordwind Logistik")
    page.get_by_label("Company type").select_option(label="Client")
    page.get_by_label("phones 1", exact=True).fill("+49 30 901820")
    page.get_by_label("phones 2", exact=True).fill("+49 89 1234 5678")
    page.locator('select[name="phones-1-kind"]').select_option("mobile")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Nordwind Logistik")).to_be_visible()
    expect(page.get_by_text("+49 30 901820")).to_be_visible()
    expect(page.get_by_text("+49 89 1234 5678")).to_be_visible()

    page.get_by_role("link", name="Dependencies").click()
    page.get_by_role("link", name="New contact for this company").click()
    page.get_by_label("First name").fill("Greta")
    page.get_by_label("Last name").fill("Baum")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Greta Baum")).to_be_visible()

    page.get_by_role("link", name="Dependencies").click()
    expect(page.get_by_role("link", name="Nordwind Logistik")).to_be_visible()
    page.get_by_role("link", name="Nordwind Logistik").click()
    page.get_by_role("link", name="Dependencies").click()
    expect(page.get_by_role("link", name="Greta Baum")).to_be_visible()

    page.get_by_role("link", name="History").click()
    events = page.locator(".timeline .event")
    expect(events).to_have_count(2)
    expect(events.nth(0)).to_contain_text("Linked")
    expect(events.nth(0)).to_contain_text("Greta Baum")
    expect(events.nth(1)).to_contain_text("Created")

    page.goto(f"{live_server.url}/companies/")
    page.get_by_label("Search").fill("1234 56")
    with page.expect_response(lambda r: "/companies/?" in r.url and r.status == 200):
        page.get_by_role("button", name="Search").click()
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Nordwind Logistik")
    page.get_by_label("Search").fill("999 999 999")
    with page.expect_response(lambda r: "/companies/?" in r.url and r.status == 200):
        page.get_by_role("button", name="Search").click()
    expect(page.locator("#results tbody")).to_contain_text("Nothing found")
