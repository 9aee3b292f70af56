"""In Chromium: the top bar's language switch turns the kanban and a company card into Russian or
French, and the choice stays on the next pages (it is saved on the profile)."""

import pytest
from playwright.sync_api import expect

from companies import services as client_services
from deals import services as deal_services
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAME = {"ru": "Русский", "fr": "Français"}
# Words of the kanban (the list view's button, the nav) and of a card (the nav, its tab).
WORDS = {
    "ru": {"list": "Список", "deals": "Сделки", "companies": "Компании", "history": "История"},
    "fr": {"list": "Liste", "deals": "Transactions", "companies": "Entreprises",
           "history": "Historique"},
}  # fmt: skip


@pytest.mark.parametrize("language", ["ru", "fr"])
def test_switch_the_language_on_the_kanban_and_a_card(signed_in_page, live_server, language):
    page = signed_in_page
    owner = UserFactory(is_superuser=True)
    company = client_services.company_create(user=owner, name="Nordwind Logistik")
    deal_services.deal_create(user=owner, title="Forty trucks", company=company)

    page.goto(f"{live_server.url}/deals/")
    expect(page.get_by_role("link", name="List", exact=True)).to_be_visible()
    page.get_by_label("Language").select_option(NAME[language])  # posts on change
    page.wait_for_function(f"document.documentElement.lang === '{language}'")
    words = WORDS[language]
    expect(page).to_have_url(f"{live_server.url}/deals/")
    expect(page.get_by_role("link", name=words["list"], exact=True)).to_be_visible()
    expect(page.locator(".mainnav")).to_contain_text(words["deals"])
    expect(page.locator(".kanban-card", has_text="Forty trucks")).to_be_visible()

    page.goto(f"{live_server.url}/companies/{company.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", name="Nordwind Logistik")).to_be_visible()
    expect(page.locator(".mainnav")).to_contain_text(words["companies"])
    expect(page.locator("body")).to_contain_text(words["history"])
    # the switch shows the language chosen, under its label in that language
    label = {"ru": "Язык", "fr": "Langue"}[language]
    expect(page.get_by_label(label)).to_have_value(language)
