"""XLSX workbooks: their first visible worksheet read with python-calamine (README, "Reading
XLSX: openpyxl or calamine"), after checks that keep a hostile file from taking the process
down.

calamine reads a sheet whole into memory: every cell of its extent, 32 bytes each, used or
not. So, before it reads anything:

* the file must be a zip archive holding a workbook (``xl/workbook.xml``), of at most
  ``MAX_PARTS`` entries;
* the sizes its directory declares must add up to at most ``IMPORT_MAX_UNZIPPED_BYTES``: a zip
  bomb is a small file that unzips to gigabytes. The declared sizes bind: Python's zipfile
  stops at them, and calamine refuses an entry that goes past its size;
* the extent of every part's cells must be at most ``MAX_GRID_CELLS``: cells at A1 and at
  XFD1048576 make a 2 KB file that calamine would make into 17 billion cells (its issue 693),
  a memory allocation that aborts the process. The extent is bounded from the unzipped XML,
  read once: the largest row and column that any cell or row names, plus one for each cell
  or row that names none (placed by position).

XML entities: calamine's parser (quick-xml) expands only XML's own five and character
references. A document type declaring entities ("billion laughs") or naming an external one
is an error in calamine ("unrecognized entity"), which is refused here like any unreadable
file; the tests keep both so.
"""

import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from .tables import MAX_CELL

MAX_PARTS = 10_000  # a workbook has a few dozen; images (logos) add one each
MAX_GRID_CELLS = 20_000_000  # 640 MB in calamine: 2 million rows of 10 columns
_READ = 1024 * 1024

# Where a sheet's cells are. Excel and every common writer name each row and cell first thing
# in its tag (``<row r="5">``, ``<c r="B5">``): then the row tags give the rows, and a search
# for a cell right of or below what is known finds the few blocks that widen it.
_ROW_NUMBER = re.compile(rb"""<row r=["']([0-9]+)""")
_CELL_COLUMN = re.compile(rb"""<c r=["']([A-Za-z]+)""")
_CELL_ROW = re.compile(rb"""<c r=["'][A-Za-z]+([0-9]+)""")
_DIGITS, _LETTERS = "0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Anything else (a row or cell without ``r`` first, placed by position; a tag with a namespace
# prefix, which calamine reads too) is read tag by tag, as calamine reads it.
_UNPLACED = re.compile(rb"<(?:c|row)(?=[\s/>])(?! r=)")
_PREFIXED = re.compile(rb"<[\w.-]+:(?:c|row)[\s/>]")
_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*)>")
_REFERENCE = re.compile(rb"""(?<=\s)r\s*=\s*["']([A-Za-z]*)([0-9]*)""")


def xlsx_rows(file: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` for each row of the first visible worksheet of ``file`` from row 1,
    cells from column A, as text (``cell_text``). ``ValidationError`` for a file that is no
    XLSX workbook, too large unzipped, too wide, or unreadable (an XML entity declaration,
    an entry longer than declared, a damaged file)."""
    _check_package(file)
    file.seek(0)
    try:
        workbook = CalamineWorkbook.from_filelike(file)
        sheet = workbook.get_sheet_by_index(_first_visible_sheet(workbook))
    except CalamineError as error:
        raise ValidationError(
            _("The XLSX file cannot be read (%(reason)s).") % {"reason": error},
            code="unreadable",
        ) from None
    # calamine gives rows from row 1 but cells from the first column that holds any
    padding = [""] * (sheet.start[1] if sheet.start else 0)
    for line, values in enumerate(sheet.iter_rows(), start=1):
        cells = [value if value.__class__ is str else cell_text(value) for value in values]
        if cells and max(map(len, cells)) > MAX_CELL:
            raise _too_long(line)
        yield line, padding + cells


def cell_text(value) -> str:
    """A cell as text: a string as it is, a whole number without ``.0``, another number in
    plain decimal notation to Excel's 15 significant digits (``0.00001``, never ``1e-05``),
    a date as ``YYYY-MM-DD``, a date and time in ISO (at midnight: its date, as Excel shows
    a date typed into a date-and-time column), a time as ``HH:MM:SS``, a duration as
    ``H:MM:SS``, yes/no as ``Y``/``N``, an empty cell (or an error such as ``#DIV/0!``)
    as ""."""
    return value if value.__class__ is str else _TEXT.get(value.__class__, str)(value)


def _number(value: float) -> str:
    if value.is_integer() and -1e15 < value < 1e15:
        return str(int(value))
    return format(Decimal(f"{value:.15g}"), "f")


def _moment(value: datetime) -> str:
    return value.date().isoformat() if value.time() == time() else value.isoformat()


def _duration(value: timedelta) -> str:
    minutes, seconds = divmod(round(value.total_seconds()), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{seconds:02d}"


_TEXT = {
    float: _number,
    int: str,
    bool: lambda value: "Y" if value else "N",
    datetime: _moment,
    date: date.isoformat,
    time: time.isoformat,
    timedelta: _duration,
    type(None): lambda _value: "",
}


def _check_package(file: BinaryIO) -> None:
    limit = settings.IMPORT_MAX_UNZIPPED_BYTES
    try:
        archive = zipfile.ZipFile(file)
    except zipfile.BadZipFile:
        raise not_xlsx() from None
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise ValidationError(
                _("The XLSX file holds %(count)s parts, more than the %(limit)s it may hold.")
                % {"count": f"{len(parts):,}", "limit": f"{MAX_PARTS:,}"},
                code="zip_bomb",
            )
        unzipped = sum(part.file_size for part in parts)
        if unzipped > limit:
            raise ValidationError(
                _(
                    "The XLSX file unzips to %(size)s, more than the %(limit)s the import "
                    "reads. Save it as CSV, or import it in parts."
                )
                % {"size": filesizeformat(unzipped), "limit": filesizeformat(limit)},
                code="zip_bomb",
            )
        if "xl/workbook.xml" not in archive.namelist():
            raise not_xlsx()
        for part in parts:
            _check_extent(archive, part)


def _check_extent(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """Refuse a part whose cells would span more than ``MAX_GRID_CELLS`` in calamine (see the
    module's docstring)."""
    try:
        with archive.open(part) as stream:
            height, width = _extent(_blocks(stream))
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ValidationError(
            _("The XLSX file cannot be read (%(reason)s).") % {"reason": error},
            code="unreadable",
        ) from None
    if height * width > MAX_GRID_CELLS:
        raise ValidationError(
            _(
                "The worksheet spans %(rows)s rows and %(columns)s columns, more than the "
                "import reads (%(limit)s cells). Delete what is far below or to the right "
                "of the table, or save it as CSV."
            )
            % {"rows": f"{height:,}", "columns": f"{width:,}", "limit": f"{MAX_GRID_CELLS:,}"},
            code="too_wide",
        )


def _blocks(stream) -> Iterator[bytes]:
    """The unzipped XML in blocks of about ``_READ`` bytes, each cut before its last ``<`` so
    that no tag is split. A tag with its text longer than ``MAX_CELL`` characters is no cell a
    reader takes, and is refused before the rest is read."""
    rest = b""
    while block := stream.read(_READ):
        block = rest + block
        cut = block.rfind(b"<")
        if cut < 0:  # all text
            cut = len(block)
        block, rest = block[:cut], block[cut:]
        if len(rest) > 4 * MAX_CELL:  # bytes: more than MAX_CELL characters
            raise _too_long()
        yield block
    yield rest


def _extent(blocks: Iterator[bytes]) -> tuple[int, int]:
    """(rows, columns), at least as many as the cells in ``blocks`` span."""
    height = width = 0
    for block in blocks:
        if not any(tag in block for tag in (b"<c", b":c", b"<row", b":row")):
            continue  # styles, shared strings
        if _UNPLACED.search(block) or (
            (b":c" in block or b":row" in block) and _PREFIXED.search(block)
        ):
            return _extent_by_tags(block, blocks, height, width)
        height = max(height, max(map(int, _ROW_NUMBER.findall(block)), default=0))
        beyond = rb"""<c r=["'](?:(?:%s)[0-9]|[A-Za-z]+(?:%s)["'])""" % (
            _beyond(_column_letters(width), _LETTERS),
            _beyond(str(height), _DIGITS),
        )
        if re.search(beyond, block, re.IGNORECASE):
            height = max(height, max(map(int, _CELL_ROW.findall(block)), default=0))
            columns = set(_CELL_COLUMN.findall(block))
            width = max(width, max(map(_column_number, columns), default=0))
    return height, width


def _beyond(edge: str, alphabet: str) -> bytes:
    """A pattern for a name past ``edge`` (a row's digits, a column's letters): longer, or
    as long and after it, letter by letter, in ``alphabet``."""
    first, last = alphabet[0], alphabet[-1]
    options = [f"[{first}-{last}]{{{len(edge) + 1},}}"] + [
        f"{edge[:index]}[{alphabet[alphabet.index(letter) + 1]}-{last}]"
        f"[{first}-{last}]{{{len(edge) - index - 1}}}"
        for index, letter in enumerate(edge)
        if letter != last
    ]
    return "|".join(options).encode()


def _extent_by_tags(
    first: bytes, blocks: Iterator[bytes], height: int, width: int
) -> tuple[int, int]:
    """The extent of the cells of ``first`` and the blocks after it, read tag by tag as
    calamine reads them (a row or cell is where its ``r`` says, in any case, with either
    quote and spaces around ``=``; without one, one after the one before), grown from
    ``height`` and ``width``, the extent before ``first``. A row or cell placed by position
    right at the start of ``first`` is counted from that extent's edge, at least as far as
    it can really be."""
    row, column = height, width
    for block in (first, *blocks):
        for match in _TAG.finditer(block):
            reference = _REFERENCE.search(match[2])
            letters, digits = reference.groups() if reference else (b"", b"")
            if match[1] == b"row":
                row, column = (int(digits) if digits else row + 1), 0
            else:
                column = _column_number(letters) if letters else column + 1
                row = int(digits) if digits else row
                width = max(width, column)
            height = max(height, row)
    return height, width


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = _LETTERS[remainder] + letters
    return letters


def _first_visible_sheet(workbook: CalamineWorkbook) -> int:
    for index, sheet in enumerate(workbook.sheets_metadata):
        if sheet.typ == SheetTypeEnum.WorkSheet and sheet.visible == SheetVisibleEnum.Visible:
            return index
    raise ValidationError(_("The XLSX file has no visible worksheet."), code="empty")


def not_xlsx() -> ValidationError:
    return ValidationError(
        _("The file is not an XLSX workbook: save it again as XLSX or CSV."),
        code="not_xlsx",
    )


def _too_long(line: int = 0) -> ValidationError:
    if line:
        message = _("Row %(line)d has a cell longer than %(limit)s characters.")
    else:
        message = _("The XLSX file has a cell longer than %(limit)s characters.")
    return ValidationError(message % {"line": line, "limit": f"{MAX_CELL:,}"}, code="cell_too_long")
