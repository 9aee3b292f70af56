"""In Chromium: from the company list's menu, upload a Russian CSV, check the columns mapped
from its headers, start the import, watch the progress bar reach the end, read the result and
download the rejected rows."""

import pytest
from playwright.sync_api import expect

from companies.models import Company

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Название компании;Тип компании;Рабочий телефон;Рабочий e-mail\n"
    'ООО "Ромашка";Client;+7 (812) 848-65-20;info@romashka.ru\n'
    "ЗАО «Вектор»;SUPPLIER;+33 1 42 14 20 00;contact@vektor.ru\n"
    "Опечатка;Clientt;;\n"
)


def test_import_wizard_from_upload_to_result(signed_in_page, live_server, tmp_path):
    page = signed_in_page
    source = tmp_path / "companies.csv"
    source.write_bytes(TEXT.encode("cp1251"))  # an older Russian install's export: no BOM
    page.goto(f"{live_server.url}/companies/")
    page.get_by_role("link", name="Import companies").click()
    page.get_by_label("File (CSV, XLSX or Bitrix24's Excel export)").set_input_files(str(source))
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_text("windows-1251", exact=False)).to_be_visible()
    expect(page.get_by_label("Название компании")).to_have_value("name")
    expect(page.get_by_label("Рабочий телефон")).to_have_value("phones")
    expect(page.get_by_text('ООО "Ромашка"')).to_be_visible()  # the preview, decoded
    page.get_by_role("button", name="Start the import").click()

    progress = page.locator("#import-status progress")
    expect(progress).to_have_attribute("value", "3")
    expect(progress).to_have_attribute("max", "3")
    expect(page.locator('#import-status [data-count="created"]')).to_have_text("2")
    expect(page.locator('#import-status [data-count="failed"]')).to_have_text("1")
    assert set(Company.objects.values_list("name", flat=True)) == {
        'ООО "Ромашка"', "ЗАО «Вектор»",
    }  # fmt: skip
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the rejected rows").click()
    rejected = download.value.path().read_bytes().decode("utf-8-sig")
    assert "Опечатка" in rejected and "Clientt" in rejected
