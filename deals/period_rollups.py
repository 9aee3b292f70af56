"""The period rollups of deals and leads (``DealPeriod``, ``LeadPeriod``): each item's stage
history summed up per calendar month, quarter and year (in ``settings.TIME_ZONE``) and pipeline,
so that a report over such a period reads one row per item that moved in it, not its moves.

They stay exact because they are rewritten from the moves in the transaction that writes the
moves (``record_stage_moves`` calls ``refresh``, for every create and update of every door and
bulk service: the ``ItemSpec.written`` hook), and rebuilt for a whole list when its stage
order changes (``rebuild``, on ``dictionaries.signals.stages_changed``): the furthest stage an
item reached depends on that order.

What a row holds mirrors the reports' exact reading of the moves (``analytics.reports``): the
furthest move of the period in the pipeline (the highest stage rank, then the latest; a move
into a stage outside the funnel ranks as the stage it left, else as the first), and the last
move into a final stage (the latest).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import groupby
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection

from crm.bulkwrite import ids_in, insert_dicts
from dictionaries.defaults import DEAL_STAGE
from dictionaries.models import Semantics

from .models import (
    NO_DAY,
    Deal,
    DealPeriod,
    Lead,
    LeadPeriod,
    PeriodKind,
    PeriodMeasure,
    PeriodTotal,
    StageMove,
)

LEAD_STAGE = "STATUS"
MOVE_FIELDS = ("id", "pipeline_id", "from_stage_id", "to_stage_id", "moved_at", "amount",
               "currency", "age_seconds")  # fmt: skip
ITEM_FIELDS = ("closed", "responsible_id", "opened", "source_id", "stage_id", "amount", "currency",
               "created_at")  # fmt: skip
CHUNK = 2000


def zone() -> ZoneInfo:
    """The time zone the rollups' calendar periods are cut in."""
    return ZoneInfo(settings.TIME_ZONE)


def periods_of(day: date) -> list[tuple[int, date]]:
    """The month, quarter and year ``day`` is in, as (kind, first day)."""
    return [
        (PeriodKind.MONTH, day.replace(day=1)),
        (PeriodKind.QUARTER, day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)),
        (PeriodKind.YEAR, day.replace(month=1, day=1)),
    ]


@dataclass
class Stages:
    """The stage lists as the reports rank them: per pipeline (None: the leads' list), each
    funnel stage's position (process and success stages in their order) and the final stages
    (success and failure)."""

    ranked: dict = field(default_factory=dict)
    finals: dict = field(default_factory=dict)
    success: set = field(default_factory=set)

    @classmethod
    def read(cls, cursor=None) -> "Stages":
        """Read through ``cursor`` when given (a bulk create's writer thread reads nothing
        through connections of its own)."""
        sql = ("SELECT id, list_code, pipeline_id, semantics FROM dictionaries_entry "
               "WHERE list_code IN (%s, %s) ORDER BY sort, id")  # fmt: skip
        if cursor is None:
            with connection.cursor() as own:
                own.execute(sql, [DEAL_STAGE, LEAD_STAGE])
                rows = own.fetchall()
        else:
            cursor.execute(sql, [DEAL_STAGE, LEAD_STAGE])
            rows = cursor.fetchall()
        stages = cls()
        for pk, list_code, pipeline_id, semantics in rows:
            key = pipeline_id if list_code == DEAL_STAGE else None
            ranked = stages.ranked.setdefault(key, {})
            finals = stages.finals.setdefault(key, set())
            if semantics != Semantics.FAILURE:
                ranked[pk] = len(ranked)
            if semantics != Semantics.PROCESS:
                finals.add(pk)
            if semantics == Semantics.SUCCESS:
                stages.success.add(pk)
        return stages

    def all_finals(self, is_deal: bool) -> set:
        if not is_deal:
            return self.finals.get(None, set())
        return set().union(*(f for key, f in self.finals.items() if key is not None))


def item_rows(item, moves: list[dict], stages: Stages, tz) -> list[dict]:
    """The rollup rows of one item (a deal or a lead as it is now) from all its moves (dicts
    of ``MOVE_FIELDS``; a move not yet saved may have ``id`` None: it is the latest)."""
    is_deal = hasattr(item, "pipeline_id")
    now = {
        "responsible_id": item.responsible_id,
        "opened": item.opened,
        "item_pipeline_id": item.pipeline_id if is_deal else None,
        "source_id": item.source_id,
        "won_now": item.stage_id in stages.success,
        "item_amount": item.amount,
        "item_currency": item.currency,
    }
    rows: dict[tuple, dict] = {}
    ranks: dict[tuple, int] = {}
    last_outcome: dict[tuple, int] = {}
    all_finals = stages.all_finals(is_deal)
    ordered = sorted(moves, key=lambda m: (m["id"] is None, m["id"] or 0))
    for order, move in enumerate(ordered):
        pipeline = move["pipeline_id"] if is_deal else None
        ranked = stages.ranked.get(pipeline, {})
        rank = ranked.get(move["to_stage_id"], ranked.get(move["from_stage_id"], 0))
        day = move["moved_at"].astimezone(tz).date()
        for kind, first in periods_of(day):
            row = rows.setdefault(
                (kind, first, pipeline),
                {"kind": kind, "first": first, "pipeline_id": pipeline, **now},
            )
            if ranked and rank >= ranks.get((kind, first, pipeline), -1):
                ranks[(kind, first, pipeline)] = rank
                row.update(
                    furthest_stage_id=list(ranked)[rank],
                    furthest_amount=move["amount"],
                    furthest_currency=move["currency"],
                )
            if move["to_stage_id"] in stages.finals.get(pipeline, ()):
                row.update(
                    outcome_stage_id=move["to_stage_id"],
                    outcome_at=move["moved_at"],
                    outcome_amount=move["amount"],
                    outcome_currency=move["currency"],
                    outcome_age=move["age_seconds"],
                    outcome_order=order,
                )
            if move["to_stage_id"] in all_finals:
                last_outcome[(kind, first)] = order
    if item.created_at is not None:
        pipeline = now["item_pipeline_id"]
        for kind, first in periods_of(item.created_at.astimezone(tz).date()):
            row = rows.setdefault(
                (kind, first, pipeline),
                {"kind": kind, "first": first, "pipeline_id": pipeline, **now},
            )
            row["created"] = True
    if not item.closed:
        rows[(PeriodKind.NOW, NO_DAY, None)] = {
            "kind": PeriodKind.NOW, "first": NO_DAY, "pipeline_id": now["item_pipeline_id"],
            **now, "furthest_stage_id": item.stage_id, "furthest_amount": item.amount,
            "furthest_currency": item.currency,
        }  # fmt: skip
    for (kind, first, _pipeline), row in rows.items():
        order = row.pop("outcome_order", None)
        row["outcome_last"] = order is not None and last_outcome.get((kind, first)) == order
    _outside(rows, ranks, ordered, stages, is_deal, tz)
    return list(rows.values())  # fmt: skip


def _outside(rows: dict, ranks: dict, moves: list[dict], stages: Stages, is_deal: bool,
             tz) -> None:  # fmt: skip
    """Give each period row what the item did outside the period (``ItemPeriod.beaten_before``
    and the rest)."""
    placed = []
    for move in moves:
        pipeline = move["pipeline_id"] if is_deal else None
        ranked = stages.ranked.get(pipeline, {})
        rank = ranked.get(move["to_stage_id"], ranked.get(move["from_stage_id"], 0))
        final = move["to_stage_id"] in stages.finals.get(pipeline, ())
        placed.append((pipeline, rank, final, move["moved_at"]))
    all_finals = stages.all_finals(is_deal)
    finals_any = [m["moved_at"] for m in moves if m["to_stage_id"] in all_finals]
    for (kind, first, pipeline), row in rows.items():
        if kind == PeriodKind.NOW:
            continue
        start, end = midnight(first, tz), midnight(next_period(kind, first), tz)
        mine = [(rank, final, at) for p, rank, final, at in placed if p == pipeline]
        rank = ranks.get((kind, first, pipeline))
        if rank is not None:
            row["beaten_before"] = max(
                (at for r, _f, at in mine if r > rank and at < start), default=None
            )
            row["beaten_after"] = min(
                (at for r, _f, at in mine if r >= rank and at >= end), default=None
            )
        row["outcome_after"] = min((at for _r, f, at in mine if f and at >= end), default=None)
        row["outcome_after_any"] = min((at for at in finals_any if at >= end), default=None)


def midnight(day: date, tz) -> datetime:
    """The moment ``day`` starts in ``tz``."""
    return datetime.combine(day, time.min).replace(tzinfo=tz)


def next_period(kind: int, first: date) -> date:
    """The first day after the calendar period ``(kind, first)``."""
    months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[kind]
    month = first.month - 1 + months
    return first.replace(year=first.year + month // 12, month=month % 12 + 1, day=1)


def _model_and_key(items):
    return (DealPeriod, "deal_id") if isinstance(items[0], Deal) else (LeadPeriod, "lead_id")


def _moves_of(key: str, ids: list[int]) -> dict[int, list[dict]]:
    rows = (
        StageMove.objects.filter(**{f"{key}__in": ids_in(ids)})
        .order_by(key, "id")
        .values(key, *MOVE_FIELDS)
    )
    return {pk: list(moves) for pk, moves in groupby(rows, key=lambda row: row[key])}


def refresh(items, new_moves: dict, before: dict, cursor=None) -> None:
    """Rewrite the rollup rows of ``items`` (just written; those not in ``before`` were just
    created) after their moves were written (``new_moves``: a created item's first move, by
    item id). A created item's rows come from that move alone, without a read (a bulk create's
    writer thread); an updated item's are deleted and written again from all its moves."""
    if not items:
        return
    model, key = _model_and_key(items)
    stages, tz = Stages.read(cursor), zone()
    updated = [item.pk for item in items if item.pk in before]
    moves, old = {}, []
    if updated:
        old = _take_rows(model, key, updated)
        moves = _moves_of(key, updated)
    rows = []
    for item in items:
        found = moves.get(item.pk, []) if item.pk in before else new_moves.get(item.pk, [])
        rows += [{key: item.pk, **row} for row in item_rows(item, found, stages, tz)]
    _insert(model, rows, cursor=cursor)
    add_to_totals(_difference(totals_of(rows, tz), totals_of(old, tz)), cursor=cursor)


def _insert(model, rows: list[dict], cursor=None) -> None:
    """``insert_dicts`` (COPY on PostgreSQL); elsewhere multi-row INSERTs of up to 1,000 rows,
    not Django's batches of 999 parameters: an item has several rows, and a bulk write stays a
    constant number of statements."""
    if not rows or connection.vendor == "postgresql":
        insert_dicts(model, rows, cursor=cursor)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    for start in range(0, len(rows), 1000):
        part = rows[start : start + 1000]
        values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(part))
        params = [
            f.get_db_prep_save(row.get(f.attname, f.get_default()), connection)
            for row in part
            for f in fields
        ]
        sql = f"INSERT INTO {table} ({columns}) VALUES {values}"  # noqa: S608 (ours)
        if cursor is None:
            with connection.cursor() as own:
                own.execute(sql, params)
        else:
            cursor.execute(sql, params)


def _take_rows(model, key: str, ids: list[int]) -> list[dict]:
    """The rollup rows of items ``ids``, deleted (they are written again)."""
    rows = model.objects.filter(**{f"{key}__in": ids_in(ids)})
    found = list(rows.values())
    rows.delete()
    return found


def rebuild(model_class, ids=None) -> int:
    """Write the rollup rows of every deal or lead (``model_class``; ``ids``: of those only)
    from their moves again, a chunk at a time; how many items were rebuilt. A whole rebuild
    writes the rows alone and sums the totals once at the end (``totals_again``), not a
    chunk's difference at a time."""
    items = model_class.objects.order_by("pk").only(
        *ITEM_FIELDS, *(["pipeline_id"] if model_class is Deal else [])
    )
    model, key = _model_and_key([model_class()])
    whole = ids is None
    if whole:
        model.objects.all().delete()
    else:
        items = items.filter(pk__in=ids_in(sorted(set(ids))))
    stages, tz = Stages.read(), zone()
    done, after = 0, 0
    while True:
        chunk = list(items.filter(pk__gt=after)[:CHUNK])
        if not chunk:
            break
        chunk_ids = [item.pk for item in chunk]
        old = [] if whole else _take_rows(model, key, chunk_ids)
        moves = _moves_of(key, chunk_ids)
        rows = [
            {key: item.pk, **row}
            for item in chunk
            for row in item_rows(item, moves.get(item.pk, []), stages, tz)
        ]
        _insert(model, rows)
        if not whole:
            add_to_totals(_difference(totals_of(rows, tz), totals_of(old, tz)))
        done, after = done + len(chunk), chunk_ids[-1]
    if whole:
        totals_again(model)
    return done


def stages_changed(sender, list_code: str, pipeline=None, **kwargs) -> None:
    """A stage list's order changed: rebuild the rollups of the items that moved in it."""
    if list_code == LEAD_STAGE:
        rebuild(Lead)
    elif list_code == DEAL_STAGE and pipeline is not None:
        moved = StageMove.objects.filter(pipeline_id=pipeline.pk, deal__isnull=False)
        rebuild(Deal, moved.values_list("deal_id", flat=True).distinct())


def totals_of(rows, tz) -> dict[tuple, list]:
    """What item rollup rows (dicts) add to the totals: key (``PeriodTotal.KEY``) -> [count,
    amounted, amount, age]."""
    found = defaultdict(lambda: [0, 0, Decimal(0), 0])

    def add(base, measure, amount, age=0, **keys):
        key = (*base, measure, *_rest(keys))
        total = found[key]
        total[0] += 1
        if amount is not None:
            total[1] += 1
            total[2] += Decimal(amount)
        total[3] += age or 0

    for row in rows:
        base = (row.get("deal_id") is not None, row["kind"], row["first"])
        people = {
            "pipeline_id": row["pipeline_id"] or 0,
            "responsible_id": row["responsible_id"],
            "opened": row["opened"],
            "item_pipeline_id": row["item_pipeline_id"] or 0,
        }
        if row.get("furthest_stage_id") is not None:
            add(
                base,
                PeriodMeasure.FURTHEST,
                row["furthest_amount"],
                **people,
                stage_id=row["furthest_stage_id"],
                currency=row["furthest_currency"],
            )
        if row.get("outcome_stage_id") is not None:
            day = row["outcome_at"].astimezone(tz).date()
            outcome = {
                **people,
                "stage_id": row["outcome_stage_id"],
                "currency": row["outcome_currency"],
                "outcome_last": row["outcome_last"],
            }
            for measure, bucket in (
                (PeriodMeasure.OUTCOME, {}),
                (PeriodMeasure.OUTCOME_MONTH, {"month": day.replace(day=1)}),
                (PeriodMeasure.OUTCOME_WEEK, {"week": day - timedelta(days=day.weekday())}),
            ):
                add(base, measure, row["outcome_amount"], row["outcome_age"], **outcome, **bucket)
        if row.get("created"):
            add(
                base,
                PeriodMeasure.CREATED,
                row["item_amount"],
                **people,
                source_id=row["source_id"] or 0,
                currency=row["item_currency"],
                won_now=row["won_now"],
            )
    return found  # fmt: skip


_REST = PeriodTotal.KEY[4:]
_DEFAULTS = {"stage_id": 0, "currency": "", "month": NO_DAY, "week": NO_DAY,
             "outcome_last": False, "source_id": 0, "won_now": False}  # fmt: skip


def _rest(keys: dict) -> tuple:
    return tuple(keys[name] if name in keys else _DEFAULTS[name] for name in _REST)


def _difference(new: dict, old: dict) -> dict:
    changed = {}
    for key in new.keys() | old.keys():
        a, b = new.get(key, [0, 0, Decimal(0), 0]), old.get(key, [0, 0, Decimal(0), 0])
        delta = [x - y for x, y in zip(a, b, strict=True)]
        if any(delta):
            changed[key] = delta
    return changed


def add_to_totals(delta: dict, cursor=None) -> None:
    """Add ``delta`` (``totals_of``'s shape) to the totals, in key order (two writers adding
    to the same totals lock them in the same order)."""
    if not delta:
        return
    table = connection.ops.quote_name(PeriodTotal._meta.db_table)
    keys = ", ".join(PeriodTotal.KEY)
    sums = ("count", "amounted", "amount", "age")
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in sums)
    ordered = sorted(delta.items(), key=lambda pair: tuple(map(str, pair[0])))
    width = len(PeriodTotal.KEY) + len(sums)
    for start in range(0, len(ordered), 500):
        part = ordered[start : start + 500]
        values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(part))
        params = [value for key, sums_ in part for value in (*key, *sums_)]
        sql = (f"INSERT INTO {table} ({keys}, {', '.join(sums)}) VALUES {values} "  # noqa: S608
               f"ON CONFLICT ({keys}) DO UPDATE SET {updates}")  # fmt: skip
        if cursor is None:
            with connection.cursor() as own:
                own.execute(sql, params)
        else:
            cursor.execute(sql, params)


def rebuild_totals() -> None:
    """The totals again from the item rollup rows (after those were written around them)."""
    for model in (DealPeriod, LeadPeriod):
        totals_again(model)


def totals_again(model) -> None:
    """The totals of ``model``'s rows (``DealPeriod`` or ``LeadPeriod``) summed again: on
    PostgreSQL in one statement, elsewhere through ``totals_of``."""
    PeriodTotal.objects.filter(is_deal=model is DealPeriod).delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_totals_sql(model), [settings.TIME_ZONE] * 2)
        return
    tz = zone()
    found = defaultdict(lambda: [0, 0, Decimal(0), 0])
    after = 0
    while True:
        rows = list(model.objects.filter(pk__gt=after).order_by("pk").values()[:20000])
        if not rows:
            break
        for key, sums in totals_of(rows, tz).items():
            total = found[key]
            for n, value in enumerate(sums):
                total[n] += value
        after = rows[-1]["id"]
    add_to_totals(dict(found))


def _totals_sql(model) -> str:
    """``totals_of`` in PostgreSQL's SQL, for every row of ``model`` at once."""
    people = "COALESCE(pipeline_id, 0), responsible_id, opened, COALESCE(item_pipeline_id, 0)"
    no_day = f"DATE '{NO_DAY.isoformat()}'"
    local = "(outcome_at AT TIME ZONE %s)"
    outcome = ("outcome_stage_id, outcome_currency, {month}, {week}, outcome_last, 0, false, "
               "COUNT(*), COUNT(outcome_amount), COALESCE(SUM(outcome_amount), 0), "
               "COALESCE(SUM(outcome_age), 0)")  # fmt: skip
    parts = [
        (PeriodMeasure.FURTHEST, f"furthest_stage_id, furthest_currency, {no_day}, {no_day}, "
         "false, 0, false, COUNT(*), COUNT(furthest_amount), "
         "COALESCE(SUM(furthest_amount), 0), 0", "furthest_stage_id IS NOT NULL"),
        (PeriodMeasure.OUTCOME, outcome.format(month=no_day, week=no_day),
         "outcome_stage_id IS NOT NULL"),
        (PeriodMeasure.OUTCOME_MONTH, outcome.format(
            month=f"date_trunc('month', {local})::date", week=no_day),
         "outcome_stage_id IS NOT NULL"),
        (PeriodMeasure.OUTCOME_WEEK, outcome.format(
            month=no_day, week=f"date_trunc('week', {local})::date"),
         "outcome_stage_id IS NOT NULL"),
        (PeriodMeasure.CREATED, f"0, item_currency, {no_day}, {no_day}, false, "
         "COALESCE(source_id, 0), won_now, COUNT(*), COUNT(item_amount), "
         "COALESCE(SUM(item_amount), 0), 0", "created"),
    ]  # fmt: skip
    is_deal = "true" if model is DealPeriod else "false"
    table = connection.ops.quote_name(PeriodTotal._meta.db_table)
    selects = [
        f"SELECT {is_deal}, kind, first, {measure}, {people}, {values} "  # noqa: S608 (ours)
        f"FROM {model._meta.db_table} WHERE {where} "
        f"GROUP BY {', '.join(str(n) for n in range(1, 16))}"
        for measure, values, where in parts
    ]
    return (f"INSERT INTO {table} ({', '.join(PeriodTotal.KEY)}, count, amounted, amount, age) "
            + " UNION ALL ".join(selects))  # fmt: skip


def items_deleted(user, model, ids: list[int]) -> None:
    """Deals or leads about to be deleted (``crm.services.register_item_dependents``): their
    rows go, and what they added to the totals with them."""
    if model not in (Deal, Lead):
        return
    rows_model, key = (DealPeriod, "deal_id") if model is Deal else (LeadPeriod, "lead_id")
    old = _take_rows(rows_model, key, ids)
    add_to_totals(_difference({}, totals_of(old, zone())))
