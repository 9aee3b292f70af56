"""HTML tables: Bitrix24's "Excel" export, which is an HTML ``<table>`` saved as ``.xls``.

Read with the standard library's ``html.parser`` as the text arrives: the first table's rows
(``th`` or ``td`` cells alike), a cell's text as a browser shows it (runs of white space as
one space, ``<br>`` as a line break, entities decoded, other tags dropped). Tables inside a
cell and any table after the first are ignored.
"""

import re
from collections import deque
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .tables import MAX_CELL

_SPACES = re.compile(r"[ \t\r\n\f]+")
_CELLS = frozenset(("td", "th"))


def html_rows(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` for each row of the first table in the HTML text ``lines``, ``line``
    the row's position in the table (the header row is 1); ``ValidationError`` for a text
    without a table or a cell over ``MAX_CELL`` characters."""
    parser = _TableParser()
    for text in lines:
        parser.feed(text)
        while parser.rows:
            yield parser.rows.popleft()
        if parser.finished:
            return
    parser.close()
    parser.end_row()
    yield from parser.rows
    if not parser.found:
        raise ValidationError(
            _("The file is HTML without a table: the import reads CSV, XLSX and Bitrix24 exports."),
            code="unsupported",
        )


class _TableParser(HTMLParser):
    """Collects the rows of the first table into ``rows`` as its end tags pass. HTML lets a
    cell or a row end where the next one starts, so they end there too."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: deque[tuple[int, list[str]]] = deque()
        self.found = self.finished = False
        self.depth = 0  # of tables open; only the outer one's rows count
        self.count = 0
        self.row: list[str] | None = None
        self.cell: list[list[str]] | None = None  # the cell's lines (split by <br>), in pieces
        self.cell_length = 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.found = True
            self.depth += 1
        elif self.depth != 1 or self.finished:
            return
        elif tag == "tr":
            self.end_row()
            self.row = []
        elif tag in _CELLS:
            self.end_cell()
            if self.row is None:  # a cell outside any row starts one
                self.row = []
            self.cell, self.cell_length = [[]], 0
        elif tag == "br" and self.cell is not None:
            self.cell.append([])

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
            if not self.depth:
                self.end_row()
                self.finished = True
        elif self.depth != 1 or self.finished:
            return
        elif tag == "tr":
            self.end_row()
        elif tag in _CELLS:
            self.end_cell()

    def handle_data(self, data):
        if self.cell is None or self.depth != 1 or self.finished:
            return
        self.cell[-1].append(data)
        self.cell_length += len(data)
        if self.cell_length > MAX_CELL:
            raise ValidationError(
                _("Row %(line)d has a cell longer than %(limit)s characters.")
                % {"line": self.count + 1, "limit": f"{MAX_CELL:,}"},
                code="cell_too_long",
            )

    def end_cell(self):
        if self.cell is not None and self.row is not None:
            lines = (_SPACES.sub(" ", "".join(parts)).strip(" ") for parts in self.cell)
            self.row.append("\n".join(lines).strip())
        self.cell = None

    def end_row(self):
        self.end_cell()
        if self.row is not None:
            self.count += 1
            self.rows.append((self.count, self.row))
        self.row = None
