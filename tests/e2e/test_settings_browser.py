"""In Chromium: rename a company type and drag a deal stage, then reload and see both kept."""

import pytest
from playwright.sync_api import expect

from dictionaries.models import Entry, Pipeline

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_rename_a_company_type_and_drag_a_deal_stage(signed_in_page, live_server):
    page = signed_in_page
    page.goto(f"{live_server.url}/settings/dictionaries/COMPANY_TYPE/")
    name = page.get_by_label("Name of CUSTOMER")
    expect(name).to_have_value("Client")
    with page.expect_response(lambda r: "/update/" in r.url and r.status == 200):
        name.fill("Key account")
        name.press("Tab")  # leaving the field sends the change
    expect(
        page.locator('li[data-code="CUSTOMER"]').get_by_role("button", name="Reset")
    ).to_be_visible()

    pipeline = Pipeline.objects.get(is_default=True)
    page.goto(f"{live_server.url}/settings/pipelines/{pipeline.pk}/")
    stages = page.locator('#entries ul[data-group="process"] > li')
    expect(stages.first).to_have_attribute("data-code", "NEW")
    with page.expect_response(lambda r: "/reorder/" in r.url and r.status == 200):
        page.locator('li[data-code="EXECUTING"] .handle').drag_to(
            page.locator('li[data-code="PREPARATION"]'), target_position={"x": 40, "y": 4}
        )

    page.reload()
    expect(stages).to_have_count(5)
    codes = [stages.nth(i).get_attribute("data-code") for i in range(5)]
    assert codes == ["NEW", "EXECUTING", "PREPARATION", "PREPAYMENT_INVOICE", "FINAL_INVOICE"]
    page.goto(f"{live_server.url}/settings/dictionaries/COMPANY_TYPE/")
    expect(page.get_by_label("Name of CUSTOMER")).to_have_value("Key account")
    assert Entry.objects.get(list_code="COMPANY_TYPE", code="CUSTOMER").name == "Key account"


def test_deleting_a_stage_redraws_what_may_still_be_deleted(signed_in_page, live_server):
    page = signed_in_page
    page.goto(f"{live_server.url}/settings/dictionaries/QUOTE_STATUS/")
    Entry.objects.filter(list_code="QUOTE_STATUS").update(is_system=False)
    page.reload()
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator('li[data-code="APOLOGY"]').get_by_role("button", name="Delete").click()
    expect(page.locator('li[data-code="APOLOGY"]')).to_have_count(0)
    # The last failure stage has no delete button any more: the rules are drawn in the page.
    expect(
        page.locator('li[data-code="DECLAINED"]').get_by_role("button", name="Delete")
    ).to_have_count(0)
