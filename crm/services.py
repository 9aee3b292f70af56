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

import contextvars
import functools
from collections.abc import Callable
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from itertools import islice
from typing import Protocol

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from accessrights.restriction import access_key, check, ensure_within_reach
from accessrights.rights import rights_of
from people.naming import person_label
from timeline.models import Event, EventKind
from timeline.services import event_record, events_record_bulk

from . import bulkwrite
from .custom_values import clean_custom
from .entities import entity_type_of
from .fields import ReferenceCache
from .history import render_for_reader
from .items import (
    EditConflict,
    changes_since,
    diff,
    items_bulk_set,
    relation_ids,
    report_written,
    state,
)


class Channels(Protocol):
    """Lists of values an item keeps beside its fields (a client's phones, e-mails and
    websites), given to the services as ``{name: [values]}`` and written as a whole list."""

    labels: dict[str, str]

    def clean(self, given: dict) -> dict[str, list]: ...

    def stored(self, item) -> dict[str, list]: ...

    def replace(self, item, cleaned: dict[str, list], created: bool = False) -> None: ...

    def replace_many(self, items_with_values: list[tuple], *, new: bool = False, cursor=None):
        """``replace`` for many items of one model at once (``(item, cleaned)`` pairs), in a
        constant number of statements; ``new``: the items were just created (nothing to
        delete first); ``cursor``: the one to write through (``crm.bulkwrite``)."""
        ...


@dataclass(frozen=True)
class ItemSpec:
    """What the item services need to know about one item type.

    ``fields`` are those the services may set; ``channels`` the value lists it keeps (None:
    none). Hooks: ``prepare(item)`` runs after the given fields are assigned and before
    validation (deals and leads derive their pipeline and closed flag from the stage there);
    ``validate(item)`` adds the type's own rules; ``linked(items)`` gives the other items a
    deletion of ``items`` unlinks, as ``(item, other)`` pairs in the order their history lines
    are written, in a constant number of queries (each ``other`` gets an "unlinked" line);
    ``written(user, items, before, cursor=None)`` runs after every create and update (bulk
    ones included), in the same transaction, once the items and their history are written:
    ``before`` maps each updated item's id to its references as they were (``{name: id}``),
    created items are not in it; ``cursor`` is the one the bulk create writes through (deals
    and leads keep their stage history there, ``deals.stage_moves``).
    """

    model: type[models.Model]
    fields: tuple[str, ...]
    channels: Channels | None = None
    prepare: Callable | None = None
    validate: Callable | None = None
    linked: Callable | None = None
    written: Callable | None = None


def _assign(spec: ItemSpec, item, fields: dict) -> None:
    unknown = set(fields) - set(spec.fields)
    if unknown:
        raise TypeError(f"unknown fields for {spec.model.__name__}: {sorted(unknown)}")
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(item, name, value)


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
        for name, pk in relation_ids(item).items()
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
    """What history compares: the fields' raw values, the channels' lists of values and the
    custom fields' values (by code)."""
    values = state(item, spec.fields)
    for name, listed in channels.items():
        values[name] = ([{"value": v["value"], "kind": v["kind"]} for v in listed], None)
    return {**values, **_custom_state(item)}


def _changes(spec: ItemSpec, item, before: dict, channels: dict) -> list:
    """What an update changed: ``before`` (``_full_state``) against the item now with its
    ``channels``, a custom value set or emptied included."""
    after = _full_state(spec, item, channels)
    for code in set(before) ^ set(after):
        before.setdefault(code, (None, None))
        after.setdefault(code, (None, None))
    return diff(item, before, after)


def _custom_state(item) -> dict[str, tuple]:
    return {code: (value, None) for code, value in (getattr(item, "custom", None) or {}).items()}


def _assign_custom(spec: ItemSpec, user, item, given, *, new: bool) -> None:
    """The custom field values given (``{code: value}``), checked by the catalogue."""
    if given is None and not new:
        return
    entity_key = entity_type_of(spec.model).key
    item.custom = clean_custom(entity_key, user, item.custom, given, new=new)


def item_create(spec: ItemSpec, *, user, fields: dict, channels: dict | None = None):
    """Create an item of ``spec``; its responsible person is ``user`` unless given."""
    check(user, "add", model=spec.model)
    fields.setdefault("responsible", user)
    custom = fields.pop("custom", None)
    item = spec.model(created_by=user, modified_by=user)
    _assign(spec, item, fields)
    _assign_custom(spec, user, item, custom, new=True)
    cleaned = _clean_channels(spec, channels or {})
    _validate(spec, item)
    check(user, "add", item)  # the item's own partition (a deal's pipeline)
    item.save()
    if any(cleaned.values()):
        spec.channels.replace(item, cleaned, created=True)
    ensure_within_reach(user, "add", item)
    event_record(item=item, kind=EventKind.CREATED, author=user)
    report_written(spec, user, [item], {})
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
    stored_relations = relation_ids(item)
    reach_before = access_key(item)
    custom = fields.pop("custom", None)
    _assign(spec, item, fields)
    _assign_custom(spec, user, item, custom, new=False)
    cleaned = _clean_channels(spec, channels or {})
    _validate(spec, item, stored_relations)
    changes = _changes(spec, item, before, {**stored, **cleaned})
    if not changes:
        return item
    item.version += 1
    item.modified_by = user
    item.save()
    if cleaned:
        spec.channels.replace(item, cleaned)
    ensure_within_reach(user, "update", item, before=reach_before)
    event_record(item=item, kind=EventKind.UPDATED, author=user, changes=changes)
    report_written(spec, user, [item], {item.pk: stored_relations})
    return item


_dependents: list[Callable] = []


def register_item_dependents(delete: Callable) -> None:
    """What goes with deleted items: ``delete(user, model, ids)`` removes what another app
    keeps for the items ``ids`` of ``model`` (their activities), inside the deletion's
    transaction, in a constant number of statements."""
    if delete not in _dependents:
        _dependents.append(delete)


def _delete_dependents(user, model, ids: list[int]) -> None:
    for delete in _dependents:
        delete(user, model, ids)


def item_delete(spec: ItemSpec, *, user, item) -> None:
    """Delete an item, with its deletion in its history (and the unlinks of ``linked``) and
    what other apps keep for it (``register_item_dependents``)."""
    check(user, "delete", item)
    _record_deletions(spec, user, [item])
    _delete_dependents(user, spec.model, [item.pk])
    item.delete()


def _record_deletions(spec: ItemSpec, user, items: list) -> None:
    """The history of deleting ``items``: an "unlinked" line for each item ``spec.linked``
    names, then each item's DELETED event, keeping who reached it (``Event.reach``); one
    statement for each kind."""
    pairs = spec.linked(items) if spec.linked is not None else []
    if pairs:
        related_type = ContentType.objects.get_for_model(spec.model)
        events_record_bulk(
            items=[other for _item, other in pairs],
            kind=EventKind.UNLINKED,
            author=user,
            write=_write_events_with(
                [
                    {
                        "related_type": related_type,
                        "related_id": item.pk,
                        "related_label": str(item)[:255],
                    }
                    for item, _other in pairs
                ]
            ),
        )
    reaches = []
    for item in items:
        owner, opened, entity = access_key(item)
        reaches.append(
            {"reach": {"entity": entity or item.access_entity, "owner": owner, "opened": opened}}
        )
    events_record_bulk(
        items=items, kind=EventKind.DELETED, author=user, write=_write_events_with(reaches)
    )


def _write_events_with(extras: list[dict]) -> Callable:
    """A ``write`` for ``events_record_bulk`` that adds ``extras[n]`` to the n-th event's
    fields (what differs from one event to the next: the other item of an unlink, the reach
    of a deleted item) and inserts them in one statement."""

    def write(model, rows):
        rows = [{**row, **extra} for row, extra in zip(rows, extras, strict=True)]
        bulkwrite.insert_dicts(model, rows)

    return write


def selected_ids(ids) -> list[int]:
    """The ids of a selection, sorted, or a ValidationError."""
    try:
        ids = sorted({int(pk) for pk in ids})
    except (TypeError, ValueError):
        raise ValidationError({"ids": _("Select items by their numbers.")}) from None
    if not ids:
        raise ValidationError({"ids": _("Select at least one item.")})
    return ids


def _refuse_missing(ids, found) -> None:
    missing = sorted(set(ids) - set(found))
    if missing:
        raise ValidationError(
            {
                "ids": _(
                    "Nothing was done: these items are out of your reach for this action, "
                    "or no longer exist: %s."
                )
                % ", ".join(str(pk) for pk in missing[:20])
            }
        )


@transaction.atomic
def items_bulk_update(*, user, spec: ItemSpec, ids, chunk_size: int = 5000, **fields) -> int:
    """Change the same fields on many items of one kind (the list pages' bulk actions); all
    of them or none. The same rights and history as ``item_update`` in a constant number of
    statements per chunk of ``chunk_size`` items (see ``_bulk_update_chunk``)."""
    ids = selected_ids(ids)
    unknown = set(fields) - set(spec.fields)
    if unknown:
        raise TypeError(f"unknown fields for {spec.model.__name__}: {sorted(unknown)}")
    plan = _BulkPlan(spec)
    for start in range(0, len(ids), chunk_size):
        _bulk_update_chunk(spec, plan, user, ids[start : start + chunk_size], fields)
    return len(ids)


@transaction.atomic
def items_bulk_delete(*, user, spec: ItemSpec, ids, chunk_size: int = 5000) -> int:
    """Delete many items of one kind; all of them or none. The same rights and history as
    ``item_delete`` in a constant number of statements per chunk of ``chunk_size`` items
    (see ``_bulk_delete_chunk``)."""
    ids = selected_ids(ids)
    for start in range(0, len(ids), chunk_size):
        _bulk_delete_chunk(spec, user, ids[start : start + chunk_size])
    return len(ids)


def _bulk_delete_chunk(spec: ItemSpec, user, ids: list[int]) -> None:
    """Statements: the rows locked through ``restrict(user, "delete")`` (the rights), read
    with what decides their reach; ``spec.linked``'s queries and the unlinks in one statement;
    the DELETED events in one; what other apps keep for the items (``register_item_dependents``:
    the activities, in a few statements); then Django's delete of the rows with what cascades
    from them,
    as ``item.delete()`` does for one (phones and e-mails, links and shares: one statement per
    related table; the rows collected, the items themselves and their requisites, in DELETEs
    of 100 ids each, Django's batch; SQLite also splits the rest by its 999 parameters)."""
    model = spec.model
    locked_ids = list(
        model.objects.restrict(user, "delete")
        .filter(pk__in=bulkwrite.ids_in(ids))
        .select_for_update()
        .values_list("pk", flat=True)
    )
    _refuse_missing(ids, locked_ids)
    references = [name for name in spec.fields if model._meta.get_field(name).many_to_one]
    items = list(
        model.objects.filter(pk__in=bulkwrite.ids_in(ids))
        .select_related(*references)  # a deal's pipeline decides its reach
        .order_by("pk")
    )
    _record_deletions(spec, user, items)
    _delete_dependents(user, model, ids)
    model.objects.filter(pk__in=bulkwrite.ids_in(ids)).delete()


# Bulk variants: many items in a constant number of statements per chunk.
#
# A chunk is validated in Python (the model's field validation without a query: references
# are rows the caller has already found, for example through ``crm.fields.ReferenceCache``),
# its rights are decided in Python from each row's values (``Rights.reaches``) and confirmed
# after the write by one restricted query, and its rows, their phones and e-mails and their
# history are each written in one statement (``crm.bulkwrite``).


@dataclass
class RowError:
    """A row that was not written: its number (1 for the first row given) and why, by field
    (``__all__`` for the row as a whole). ``denied``: refused by the rights, not by a value."""

    row: int
    errors: dict[str, list[str]]
    denied: bool = False

    @property
    def reason(self) -> str:
        return "; ".join(
            " ".join(messages) if name == NON_FIELD_ERRORS else f"{name}: {' '.join(messages)}"
            for name, messages in self.errors.items()
        )


@dataclass
class BulkResult:
    """What a bulk create did: ``created`` maps each written row's number to its new item's
    id; ``rejected`` lists the rows not written, with their reasons."""

    created: dict[int, int] = dataclass_field(default_factory=dict)
    rejected: list[RowError] = dataclass_field(default_factory=list)
    chunks: int = 0

    @property
    def ids(self) -> list[int]:
        return list(self.created.values())


class _BulkPlan:
    """What the bulk services work out once per run for an item type: its references (which
    the rows give as rows, checked in Python), the fields to validate for each set of given
    fields, and the values a new item starts from."""

    def __init__(self, spec: ItemSpec):
        self.spec = spec
        meta = spec.model._meta
        self.relations = [f for f in meta.concrete_fields if f.many_to_one]
        self.limits = {}
        for field in self.relations:
            limit = field.remote_field.limit_choices_to
            if callable(limit) or not isinstance(limit, dict) or any("__" in k for k in limit):
                raise TypeError(f"{field}: the bulk services check plain limit_choices_to only")
            self.limits[field.name] = limit
        self.plain = [f for f in meta.concrete_fields if not f.many_to_one]
        self.required = {f.name for f in self.plain if not f.blank}
        self.channel_names = set(spec.channels.labels) if spec.channels is not None else set()
        self.partitioned = hasattr(spec.model, "access_partitions")
        self.entity_key = entity_type_of(spec.model).key
        self.owner = f"{spec.model.access_owner_field}_id"
        self.select = [name for name in spec.fields if meta.get_field(name).many_to_one]
        self.references = set(self.select)
        self._excludes: dict[frozenset, list[str]] = {}
        self._new_values: dict[int, list] = {}
        self._fresh_defaults = [
            (position, field)
            for position, field in enumerate(meta.concrete_fields)
            if field.has_default() and callable(field.default)
        ]

    def new_item(self, user):
        """An unsaved item made by ``user``, every other field at its default: built from
        positional values as ``Model.from_db`` builds rows (a quarter of the cost of keyword
        arguments), each callable default called for each item."""
        model = self.spec.model
        if user.pk not in self._new_values:
            made = model(created_by=user, modified_by=user)
            self._new_values[user.pk] = [
                getattr(made, field.attname) for field in model._meta.concrete_fields
            ]
        values = list(self._new_values[user.pk])
        for position, field in self._fresh_defaults:
            values[position] = field.get_default()
        return model(*values)

    def exclude(self, given) -> list[str]:
        """The fields ``full_clean`` skips for a row giving ``given``: the references (checked
        by ``check_references``) and the fields left at their defaults, unless required."""
        key = frozenset(given)
        if key not in self._excludes:
            cleaned = (key | self.required) - {f.name for f in self.relations}
            self._excludes[key] = [f.name for f in self.plain if f.name not in cleaned] + [
                f.name for f in self.relations
            ]
        return self._excludes[key]

    def check_references(self, item) -> dict[str, list[str]]:
        """The references of ``item`` checked without a query: each is empty (when allowed)
        or a saved row the field may point at (its ``limit_choices_to``)."""
        errors = {}
        for field in self.relations:
            related = field.get_cached_value(item, None)
            if related is None:
                if getattr(item, field.attname) is None and not field.null:
                    errors[field.name] = [str(field.error_messages["null"])]
                continue
            limit = self.limits[field.name]
            if related.pk is None or any(getattr(related, k) != v for k, v in limit.items()):
                message = field.error_messages["invalid"] % {
                    "model": field.related_model._meta.verbose_name,
                    "pk": related.pk,
                    "field": field.remote_field.field_name,
                    "value": related.pk,
                }
                errors[field.name] = [str(message)]
        return errors

    def validate(self, item, given) -> None:
        """``_validate`` without a query: prepare, the type's rules, the given fields."""
        spec = self.spec
        if spec.prepare is not None:
            spec.prepare(item)
        errors = self.check_references(item)
        try:
            if spec.validate is not None:
                spec.validate(item)
            item.full_clean(
                exclude=self.exclude(given), validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def entity(self, item) -> str:
        model = self.spec.model
        return model.access_entity_of(item) if self.partitioned else model.access_entity


def _message_dict(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}


class _OutOfReach(ValidationError):
    """A row the user's rights do not reach."""


def _out_of_reach(owner) -> ValidationError:
    name = person_label(owner)
    message = _(
        "You may not add an item whose responsible person is %(person)s: "
        "it would be out of your reach."
    )
    return _OutOfReach({"responsible": message % {"person": name}}, code="out_of_reach")


def _bulk_item(plan: _BulkPlan, user, rights, references, row: dict):
    """One row as an unsaved item with its cleaned channels, or a ValidationError."""
    item = plan.new_item(user)
    cleaned = _fill(plan, user, references, item, row, new=True)
    owner_id = getattr(item, plan.owner)
    if not rights.reaches(plan.entity(item), "add", owner_id, item.opened):
        raise _out_of_reach(getattr(item, plan.spec.model.access_owner_field))
    return item, cleaned


def _fill(plan: _BulkPlan, user, references, item, row: dict, *, new: bool) -> dict:
    """``row`` (values as people and files give them: references by code, name or login)
    assigned to ``item`` and the item validated without a query: a new one (responsible
    ``user`` unless given) for the fields given, a changed one whole, as ``item_update``
    validates it. Its cleaned channels, or a ValidationError by field."""
    spec = plan.spec
    fields, given_channels, errors = {}, {}, {}
    custom = None
    for name, value in row.items():
        if name == "custom":
            custom = value
        elif name in plan.channel_names:
            given_channels[name] = value
        elif name in plan.references and not isinstance(value, models.Model | None):
            try:
                fields[name] = references.resolve(spec.model, name, value)
            except ValidationError as exc:
                errors.update(_message_dict(exc))
        else:
            fields[name] = value
    if new:
        fields.setdefault("responsible", user)
    _assign(spec, item, fields)
    if new or custom is not None:
        try:
            item.custom = clean_custom(plan.entity_key, user, {} if new else item.custom, custom,
                                       new=new)  # fmt: skip
        except ValidationError as exc:
            errors.update(_message_dict(exc))
    try:
        cleaned = _clean_channels(spec, given_channels)
    except ValidationError as exc:
        errors.update(_message_dict(exc))
        cleaned = {}
    try:
        plan.validate(item, fields if new else spec.fields)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def items_bulk_create(
    spec: ItemSpec, *, user, rows, chunk_size: int = 5000, references=None, progress=None
) -> BulkResult:
    """Create an item of ``spec`` for each of ``rows``, chunk by chunk.

    A row is a dict of field values as ``item_create`` takes them (the responsible person is
    ``user`` unless given) and of channels (``{"phones": [{"value", "kind"}], ...}`` as
    typed). A reference may be its row or what a person or a file gives for it (a company
    type's code or name, a user's id, login or e-mail), found through ``references`` (a
    ``crm.fields.ReferenceCache``, a new one per call when None: one query per list for the
    run). Each item gets its CREATED history event, exactly as through ``item_create``.
    ``progress(result)`` is called after each chunk (a job's progress bar).

    A row with a bad value or out of the user's reach (they may not add an item with that
    responsible person) is not written and is listed in the result with its number and
    reason; the other rows of its chunk are written. A row is written whole (the item, its
    channels and its event) or not at all. Each chunk is its own transaction (a savepoint
    inside the caller's): outside a transaction, the chunks written stay written when a later
    one fails. PermissionDenied: the user may add no item of ``spec`` at all, or the check
    after a chunk's write found an item out of their reach (that chunk is rolled back).

    Statements per chunk (PostgreSQL): the ids from the sequence, COPY of the items, of their
    channels and of their events, one restricted count; a savepoint around them. On
    PostgreSQL a chunk is written by a thread of its own (``_ChunkWriter``) while this one
    reads and validates the next chunk: the server's work and Python's overlap.
    """
    check(user, "add", model=spec.model)
    rights = rights_of(user)
    plan = _BulkPlan(spec)
    references = references if references is not None else ReferenceCache()
    ContentType.objects.get_for_model(spec.model)  # the events' type, read here, not by the writer
    result = BulkResult()
    rows = iter(rows)
    first = 1

    def next_chunk() -> _Chunk | None:
        nonlocal first
        given = list(islice(rows, chunk_size))
        if not given:
            return None
        chunk = _Chunk()
        for number, row in enumerate(given, first):
            try:
                item, cleaned = _bulk_item(plan, user, rights, references, row)
            except ValidationError as exc:
                denied = isinstance(exc, _OutOfReach)
                chunk.rejected.append(RowError(number, _message_dict(exc), denied))
                continue
            chunk.items.append(item)
            chunk.channels.append(cleaned)
            chunk.numbers.append(number)
        first += len(given)
        return chunk

    with _ChunkWriter() as writer:
        chunk = next_chunk()
        while chunk is not None:
            chunk = _bulk_create_chunk(plan, user, writer, chunk, next_chunk, result)
            if progress is not None:
                progress(result)
    return result


@dataclass
class _Chunk:
    """The rows of a chunk validated: the items to write (unsaved) with their cleaned
    channels and their row numbers, and the rows rejected."""

    items: list = dataclass_field(default_factory=list)
    channels: list[dict] = dataclass_field(default_factory=list)
    numbers: list[int] = dataclass_field(default_factory=list)
    rejected: list[RowError] = dataclass_field(default_factory=list)


class _ChunkWriter:
    """Where a chunk is written: on PostgreSQL in a thread of its own, through a cursor of
    this thread's connection (inside its transaction), so that this thread validates the next
    chunk meanwhile; elsewhere at once, in this thread.

    Only the writer uses the connection while a write runs: the validation of rows reads
    nothing but what the run has cached (a reference list read for the first time is waited
    for: psycopg lets one thread at a time use a connection). The writer sees the door this
    thread acts through (its context is copied for each write)."""

    def __enter__(self):
        self.cursor = connection.cursor()
        self.pool = ThreadPoolExecutor(1, "bulk-write") if bulkwrite.uses_copy() else None
        return self

    def __exit__(self, *exc_info):
        if self.pool is not None:
            self.pool.shutdown()
        self.cursor.close()

    def submit(self, write: Callable, *args) -> Future:
        """``write(cursor, *args)``, started; its future."""
        context = contextvars.copy_context()
        if self.pool is not None:
            return self.pool.submit(context.run, write, self.cursor, *args)
        done = Future()
        try:
            done.set_result(context.run(write, self.cursor, *args))
        except Exception as exc:  # raised where the result is asked for, as from the thread
            done.set_exception(exc)
        return done


def _bulk_create_chunk(plan: _BulkPlan, user, writer, chunk: _Chunk, next_chunk, result):
    """Write ``chunk`` and check the rights after it, in a savepoint; the next chunk is
    validated while the writer writes. Returns the next chunk (None: no more rows)."""
    result.chunks += 1
    result.rejected += chunk.rejected
    if not chunk.items:
        return next_chunk()
    with transaction.atomic():
        written = writer.submit(_write_chunk, plan.spec, user, chunk)
        try:
            following = next_chunk()
        finally:
            futures.wait([written])  # the connection is the writer's until it is done
        ids = written.result()
        reached = plan.spec.model.objects.restrict(user, "add", shares=False)
        if reached.filter(pk__in=bulkwrite.ids_in(ids)).count() != len(ids):
            raise PermissionDenied(_("You do not have the right to do this."))
    result.created.update(zip(chunk.numbers, ids, strict=True))
    return following


def _write_chunk(cursor, spec: ItemSpec, user, chunk: _Chunk) -> list[int]:
    """The chunk's items, their channels and their CREATED events, one statement each (and
    the ids first on PostgreSQL), through ``cursor``; the new ids."""
    items = chunk.items
    bulkwrite.insert_objects(spec.model, items, new_ids=True, cursor=cursor)
    if spec.channels is not None:
        written = [
            (item, cleaned) for item, cleaned in zip(items, chunk.channels, strict=True) if cleaned
        ]
        spec.channels.replace_many(written, new=True, cursor=cursor)
    insert = functools.partial(bulkwrite.insert_dicts, cursor=cursor)
    events_record_bulk(items=items, kind=EventKind.CREATED, author=user, write=insert)
    report_written(spec, user, items, {}, cursor=cursor)
    return [item.pk for item in items]


def _bulk_update_chunk(spec: ItemSpec, plan: _BulkPlan, user, ids: list[int], fields) -> None:
    """Statements: the rows locked through ``restrict(user, "update")`` (the rights before),
    read with their references; per set of values written, ``items_bulk_set`` (one UPDATE
    bumping version, modified_by and modified_at, and the history in one statement); the
    rights after in one restricted count (two when some items were handed over)."""
    model = spec.model
    locked_ids = list(
        model.objects.restrict(user, "update")
        .filter(pk__in=ids)
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    _refuse_missing(ids, locked_ids)
    items = model.objects.filter(pk__in=locked_ids).select_related(*plan.select).order_by("pk")
    columns = [f.attname for f in model._meta.concrete_fields]
    groups: dict[tuple, list] = {}  # the values written -> (pk, changes) of the items
    handed_over, kept = [], []
    for item in items:
        before, stored = state(item, spec.fields), [getattr(item, name) for name in columns]
        reach_before = access_key(item)
        _assign(spec, item, fields)
        # The whole item, as item_update validates it (prepare() may derive other fields, a
        # deal's pipeline): an item already invalid is refused, not silently kept so.
        plan.validate(item, spec.fields)
        changes = diff(item, before, state(item, spec.fields))
        if not changes:
            continue
        values = tuple(
            (name, getattr(item, name))
            for name, old in zip(columns, stored, strict=True)
            if getattr(item, name) != old
        )
        groups.setdefault(values, []).append((item.pk, changes))
        (handed_over if access_key(item) != reach_before else kept).append(item.pk)
    for values, changed in groups.items():
        items_bulk_set(
            user=user,
            queryset=model.objects.filter(pk__in=[pk for pk, _changes in changed]),
            changes_by_pk=dict(changed),
            **dict(values),
        )
    for changed_ids, shares in ((handed_over, False), (kept, True)):
        if changed_ids:
            reached = model.objects.restrict(user, "update", shares=shares)
            if reached.filter(pk__in=bulkwrite.ids_in(changed_ids)).count() != len(changed_ids):
                raise PermissionDenied(_("You do not have the right to do this."))


@dataclass
class ChangeResult:
    """What a bulk change did: the items ``updated``, those the change left as they were
    (``unchanged``), and those ``rejected`` with the reason, by id."""

    updated: list[int] = dataclass_field(default_factory=list)
    unchanged: list[int] = dataclass_field(default_factory=list)
    rejected: dict[int, str] = dataclass_field(default_factory=dict)


@transaction.atomic
def items_bulk_change(spec: ItemSpec, *, user, ids, change: Callable, references=None):
    """Change many items of one kind, each its own way (an import merging its rows into the
    items they duplicate): ``change(item, channels)`` gives what to write on ``item`` (read
    locked, with its references; ``channels`` its stored lists) as ``item_update`` takes it,
    references as rows or as people and files give them (found through ``references``).

    The same rules as ``item_update`` for each item, decided per item: an item the user may
    not update (or that is gone), a change with a bad value, or one that would put the item
    out of the user's reach is rejected with the reason and left as it was; the others are
    written. Statements for the whole set (about 2,000 items): the items locked through
    ``restrict(user, "update")``, read with their references and channels; one UPDATE of the
    changed columns (``bulkwrite.update_objects``); the changed channels deleted and written
    in two; the UPDATED events, with each item's diff, in one; the rights after in one or two
    restricted counts."""
    ids = sorted({int(pk) for pk in ids})
    model, plan = spec.model, _BulkPlan(spec)
    rights = rights_of(user)
    references = references if references is not None else ReferenceCache()
    queryset = model.objects.restrict(user, "update").filter(pk__in=bulkwrite.ids_in(ids))
    locked = set(queryset.select_for_update().values_list("pk", flat=True))
    result = ChangeResult()
    for pk in ids:
        if pk not in locked:
            result.rejected[pk] = _("You do not have the right to change this item, or it is gone.")
    items = model.objects.filter(pk__in=bulkwrite.ids_in(sorted(locked)))
    items = items.select_related(*plan.select).order_by("pk")
    if spec.channels is not None:
        items = items.prefetch_related("communications")
    written, changed_channels, changes_by_pk, columns, before = [], [], {}, set(), {}
    handed_over, kept = [], []
    stored_columns = [f.attname for f in model._meta.concrete_fields]
    for item in items:
        stored = _stored_channels(spec, item)
        before, reach_before = _full_state(spec, item, stored), access_key(item)
        values = [getattr(item, name) for name in stored_columns]
        references_before = relation_ids(item)
        given = change(item, stored)
        if not given:  # nothing to write: no validation, no diff
            result.unchanged.append(item.pk)
            continue
        try:
            cleaned = _fill(plan, user, references, item, given, new=False)
        except ValidationError as exc:
            result.rejected[item.pk] = _reason(exc)
            continue
        changes = _changes(spec, item, before, {**stored, **cleaned})
        if not changes:
            result.unchanged.append(item.pk)
            continue
        handed = access_key(item) != reach_before
        if handed and not rights.reaches(plan.entity(item), "update", getattr(item, plan.owner),
                                         item.opened):  # fmt: skip
            owner = getattr(item, model.access_owner_field)
            result.rejected[item.pk] = _reason(_out_of_reach(owner))
            continue
        columns.update(
            name for name, old in zip(stored_columns, values, strict=True)
            if getattr(item, name) != old
        )  # fmt: skip
        item.version += 1
        item.modified_by = user
        written.append(item)
        before[item.pk] = references_before
        changes_by_pk[item.pk] = changes
        (handed_over if handed else kept).append(item.pk)
        if cleaned:
            changed_channels.append((item, cleaned))
    if not written:
        return result
    columns.update(("version", "modified_by_id", "modified_at"))
    bulkwrite.update_objects(model, written, sorted(columns))
    if spec.channels is not None:
        spec.channels.replace_many(changed_channels)
    events_record_bulk(items=written, kind=EventKind.UPDATED, author=user,
                       changes_by_pk=changes_by_pk, write=bulkwrite.insert_dicts)  # fmt: skip
    report_written(spec, user, written, before)
    for changed_ids, shares in ((handed_over, False), (kept, True)):
        if changed_ids:
            reached = model.objects.restrict(user, "update", shares=shares)
            if reached.filter(pk__in=bulkwrite.ids_in(changed_ids)).count() != len(changed_ids):
                raise PermissionDenied(_("You do not have the right to do this."))
    result.updated = [item.pk for item in written]
    return result


def _reason(exc: ValidationError) -> str:
    return RowError(0, _message_dict(exc)).reason
