"""What every file reader gives: a table of text, its rows streamed with their line numbers."""

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

# The longest cell a reader takes, in characters (1 MiB of ASCII): far more than a CRM field
# holds, and a bound on what one row can cost in memory.
MAX_CELL = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Row:
    """One row as read: ``line`` is where a person finds it (the header is 1): a CSV row's first
    line in a text editor, an XLSX row's number in Excel, an HTML table row's position."""

    line: int
    cells: list[str]


@dataclass
class Table:
    """A file read as text. ``rows`` is an iterator: rows are read as they are taken, so a
    100 MB file never sits in memory as a list; a bad row found on the way raises
    ``ValidationError`` when it is reached, so whoever writes the rows somewhere takes them
    all before acting on any. ``encoding`` is "" for XLSX, ``delimiter`` "" unless CSV."""

    file_format: str  # "csv", "xlsx" or "html"
    encoding: str
    delimiter: str
    headers: list[str]
    rows: Iterator[Row]

    def preview(self, count: int) -> list[Row]:
        """The next ``count`` rows (the first ones on a new table), taken from ``rows``."""
        return list(islice(self.rows, count))
