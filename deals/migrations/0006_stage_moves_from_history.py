"""Fill the stage history of the deals and leads that existed before it, from their history
events: a move from nothing into the stage each item was created in (at its CREATED event, by
its author), then one for each change of ``stage`` (its codes, ``crm.items.diff``), each with
the amount and currency the item had just after it (replayed backwards from the item as it is
now through the changes of ``amount`` and ``currency``). A change written as text before
history kept codes, or into a stage deleted since, is left out: nothing tells which stage it
was. Items are read 2,000 at a time with their events in one query."""

from decimal import Decimal

from django.db import migrations

CHUNK = 2000
TRACKED = ("stage", "amount", "currency")


def _item_moves(item, events, stages, key):
    """The moves of one item, oldest first, as dicts of ``StageMove`` fields."""
    state = {"stage": item.stage.code, "amount": item.amount, "currency": item.currency}
    after = []  # (event, state just after it), newest first
    for event in reversed(events):
        if event.kind != "updated":
            continue
        after.append((event, dict(state)))
        for change in event.changes:
            if change.get("field") in TRACKED and "label" not in change:
                old = change.get("old")
                if change["field"] == "amount" and old is not None:
                    old = Decimal(str(old))
                state[change["field"]] = old
    created = next((e for e in events if e.kind == "created"), None)
    steps = [(created.created_at if created else item.created_at,
              created.author_id if created else item.created_by_id, None, state)]  # fmt: skip
    for event, values in reversed(after):
        change = next(
            (c for c in event.changes if c.get("field") == "stage" and "label" not in c), None
        )
        if change is not None and change.get("old") != change.get("new"):
            steps.append((event.created_at, event.author_id, change.get("old"), values))
    moves, last_at = [], None
    for moved_at, author, from_code, values in steps:
        to = stages.get(values["stage"])
        if to is None:
            continue
        moves.append({
            key: item.pk,
            "pipeline_id": to[1] if key == "deal_id" else None,
            "from_stage_id": stages.get(from_code, (None,))[0],
            "to_stage_id": to[0],
            "moved_at": moved_at,
            "moved_by_id": author,
            "amount": values["amount"],
            "currency": values["currency"] or "",
            "stage_seconds": None if last_at is None else _seconds(last_at, moved_at),
            "age_seconds": _seconds(item.created_at, moved_at),
        })  # fmt: skip
        last_at = moved_at
    return moves


def _seconds(since, until) -> int:
    return max(0, int((until - since).total_seconds()))


def backfill(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Entry = apps.get_model("dictionaries", "Entry")
    Event = apps.get_model("timeline", "Event")
    StageMove = apps.get_model("deals", "StageMove")
    for model_name, list_code, key in (("deal", "DEAL_STAGE", "deal_id"),
                                       ("lead", "STATUS", "lead_id")):  # fmt: skip
        model = apps.get_model("deals", model_name)
        item_type = ContentType.objects.filter(app_label="deals", model=model_name).first()
        stages = {
            code: (pk, pipeline)
            for pk, code, pipeline in Entry.objects.filter(list_code=list_code).values_list(
                "pk", "code", "pipeline_id"
            )
        }
        last = 0
        while True:
            items = list(
                model.objects.filter(pk__gt=last).select_related("stage").order_by("pk")[:CHUNK]
            )
            if not items:
                break
            last = items[-1].pk
            events = {}
            if item_type is not None:
                found = Event.objects.filter(
                    item_type=item_type,
                    item_id__in=[item.pk for item in items],
                    kind__in=("created", "updated"),
                ).order_by("item_id", "created_at", "id")
                for event in found:
                    events.setdefault(event.item_id, []).append(event)
            moves = [
                StageMove(**move)
                for item in items
                for move in _item_moves(item, events.get(item.pk, []), stages, key)
            ]
            StageMove.objects.bulk_create(moves, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0005_stage_moves"),
        ("timeline", "0006_door_kind_job"),
        ("dictionaries", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
