"""In Chromium: a call list made from a filtered company list, worked through two calls, the
results in the list's progress and in a client's history."""

import pytest
from playwright.sync_api import expect

from companies import services as client_services
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_make_a_call_list_from_a_filter_and_work_through_two_calls(signed_in_page, live_server):
    page = signed_in_page
    admin = UserFactory(is_superuser=True)
    for name in ("Nordwind", "Südwind", "Acme"):
        client_services.company_create(
            user=admin, name=name, phones=[{"value": "+49 30 901820", "kind": "work"}]
        )
    page.goto(f"{live_server.url}/companies/?q=wind")
    expect(page.locator("#results")).not_to_contain_text("Acme")
    page.get_by_label("All items of this filter").check()
    page.get_by_role("button", name="Create call list").click()
    expect(page.get_by_text("2 chosen items")).to_be_visible()
    page.get_by_label("Name").fill("Spring reminder")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Spring reminder")).to_be_visible()
    expect(page.get_by_text("0 called, 2 left")).to_be_visible()

    page.get_by_role("link", name="Work through").click()
    first = page.get_by_role("heading", level=1).inner_text()
    page.get_by_label("Success").check()
    page.get_by_label("Comment").fill("Will order in March")
    page.get_by_role("button", name="Save and next").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text(first)
    page.get_by_label("Do not call").check()
    page.get_by_role("button", name="Save and next").click()
    expect(page.get_by_text("Every client of this list has been called.")).to_be_visible()
    expect(page.get_by_text("2 called, 0 left")).to_be_visible()
    expect(page.get_by_text("Do not call", exact=True).first).to_be_visible()

    page.get_by_role("link", name=first).click()
    page.get_by_role("link", name="History").click()
    expect(page.locator(".timeline:not(.planned)")).to_contain_text(
        "Call list “Spring reminder”: Success. Will order in March"
    )
