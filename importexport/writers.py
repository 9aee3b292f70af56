"""File writers of exports: CSV (UTF-8 with a BOM, ``;`` or ``,``) and XLSX, both streaming.

A writer takes chunks of text as their columns (``write_columns``, the header first, as
columns of one cell) and writes them to a binary stream as they come, so memory stays flat
whatever the number of rows; ``close()`` ends the file. Columns, because an export reads its
items column by column, and CSV's neutralisation is then one search of each column instead of
a test of every cell.

Nothing a writer writes can run in a spreadsheet: a CSV cell that would start a formula (``=``,
``+``, ``-``, ``@``, a tab or a carriage return) gets a leading ``'``, which the import strips
back; an XLSX cell is always an inline string, never a formula, so it needs no prefix.

The XLSX writer is our own rather than openpyxl's write-only mode: openpyxl builds an element
per cell and wrote about 2,800 rows of 10 cells a second here (the README's "Import and
export"), where the export of a million companies must write 10,000. This one writes the
SpreadsheetML of each row as text into a zip entry that is compressed as it is written.
"""

import codecs
import csv
import io
import re
import zipfile
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

FORMULA_STARTS = frozenset("=+-@\t\r")
# A cell of a column joined after line feeds that starts like a formula (or a false alarm on a
# line of a multi-line cell, which the exact test then clears); a search for a literal line
# feed first is what makes it fast.
_FORMULA_IN_COLUMN = re.compile("\n'?[=+\\-@\t\r]")


def neutralised(cells: list[str]) -> list[str]:
    """A column of CSV cells that no spreadsheet runs as formulas: a leading ``'`` for each
    cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, and for one
    that starts with ``'`` and one of those (the import takes one such quote off: the text
    ``'=`` comes back as itself, a round trip found by hypothesis)."""
    if not _FORMULA_IN_COLUMN.search("\n" + "\n".join(cells)):
        return cells
    starts = FORMULA_STARTS
    return [
        "'" + cell if cell[:1] in starts or (cell[:1] == "'" and cell[1:2] in starts) else cell
        for cell in cells
    ]


class CsvWriter:
    """CSV as Excel opens it with accents and Cyrillic intact: UTF-8 with a BOM, CRLF lines,
    quoted only where needed."""

    extension = "csv"
    content_type = "text/csv; charset=utf-8"

    def __init__(self, out, *, delimiter: str = ";", sheet_name: str = ""):
        self.out = out
        self._text = io.StringIO()
        self._csv = csv.writer(self._text, delimiter=delimiter, lineterminator="\r\n")
        out.write(codecs.BOM_UTF8)

    def write_columns(self, columns: list[list[str]]) -> None:
        self._csv.writerows(zip(*(neutralised(cells) for cells in columns), strict=True))
        self.out.write(self._text.getvalue().encode())
        self._text.seek(0)
        self._text.truncate()

    def close(self) -> None:
        self.out.flush()


# Characters XML 1.0 cannot hold (C0 controls but tab, line feed and carriage return).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PARTS = {
    "[Content_Types].xml": (
        f'<Types xmlns="{_PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
        '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" '
        f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        f'<styleSheet xmlns="{_NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/>'
        '</font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
        '<patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/>'
        '<right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf '
        'numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


# A carriage return is written as a reference: XML readers turn a raw one into a line feed.
_ENTITIES = {"\r": "&#13;"}


def _xml_text(text: str) -> str:
    text = escape(text, _ENTITIES)
    return _NOT_XML.sub("", text) if _NOT_XML.search(text) else text


class XlsxWriter:
    """One worksheet of inline strings (every cell text, type ``inlineStr``: nothing is a
    formula, a number or a date that Excel would reformat), the header row frozen."""

    extension = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def __init__(self, out, *, delimiter: str = "", sheet_name: str = "Export"):
        # Deflate at level 1: the sheet is repetitive XML, which the fastest level shrinks
        # well already; the default level costs more time than the rest of the export.
        self._zip = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        name = _SHEET_NAME_FORBIDDEN.sub(" ", sheet_name).strip()[:31] or "Export"
        for part, xml in _PARTS.items():
            self._zip.writestr(part, _HEAD + xml)
        self._zip.writestr(
            "xl/workbook.xml",
            f'{_HEAD}<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets><sheet name='
            f'{quoteattr(name)} sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        self._sheet = io.TextIOWrapper(
            self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True), encoding="utf-8"
        )
        self._sheet.write(
            f'{_HEAD}<worksheet xmlns="{_NS}"><sheetViews><sheetView workbookViewId="0"><pane '
            'ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView>'
            "</sheetViews><sheetData>"
        )
        self._letters: list[str] = []
        self._row = 0

    def write_columns(self, columns: list[list[str]]) -> None:
        parts = []
        for row in zip(*columns, strict=True):
            self._row += 1
            number = self._row
            if len(row) > len(self._letters):
                self._letters = [get_column_letter(i + 1) for i in range(len(row))]
            parts.append(f'<row r="{number}">')
            parts.extend(
                f'<c r="{letter}{number}" t="inlineStr"><is><t xml:space="preserve">'
                f"{_xml_text(text)}</t></is></c>"
                for letter, text in zip(self._letters, row, strict=False)
                if text
            )
            parts.append("</row>")
        self._sheet.write("".join(parts))

    def close(self) -> None:
        self._sheet.write("</sheetData></worksheet>")
        self._sheet.close()
        self._zip.close()


WRITERS = {"csv": CsvWriter, "xlsx": XlsxWriter}


class Drain(io.RawIOBase):
    """A write-only stream whose bytes are taken out as they come (``take()``): what a
    writer writes into while its file is streamed to a browser. Unseekable, so the zip of an
    XLSX is written with data descriptors, as to a pipe."""

    def __init__(self):
        super().__init__()
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data
