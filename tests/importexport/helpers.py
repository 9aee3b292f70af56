"""What the export tests share: reading an exported file back as a spreadsheet would."""

import codecs
import csv
import io

import openpyxl


def csv_rows(content: bytes, delimiter: str = ";") -> list[list[str]]:
    """The rows of an exported CSV, which must start with UTF-8's BOM."""
    assert content.startswith(codecs.BOM_UTF8), content[:10]
    text = content[len(codecs.BOM_UTF8) :].decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def xlsx_cells(content: bytes) -> list[list]:
    """The cells of an exported XLSX's sheet as openpyxl loads them (as LibreOffice would
    open the file): ``(value, data_type)`` of every cell of every row."""
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]


def xlsx_rows(content: bytes) -> list[list[str]]:
    return [[value or "" for value, _kind in row] for row in xlsx_cells(content)]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content
