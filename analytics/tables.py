"""What every report answers: a table (columns and rows) with the chart drawn from it. The page,
the API and the downloads all show this one object, so they never disagree."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from crm.money import money


@dataclass(frozen=True)
class Column:
    """``kind``: ``text``, ``count``, ``money`` (``{currency: amount}``), ``percent`` (0-100,
    None when undefined: nothing to divide by) or ``days``."""

    key: str
    label: str
    kind: str = "count"


@dataclass(frozen=True)
class Chart:
    """A bar or line chart: one bar (point) per row, labelled by the ``label`` column, one
    series per column in ``series``."""

    kind: str
    label: str
    series: tuple[str, ...]


@dataclass
class Table:
    report: str
    title: str
    columns: list[Column]
    rows: list[dict]
    chart: Chart
    summary: list[tuple[str, str]] = field(default_factory=list)
    # When the figures were read: they hold every change saved before it (the rollups are
    # written in the transaction of each change, so there is no later refresh to wait for).
    as_of: datetime = field(default_factory=timezone.now)

    def as_data(self) -> dict:
        """The table as JSON can carry it (amounts and days as strings, exact)."""
        return {
            "report": self.report,
            "title": self.title,
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in self.columns],
            "rows": [
                {c.key: _json_value(row.get(c.key)) for c in self.columns} for row in self.rows
            ],
            "summary": [{"label": label, "value": value} for label, value in self.summary],
            "as_of": self.as_of.isoformat(),
            "chart": {
                "kind": self.chart.kind,
                "label": self.chart.label,
                "series": list(self.chart.series),
            },
        }

    def shown_rows(self) -> list[list[str]]:
        """Every cell as people read it, in the reader's language and formats."""
        return [[shown(column, row.get(column.key)) for column in self.columns]
                for row in self.rows]  # fmt: skip

    def chart_data(self) -> dict:
        """What the page's chart script draws: labels, and per series its label and values."""
        labels = {c.key: c.label for c in self.columns}
        return {
            "kind": self.chart.kind,
            "labels": [str(row.get(self.chart.label) or "") for row in self.rows],
            "series": [
                {"label": labels[key], "values": [_plain_number(row.get(key)) for row in self.rows]}
                for key in self.chart.series
            ],
        }


def percent(part, whole) -> Decimal | None:
    """``part`` of ``whole`` in percent, to one decimal (None when ``whole`` is zero)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def days(seconds) -> Decimal | None:
    return None if seconds is None else (Decimal(seconds) / 86400).quantize(Decimal("0.1"))


def _json_value(value):
    if isinstance(value, dict):
        return {currency: str(amount) for currency, amount in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    return value


def _plain_number(value):
    if isinstance(value, dict):  # a chart shows one currency's amounts: the first one
        return float(next(iter(value.values()), 0))
    return None if value is None else float(value)


def shown(column: Column, value) -> str:
    if value is None:
        return "—"
    if column.kind == "money":
        if not value:
            return "0"
        return "; ".join(money(amount, currency) for currency, amount in value.items())
    if column.kind == "percent":
        return f"{formats.number_format(value, 1)} %"
    if column.kind == "days":
        return _("%s d") % formats.number_format(value, 1)
    if column.kind == "count":
        return formats.number_format(value, force_grouping=True)
    return str(value)
