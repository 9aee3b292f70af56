"""Reading an uploaded file as a table of text: the one door through which imports read files.

``read_table(file, name=...)`` tells the format from the content (the name serves only to
refuse other content named ``.xlsx``), reads the header row and gives the rows as they are
read (``Table``, ``Row``):

* CSV (``csvfile``) in UTF-8 with or without BOM, UTF-16 with its BOM, Windows-1251 or
  Windows-1252 (``textfile``), any delimiter, both detected unless given;
* XLSX (``xlsxfile``), the first visible worksheet;
* HTML tables (``htmlfile``): Bitrix24's "Excel" export, an HTML table saved as ``.xls``;
  an Excel 97-2003 ``.xls`` (or a password-protected workbook, stored the same way) is
  refused with the advice to save it as XLSX or CSV.

Bitrix24's CSV needs nothing of its own: ``;``, every field quoted, UTF-8 with BOM (old
Russian installs: Windows-1251) are what detection finds, and the empty column that its
trailing ``;`` makes is dropped like any blank header at the end of the header row.

The header row is the first row that is not blank. Headers are trimmed; blank ones are
named "Column N" (N its position), blank ones at the end dropped; two headers alike are
refused, naming them. Blank rows are skipped; others come as read, with more or
fewer cells than the header (the import decides), except that empty cells beyond the
header are dropped. A file with a header and no row is refused ("no_rows"): there is
nothing to import, and saying so at the upload beats an import of nothing.

Every refusal is a ``ValidationError`` with a translated message and a ``code``; found in
the header or before it, by ``read_table``; found further on (a bad byte, a broken quote, a
cell over 1 MiB), by the ``rows`` iterator when it gets there.
"""

from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .csvfile import csv_rows, detect_delimiter
from .htmlfile import html_rows
from .tables import Row, Table
from .textfile import SAMPLE, detect_encoding, encoding_name, text_lines
from .xlsxfile import not_xlsx, xlsx_rows

__all__ = ["Row", "Table", "read_table"]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003, and encrypted XLSX
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_HTML_STARTS = (b"<!doctype", b"<html", b"<meta", b"<table", b"<head", b"<body", b"<?xml")
_SAMPLE_LINES = 200


def read_table(
    file: BinaryIO,
    *,
    name: str,
    encoding: str = "",
    delimiter: str = "",
    max_bytes: int | None = None,
) -> Table:
    """The table in ``file`` (binary, seekable: an uploaded file or an open one), ``name``
    its file name. ``encoding`` (text files) and ``delimiter`` (CSV) override detection;
    ``max_bytes`` defaults to ``IMPORT_MAX_BYTES``. Raises ``ValidationError``."""
    limit = settings.IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    size = _size(file)
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s, more than the %(limit)s the import takes.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    file.seek(0)
    head = file.read(SAMPLE)
    file.seek(0)
    file_format = _format(head, name)
    if file_format == "xlsx":
        return _table("xlsx", "", "", xlsx_rows(file))
    encoding = encoding_name(encoding) if encoding else detect_encoding(file)
    file.seek(0)
    lines = text_lines(file, encoding)
    if file_format == "html":
        return _table("html", encoding, "", html_rows(lines))
    sample = list(islice(lines, _SAMPLE_LINES))
    if delimiter:
        _check_delimiter(delimiter)
    else:
        delimiter = detect_delimiter(sample, complete=len(sample) < _SAMPLE_LINES)
    return _table("csv", encoding, delimiter, csv_rows(chain(sample, lines), delimiter))


def _size(file: BinaryIO) -> int:
    size = getattr(file, "size", None)  # Django's uploaded files know theirs
    if size is None:
        size = file.seek(0, 2)
    return size


def _format(head: bytes, name: str) -> str:
    """The format, "csv", "xlsx" or "html", from the first bytes; refuses what the import
    cannot read."""
    if head.startswith(_ZIP):
        return "xlsx"
    if head.startswith(_OLE2):
        raise ValidationError(
            _(
                "This is an Excel 97-2003 workbook (.xls) or a password-protected one, which "
                "the import does not read: save it as XLSX (without a password) or as CSV."
            ),
            code="old_excel",
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: look at its text
        head = head.decode("utf-16", "ignore").encode("utf-8")
    elif b"\x00" in head:
        raise ValidationError(
            _(
                "The file is not text (it holds NUL bytes): the import reads CSV, XLSX and "
                "Bitrix24's exports. A UTF-16 file needs its byte order mark, or choose its "
                "encoding."
            ),
            code="unsupported",
        )
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if text.startswith(_HTML_STARTS) or (text.startswith(b"<") and b"<table" in text):
        return "html"
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise not_xlsx()
    return "csv"


def _check_delimiter(delimiter: str) -> None:
    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise ValidationError(
            _("The delimiter must be one character, not a quote or a line break."),
            code="bad_delimiter",
        )


def _table(
    file_format: str, encoding: str, delimiter: str, records: Iterable[tuple[int, list[str]]]
) -> Table:
    """The Table of ``records`` (``(line, cells)``): the first one that is not blank is the
    header; at least one row must follow it."""
    records = iter(records)
    header = next((cells for _line, cells in records if _filled(cells)), None)
    if header is None:
        raise ValidationError(_("The file is empty."), code="empty")
    headers = _headers(header)
    rows = _rows(records, len(headers))
    first = next(rows, None)
    if first is None:
        raise ValidationError(
            _("The file has a header row but no rows below it: there is nothing to import."),
            code="no_rows",
        )
    return Table(file_format, encoding, delimiter, headers, chain([first], rows))


def _headers(cells: list[str]) -> list[str]:
    names = [cell.strip() for cell in cells]
    while not names[-1]:  # the header has a cell that is not blank
        names.pop()
    # not translated: a header is the key of the import's mapping, read again by the worker
    names = [name or f"Column {number}" for number, name in enumerate(names, start=1)]
    seen: set[str] = set()
    twice = [name for name in names if name in seen or seen.add(name)]
    if twice:
        raise ValidationError(
            _("Two columns have the same header: %(headers)s. Rename one of each.")
            % {"headers": ", ".join(f"“{name}”" for name in dict.fromkeys(twice))},
            code="duplicate_headers",
        )
    return names


def _rows(records: Iterator[tuple[int, list[str]]], width: int) -> Iterator[Row]:
    for line, cells in records:
        while len(cells) > width and not cells[-1]:
            cells.pop()
        if _filled(cells):
            yield Row(line, cells)


def _filled(cells: list[str]) -> bool:
    return any(map(str.strip, cells))
