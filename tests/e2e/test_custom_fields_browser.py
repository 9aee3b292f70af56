"""In Chromium: an admin adds a list field to companies, drags it into a new card section,
hides another field, fills it on a company, filters the list by it and shows it as a column."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from companies.models import Company
from companies.services import company_create
from crm.models import ListColumns
from dictionaries.models import CardLayout, CustomField

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_custom_list_field_on_card_filter_and_column(signed_in_page, live_server):
    page = signed_in_page
    admin = get_user_model().objects.get(is_superuser=True)
    company_create(user=admin, name="Other client")  # the filter must leave it out

    # 1. A list field with two options.
    page.goto(f"{live_server.url}/settings/fields/company/")
    page.get_by_label("Label").fill("Tier")
    page.get_by_label("Kind").select_option("list")
    page.get_by_label("Options, one per line").fill("Gold\nSilver")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("link", name="Tier")).to_be_visible()
    field = CustomField.objects.get(entity="company", label="Tier")
    gold = next(o["id"] for o in field.options if o["label"] == "Gold")

    # 2. The card: a new section, the field dragged into it, the industry hidden.
    page.set_viewport_size({"width": 1280, "height": 1800})  # the drag's two ends in view
    page.goto(f"{live_server.url}/settings/cards/company/")
    page.get_by_label("New section").fill("Segmentation")
    new_section = page.locator("fieldset", has=page.get_by_label("New section")).locator(
        "[data-arrange-list]"
    )
    tier_row = page.locator(f'li[data-code="{field.code}"]')
    tier_row.locator(".arrange-label").drag_to(new_section)
    expect(new_section.locator(f'li[data-code="{field.code}"]')).to_have_count(1)
    page.get_by_label("Section of industry").select_option(label="Hidden from the card")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    arranged = CardLayout.objects.get(entity="company")
    assert arranged.sections[-1] == {"name": "Segmentation", "fields": [field.code]}
    assert "industry" in arranged.hidden

    # 3. The card and the form follow it; the value is filled on the form.
    page.goto(f"{live_server.url}/companies/add/")
    expect(page.get_by_label("Industry")).to_have_count(0)
    page.get_by_label("Name").fill("Nordwind Logistik")
    page.get_by_label("Tier").select_option(label="Gold")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Nordwind Logistik")).to_be_visible()
    section = page.locator("section.panel", has=page.get_by_role("heading", name="Segmentation"))
    expect(section.locator("dt").first).to_have_text("Tier")
    expect(section.locator("dd").first).to_have_text("Gold")
    expect(page.locator("dt", has_text="Industry")).to_have_count(0)
    assert Company.objects.get(name="Nordwind Logistik").custom == {field.code: gold}

    # 4. The list filtered by it.
    page.goto(f"{live_server.url}/companies/")
    page.get_by_text("Filters", exact=True).click()
    page.locator(f'select[name="{field.code}"]').select_option(label="Gold")
    with page.expect_response(lambda r: "/companies/" in r.url and r.status == 200):
        page.get_by_role("button", name="Search").click()
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Nordwind Logistik")

    # 5. ... and shown as a column: chosen with the keyboard (it joins the shown columns at
    # their end), then dragged to the front.
    page.get_by_text("Columns", exact=True).click()
    shown = page.locator('fieldset[data-arrange-group="shown"] [data-arrange-list]')
    page.get_by_label("Where Tier goes").select_option(label="Shown columns")
    tier_column = shown.locator(f'li:has(select[name="place-{field.code}"])')
    expect(tier_column).to_have_count(1)
    tier_column.locator(".arrange-label").drag_to(
        shown.locator("li").first, target_position={"x": 20, "y": 2}
    )
    expect(shown.locator("li").first.locator(".arrange-label")).to_have_text("Tier")
    page.locator(".columns-chooser").get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Columns saved.")).to_be_visible()
    header = page.locator("#results thead th")
    expect(header.nth(2)).to_have_text("Tier")  # after the tick box and the name
    expect(page.locator("#results tbody tr").first.locator("td").nth(2)).to_have_text("Gold")
    chosen = ListColumns.objects.get(entity="company").columns
    assert chosen[0] == field.code

    # Reset brings the default columns back.
    page.get_by_text("Columns", exact=True).click()
    page.get_by_role("button", name="Reset to the default columns").click()
    expect(page.locator(f'#results th[data-column="{field.code}"]')).to_have_count(0)
    assert not ListColumns.objects.filter(entity="company").exists()
