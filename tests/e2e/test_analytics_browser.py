"""In Chromium: the deal funnel drawn by Chart.js beside its table; changing the period and
the pipeline; the numbers on hover; the picture downloaded as a PNG."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from deals import services
from dictionaries import services as dictionary_services
from dictionaries.models import Entry
from tests.conftest import ROOT, require
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_funnel_chart_its_table_hover_and_picture(signed_in_page, live_server):
    require((ROOT / "node_modules/chart.js/dist/chart.umd.min.js").exists(),
            "Chart.js is not installed (make install runs npm ci)")  # fmt: skip
    author = UserFactory(is_superuser=True)
    projects = dictionary_services.pipeline_create(user=author, name="Projects")
    for amount in ("100", "250"):
        deal = services.deal_create(user=author, title="Boiler", amount=Decimal(amount),
                                    currency="USD")  # fmt: skip
        services.move_deal_to_stage(
            user=author, deal=deal, stage=Entry.objects.get(list_code="DEAL_STAGE", code="WON")
        )
    services.deal_create(user=author, title="Site", pipeline=projects)
    page = signed_in_page
    page.goto(f"{live_server.url}/analytics/")
    page.get_by_role("link", name="Deal funnel").first.click()
    expect(page.locator("#report-chart[data-drawn=true]")).to_have_count(1)
    table = page.locator(".report-table tbody")
    expect(table.locator("tr").first).to_contain_text("New")
    expect(table.locator("tr").first).to_contain_text("350.00 USD")

    page.get_by_label("Period").select_option(label="This year")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_label("Period")).to_have_value("year")
    page.get_by_label("Pipeline").select_option(label="Projects")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Deal funnel: Projects")).to_be_visible()
    expect(table.locator("tr").first).to_contain_text("1")

    box = page.locator("#report-chart").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.1)
    active = "Chart.getChart('report-chart').tooltip.getActiveElements().length"
    page.wait_for_function(f"{active} > 0")

    with page.expect_download() as download:
        page.get_by_role("link", name="picture (PNG)").click()
    assert download.value.suggested_filename.endswith(".png")
    with open(download.value.path(), "rb") as picture:
        assert picture.read(8) == b"\x89PNG\r\n\x1a\n"
