"""CSV files: the delimiter found when not given, each row with the line it starts on.

Quoting is Excel's (fields in double quotes, a quote inside doubled, line breaks inside a
quoted field), read strictly: a quoted field left open or a stray quote after one is an
error naming its line, not a row silently swallowing the rest of the file.

Our export keeps a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return from running as a formula in Excel by writing a single quote before it; reading takes
that one quote off again (``'=SUM(A1)`` reads as ``=SUM(A1)``, ``'-5`` as ``-5``, and
``''=1`` as ``'=1``, which the export guards the same way), so an exported file imports back
as it was. A quote before anything else is kept.
"""

import csv
from collections.abc import Iterable, Iterator

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .tables import MAX_CELL

DELIMITERS = (";", ",", "\t", "|")  # in the order a tie is decided: Bitrix24's and Excel's first
_GUARDED = frozenset("=+-@\t\r")
_SAMPLE_ROWS = 100


# csv's field limit is the process's own: every reader raises it from 128 KiB to MAX_CELL.


def detect_delimiter(lines: list[str], *, complete: bool) -> str:
    """The delimiter of the CSV whose first ``lines`` are given (all of it when
    ``complete``): of ``;``, ``,``, tab and ``|``, one that reads them as CSV (a quoted field
    is followed by it or a line break) and with which most rows are as wide as the header (at
    least two columns), then the widest header; a file of one column reads with ``,``.
    Counting characters instead would be fooled by delimiters inside quotes, as the commas in
    Bitrix24's ``"+7 (812) 848-65-20, +7 921 000-00-00"``."""
    csv.field_size_limit(MAX_CELL)
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        records = _records(lines, delimiter, complete=complete)
        if records is None:
            continue
        width = len(records[0]) if records else 0
        if width < 2:
            continue
        score = (sum(len(record) == width for record in records) / len(records), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _records(lines: list[str], delimiter: str, *, complete: bool) -> list[list[str]] | None:
    """The sample's records read strictly with ``delimiter``, or None if they cannot be: with
    the wrong delimiter, a quoted field is followed by something else than a delimiter."""
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    records = []
    try:
        for record in reader:
            if record:
                records.append(record)
    except csv.Error as error:  # else the sample ends here (a long cell, an open quote)
        if "expected after" in str(error):
            return None
    if not complete and len(records) > 1:
        records.pop()  # the sample may end inside it
    return records[:_SAMPLE_ROWS]


def csv_rows(lines: Iterable[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` for each record of ``lines`` (each a line with its line break),
    ``line`` the one the record starts on; ``ValidationError`` naming the line for a cell
    over ``MAX_CELL`` characters or broken quoting."""
    csv.field_size_limit(MAX_CELL)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _bad_csv(start, str(error)) from None
        yield start, [_unguarded(cell) for cell in cells]
        start = reader.line_num + 1


def _unguarded(cell: str) -> str:
    if cell[:1] != "'" or len(cell) < 2:
        return cell
    rest = cell[1:]
    if rest[0] in _GUARDED or (rest[0] == "'" and rest[1:2] and rest[1] in _GUARDED):
        return rest
    return cell


def _bad_csv(line: int, reason: str) -> ValidationError:
    if reason.startswith("field larger than field limit"):
        message = _("The row on line %(line)d has a cell longer than %(limit)s characters.")
        code = "cell_too_long"
    elif reason == "unexpected end of data":
        message = _("The quoted cell that starts on line %(line)d is not closed.")
        code = "bad_csv"
    elif "expected after" in reason:  # a character after a closing quote
        message = _(
            "Line %(line)d cannot be read as CSV: a quote inside a quoted cell must be doubled."
        )
        code = "bad_csv"
    else:
        message = _("Line %(line)d cannot be read as CSV (%(reason)s).")
        code = "bad_csv"
    return ValidationError(
        message % {"line": line, "limit": f"{MAX_CELL:,}", "reason": reason}, code=code
    )
