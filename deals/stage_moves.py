"""The stage history of deals and leads (``StageMove``): one row per move, written by the item
services (their ``written`` hook, ``crm.services.ItemSpec``) in the transaction that writes the
move and its history event, whichever door and service moved the item: a create (a move from
nothing into its first stage), an update, the kanban's drag, a bulk action, an import, a lead
conversion, a stage deleted with its items moved to another. The same hook rewrites the items'
period rollups (``deals.period_rollups``) from the moves, moved or not: who is responsible, the
source or the amount may have changed."""

from django.db.models import Max
from django.utils import timezone

from crm.bulkwrite import ids_in, insert_dicts

from . import period_rollups
from .models import Deal, StageMove


def record_stage_moves(user, items, before: dict, cursor=None) -> None:
    """A ``StageMove`` for each of ``items`` (deals or leads, as just written) whose stage is
    not the one in ``before`` (a created item: not in it), then their period rollups. Two
    statements at most for the moves: the last move of the moved items (for the time they
    stayed in their former stage), then the moves."""
    moved = [
        item
        for item in items
        if item.pk not in before or before[item.pk].get("stage") != item.stage_id
    ]
    new_moves = _write_moves(user, moved, before, cursor) if moved else {}
    period_rollups.refresh(items, new_moves, before, cursor=cursor)


def _write_moves(user, moved, before: dict, cursor) -> dict:
    """The moves of ``moved``, written; those of created items returned by item id."""
    key = "deal_id" if isinstance(moved[0], Deal) else "lead_id"
    updated = [item.pk for item in moved if item.pk in before]
    last = {}
    if updated:  # never in a bulk create, whose writer thread must not read
        rows = StageMove.objects.filter(**{f"{key}__in": ids_in(updated)}).values(key)
        last = dict(rows.annotate(at=Max("moved_at")).values_list(key, "at"))
    now = timezone.now()
    by = user.pk if user is not None and user.is_authenticated else None
    rows = [
        {
            key: item.pk,
            "pipeline_id": getattr(item, "pipeline_id", None),
            "from_stage_id": before[item.pk].get("stage") if item.pk in before else None,
            "to_stage_id": item.stage_id,
            "moved_at": now,
            "moved_by_id": by,
            "amount": item.amount,
            "currency": item.currency,
            "stage_seconds": _seconds(last.get(item.pk), now),
            "age_seconds": _seconds(item.created_at, now) or 0,
        }
        for item in moved
    ]
    insert_dicts(StageMove, rows, cursor=cursor)
    return {row[key]: [{"id": None, **row}] for row in rows if row[key] not in before}


def _seconds(since, now) -> int | None:
    return None if since is None else max(0, int((now - since).total_seconds()))
