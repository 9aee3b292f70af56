"""What services of every CRM item share: field snapshots for history, diffs, edit conflicts."""

from datetime import date, datetime
from decimal import Decimal

from django.db import models, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.utils.translation import gettext as _

from accessrights.restriction import allowed, is_crm_item, restricted_relations
from people.naming import person_label, plain_name
from timeline.models import EventKind
from timeline.services import events_record_bulk

from .bulkwrite import insert_dicts
from .entities import entity_type_of


class EditConflict(Exception):
    """An update was made on an outdated copy: someone else saved the item in between.

    ``theirs`` maps each field they changed to ``{"label", "original", "current", "authors"}``
    (``original`` as it was in the copy being edited); nothing was written.
    """

    def __init__(self, item, theirs: dict):
        super().__init__(_("Someone else changed this item while you were editing it."))
        self.item = item
        self.theirs = theirs


def locked(model, pk, related=()):
    """The row ``pk`` of ``model`` locked for the rest of the transaction, with ``related``
    rows joined in.

    The lock is taken by a query without joins: PostgreSQL re-reads a locked row that another
    transaction changed meanwhile, and with joins that re-read can lose the row, so a stale
    edit would look like a deleted item (404) instead of a conflict (409). Raises
    ``model.DoesNotExist`` only when the row is really gone.
    """
    if not list(model.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True)):
        raise model.DoesNotExist(f"{model.__name__} {pk} does not exist.")
    return model.objects.select_related(*related).get(pk=pk)


@transaction.atomic
def items_bulk_set(
    *, user, queryset, changes: list[dict] | None = None, changes_by_pk=None, **values
) -> int:
    """Set ``values`` on every item of ``queryset`` at once (a reference-list entry replaced
    by another, a bulk action): one UPDATE that also bumps each item's version and records who
    changed it and when, as every update does, and one history event per item with
    ``changes`` (the same for every item) or ``changes_by_pk[pk]``, all written in one
    statement (``crm.bulkwrite``), then the item type's ``written`` hook (``ItemSpec``). The
    caller has checked its own right to make this change (the settings right; the bulk item
    services check the item rights). Returns how many items changed."""
    spec = _spec_of(queryset.model)
    rows = queryset.select_for_update().order_by("pk")
    if getattr(spec, "written", None) is None:
        rows = rows.only("pk", "version")  # nobody needs more of them
    items = list(rows)
    if not items:
        return 0
    queryset.model.objects.filter(pk__in=[item.pk for item in items]).update(
        **values, version=F("version") + 1, modified_at=Now(), modified_by=user
    )
    before = {}
    for item in items:
        item.version += 1
        if spec is not None and spec.written is not None:
            before[item.pk] = relation_ids(item)
            for name, value in values.items():
                setattr(item, name, value)
    if changes_by_pk is None:
        changes_by_pk = dict.fromkeys((item.pk for item in items), changes)
    events_record_bulk(
        items=items,
        kind=EventKind.UPDATED,
        author=user,
        changes_by_pk=changes_by_pk,
        write=insert_dicts,
    )
    if before:
        report_written(spec, user, items, before)
    return len(items)


def _spec_of(model):
    """The ``crm.services.ItemSpec`` ``model`` is written through (None when unregistered)."""
    try:
        return entity_type_of(model).services.spec
    except (LookupError, AttributeError):
        return None


def relation_ids(item) -> dict[str, object]:
    """The ids ``item``'s foreign keys hold, by field name."""
    return {f.name: getattr(item, f.attname) for f in item._meta.concrete_fields if f.is_relation}


def report_written(spec, user, items, before: dict, cursor=None) -> None:
    """Call ``spec.written`` (see ``crm.services.ItemSpec``) for items just written."""
    if spec is not None and spec.written is not None and items:
        spec.written(user, items, before, cursor=cursor)


def display(instance, field_name: str) -> str:
    """A field's value as people read it, for history and conflict messages."""
    field = instance._meta.get_field(field_name)
    if field.is_relation and field.many_to_one:
        related = getattr(instance, field_name)
        return (
            plain_name(related)
            if related is not None and hasattr(related, "username")
            else (str(related) if related is not None else "")
        )
    value = getattr(instance, field_name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value or ""))
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    return "" if value is None else str(value)


def snapshot(instance, field_names, reader=None) -> dict[str, str]:
    """The displayed values of ``field_names``; with ``reader``, a linked CRM item they may
    not read is shown as nothing (a form carries nothing its reader may not read)."""
    values = {name: display(instance, name) for name in field_names}
    if reader is not None:
        for name in restricted_relations(type(instance)).keys() & set(field_names):
            related = getattr(instance, name)
            if related is not None and not allowed(reader, "read", related):
                values[name] = ""
    return values


def found_by_code(model) -> bool:
    """Whether history keeps a reference to ``model`` by its ``code`` (reference-list entries,
    stable across renames and languages) rather than by its primary key (people, pipelines,
    CRM items)."""
    return hasattr(model, "code") and not is_crm_item(model) and not hasattr(model, "username")


def raw_value(instance, field_name: str):
    """A field's value as history keeps it: JSON-safe and in no language (a code, an id, an
    ISO date, a decimal as a string, the value itself)."""
    field = instance._meta.get_field(field_name)
    if field.many_to_one:
        related = getattr(instance, field_name)
        if related is None:
            return None
        return related.code if found_by_code(field.related_model) else related.pk
    value = getattr(instance, field_name)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def state(instance, field_names) -> dict[str, tuple]:
    """``{name: (raw value, label)}`` of ``field_names``, what ``diff`` compares; the label
    (a reference's name as it is now) is kept beside the raw value of a reference, for when
    the referenced row is gone."""
    return {
        name: (
            raw_value(instance, name),
            display(instance, name) if instance._meta.get_field(name).many_to_one else None,
        )
        for name in field_names
    }


def diff(instance, before: dict[str, tuple], after: dict[str, tuple]) -> list:
    """The ``changes`` of a history event, as data: ``{"field", "old", "new"}`` with raw
    values (``state``), plus ``old_label``/``new_label`` for a reference. They are rendered
    at read time, in the reader's language and under their rights
    (``crm.history.render_for_reader``)."""
    changes = []
    for name, (old, old_label) in before.items():
        new, new_label = after[name]
        if old == new:
            continue
        change = {"field": name, "old": old, "new": new}
        if old_label is not None or new_label is not None:
            change.update(old_label=old_label or "", new_label=new_label or "")
        changes.append(change)
    return changes


def changes_since(events, fields: set[str]) -> dict:
    """Merge the field changes of ``events`` (oldest first, as their reader may read them:
    ``crm.history.render_for_reader``) into what an EditConflict reports."""
    theirs: dict[str, dict] = {}
    for event in events:
        for change in event.changes:
            if change["field"] not in fields:
                continue
            entry = theirs.setdefault(
                change["field"],
                {"label": change["label"], "original": change["old"], "authors": []},
            )
            entry["current"] = change["new"]
            author = person_label(event.author) if event.author else _("someone")
            if author not in entry["authors"]:
                entry["authors"].append(author)
    return theirs
