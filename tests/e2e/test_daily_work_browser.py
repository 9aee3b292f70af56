"""In Chromium, the rough edges of issue 16 that only a browser shows: a phone's width (the
list and the card fit, the menu folds), a kanban card moved by keyboard, the final stages'
drop zones while dragging, and "Save filter" after a search made in place."""

import pytest
from playwright.sync_api import expect

from companies import services as client_services
from deals import services as deal_services
from dictionaries import services as dictionary_services
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def overflows(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_at_a_phones_width_the_list_and_the_card_fit_and_the_menu_folds(
    signed_in_page, live_server
):
    page = signed_in_page
    company = client_services.company_create(
        user=UserFactory(is_superuser=True),
        name="Boulangerie Dupont et Fils, Société à responsabilité limitée",
        emails=[{"value": "contact.commercial.international@boulangerie-dupont.example",
                 "kind": "work"}],
    )  # fmt: skip
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/companies/")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    assert not overflows(page)
    menu.click()
    expect(page.get_by_role("link", name="Contacts")).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "true")

    page.goto(f"{live_server.url}{company.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Boulangerie Dupont")).to_be_visible()
    assert not overflows(page)


def test_a_kanban_card_moves_by_keyboard_at_a_phones_width(signed_in_page, live_server):
    page = signed_in_page
    deal_services.deal_create(user=UserFactory(is_superuser=True), title="Forty trucks")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/deals/")
    assert not overflows(page)  # the board scrolls sideways inside the page
    page.get_by_role("button", name="Move “Forty trucks” to another stage").focus()
    page.keyboard.press("Enter")
    menu = page.get_by_role("menu", name="Move to")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("menuitem").first).to_be_focused()
    # Down to "In progress" (New is where it is, so the menu starts at the second stage).
    while page.evaluate("document.activeElement.textContent") != "In progress":
        page.keyboard.press("ArrowDown")
    with page.expect_response(lambda r: "/move/" in r.url and r.status == 200):
        page.keyboard.press("Enter")
    executing = page.locator('.column[data-stage="EXECUTING"]')
    expect(executing.locator("[data-count]")).to_have_text("1")
    expect(page.locator('.column[data-stage="NEW"] [data-count]')).to_have_text("0")
    page.reload()
    expect(executing.locator(".kanban-card", has_text="Forty trucks")).to_be_attached()


def test_dragging_shows_the_final_stages_in_view_and_marks_a_closed_card(
    signed_in_page, live_server
):
    page = signed_in_page
    deal_services.deal_create(user=UserFactory(is_superuser=True), title="Forty trucks")
    page.set_viewport_size({"width": 1100, "height": 800})  # the final columns off-screen
    page.goto(f"{live_server.url}/deals/")
    zones = page.locator("[data-drop-zones]")
    expect(zones).to_be_hidden()
    lost = page.locator('.column[data-stage="LOSE"]')
    assert not lost.evaluate("c => c.getBoundingClientRect().left < window.innerWidth")
    card = page.locator(".kanban-card", has_text="Forty trucks")
    box = card.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + 40, box["y"] + 60, steps=5)
    expect(zones).to_be_visible()
    zone = page.locator('[data-zone="LOSE"]')
    target = zone.bounding_box()
    with page.expect_response(lambda r: "/move/" in r.url and r.status == 200):
        page.mouse.move(target["x"] + 10, target["y"] + 10, steps=5)
        page.mouse.up()
    expect(zones).to_be_hidden()
    expect(lost.locator("[data-count]")).to_have_text("1")
    page.reload()
    closed = lost.locator(".kanban-card", has_text="Forty trucks")
    expect(closed).to_have_class("kanban-card closed failure")
    expect(closed.locator(".closed-mark")).to_have_text("closed: failure")


def test_save_filter_after_a_search_saves_that_search(signed_in_page, live_server):
    page = signed_in_page
    admin = UserFactory(is_superuser=True)
    client_services.company_create(user=admin, name="Nordwind")
    client_services.company_create(user=admin, name="Acme")
    page.goto(f"{live_server.url}/companies/")
    page.get_by_label("Search", exact=True).fill("Nordwind")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results")).not_to_contain_text("Acme")
    page.get_by_label("Name this filter").fill("North")
    page.get_by_role("button", name="Save filter").click()
    preset = page.get_by_role("link", name="North")
    expect(preset).to_have_attribute("href", "?q=Nordwind&per_page=50")
    page.goto(f"{live_server.url}/companies/")
    page.get_by_role("link", name="North").click()
    expect(page.locator("#results")).to_contain_text("Nordwind")
    expect(page.locator("#results")).not_to_contain_text("Acme")


def test_the_rights_grid_shows_long_pipeline_names_whole(signed_in_page, live_server):
    page = signed_in_page
    dictionary_services.pipeline_create(
        user=UserFactory(is_superuser=True), name="Wholesale partners in Northern Europe"
    )
    page.goto(f"{live_server.url}/settings/rights/")
    row = page.get_by_role("rowheader", name="Deals: Wholesale partners in Northern Europe")
    expect(row).to_be_visible()
    assert row.evaluate("th => th.scrollWidth <= th.clientWidth")


def test_a_reference_list_is_reordered_by_keyboard(signed_in_page, live_server):
    page = signed_in_page
    page.goto(f"{live_server.url}/settings/dictionaries/COMPANY_TYPE/")
    entries = page.locator("#entries ul.sortable > li")
    first, second = (entries.nth(i).get_attribute("data-code") for i in (0, 1))
    name = entries.nth(1).get_by_label(f"Name of {second}").input_value()
    up = page.get_by_role("button", name=f"Move “{name}” up")
    up.focus()
    with page.expect_response(lambda r: "/reorder/" in r.url and r.status == 200):
        page.keyboard.press("Enter")
    expect(entries.first).to_have_attribute("data-code", second)
    expect(page.get_by_role("button", name=f"Move “{name}” down")).to_be_visible()
    page.reload()
    expect(entries.first).to_have_attribute("data-code", second)
    expect(entries.nth(1)).to_have_attribute("data-code", first)
