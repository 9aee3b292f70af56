"""The item services every kind of CRM item is written through: create, update with an
expected version, delete, and their bulk variants, with one signature for every item type.

Each app describes its item type with an ``ItemSpec`` and builds its own services
(``company_create``, ``deal_update``, ...) on these. What they guarantee: the actor's right is
checked before the write and the saved row is checked again after it (no handing an item out
of one's reach), an update made on an outdated copy raises ``EditConflict`` with what changed
(as the actor may read it), an update that changes nothing writes nothing, and every write
leaves its history event. Errors: ``ValidationError`` (by field), ``PermissionDenied``,
``EditConflict``; each leaves everything unchanged (the callers' transaction rolls back).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from accessrights.restriction import access_key, check, ensure_within_reach
from timeline.models import Event, EventKind
from timeline.services import event_record

from .history import render_for_reader
from .items import EditConflict, changes_since, diff, state


class Channels(Protocol):
    """Lists of values an item keeps beside its fields (a client's phones, e-mails and
    websites), given to the services as ``{name: [values]}`` and written as a whole list."""

    labels: dict[str, str]

    def clean(self, given: dict) -> dict[str, list]: ...

    def stored(self, item) -> dict[str, list]: ...

    def replace(self, item, cleaned: dict[str, list], created: bool = False) -> None: ...


@dataclass(frozen=True)
class ItemSpec:
    """What the item services need to know about one item type.

    ``fields`` are those the services may set; ``channels`` the value lists it keeps (None:
    none). Hooks: ``prepare(item)`` runs after the given fields are assigned and before
    validation (deals and leads derive their pipeline and closed flag from the stage there);
    ``validate(item)`` adds the type's own rules; ``before_delete(user, item)`` records what a
    deletion does to other items (the unlinks in their history); ``delete(user, item)`` is the
    type's delete service, for bulk deletes.
    """

    model: type[models.Model]
    fields: tuple[str, ...]
    delete: Callable
    channels: Channels | None = None
    prepare: Callable | None = None
    validate: Callable | None = None
    before_delete: Callable | None = None


def _assign(spec: ItemSpec, item, fields: dict) -> None:
    unknown = set(fields) - set(spec.fields)
    if unknown:
        raise TypeError(f"unknown fields for {spec.model.__name__}: {sorted(unknown)}")
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(item, name, value)


def _relation_ids(item) -> dict[str, object]:
    return {f.name: getattr(item, f.attname) for f in item._meta.concrete_fields if f.is_relation}


def _checked_in_python(item, name: str) -> bool:
    """Whether reference ``name`` of ``item`` can be validated without a query: its value is a
    row read from the database (a saved instance, not a bare id) that meets the field's
    ``limit_choices_to`` (a reference list's entries: ``{"list_code": ...}``)."""
    field = item._meta.get_field(name)
    related = getattr(item, name) if field.is_cached(item) else None
    if related is None or related.pk is None or related._state.adding:
        return False
    limit = field.get_limit_choices_to() or {}
    if not isinstance(limit, dict) or any("__" in key for key in limit):
        return False
    if any(getattr(related, key, None) != value for key, value in limit.items()):
        raise ValidationError({name: _("Choose a valid value.")})
    return True


def _validate(spec: ItemSpec, item, stored_relations: dict | None = None) -> None:
    """Prepare and validate ``item``. A reference that ``stored_relations`` (its ids as
    stored) shows unchanged, or whose row the caller handed over (``_checked_in_python``), is
    not looked up again: one query less per reference."""
    if spec.prepare is not None:
        spec.prepare(item)
    stored = stored_relations or {}
    known = [
        name
        for name, pk in _relation_ids(item).items()
        if stored.get(name, -1) == pk or (pk is not None and _checked_in_python(item, name))
    ]
    if spec.validate is not None:
        spec.validate(item)
    item.full_clean(exclude=known, validate_unique=False, validate_constraints=False)


def _clean_channels(spec: ItemSpec, given: dict) -> dict:
    given = {name: values for name, values in given.items() if values is not None}
    if spec.channels is None or not given:
        return {}
    return spec.channels.clean(given)


def _stored_channels(spec: ItemSpec, item) -> dict:
    return spec.channels.stored(item) if spec.channels is not None else {}


def _full_state(spec: ItemSpec, item, channels: dict) -> dict[str, tuple]:
    """What history compares: the fields' raw values and the channels' lists of values."""
    values = state(item, spec.fields)
    for name, listed in channels.items():
        values[name] = ([{"value": v["value"], "kind": v["kind"]} for v in listed], None)
    return values


def item_create(spec: ItemSpec, *, user, fields: dict, channels: dict | None = None):
    """Create an item of ``spec``; its responsible person is ``user`` unless given."""
    check(user, "add", model=spec.model)
    fields.setdefault("responsible", user)
    item = spec.model(created_by=user, modified_by=user)
    _assign(spec, item, fields)
    cleaned = _clean_channels(spec, channels or {})
    _validate(spec, item)
    check(user, "add", item)  # the item's own partition (a deal's pipeline)
    item.save()
    if any(cleaned.values()):
        spec.channels.replace(item, cleaned, created=True)
    ensure_within_reach(user, "add", item)
    event_record(item=item, kind=EventKind.CREATED, author=user)
    return item


def check_version(spec: ItemSpec, user, item, expected_version: int | None) -> None:
    """Raise EditConflict when ``item`` changed since ``expected_version``, with what changed
    as ``user`` may read it."""
    if expected_version is None or expected_version == item.version:
        return
    events = (
        Event.objects.of_item(item)
        .filter(kind=EventKind.UPDATED, item_version__gt=expected_version)
        .select_related("author")
        .order_by("created_at", "id")
    )
    names = {*spec.fields, *(spec.channels.labels if spec.channels else ())}
    raise EditConflict(item, changes_since(render_for_reader(events, user), names))


def item_update(
    spec: ItemSpec, *, user, item, expected_version, fields: dict, channels=None, locked=False
):
    """Update an item (``locked``: the caller has just read it with ``crm.items.locked``)."""
    if not locked:
        item = spec.model.objects.select_for_update().get(pk=item.pk)
    check(user, "update", item)
    check_version(spec, user, item, expected_version)
    stored = _stored_channels(spec, item)
    before = _full_state(spec, item, stored)
    stored_relations = _relation_ids(item)
    reach_before = access_key(item)
    _assign(spec, item, fields)
    cleaned = _clean_channels(spec, channels or {})
    _validate(spec, item, stored_relations)
    after = _full_state(spec, item, {**stored, **cleaned})
    changes = diff(item, before, after)
    if not changes:
        return item
    item.version += 1
    item.modified_by = user
    item.save()
    if cleaned:
        spec.channels.replace(item, cleaned)
    ensure_within_reach(user, "update", item, before=reach_before)
    event_record(item=item, kind=EventKind.UPDATED, author=user, changes=changes)
    return item


def item_delete(spec: ItemSpec, *, user, item) -> None:
    """Delete an item, with its deletion in its history (and ``before_delete``'s lines)."""
    check(user, "delete", item)
    if spec.before_delete is not None:
        spec.before_delete(user, item)
    owner, opened, entity = access_key(item)
    reach = {"entity": entity or item.access_entity, "owner": owner, "opened": opened}
    event_record(item=item, kind=EventKind.DELETED, author=user, reach=reach)
    item.delete()


def restricted_by_ids(spec: ItemSpec, user, action: str, ids) -> list:
    """The items of ``ids`` the user may ``action``; all of them or a ValidationError."""
    try:
        ids = sorted({int(pk) for pk in ids})
    except (TypeError, ValueError):
        raise ValidationError({"ids": _("Select items by their numbers.")}) from None
    if not ids:
        raise ValidationError({"ids": _("Select at least one item.")})
    items = list(spec.model.objects.restrict(user, action).filter(pk__in=ids).order_by("pk"))
    missing = sorted(set(ids) - {item.pk for item in items})
    if missing:
        raise ValidationError(
            {
                "ids": _("These items do not exist or are out of your reach: %s.")
                % ", ".join(str(pk) for pk in missing[:20])
            }
        )
    return items


@transaction.atomic
def items_bulk_update(*, user, spec: ItemSpec, ids, **fields) -> int:
    """Change the same fields on many items of one kind; all of them or none."""
    items = restricted_by_ids(spec, user, "update", ids)
    for item in items:
        item_update(spec, user=user, item=item, expected_version=None, fields=fields)
    return len(items)


@transaction.atomic
def items_bulk_delete(*, user, spec: ItemSpec, ids) -> int:
    """Delete many items of one kind; all of them or none."""
    items = restricted_by_ids(spec, user, "delete", ids)
    for item in items:
        spec.delete(user, item)
    return len(items)
