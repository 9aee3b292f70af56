"""Where a report's figures come from: the three counts every report is made of, read either
from the stage history itself (``MoveCounts``: any period) or from the period rollups
(``RolledCounts``: a calendar month, quarter or year, one row per item instead of its moves,
``deals.period_rollups``), the same figures either way (``analytics.reading.counts_for``
chooses; ``analytics.composed`` reads other periods from both).

- ``furthest``: per funnel position and currency, the items whose furthest move in the period
  (in a pipeline) is there, and their amount at that move;
- ``outcomes``: the items' last moves into a final stage in the period, grouped as asked;
- ``created``: the items created in the period per source and currency, how many are won (or
  converted) now and their amount.

Rights: ``MoveCounts`` reads the moves of ``restrict(user, "read")``; ``RolledCounts`` applies
the same condition to the rollup rows, which carry what it looks at (responsible, "available to
everyone", pipeline, the item's id for shared items). A condition on anything else is not
rewritten: those readers get ``MoveCounts``.
"""

import operator
from functools import reduce

from django.conf import settings
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    Max,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Trunc
from django.utils import timezone

from accessrights.rights import rights_of
from deals.models import (
    Deal,
    DealPeriod,
    Lead,
    LeadPeriod,
    PeriodKind,
    PeriodMeasure,
    PeriodTotal,
    StageMove,
)
from dictionaries.models import Semantics

from .parameters import Parameters

# A move's rank and id packed in one integer, so that one MAX per item finds its furthest move.
PACK = 10**12


class MoveCounts:
    """The counts from the moves of the period of ``items`` (``key``: ``deal`` or ``lead``)."""

    def __init__(self, key: str, items, params: Parameters):
        self.key, self.items, self.params = key, items, params
        self.moves = _in_period(params)
        if items.query.where.children:  # not every item (a superuser's): those of the list
            self.moves = self.moves.filter(**{f"{key}__in": items.values("pk")})
        else:
            self.moves = self.moves.filter(**{f"{key}__isnull": False})

    def scope_moves(self):
        """The moves in the period of the items."""
        return self.moves

    def _of(self, pipeline_id):
        return self.moves if pipeline_id is None else self.moves.filter(pipeline_id=pipeline_id)

    def furthest(self, pipeline_id, ranked: list) -> list[tuple]:
        rank = Case(
            *[When(to_stage_id=s.pk, then=Value(i)) for i, s in enumerate(ranked)],
            *[When(from_stage_id=s.pk, then=Value(i)) for i, s in enumerate(ranked)],
            default=Value(0),
        )
        packed = ExpressionWrapper(rank * Value(PACK) + F("id"), output_field=BigIntegerField())
        per_item = self._of(pipeline_id).values(self.key).annotate(best=Max(packed))
        sql, sql_params = per_item.values("best").query.sql_with_params()
        table = connection.ops.quote_name(StageMove._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT t.best / {PACK}, m.currency, COUNT(*), SUM(m.amount) "  # noqa: S608
                f"FROM ({sql}) t JOIN {table} m ON m.id = t.best %% {PACK} GROUP BY 1, 2",
                sql_params,
            )
            return cursor.fetchall()

    def outcomes(self, pipeline_id, final_ids, group: tuple[str, ...]) -> list[dict]:
        moves = self._of(pipeline_id).filter(to_stage_id__in=final_ids)
        last = moves.values(self.key).annotate(last=Max("id")).values("last")
        named = {"bucket": _bucket("moved_at", self.params),
                 "responsible": F(f"{self.key}__responsible")}  # fmt: skip
        found = StageMove.objects.filter(id__in=last).annotate(
            **{name: value for name, value in named.items() if name in group}
        )
        return list(
            found.values(*group).annotate(
                count=Count("id"), amount=Sum("amount"), age=Sum("age_seconds")
            )
        )

    def created(self, pipeline_id) -> list[dict]:
        items = self.items.filter(created_at__gte=self.params.start,
                                  created_at__lt=self.params.end)  # fmt: skip
        if pipeline_id is not None:
            items = items.filter(pipeline_id=pipeline_id)
        won = Q(stage__semantics=Semantics.SUCCESS)
        return list(
            items.values("source", "currency").annotate(
                count=Count("id"), won=Count("id", filter=won), won_amount=Sum("amount", filter=won)
            )
        )


class ItemRows:
    """The counts from item rollup rows (``rows``: those of the period, under the rights)."""

    def __init__(self, rows, params: Parameters):
        self.rows, self.params = rows, params

    def _of(self, pipeline_id):
        return self.rows if pipeline_id is None else self.rows.filter(pipeline_id=pipeline_id)

    def furthest(self, pipeline_id, ranked: list) -> list[tuple]:
        position = {stage.pk: i for i, stage in enumerate(ranked)}
        found = (
            self._of(pipeline_id).filter(furthest_stage_id__isnull=False)
            .values_list("furthest_stage_id", "furthest_currency")
            .annotate(count=Count("pk"), amount=Sum("furthest_amount"))
        )  # fmt: skip
        return [
            (position[stage], currency, count, amount)
            for stage, currency, count, amount in found
            if stage in position
        ]

    def outcomes(self, pipeline_id, final_ids, group: tuple[str, ...]) -> list[dict]:
        rows = self.rows.filter(outcome_last=True) if pipeline_id is None else self._of(pipeline_id)
        named = {"bucket": _bucket("outcome_at", self.params),
                 "to_stage_id": F("outcome_stage_id"), "currency": F("outcome_currency"),
                 "responsible": F("responsible_id")}  # fmt: skip
        rows = rows.filter(outcome_stage_id__in=final_ids).annotate(
            **{name: value for name, value in named.items() if name in group}
        )
        return list(
            rows.values(*group).annotate(
                count=Count("pk"), amount=Sum("outcome_amount"), age=Sum("outcome_age")
            )
        )

    def created(self, pipeline_id) -> list[dict]:
        won = Q(won_now=True)
        rows = self._of(pipeline_id).filter(created=True)
        return list(
            rows.annotate(source=F("source_id"), currency=F("item_currency"))
            .values("source", "currency")
            .annotate(count=Count("pk"), won=Count("pk", filter=won),
                      won_amounted=Count("item_amount", filter=won),
                      won_amount=Sum("item_amount", filter=won))
        )  # fmt: skip


class _Totals:
    """The counts from the period totals (``totals``: those of the period, under the rights)."""

    def __init__(self, totals, params: Parameters):
        self.totals, self.params = totals.filter(count__gt=0), params

    def _of(self, pipeline_id):
        return self.totals if pipeline_id is None else self.totals.filter(pipeline_id=pipeline_id)

    def furthest(self, pipeline_id, ranked: list) -> list[tuple]:
        position = {stage.pk: i for i, stage in enumerate(ranked)}
        found = (
            self._of(pipeline_id).filter(measure=PeriodMeasure.FURTHEST)
            .values_list("stage_id", "currency")
            .annotate(n=Sum("count"), amounted=Sum("amounted"), total=Sum("amount"))
        )  # fmt: skip
        return [
            (position[stage], currency, n, total if amounted else None)
            for stage, currency, n, amounted, total in found
            if stage in position
        ]

    def outcomes(self, pipeline_id, final_ids, group: tuple[str, ...]) -> list[dict]:
        measure = PeriodMeasure.OUTCOME
        if "bucket" in group:
            weekly = self.params.interval == "week"
            measure = PeriodMeasure.OUTCOME_WEEK if weekly else PeriodMeasure.OUTCOME_MONTH
        rows = self.totals.filter(measure=measure, stage_id__in=final_ids)
        rows = rows.filter(outcome_last=True) if pipeline_id is None else rows.filter(
            pipeline_id=pipeline_id)  # fmt: skip
        named = {"bucket": F("week" if self.params.interval == "week" else "month"),
                 "to_stage_id": F("stage_id"), "responsible": F("responsible_id")}  # fmt: skip
        rows = rows.annotate(**{name: value for name, value in named.items() if name in group})
        found = rows.values(*group).annotate(
            n=Sum("count"), amounted=Sum("amounted"), total=Sum("amount"), seconds=Sum("age")
        )
        return [
            {**{name: row[name] for name in group}, "count": row["n"],
             "amount": row["total"] if row["amounted"] else None, "age": row["seconds"]}
            for row in found
        ]  # fmt: skip

    def created(self, pipeline_id) -> list[dict]:
        won = Q(won_now=True)
        found = (
            self._of(pipeline_id).filter(measure=PeriodMeasure.CREATED)
            .values("source_id", "currency")
            .annotate(n=Sum("count"), won=Sum("count", filter=won),
                      won_amounted=Sum("amounted", filter=won),
                      won_total=Sum("amount", filter=won))
        )  # fmt: skip
        return [
            {"source": row["source_id"] or None, "currency": row["currency"], "count": row["n"],
             "won": row["won"] or 0, "won_amounted": row["won_amounted"] or 0,
             "won_amount": row["won_total"] if row["won_amounted"] else None}
            for row in found
        ]  # fmt: skip


class RolledCounts:
    """The counts from the period totals of the items the reader's roles reach, plus the item
    rows of those shared with them beyond that (``extra``, None: none)."""

    def __init__(self, key: str, totals, extra, readable, params: Parameters):
        self.key, self.readable, self.params = key, readable, params
        self.parts = [_Totals(totals, params)]
        if extra is not None:
            self.parts.append(ItemRows(extra, params))

    def scope_moves(self):
        """The moves in the period of the items the reader may read: of those with a rollup
        row of the period (every item that moved in it has one)."""
        moves = _in_period(self.params)
        if self.readable is None:
            return moves.filter(**{f"{self.key}__isnull": False})
        return moves.filter(**{f"{self.key}__in": self.readable.values(f"{self.key}_id")})

    def furthest(self, pipeline_id, ranked: list) -> list[tuple]:
        return [row for part in self.parts for row in part.furthest(pipeline_id, ranked)]

    def outcomes(self, pipeline_id, final_ids, group: tuple[str, ...]) -> list[dict]:
        return [row for part in self.parts for row in part.outcomes(pipeline_id, final_ids, group)]

    def created(self, pipeline_id) -> list[dict]:
        return [row for part in self.parts for row in part.created(pipeline_id)]


def _in_period(params: Parameters):
    return StageMove.objects.filter(moved_at__gte=params.start, moved_at__lt=params.end)


def _bucket(field: str, params: Parameters):
    return Trunc(field, params.interval, tzinfo=timezone.get_current_timezone())


# What the rights' conditions on an item look at, and the rollup column holding it now.
_COLUMNS = {"responsible": "responsible_id", "responsible_id": "responsible_id",
            "opened": "opened", "pipeline": "item_pipeline_id",
            "pipeline_id": "item_pipeline_id"}  # fmt: skip


def reach_of(key: str, user):
    """``(totals, extra, readable)`` of what ``user`` may read: the totals of the items their
    roles reach, the item rows of those shared with them beyond that (None: none), and the
    item rows of all they may read (None: every row). None when the roles' condition looks
    at something the rollups do not hold."""
    model = DealPeriod if key == "deal" else LeadPeriod
    totals = PeriodTotal.objects.filter(is_deal=key == "deal")
    if user is None or not user.is_authenticated or not user.is_active:
        return totals.none(), None, model.objects.none()
    rights = rights_of(user)
    if rights.is_superuser:
        return totals, None, None
    item_model = Deal if key == "deal" else Lead
    roles = rights.condition(item_model, "read", shares=False)
    by_role = Q(pk__in=[]) if roles is None else _rewrite(roles, _COLUMNS)
    if by_role is None:
        return None
    shared = [
        _rewrite(condition, {"pk": f"{key}_id", "id": f"{key}_id"})
        for condition in rights.shared(item_model, "read")
    ]
    if None in shared:
        return None
    extra = None
    if shared:
        extra = model.objects.filter(reduce(operator.or_, shared)).exclude(by_role)
    readable = model.objects.filter(reduce(operator.or_, [by_role, *shared]))
    return totals.filter(by_role), extra, readable


def _rewrite(condition: Q, columns: dict) -> Q | None:
    """``condition`` on the items, as a condition on the rollup rows (None if it cannot be)."""
    children = []
    for child in condition.children:
        if isinstance(child, Q):
            rewritten = _rewrite(child, columns)
            if rewritten is None:
                return None
            children.append(rewritten)
            continue
        if not isinstance(child, tuple):
            return None
        lookup, value = child
        name, _sep, rest = lookup.partition("__")
        if name not in columns or rest not in ("", "in", "exact"):
            return None
        children.append((f"{columns[name]}__{rest}" if rest else columns[name], value))
    return Q(*children, _connector=condition.connector, _negated=condition.negated)


def open_now(user) -> list[dict] | None:
    """The open deals ``user`` may read, now, summed per pipeline, stage, currency and
    responsible (``pipeline``, ``stage``, ``currency``, ``responsible``, ``count``,
    ``amount``) from the totals; None when the rollups cannot be read for them."""
    reach = reach_of("deal", user) if getattr(settings, "ANALYTICS_ROLLUPS", True) else None
    if reach is None:
        return None
    totals, extra = (
        None if rows is None else rows.filter(kind=PeriodKind.NOW) for rows in reach[:2]
    )
    found = [
        {"pipeline": row["item_pipeline_id"], "stage": row["stage_id"],
         "currency": row["currency"], "responsible": row["responsible_id"], "count": row["n"],
         "amount": row["total"] if row["amounted"] else None}
        for row in totals.filter(measure=PeriodMeasure.FURTHEST, count__gt=0)
        .values("item_pipeline_id", "stage_id", "currency", "responsible_id")
        .annotate(n=Sum("count"), amounted=Sum("amounted"), total=Sum("amount"))
    ]  # fmt: skip
    if extra is not None:
        found += [
            {"pipeline": row["item_pipeline_id"], "stage": row["furthest_stage_id"],
             "currency": row["furthest_currency"], "responsible": row["responsible_id"],
             "count": row["n"], "amount": row["total"]}
            for row in extra.values("item_pipeline_id", "furthest_stage_id",
                                    "furthest_currency", "responsible_id")
            .annotate(n=Count("pk"), total=Sum("furthest_amount"))
        ]  # fmt: skip
    return found
