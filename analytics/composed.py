"""A period that is no single calendar period of the rollups (custom dates, or a reader in
another time zone than ``settings.TIME_ZONE``), read from the rollups all the same: its whole
years, quarters and months (``Cover.blocks``, cut in the rollups' zone; a month it holds all
the past of but a day or two, too) from the item rollup rows, the days at its ends from the
moves, combined per item (``ComposedCounts``), so that a report reads about one row per item
that moved in the period instead of its every move.

Per item, the figures combine as the moves' own reading (``analytics.counts.MoveCounts``):
the furthest move is the highest stage rank, then the latest (a later part wins a tie); the
outcome is the latest of the parts' outcomes. An item created in the period is added from the
totals of the blocks and the rows of the edge months (an additive count, not per item).

The blocks may reach beyond the period: by a few hours when the reader's day does not start at
the rollups' midnight, by a day or two when a month at an end is read whole. An item that moved
beyond it is read from its moves in the period alone (``dirty``), and what was created there is
taken off again.
"""

import operator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Trunc
from django.utils import timezone

from deals import period_rollups
from deals.models import DealPeriod, LeadPeriod, PeriodKind, StageMove
from deals.period_rollups import midnight, next_period

from .counts import ItemRows
from .parameters import Parameters


@dataclass(frozen=True)
class Cover:
    """The rollups' blocks (``(kind, first day)``, in time order) inside a period, and
    ``[start, end)``, the moments they cover together."""

    blocks: tuple[tuple[int, date], ...]
    start: datetime
    end: datetime


def _block_at(day: date, last: date) -> tuple[int, date] | None:
    """The longest block starting on ``day`` and ending before ``last`` (exclusive)."""
    if day.day != 1:
        return None
    for kind, starts in ((PeriodKind.YEAR, (1,)), (PeriodKind.QUARTER, (1, 4, 7, 10)),
                         (PeriodKind.MONTH, range(1, 13))):  # fmt: skip
        if day.month in starts and next_period(kind, day) <= last:
            return kind, day
    return None


def _nearest_day(moment: datetime, tz) -> date:
    """The day of the rollups' zone whose midnight is nearest to ``moment``."""
    local = moment.astimezone(tz)
    day = local.date()
    return day + timedelta(days=1) if local.hour >= 12 else day


def cover(params: Parameters) -> Cover | None:
    """The blocks the period ``params`` names is read from: the whole years, quarters and
    months it holds (in the rollups' zone), and a month at either end that it holds all the
    past of but ``BEYOND`` (the part out of it is "beyond" the period: what moved there is
    read from the moves). None: no block is worth it.
    """
    tz = period_rollups.zone()
    first, last = _nearest_day(params.start, tz), _nearest_day(params.end, tz)
    day = first if first.day == 1 else next_period(PeriodKind.MONTH, first.replace(day=1))
    blocks = []
    while day < last and (block := _block_at(day, last)) is not None:
        blocks.append(block)
        day = next_period(*block)
    now = timezone.now()
    if first.day != 1 and _worth(first.replace(day=1), params, now, tz):
        blocks.insert(0, (PeriodKind.MONTH, first.replace(day=1)))
    if day < last and _worth(day, params, now, tz):
        blocks.append((PeriodKind.MONTH, day))
    if not blocks:
        return None
    end = next_period(*blocks[-1])
    return Cover(tuple(blocks), midnight(blocks[0][1], tz), midnight(end, tz))


# The most of a month's past a block may hold beyond the period: the hours of another time
# zone, a day or two; more would make most items that moved there be read from their moves.
BEYOND = timedelta(days=2)


def _worth(month: date, params: Parameters, now: datetime, tz) -> bool:
    """Whether the month is read whole: of its past, it holds at most ``BEYOND`` outside the
    period, and not more than inside it (its future holds no move)."""
    start, end = midnight(month, tz), midnight(next_period(PeriodKind.MONTH, month), tz)
    inside = min(end, params.end) - max(start, params.start)
    before = max(timedelta(0), min(params.start, now) - start)
    after = max(timedelta(0), min(end, now) - max(params.end, start))
    return before + after <= min(inside, BEYOND)


def _months_touching(start: datetime, end: datetime) -> list[date]:
    """The first days of the rollups' months ``[start, end)`` has a moment in."""
    tz = period_rollups.zone()
    month, last = start.astimezone(tz).date().replace(day=1), (end - timedelta(microseconds=1))
    last = last.astimezone(tz).date()
    months = []
    while month <= last:
        months.append(month)
        month = next_period(PeriodKind.MONTH, month)
    return months


class ComposedCounts:
    """The counts of a period from its ``cover``: ``rolled`` (a ``RolledCounts`` of the
    blocks' totals, for the created items) and ``readable`` (the item rollup rows the reader
    may read, of the people asked for; None: every row)."""

    def __init__(self, key: str, rolled, readable, cover_: Cover, params: Parameters):
        self.key, self.item, self.rolled, self.params = key, f"{key}_id", rolled, params
        self.cover = cover_
        model = DealPeriod if key == "deal" else LeadPeriod
        self.readable = readable if readable is not None else model.objects.all()
        self.restricted = readable is not None
        start, end = params.start, params.end
        # The hours the blocks reach beyond the period, and the items that moved in them.
        head, tail = (cover_.start, min(start, cover_.end)), (max(end, cover_.start), cover_.end)
        self.beyond = [(a, b) for a, b in (head, tail) if a < b]
        # The period's ends the blocks leave out: read from the moves.
        head, tail = (start, min(cover_.start, end)), (max(cover_.end, start), end)
        self.ends = [(a, b) for a, b in (head, tail) if a < b]
        # The items that moved at the ends or beyond (their rows are combined with those
        # moves), and those that moved beyond (read from their moves in the period alone).
        self.mixed = self._moved_in(self.ends + self.beyond)
        self.dirty = self._moved_in(self.beyond)

    def _moved_in(self, spans):
        """The items with a move in ``spans`` (a subquery; None: no span)."""
        if not spans:
            return None
        moves = StageMove.objects.filter(_during(spans), **{f"{self.item}__isnull": False})
        return moves.values(self.item).distinct()

    def _moves_in(self, spans):
        """The moves in ``spans`` of the items the reader may read (every item that moved in
        them has a row of a month they touch)."""
        moves = StageMove.objects.filter(_during(spans))
        if not self.restricted:
            return moves.filter(**{f"{self.item}__isnull": False})
        months = sorted({month for a, b in spans for month in _months_touching(a, b)})
        touched = self.readable.filter(kind=PeriodKind.MONTH, first__in=months)
        return moves.filter(**{f"{self.item}__in": touched.values(self.item)})

    def scope_moves(self):
        """The moves in the period of the items the reader may read."""
        return self._moves_in([(self.params.start, self.params.end)])

    def _picked(self, pipeline_id, rows_filter: Q, solo: Q, moves_filter: Q, values: dict,
                moves_values: dict, order: str):  # fmt: skip
        """The SQL of each item's part that counts, with the ``values`` asked for: a block's
        row that is its item's (``solo``: nothing the item did elsewhere in the period beats
        it), for items with no move at the ends or beyond, as it is; for the other items
        (``mixed``) the first by ``order`` (ROW_NUMBER) of their rows, their moves at the ends
        and, for a dirty item, its moves in the period instead of its rows. ``(None, ())``
        when the reader may read none of these items. The rows are read once, and the moved
        items once (``WITH``: tested against each row from a hash, not read again per part)."""
        names = ["p_item", "p_section", "p_seq", "p_solo", "p_row", *values]
        parts = [
            self.readable.filter(rows_filter, kind=kind, first=first).annotate(
                p_item=F(self.item), p_section=Value(n + 1, output_field=IntegerField()),
                p_seq=Value(0, output_field=BigIntegerField()),
                p_solo=ExpressionWrapper(solo, output_field=BooleanField()),
                p_row=Value(True), **values,
            )
            for n, (kind, first) in enumerate(self.cover.blocks)
        ]  # fmt: skip
        moves = [self._moves_in(self.ends)] if self.ends else []
        if self.dirty is not None:
            moves.append(self.scope_moves().filter(**{f"{self.item}__in": self.dirty}))
        section = Case(
            When(moved_at__lt=self.cover.start, then=Value(0)),
            When(moved_at__gte=self.cover.end, then=Value(len(self.cover.blocks) + 1)),
            default=Value(1), output_field=IntegerField(),
        )  # fmt: skip
        parts += [
            part.filter(moves_filter).annotate(
                p_item=F(self.item), p_section=section, p_seq=F("id"),
                p_solo=Value(False), p_row=Value(False), **moves_values,
            )
            for part in moves
        ]  # fmt: skip
        if pipeline_id is not None:
            parts = [part.filter(pipeline_id=pipeline_id) for part in parts]
        sql, params = _sql([part.values_list(*names) for part in parts])
        if sql is None:
            return None, ()
        columns = ", ".join(values)
        if self.mixed is None:
            return f"SELECT {columns} FROM ({sql}) parts WHERE p_solo", params  # noqa: S608
        mixed, mixed_params = self.mixed.query.sql_with_params()
        sets, sets_params, clean = f"mixed AS ({mixed})", list(mixed_params), ""
        if self.dirty is not None:  # a dirty item's rows give way to its moves
            dirty, dirty_params = self.dirty.query.sql_with_params()
            sets, clean = (
                f"{sets}, dirty AS ({dirty})",
                (" AND NOT (p_row AND p_item IN (SELECT * FROM dirty))"),
            )
            sets_params += dirty_params
        return (
            f"WITH parts AS ({sql}), {sets} "  # noqa: S608 (ours)
            f"SELECT {columns} FROM parts WHERE p_solo AND p_item NOT IN (SELECT * FROM mixed) "
            f"UNION ALL SELECT {columns} FROM (SELECT {columns}, ROW_NUMBER() OVER ("
            f"PARTITION BY p_item ORDER BY {order}) AS p_n FROM parts "
            f"WHERE p_item IN (SELECT * FROM mixed){clean}) picked WHERE p_n = 1",
            [*params, *sets_params],
        )

    def _outside(self, before: str | None, after: str) -> Q:
        """A row's item did nothing in the period that beats it: ``before`` (a field: the
        latest such thing before the row's period) before the period, ``after`` from its
        end."""
        start, end = self.params.start, self.params.end
        quiet = Q(**{f"{after}__isnull": True}) | Q(**{f"{after}__gte": end})
        if before is not None:
            quiet &= Q(**{f"{before}__isnull": True}) | Q(**{f"{before}__lt": start})
        return quiet

    def furthest(self, pipeline_id, ranked: list) -> list[tuple]:
        row_rank = Case(*[When(furthest_stage_id=s.pk, then=Value(n)) for n, s in
                          enumerate(ranked)], default=Value(-1))  # fmt: skip
        move_rank = Case(
            *[When(to_stage_id=s.pk, then=Value(n)) for n, s in enumerate(ranked)],
            *[When(from_stage_id=s.pk, then=Value(n)) for n, s in enumerate(ranked)],
            default=Value(0),
        )
        sql, params = self._picked(
            pipeline_id, Q(furthest_stage_id__isnull=False),
            self._outside("beaten_before", "beaten_after"), Q(),
            {"p_rank": row_rank, "p_amount": F("furthest_amount"),
             "p_currency": F("furthest_currency")},
            {"p_rank": move_rank, "p_amount": F("amount"), "p_currency": F("currency")},
            "p_rank DESC, p_section DESC, p_seq DESC",
        )  # fmt: skip
        if sql is None:
            return []
        return _query(
            "SELECT p_rank, p_currency, COUNT(*), SUM(p_amount) FROM ("  # noqa: S608 (ours)
            f"{sql}) picked WHERE p_rank >= 0 GROUP BY p_rank, p_currency",
            params,
        )

    def outcomes(self, pipeline_id, final_ids, group: tuple[str, ...]) -> list[dict]:
        zone = timezone.get_current_timezone()
        rows_values = {
            "p_stage": F("outcome_stage_id"),
            "p_currency": F("outcome_currency"),
            "p_amount": F("outcome_amount"),
            "p_age": F("outcome_age"),
            "p_person": F("responsible_id"),
            "p_bucket": Trunc("outcome_at", self.params.interval, tzinfo=zone),
        }
        moves_values = {
            "p_stage": F("to_stage_id"),
            "p_currency": F("currency"),
            "p_amount": F("amount"),
            "p_age": F("age_seconds"),
            "p_person": F(f"{self.key}__responsible_id"),
            "p_bucket": Trunc("moved_at", self.params.interval, tzinfo=zone),
        }
        columns = {"to_stage_id": "p_stage", "currency": "p_currency",
                   "responsible": "p_person", "bucket": "p_bucket"}  # fmt: skip
        wanted = {"p_stage", "p_currency", "p_amount", "p_age"} | {columns[g] for g in group}
        rows_filter = Q(outcome_stage_id__in=final_ids)
        if pipeline_id is None:
            rows_filter &= Q(outcome_last=True)
        after = "outcome_after" if pipeline_id is not None else "outcome_after_any"
        sql, params = self._picked(
            pipeline_id, rows_filter, self._outside(None, after), Q(to_stage_id__in=final_ids),
            {n: v for n, v in rows_values.items() if n in wanted},
            {n: v for n, v in moves_values.items() if n in wanted},
            "p_section DESC, p_seq DESC",
        )  # fmt: skip
        if sql is None:
            return []
        grouped = ", ".join(columns[name] for name in group)
        found = _query(
            f"SELECT {grouped}, COUNT(*), SUM(p_amount), SUM(p_age) FROM ({sql}) picked "  # noqa: S608
            f"GROUP BY {grouped}",
            params,
        )
        return [
            {**{name: _bucket(value) if name == "bucket" else value
                for name, value in zip(group, row, strict=False)},
             "count": row[-3], "amount": row[-2], "age": row[-1]}
            for row in found
        ]  # fmt: skip

    def created(self, pipeline_id) -> list[dict]:
        """The blocks' totals, plus the items created at the period's ends (from their rows
        of the months there), less those created in the hours the blocks reach beyond it."""
        parts = [(1, row) for row in self.rolled.created(pipeline_id)]
        for spans, sign in ((self.ends, 1), (self.beyond, -1)):
            if not spans:
                continue
            months = sorted({m for a, b in spans for m in _months_touching(a, b)})
            rows = self.readable.filter(
                _during(spans, f"{self.key}__created_at"), kind=PeriodKind.MONTH,
                first__in=months, created=True,
            )  # fmt: skip
            if pipeline_id is not None:
                rows = rows.filter(pipeline_id=pipeline_id)
            parts += [(sign, row) for row in ItemRows(rows, self.params).created(None)]
        merged = {}
        for sign, row in parts:
            total = merged.setdefault((row["source"], row["currency"]), [0, 0, 0, 0])
            amount = row["won_amount"] if row["won_amount"] is not None else 0
            for n, value in enumerate((row["count"], row["won"], row["won_amounted"], amount)):
                total[n] += sign * value
        return [
            {"source": source, "currency": currency, "count": count, "won": won,
             "won_amount": amount if amounted else None}
            for (source, currency), (count, won, amounted, amount) in merged.items()
            if count
        ]  # fmt: skip


def _during(spans, field: str = "moved_at") -> Q:
    return reduce(operator.or_, [Q(**{f"{field}__gte": a, f"{field}__lt": b}) for a, b in spans])


def _sql(querysets: list) -> tuple:
    """The SQL of the UNION ALL of ``querysets``, ``(None, ())`` when none can match."""
    try:
        return querysets[0].union(*querysets[1:], all=True).query.sql_with_params()
    except EmptyResultSet:  # a condition that can match nothing: no SQL to run
        return None, ()


def _query(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _bucket(value):
    """A truncated moment as the database gives it to a raw query (SQLite: text)."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value
