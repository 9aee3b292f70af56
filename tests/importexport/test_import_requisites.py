"""Companies imported "with mentions" (seed 000): Bitrix24's requisite columns
(``Реквизит: ИНН``...), each further requisite on a line of its own whose company columns are
empty, checked by the presets; the tax id as a duplicate signal."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from companies import services as client_services
from companies.models import Company
from importexport import imports
from importexport.models import RowOutcome
from requisites.models import Preset, Requisite
from requisites.services import requisite_create
from timeline.models import Event, EventKind

from .test_imports import csv_file, importing  # noqa: F401 (fixture)
from .test_readers import bitrix24_html

pytestmark = pytest.mark.django_db

# Bitrix24's layout: ";"-separated, fully quoted, a trailing ";" on every line.
HEADER = (
    '"Название компании";"Рабочий телефон";"Реквизит: Шаблон";"Реквизит: Полное наименование";'
    '"Реквизит: ИНН";"Реквизит (Россия): КПП";\n'
)


def line(*cells) -> str:
    return ";".join('"' + cell.replace('"', '""') + '"' for cell in cells) + ";\n"


def test_headers_map_to_the_requisite_fields(admin):
    upload = csv_file(HEADER + line("Сбер", "", "", "", "", ""))
    draft = imports.import_upload(user=admin, entity="company", name="c.csv", file=upload)
    assert list(draft.mapping.values()) == [
        "name", "phones", "requisite.preset", "requisite.full_name", "requisite.inn",
        "requisite.kpp",
    ]  # the trailing empty column is no column  # fmt: skip


def test_each_company_gets_its_requisites_with_the_continuation_lines(admin, importing):  # noqa: F811
    text = HEADER + (
        line("Сбербанк", "+7 495 500-55-50", "Организация (Россия)", 'ПАО "Сбербанк"',
             "7707083893", "773601001")
        + line("", "", "ИП (Россия)", "Иванов Иван", "500100732259", "")  # continues Сбербанк
        + line("Яндекс", "", "", "ООО «Яндекс»", "7736207543", "")  # preset found by fields
    )  # fmt: skip
    done = importing(admin, text)
    assert (done.status, done.created, done.failed) == ("done", 2, 0)
    sber = Company.objects.get(name="Сбербанк")
    requisites = list(sber.requisites.order_by("pk").select_related("preset"))
    assert [(r.preset.name, r.tax_id, r.is_default) for r in requisites] == [
        ("Организация (Россия)", "7707083893", True), ("ИП (Россия)", "500100732259", False),
    ]  # fmt: skip
    assert requisites[0].values["kpp"] == "773601001"
    yandex = Company.objects.get(name="Яндекс").requisites.get()
    assert (yandex.preset.name, yandex.name) == ("Организация (Россия)", "Организация (Россия)")
    assert done.rows.count() == 2  # one row a company, its continuation inside it


def test_a_bad_requisite_rejects_its_row_with_the_line_and_keeps_it_for_the_file(admin, importing):  # noqa: F811
    """Bad input: an INN whose check digits are wrong on a continuation line; the company is
    not written, the rejected rows' file gives the row and its continuation line."""
    text = HEADER + (
        line("Сбербанк", "", "", 'ПАО "Сбербанк"', "7707083893", "")
        + line("", "", "", "Иванов Иван", "500100732250", "")
        + line("Яндекс", "", "", "ООО «Яндекс»", "7736207543", "")
    )
    done = importing(admin, text)
    assert (done.created, done.failed) == (1, 1)
    assert not Company.objects.filter(name="Сбербанк").exists()
    reason = done.rows.get(outcome=RowOutcome.FAILED).reason
    assert reason.startswith("Requisites on line 3: inn")
    _headers, rows = imports.rejected_rows(done)
    assert [row[0] for row in rows] == ["Сбербанк", ""]


def test_the_tax_id_finds_the_duplicate_and_merge_adds_what_it_lacks(admin, importing):  # noqa: F811
    sber = client_services.company_create(user=admin, name="ПАО Сбербанк")
    preset = Preset.objects.get(name="Организация (Россия)")
    requisite_create(user=admin, owner=sber, preset=preset,
                     values={"full_name": 'ПАО "Сбербанк"', "inn": "7707083893"})  # fmt: skip
    text = HEADER + (
        line("Sberbank", "+7 495 500-55-50", "", 'ПАО "Сбербанк"', "7707083893", "")
        + line("", "", "", "Иванов Иван", "500100732259", "")
    )
    done = importing(admin, text, duplicates="merge", match_by=["tax_id"])
    assert (done.created, done.updated) == (0, 1)
    assert done.rows.get().item_id == sber.pk
    assert set(Requisite.objects.filter(company=sber).values_list("tax_id", flat=True)) == {
        "7707083893", "500100732259",
    }  # fmt: skip
    events = Event.objects.of_item(sber).filter(kind=EventKind.UPDATED, door="import")
    assert sorted(c["field"] for e in events for c in e.changes) == ["phones", "requisites"]


def test_bitrix24_excel_export_with_details_imports_the_same(
    admin, django_capture_on_commit_callbacks
):
    """Bitrix24's "Excel" export (an HTML table saved as .xls) with the same requisite columns
    and a continuation line: one company, two requisites."""
    rows = [
        ["Название компании", "Реквизит: Шаблон", "Реквизит: Полное наименование", "Реквизит: ИНН"],
        ["Сбербанк & Co", "Организация (Россия)", 'ПАО "Сбербанк"', "7707083893"],
        ["", "ИП (Россия)", "Иванов Иван", "500100732259"],
    ]
    upload = SimpleUploadedFile("companies.xls", bitrix24_html(rows))
    draft = imports.import_upload(user=admin, entity="company", file=upload, name="companies.xls")
    assert draft.file_format == "html"
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_start(user=admin, import_job=draft)
    company = Company.objects.get(name="Сбербанк & Co")
    assert sorted(company.requisites.values_list("tax_id", flat=True)) == [
        "500100732259", "7707083893",
    ]  # fmt: skip
