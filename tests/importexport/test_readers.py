"""The file readers of imports (importexport/readers.py): every file is made here, from the
formats as documented (Bitrix24's in ../shared/bitrix24/columns.md), good ones read back as
they were written and bad ones refused with a clear ValidationError."""

import codecs
import csv
import datetime
import io
import struct
import tracemalloc
import zipfile
import zlib
from itertools import chain

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from importexport import xlsxfile
from importexport.readers import Row, read_table
from importexport.writers import neutralised
from tests.conftest import examples

ROMASHKA = 'ООО "Ромашка"'
PHONES = "+7 (812) 848-65-20, +7 921 000-00-00"
SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def read(data: bytes, name: str = "companies.csv", **options):
    return read_table(io.BytesIO(data), name=name, **options)


def rows_of(table) -> list[tuple[int, list[str]]]:
    return [(row.line, row.cells) for row in table.rows]


def refused(data: bytes, code: str, name: str = "companies.csv", **options) -> str:
    """The message of the ValidationError reading ``data`` raises, which must have ``code``;
    rows found bad on the way count as read (they are raised while iterating)."""
    with pytest.raises(ValidationError) as caught:
        rows_of(read(data, name, **options))
    assert caught.value.code == code, caught.value.messages
    return caught.value.messages[0]


def bitrix24_csv(rows: list[list[str]]) -> str:
    """Bitrix24's CSV export (columns.md 2.1): every field quoted, a quote doubled, a trailing
    ';' on every line, LF line ends."""
    return "".join(
        "".join('"' + cell.replace('"', '""') + '";' for cell in row) + "\n" for row in rows
    )


BITRIX24_ROWS = [
    ["ID", "Название компании", "Рабочий телефон", "Комментарий"],
    ["1", ROMASHKA, PHONES, "Звонить после обеда,\nлучше в среду"],
    ["2", "ИП Иванов", "+7 495 000-00-00", ""],
]


# CSV: Bitrix24's export and the encodings


def test_bitrix24_csv_utf8_with_bom():
    """Bitrix24's CSV as it is: ';', every field quoted, the trailing ';' (no extra column),
    UTF-8 with BOM, a comment with a line break (the next row starts two lines further)."""
    table = read(codecs.BOM_UTF8 + bitrix24_csv(BITRIX24_ROWS).encode())
    assert (table.file_format, table.encoding, table.delimiter) == ("csv", "utf-8", ";")
    assert table.headers == BITRIX24_ROWS[0]
    assert rows_of(table) == [(2, BITRIX24_ROWS[1]), (4, BITRIX24_ROWS[2])]


def test_bitrix24_csv_windows1251_without_bom():
    """An old Russian install's export: Windows-1251, no BOM."""
    table = read(bitrix24_csv(BITRIX24_ROWS).encode("cp1251"))
    assert (table.encoding, table.delimiter) == ("windows-1251", ";")
    assert table.headers == BITRIX24_ROWS[0]
    assert [row.cells for row in table.rows] == BITRIX24_ROWS[1:]


FRENCH = [
    ["Nom de la société", "Téléphone professionnel", "Ville"],
    ["Société Générale", "+33 1 42 14 20 00", "Paris, La Défense"],
    ["Crédit Agricole", "+33 1 43 23 52 02", "Montrouge"],
]
GERMAN = [
    ["Name des Unternehmens", "Straße", "Telefon dienstlich"],
    ["Müller & Söhne GmbH", "Königsallee 1", "+49 211 000000"],
]


@pytest.mark.parametrize(
    ("rows", "delimiter"), [(FRENCH, ";"), (GERMAN, ","), (FRENCH, "\t"), (GERMAN, "|")]
)
def test_excel_csv_windows1252(rows, delimiter):
    """French and German Excel CSVs: Windows-1252 without BOM, Excel's minimal quoting (the
    city with a comma is quoted only in the comma file), any delimiter."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    table = read(buffer.getvalue().encode("cp1252"))
    assert (table.encoding, table.delimiter) == ("windows-1252", delimiter)
    assert [table.headers, *(row.cells for row in table.rows)] == rows


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_utf16_with_bom(bom):
    """Excel's "Unicode text": UTF-16 with its BOM (either byte order), tab-separated,
    CR LF line ends."""
    codec = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
    text = "Название\tVille\r\n" + ROMASHKA + "\tMontréal\r\n"
    table = read(bom + text.encode(codec))
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert table.headers == ["Название", "Ville"]
    assert rows_of(table) == [(2, [ROMASHKA, "Montréal"])]


def test_utf8_without_bom():
    text = bitrix24_csv([["Nom", "Название"], ["Société Générale", ROMASHKA]])
    assert read(text.encode()).encoding == "utf-8"


def test_ascii_beginning_says_nothing_of_the_encoding():
    """A Windows-1251 file whose first 100 KB are ASCII: detection looks at the first block
    with letters above ASCII, so the Russian rows after them are read right."""
    lines = ["Name;City\n"] + [f"Company {number};London\n" for number in range(5000)]
    lines.append(f"{ROMASHKA};Москва\n")
    table = read("".join(lines).encode("cp1251"))
    assert table.encoding == "windows-1251"
    assert list(table.rows)[-1].cells == [ROMASHKA, "Москва"]


def test_the_caller_chooses_the_encoding():
    """A detected encoding is overridden: the same bytes read as the caller says."""
    data = "Nom;Ville\nCafé;Paris\n".encode("cp1252")
    assert read(data).headers == ["Nom", "Ville"]
    assert next(read(data, encoding="cp1251").rows).cells == ["Cafй", "Paris"]
    assert read(data, encoding="Windows-1252").encoding == "windows-1252"


def test_unknown_encoding_refused():
    message = refused(b"a;b\n1;2\n", "unknown_encoding", encoding="koi8-r")
    assert "koi8-r" in message


def test_the_caller_chooses_the_delimiter():
    table = read(b"a;b,c\n1;2,3\n", delimiter=",")
    assert (table.delimiter, table.headers) == (",", ["a;b", "c"])


def test_bad_delimiter_refused():
    refused(b"a;b\n1;2\n", "bad_delimiter", delimiter=";;")
    refused(b"a;b\n1;2\n", "bad_delimiter", delimiter='"')


def test_delimiter_inside_quotes_does_not_fool_detection():
    """Bitrix24's phones hold commas inside quotes: the delimiter is still ';'."""
    text = bitrix24_csv([["Телефон", "E-mail"], [PHONES, "a@example.com, b@example.com"]])
    assert read(text.encode()).delimiter == ";"


def test_one_column():
    table = read(b"E-mail\na@example.com\nb@example.com\n")
    assert table.headers == ["E-mail"]
    assert [row.cells for row in table.rows] == [["a@example.com"], ["b@example.com"]]


# CSV: bad bytes, mixed encodings


def test_mixed_encodings_utf8_then_windows1251():
    """Lines pasted from a Windows-1251 file into a UTF-8 one: refused at the first one."""
    data = (
        "Название;Телефон\n".encode()
        + f"{ROMASHKA};+7 (812) 848-65-20\n".encode()
        + "ИП Иванов;+7 495 000-00-00\n".encode("cp1251")
    )
    message = refused(data, "bad_encoding")
    assert "Line 3" in message
    assert "UTF-8" in message


def test_mixed_encodings_windows1251_then_utf8():
    """The other way round: a UTF-8 line in a Windows-1251 file is named, not read as
    wrong letters."""
    data = (
        "Название;Телефон\n".encode("cp1251")
        + f"{ROMASHKA};+7 (812) 848-65-20\n".encode("cp1251")
        + "ЗАО Север;+7 495 000-00-00\n".encode()
    )
    assert "Line 3 is UTF-8" in refused(data, "mixed_encodings")
    # "ИП" in UTF-8 holds a byte that Windows-1251 lacks (98): refused as not valid
    data = data.replace("ЗАО Север".encode(), "ИП Иванов".encode())
    assert "Line 3 is not valid Windows-1251" in refused(data, "bad_encoding")


def test_bad_byte_far_into_the_file_named_by_its_line():
    """A UTF-8 file with a Windows-1252 line 30,003, far past the detection's sample: the
    rows before it are read, then the line is named."""
    data = "Name;City\nSociété Générale;Paris\n".encode()
    data += b"".join(b"Company %d;Paris\n" % n for n in range(30_000))
    data += "Café;Paris\n".encode("cp1252")
    table = read(data)
    assert table.encoding == "utf-8"
    with pytest.raises(ValidationError) as caught:
        for row in table.rows:
            last = row.line
    assert caught.value.code == "bad_encoding"
    assert "Line 30003" in caught.value.messages[0]
    assert last == 30002


def test_binary_content_refused():
    """Binary content (NUL bytes) behind a .csv name; and NUL bytes far into a text file."""
    assert "not text" in refused(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "unsupported")
    data = b"Name;City\n" + b"Company;Paris\n" * 10_000 + b"A;\x00\x00\n"
    assert "Line 10002 holds a NUL" in refused(data, "binary")


# CSV: quoting, lines, cells


def test_line_numbers_follow_the_text_editor():
    """Each row's line is where it starts: CR LF, LF and CR line ends, a cell with a CR LF
    inside, blank lines skipped."""
    data = b'Name,Note\r\nA,"one\r\ntwo"\r\n\r\nB,x\rC,y\nD,z'
    assert rows_of(read(data)) == [
        (2, ["A", "one\r\ntwo"]),
        (5, ["B", "x"]),
        (6, ["C", "y"]),
        (7, ["D", "z"]),
    ]


def test_cell_of_1_mib_is_read():
    cell = "x" * (1024 * 1024)
    assert next(read(f"Note;Name\n{cell};A\n".encode()).rows).cells == [cell, "A"]


def test_cell_over_1_mib_refused_naming_its_line():
    """A cell of 1 MiB and one character, on the row that starts on line 3."""
    data = f'Note;Name\n"a\nb";A\n{"x" * (1024 * 1024 + 1)};B\n'.encode()
    message = refused(data, "cell_too_long")
    assert "line 4" in message
    assert "1,048,576" in message


def test_unclosed_quote_refused():
    """A quoted cell never closed would swallow the rest of the file."""
    assert "line 2" in refused(b'Name;Note\nA;"open\nB;x\nC;y\n', "bad_csv")


def test_stray_quote_after_a_quoted_cell_refused():
    assert "Line 2" in refused(b'Name;Note\n"A"x;y\n', "bad_csv")


def test_export_formula_guard_is_undone():
    """Our export writes a quote before a cell that would run as a formula, and before a
    text that starts with a quote and one of those; reading takes exactly that one quote off,
    and only there."""
    cells = ["'=SUM(A1)", "'+7 921 000-00-00", "'-5", "'@user", "'\tx", "'\rx", "'abc", "'",
             "''=x", "''x"]  # fmt: skip
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";").writerows([[f"h{n}" for n in range(len(cells))], cells])
    assert next(read(buffer.getvalue().encode()).rows).cells == [
        "=SUM(A1)", "+7 921 000-00-00", "-5", "@user", "\tx", "\rx", "'abc", "'", "'=x", "''x",
    ]  # fmt: skip


# Headers and rows


def test_blank_headers_named_and_trailing_ones_dropped():
    table = read(b" Name ;;Phone;;\nA;x;1;;\n")
    assert table.headers == ["Name", "Column 2", "Phone"]
    assert rows_of(table) == [(2, ["A", "x", "1"])]


def test_duplicate_headers_refused_naming_them():
    message = refused(b"Name;Phone;Name ;Phone;E-mail\nA;1;B;2;c\n", "duplicate_headers")
    assert "“Name”, “Phone”" in message


def test_rows_wider_or_narrower_than_the_header_come_as_read():
    """The import decides about them; only empty cells beyond the header go."""
    table = read(b"a;b;c\n1\n1;2;3;4\n1;2;3;;\n1;;;\n ; ;\n")
    assert rows_of(table) == [(2, ["1"]), (3, ["1", "2", "3", "4"]), (4, ["1", "2", "3"]),
                              (5, ["1", "", ""])]  # fmt: skip


def test_header_below_empty_lines():
    assert rows_of(read(b"\n;;\nName;Phone\nA;1\n")) == [(4, ["A", "1"])]


@pytest.mark.parametrize("data", [b"", b"   \n\n", codecs.BOM_UTF8, b";;;\n;;;\n"])
def test_empty_file_refused(data):
    refused(data, "empty")


@pytest.mark.parametrize("data", [b"Name;Phone\n", b"Name;Phone\n;\n\n", codecs.BOM_UTF8 + b"a\n"])
def test_header_only_refused(data):
    """A header and no row: nothing to import, said at the upload."""
    assert "no rows" in refused(data, "no_rows")


def test_file_over_the_size_limit_refused(settings):
    settings.IMPORT_MAX_BYTES = 18
    assert "more than the 18" in refused(b"Name;Phone\nA;1\nB;2\n", "too_large")  # 19 bytes
    assert read(b"Name;Phone\nA;1\nB;2\n", max_bytes=100).headers == ["Name", "Phone"]


def test_rows_are_streamed():
    """A 12 MB file is read with a few hundred KB of memory: rows are not kept."""
    data = b"Name;Phone;Note\n" + b"Company;+7 (812) 848-65-20;some text\n" * 350_000
    tracemalloc.start()
    table = read(data)
    count = sum(1 for _row in table.rows)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 350_000
    assert peak < 2 * 1024 * 1024


def test_preview_takes_the_first_rows():
    table = read(b"Name\nA\nB\nC\n")
    assert table.preview(2) == [Row(2, ["A"]), Row(3, ["B"])]
    assert list(table.rows) == [Row(4, ["C"])]


# Bitrix24's "Excel" export: an HTML table


def bitrix24_html(rows: list[list[str]], *, bom: bool = True, encoding: str = "utf-8") -> bytes:
    """Bitrix24's .xls (columns.md 2.2): BOM, a meta, a table, headers unescaped in th, values
    HTML-escaped in td."""
    head = "".join(f"<th>{cell}</th>" for cell in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{_escaped(cell)}</td>" for cell in row) + "</tr>\n"
        for row in rows[1:]
    )
    text = (
        f'<meta http-equiv="Content-type" content="text/html;charset={encoding}" />\n'
        f'<table border="1"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )
    return (codecs.BOM_UTF8 if bom else b"") + text.encode(encoding)


def _escaped(cell: str) -> str:
    return (
        cell.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace("\n", "<br>")
    )


@pytest.mark.parametrize("name", ["companies.xls", "COMPANY_20240315.xls", "export.csv", "file"])
def test_bitrix24_html_xls(name):
    """The "Excel" export is an HTML table: read by content whatever the name; entities
    decoded, <br> a line break, line = the row's position."""
    rows = [*BITRIX24_ROWS, ["3", "Société Générale & Cie", "+33 1 42 14 20 00", "<b>VIP</b>"]]
    table = read(bitrix24_html(rows), name=name)
    assert (table.file_format, table.encoding, table.delimiter) == ("html", "utf-8", "")
    assert table.headers == rows[0]
    assert rows_of(table) == [(2, rows[1]), (3, rows[2]), (4, rows[3])]


def test_bitrix24_html_windows1251():
    table = read(bitrix24_html(BITRIX24_ROWS, bom=False, encoding="cp1251"), name="deals.xls")
    assert (table.file_format, table.encoding) == ("html", "windows-1251")
    assert [row.cells for row in table.rows] == BITRIX24_ROWS[1:]


def test_html_cells_as_a_browser_shows_them():
    """Tags left open, white space collapsed, &nbsp; cells empty, nested tables ignored."""
    data = (
        b"<html><body><table><tr><th>Name<th>Note\n<tr><td> A\n  B <td>x<br/> y"
        b"<tr><td>C<td><table><tr><td>inner</td></tr></table>z<tr><td>&nbsp;<td>w</table>"
    )
    assert rows_of(read(data, name="x.xls")) == [(2, ["A B", "x\ny"]), (3, ["C", "z"]),
                                                 (4, ["", "w"])]  # fmt: skip


def test_html_without_table_refused():
    refused(b"<!DOCTYPE html><html><body><p>Hello</p></body></html>", "unsupported", "a.xls")


def test_html_cell_over_1_mib_refused():
    data = b"<table><tr><th>Note</th></tr><tr><td>" + b"x" * (1024 * 1024 + 1) + b"</td></tr>"
    assert "Row 2" in refused(data, "cell_too_long", "a.xls")


def test_real_binary_xls_refused():
    """An Excel 97-2003 workbook (OLE2), or an encrypted XLSX, stored the same way."""
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    assert "save it as XLSX" in refused(data, "old_excel", "companies.xls")


# XLSX


def xlsx(rows=(), *, build=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if build:
        build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_cells_as_text():
    """Strings as they are, whole numbers without .0, other numbers in plain decimal notation
    (Excel's 15 digits), dates ISO, a date and time at midnight as its date, booleans Y/N."""
    values = [
        ROMASHKA, 42, 1101.0, 569203.87, 0.1 + 0.2, 1e-5, -2.5, 12345678901234567890,
        datetime.date(2024, 3, 15), datetime.datetime(2024, 3, 15, 14, 5, 7),
        datetime.datetime(2024, 3, 15), datetime.time(9, 30), True, False, None,
        "Société\nGénérale",
    ]  # fmt: skip
    table = read(xlsx([[f"h{n}" for n in range(len(values))], values]), name="a.xlsx")
    assert (table.file_format, table.encoding, table.delimiter) == ("xlsx", "", "")
    assert rows_of(table) == [(2, [
        ROMASHKA, "42", "1101", "569203.87", "0.3", "0.00001", "-2.5", "12345678901234600000",
        "2024-03-15", "2024-03-15T14:05:07", "2024-03-15", "09:30:00", "Y", "N", "",
        "Société\nGénérale",
    ])]  # fmt: skip


def test_xlsx_bitrix24_headers_and_line_numbers():
    """Russian and French headers; an empty row skipped; lines are Excel's row numbers."""
    data = xlsx([BITRIX24_ROWS[0], BITRIX24_ROWS[1], [], BITRIX24_ROWS[2]])
    table = read(data, name="companies.xlsx")
    assert table.headers == BITRIX24_ROWS[0]
    assert rows_of(table) == [(2, BITRIX24_ROWS[1]), (4, BITRIX24_ROWS[2])]


def test_xlsx_table_away_from_a1():
    """A table starting at C3: its header is line 3, its cells under columns from A."""

    def build(workbook):
        sheet = workbook.active
        sheet["C3"], sheet["D3"], sheet["C5"], sheet["D5"] = "Name", "Phone", "A", "1"

    table = read(xlsx(build=build), name="a.xlsx")
    assert table.headers == ["Column 1", "Column 2", "Name", "Phone"]
    assert rows_of(table) == [(5, ["", "", "A", "1"])]


def test_xlsx_first_visible_sheet():
    def build(workbook):
        workbook.active.sheet_state = "hidden"
        workbook.create_sheet("Visible").append(["Name"])
        workbook["Visible"].append(["A"])

    assert rows_of(read(xlsx([["Hidden"], ["x"]], build=build), name="a.xlsx")) == [(2, ["A"])]


def test_xlsx_content_decides_over_the_name():
    assert read(xlsx([["Name"], ["A"]]), name="companies.csv").file_format == "xlsx"


def test_xlsx_empty_sheet_refused():
    refused(xlsx(), "empty", "a.xlsx")


def test_not_xlsx_behind_an_xlsx_name_refused():
    """CSV content, or a zip archive that holds no workbook (a .docx), named .xlsx."""
    refused(b"Name;Phone\nA;1\n", "not_xlsx", "companies.xlsx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    refused(buffer.getvalue(), "not_xlsx", "companies.xlsx")


def with_sheet(sheet_xml: str | bytes, *, extra: dict | None = None) -> bytes:
    """A valid workbook whose first sheet's XML is ``sheet_xml``."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([["Name"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in source.infolist():
            is_sheet = part.filename == "xl/worksheets/sheet1.xml"
            archive.writestr(part.filename, sheet_xml if is_sheet else source.read(part))
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def sheet(rows: str, root: str = "worksheet", prefix: str = "") -> str:
    namespace = f'xmlns{":" + prefix if prefix else ""}="{SPREADSHEET_NS}"'
    p = prefix + ":" if prefix else ""
    return f"<{p}{root} {namespace}><{p}sheetData>{rows}</{p}sheetData></{p}{root}>"


@pytest.fixture
def calamine_untouched(monkeypatch):
    """Fails the test if calamine is asked to read: the refusal must come before."""

    class Untouchable:
        @classmethod
        def from_filelike(cls, file):
            raise AssertionError("calamine read a file that should have been refused before")

    monkeypatch.setattr(xlsxfile, "CalamineWorkbook", Untouchable)


def test_zip_bomb_refused_before_reading(settings, calamine_untouched):
    """The directory's sizes add up to more than IMPORT_MAX_UNZIPPED_BYTES: refused before a
    byte is unzipped (a 20 MB sheet of blanks is a 20 KB file)."""
    settings.IMPORT_MAX_UNZIPPED_BYTES = 10 * 1024 * 1024
    data = with_sheet(sheet("") + " " * (20 * 1024 * 1024))
    assert len(data) < 100_000
    assert "unzips to 20.0" in refused(data, "zip_bomb", "a.xlsx")


def test_too_many_zip_entries_refused(monkeypatch, calamine_untouched):
    monkeypatch.setattr(xlsxfile, "MAX_PARTS", 30)
    extra = {f"xl/media/image{n}.png": b"x" for n in range(30)}
    refused(with_sheet(sheet(""), extra=extra), "zip_bomb", "a.xlsx")


@pytest.mark.parametrize("crc_of_declared", [False, True])
def test_zip_entry_longer_than_its_declared_size_refused(crc_of_declared):
    """A directory that lies: a sheet declared 1,000 bytes long that unzips to 2 MB, with
    the checksum of the whole (Python's zipfile stops at 1,000 bytes and finds it wrong) or
    of those 1,000 bytes (calamine finds the entry too long). Refused either way."""
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 60_000))
    xml = sheet(rows).encode()
    raw = bytearray(with_sheet(xml))
    name = b"xl/worksheets/sheet1.xml"
    crc = zlib.crc32(xml[:1000]) if crc_of_declared else zlib.crc32(xml)
    # local headers: CRC at 14, size at 22, name at 30; central directory: 16, 24, 46
    for signature, crc_at, size_at, name_at in (
        (b"PK\x03\x04", 14, 22, 30),
        (b"PK\x01\x02", 16, 24, 46),
    ):
        at = raw.find(signature)
        while at != -1:
            if raw[at + name_at : at + name_at + len(name)] == name:
                struct.pack_into("<I", raw, at + crc_at, crc)
                struct.pack_into("<I", raw, at + size_at, 1000)
            at = raw.find(signature, at + 4)
    refused(bytes(raw), "unreadable", "a.xlsx")


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol%s;" % (n - 1 or "")) * 10}">' for n in range(1, 10))
    + "]>"
)


@pytest.mark.parametrize(
    "part",
    ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"],
)
def test_billion_laughs_refused(part):
    """A DTD whose entities expand to a billion "lol"s, in the sheet or its shared strings:
    calamine expands no entity, and the file is refused."""
    strings = f'<sst xmlns="{SPREADSHEET_NS}" count="1"><si><t>&lol9;</t></si></sst>'
    if part.endswith("sheet1.xml"):
        xml = BILLION_LAUGHS + sheet(
            '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        )
        data = with_sheet(xml)
    else:
        xml = sheet(
            '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'
            '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
        )
        data = _with_shared_strings(with_sheet(xml), BILLION_LAUGHS + strings)
    assert "lollol" not in refused(data, "unreadable", "a.xlsx")


def test_external_entity_refused():
    """An external entity (XXE) naming a file on the server is not read."""
    xml = '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    xml += sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>&secret;</t></is></c></row>'
    )
    assert "entity" in refused(with_sheet(xml), "unreadable", "a.xlsx")


def _with_shared_strings(data: bytes, strings_xml: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    relation = (
        '<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>'
    )
    content_type = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxml'
        'formats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in source.infolist():
            content = source.read(part).decode()
            if part.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace("</Relationships>", relation)
            elif part.filename == "[Content_Types].xml":
                content = content.replace("</Types>", content_type)
            archive.writestr(part.filename, content)
        archive.writestr("xl/sharedStrings.xml", strings_xml)
    return buffer.getvalue()


FAR_APART = {
    "two corners": '<row r="1"><c r="A1"><v>1</v></c></row>'
    '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>',
    "a cell below its row": '<row r="1"><c r="A1"><v>1</v></c><c r="B1048576"><v>2</v></c></row>'
    '<row r="2"><c r="XFD2"><v>2</v></c></row>',
    "lower case, single quotes": "<row r='1'><c r='a1'><v>1</v></c><c r = 'xfd1048576'>"
    "<v>2</v></c></row>",
    "placed by position": "<row><c><v>1</v></c></row>"
    + "<row/>" * 1_100_000
    + "<row>"
    + "<c/>" * 30
    + "<c><v>2</v></c></row>",
    "namespace prefix": '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
    '<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>',
    "four letters": '<row r="1"><c r="A1"><v>1</v></c><c r="AAAA5000"><v>2</v></c></row>',
}


@pytest.mark.parametrize("rows", FAR_APART.values(), ids=FAR_APART.keys())
def test_cells_far_apart_refused_before_calamine(rows, calamine_untouched):
    """A few cells far apart make a tiny file that calamine would make into billions of
    cells in memory (an abort of the whole process): refused from the XML's extent, however
    the cells are named."""
    prefix = "x" if "x:row" in rows else ""
    assert "spans" in refused(with_sheet(sheet(rows, prefix=prefix)), "too_wide", "a.xlsx")


def test_sheet_extent_bound_lets_real_tables_through():
    """The same shapes within bounds read: prefixed tags, cells by position, lower case."""
    rows = (
        '<x:row r="1"><x:c r="a1" t="inlineStr"><x:is><x:t>Name</x:t></x:is></x:c>'
        "<x:c t='inlineStr'><x:is><x:t>Phone</x:t></x:is></x:c></x:row>"
        '<x:row><x:c t="inlineStr"><x:is><x:t>A</x:t></x:is></x:c><x:c><x:v>1</x:v></x:c></x:row>'
    )
    table = read(with_sheet(sheet(rows, prefix="x")), name="a.xlsx")
    assert (table.headers, rows_of(table)) == (["Name", "Phone"], [(2, ["A", "1"])])


def test_xlsx_cell_over_1_mib_refused():
    text = "x" * (1024 * 1024 + 1)
    rows = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Note</t></is></c></row>'
        f'<row r="2"><c r="A2" t="inlineStr"><is><t>{text}</t></is></c></row>'
    )
    assert "Row 2" in refused(with_sheet(sheet(rows)), "cell_too_long", "a.xlsx")


def test_xlsx_text_run_over_5_mb_refused_before_calamine(calamine_untouched):
    rows = f'<row r="1"><c r="A1" t="inlineStr"><is><t>{"x" * (5 * 1024 * 1024 + 1)}</t></is></c>'
    refused(with_sheet(sheet(rows + "</row>")), "cell_too_long", "a.xlsx")


# Property: any table written as CSV reads back as it was

HEADER = st.text(
    st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), min_size=1
)
SINGLE_BYTE_LETTERS = {  # above ASCII only letters from C0-FF: see test_mixed_encodings_*
    "cp1251": "АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопрстуфхцчшщъыьэюя",
    "cp1252": "ÀÂÄÇÈÉÊËÎÏÔÖÙÛÜßàâäçèéêëîïôöùûüÿ",
}


def table_texts(alphabet):
    cell = st.text(alphabet, max_size=12)
    header = cell.map(str.strip).filter(bool)
    return st.integers(1, 4).flatmap(
        lambda width: st.tuples(
            st.lists(header, min_size=width, max_size=width, unique=True),
            st.lists(
                st.lists(cell, min_size=width, max_size=width).filter(
                    lambda row: any(value.strip() for value in row)
                ),
                min_size=1,
                max_size=5,
            ),
        )
    )


PRINTABLE = "".join(map(chr, range(32, 127))) + "\n\r\t"
UNICODE = PRINTABLE + SINGLE_BYTE_LETTERS["cp1251"] + SINGLE_BYTE_LETTERS["cp1252"] + "«»№€—ё😀"


@settings(max_examples=examples(300))
@given(
    st.sampled_from(
        [("utf-8", UNICODE), ("utf-8-sig", UNICODE), ("utf-16", UNICODE),
         ("cp1251", PRINTABLE + SINGLE_BYTE_LETTERS["cp1251"]),
         ("cp1252", PRINTABLE + SINGLE_BYTE_LETTERS["cp1252"])]
    ).flatmap(lambda pair: st.tuples(st.just(pair[0]), table_texts(pair[1]))),
    st.sampled_from([";", ",", "\t", "|"]),
    st.sampled_from(["\r\n", "\n"]),
    st.booleans(),
)  # fmt: skip
def test_csv_round_trip(encoded_table, delimiter, line_end, detect):
    """Random tables (Cyrillic, accents, quotes, delimiters and line breaks in cells), written
    as CSV in each encoding with each delimiter (with the export's formula guard), read back
    equal. Detected when ``detect`` (every field quoted, as Bitrix24 writes them; the
    Windows code pages told apart by real words, elsewhere), else given."""
    encoding, (headers, rows) = encoded_table
    # Python's csv writes a CR unquoted when its lines end with LF; a reader takes it for
    # a line end (as old Mac files end lines), as Excel would.
    assume(line_end == "\r\n" or not any("\r" in cell for cell in [*headers, *chain(*rows)]))
    buffer = io.StringIO(newline="")
    quoting = csv.QUOTE_ALL if detect else csv.QUOTE_MINIMAL
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_end, quoting=quoting)
    writer.writerows(neutralised(row) for row in [headers, *rows])  # as our export writes
    options = {"encoding": encoding, "delimiter": delimiter}
    if detect:
        options = {"encoding": encoding} if encoding.startswith("cp") else {}
    table = read(buffer.getvalue().encode(encoding), **options)
    assert table.encoding == NAMES[encoding]
    assert table.delimiter == delimiter or len(headers) == 1  # one column: no delimiter
    assert table.headers == headers
    assert [row.cells for row in table.rows] == rows


NAMES = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "utf-16": "utf-16", "cp1251": "windows-1251",
         "cp1252": "windows-1252"}  # fmt: skip
