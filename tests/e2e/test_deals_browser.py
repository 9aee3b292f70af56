"""In Chromium: a deal made with the client picker, dragged on the kanban from its first stage
to the success stage (closed after a reload, the move in its history), and a lead converted
into a contact, a company and a deal that are all linked."""

import pytest
from playwright.sync_api import expect

from companies import services as client_services
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_drag_a_deal_to_the_success_stage(signed_in_page, live_server):
    page = signed_in_page
    client_services.company_create(user=UserFactory(is_superuser=True), name="Nordwind Logistik")
    page.goto(f"{live_server.url}/deals/add/")
    page.get_by_label("Title").fill("Forty trucks")
    page.get_by_label("Amount").fill("125000.50")
    page.get_by_label("Currency").select_option("EUR")
    page.get_by_label("Find a client").first.fill("Nordwind")
    page.get_by_role("button", name="Nordwind Logistik").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Forty trucks")).to_be_visible()
    expect(page.get_by_role("link", name="Nordwind Logistik")).to_be_visible()

    page.set_viewport_size({"width": 2400, "height": 900})  # every column on screen
    page.goto(f"{live_server.url}/deals/")
    card = page.locator(".kanban-card", has_text="Forty trucks")
    new = page.locator('.column[data-stage="NEW"]')
    won = page.locator('.column[data-stage="WON"]')
    expect(new.locator("[data-count]")).to_have_text("1")
    with page.expect_response(lambda r: "/move/" in r.url and r.status == 200):
        card.drag_to(won.locator("[data-drop]"))
    expect(won.locator("[data-count]")).to_have_text("1")
    expect(new.locator("[data-count]")).to_have_text("0")
    expect(won.locator("[data-totals]")).to_contain_text("EUR")

    page.reload()
    expect(won.locator(".kanban-card", has_text="Forty trucks")).to_be_visible()
    expect(new.locator(".kanban-card")).to_have_count(0)
    won.get_by_role("link", name="Forty trucks").click()
    expect(page.get_by_text("closed", exact=True)).to_be_visible()
    page.get_by_role("link", name="History").click()
    move = page.locator(".timeline .event").first
    expect(move).to_contain_text("Stage")
    expect(move).to_contain_text("New")
    expect(move).to_contain_text("Deal won")


def test_convert_a_lead_into_contact_company_and_deal(signed_in_page, live_server):
    page = signed_in_page
    page.goto(f"{live_server.url}/leads/add/")
    page.get_by_label("First name").fill("Greta")
    page.get_by_label("Last name").fill("Baum")
    page.get_by_label("Company name").fill("Baum GmbH")
    page.get_by_label("phones 1", exact=True).fill("+49 30 901820")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Greta Baum")).to_be_visible()

    page.get_by_role("link", name="Convert").click()
    page.get_by_label("Company", exact=True).check()
    page.get_by_role("button", name="Convert").click()
    expect(page.get_by_role("heading", name="Converted into")).to_be_visible()
    rows = page.locator("table.items tr")
    expect(rows.filter(has_text="Contact")).to_contain_text("Greta Baum")
    expect(rows.filter(has_text="Company")).to_contain_text("Baum GmbH")
    expect(rows.filter(has_text="Deal")).to_contain_text("Greta Baum")
    expect(page.locator(".stage-bar .current")).to_have_text("Good lead")

    rows.filter(has_text="Deal").get_by_role("link").click()
    page.get_by_role("link", name="Dependencies").click()
    linked = page.locator("table.items tr")
    expect(linked.filter(has_text="Company")).to_contain_text("Baum GmbH")
    expect(linked.filter(has_text="Contact")).to_contain_text("Greta Baum")
    expect(linked.filter(has_text="Lead")).to_contain_text("Greta Baum")
    linked.filter(has_text="Company").get_by_role("link").click()
    page.get_by_role("link", name="Dependencies").click()
    # The contact, the deal and the lead, all named after Greta Baum.
    expect(page.get_by_role("link", name="Greta Baum")).to_have_count(3)
