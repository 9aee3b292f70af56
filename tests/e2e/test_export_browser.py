"""In Chromium: from the company list, filtered, the Export menu downloads the filtered
companies as a CSV file with the list's columns, and the export is listed at /exports/."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from companies.services import company_create
from tests.importexport.helpers import csv_rows, xlsx_rows

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_export_the_filtered_company_list_from_its_menu(signed_in_page, live_server, tmp_path):
    """Bad input: a name that would run as a formula in a spreadsheet."""
    page = signed_in_page
    admin = get_user_model().objects.get(is_superuser=True)
    company_create(user=admin, name="Acme «Север»", phones=[{"value": "+1 202 555 0143"}])
    company_create(user=admin, name='=HYPERLINK("http://evil") Acme')
    company_create(user=admin, name="Globex")  # the filter leaves it out

    page.goto(f"{live_server.url}/companies/?q=acme")
    menu = page.locator("details.export-menu")
    menu.locator("summary").click()
    menu.get_by_label("CSV delimiter").select_option(",")
    with page.expect_download() as download_info:
        menu.get_by_role("button", name="Export").click()
    download = download_info.value
    assert download.suggested_filename.startswith("companies-")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    header, *rows = csv_rows(path.read_bytes(), ",")
    assert header[:4] == ["Name", "Company type", "Industry", "Phones"]
    assert sorted(row[0] for row in rows) == ['\'=HYPERLINK("http://evil") Acme', "Acme «Север»"]

    # The same filter as Excel, from the export page with its columns.
    page.goto(f"{live_server.url}/companies/?q=acme")
    menu.locator("summary").click()
    menu.get_by_role("link", name="Choose the columns…").click()
    page.get_by_label("Excel (XLSX)").check()
    page.get_by_label("Where Industry goes").select_option("hidden")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export").click()
    xlsx = tmp_path / "export.xlsx"
    download_info.value.save_as(xlsx)
    sheet = xlsx_rows(xlsx.read_bytes())
    assert "Industry" not in sheet[0] and sheet[0][:2] == ["Name", "Company type"]
    assert sorted(row[0] for row in sheet[1:]) == ["=HYPERLINK(\"http://evil\") Acme",
                                                   "Acme «Север»"]  # fmt: skip

    page.goto(f"{live_server.url}/exports/")
    expect(page.locator("table.exports tbody tr")).to_have_count(2)
    expect(page.locator("table.exports")).to_contain_text("q = acme")
