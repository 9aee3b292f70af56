"""In Chromium: French requisites added on a company card in place; an invalid SIRET is refused
next to its field with nothing saved, the corrected one is saved, shown, kept after a reload,
then deleted after a confirmation."""

import pytest
from playwright.sync_api import expect

from companies.services import company_create
from requisites.defaults import install_presets
from requisites.models import Preset, PresetField, Requisite
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def presets(live_server_db):
    """The shipped presets; an earlier transactional test may have emptied the table."""
    if not Preset.objects.exists():
        install_presets(Preset, PresetField)


def test_add_french_requisites_on_a_company_card(presets, signed_in_page, live_server):
    page = signed_in_page
    owner = UserFactory(is_superuser=True)
    company = company_create(user=owner, name="Boulangerie Martin")
    page.goto(f"{live_server.url}/companies/{company.pk}/")
    section = page.locator("#requisites")
    expect(section).to_contain_text("No requisites yet.")

    section.get_by_role("link", name="Add requisites").click()
    section.get_by_label("Preset").select_option(label="Société (France)")
    section.get_by_role("button", name="Continue").click()
    section.get_by_label("Raison sociale").fill("Boulangerie Martin SARL")
    section.get_by_label("SIREN").fill("732 829 320")
    section.get_by_label("SIRET").fill("73282932000075")
    section.get_by_label("City").fill("Lyon")
    section.locator('input[name="accounts-0-iban"]').fill("FR14 2004 1010 0505 0001 3M02 606")
    section.get_by_role("button", name="Save").click()

    siret = section.locator(".field", has=page.get_by_label("SIRET"))
    expect(siret.locator(".field-error")).to_contain_text("SIRET “73282932000075” is not valid")
    expect(section.get_by_label("SIRET")).to_be_focused()
    expect(section.get_by_label("Raison sociale")).to_have_value("Boulangerie Martin SARL")
    assert not Requisite.objects.exists()

    section.get_by_label("SIRET").fill("73282932000074")
    section.get_by_role("button", name="Save").click()
    expect(section.get_by_role("status")).to_contain_text("Requisites saved.")
    expect(section.locator(".field-error")).to_have_count(0)
    requisite = Requisite.objects.get(company=company)
    assert requisite.values["siret"] == "73282932000074"
    assert requisite.tax_id == "732829320"

    page.reload()
    card = page.locator(f"#requisite-{requisite.pk}")
    expect(card).to_contain_text("Société (France)")
    expect(card).to_contain_text("default")
    expect(card.locator("dt", has_text="SIRET").locator("+ dd")).to_have_text("73282932000074")
    expect(card.locator("dt", has_text="SIREN").locator("+ dd")).to_have_text("732829320")
    expect(card).to_contain_text("FR1420041010050500013M02606")
    expect(card).to_contain_text("Lyon")

    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="Delete").click()
    expect(section).to_contain_text("No requisites yet.")
    assert not Requisite.objects.exists()
