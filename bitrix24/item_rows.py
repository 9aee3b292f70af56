"""Items as Bitrix24 rows (``crm.X.get``, ``crm.X.list``): a page of items read in a constant
number of queries, whatever its length.

The rows come in one query as plain values, their reference-list entries' codes joined in
(``columns()``: no model instance is built, which is most of the time of a page); then, only
for the fields selected, one query for the phones, e-mails and websites, one per kind of link
for the linked items (and one for those of them the reader may see: a hidden item is never
named), one per custom link field holding values.
"""

import operator
from datetime import date, datetime, time

from django.db import models
from django.utils import timezone

from companies.models import Communication
from crm.custom_values import readable_ids
from crm.fields import FieldKind as K

from . import multifields
from .items import B24Field


def _wire(value, kind: K, zone):
    """A stored value as Bitrix24 sends it: text as it is, numbers and ids as strings,
    ``Y``/``N``, dates and moments in ISO 8601 with the offset of the time zone ``zone``."""
    if value is None or isinstance(value, str):
        return value
    if kind == K.BOOL:
        return "Y" if value else "N"
    if isinstance(value, datetime):
        return value.astimezone(zone).isoformat(timespec="seconds")
    if isinstance(value, date):
        return datetime.combine(value, time(), zone).isoformat(timespec="seconds")
    return str(value)


def _custom_wire(field: B24Field, raw):
    """A custom field's raw JSON as Bitrix24 sends a user field's value; an empty one as
    ``""`` (``[]`` for several values), as Bitrix24 shows every user field in ``get``."""
    if field.multiple:
        return [_custom_wire_one(one) for one in raw or []]
    return "" if raw in (None, "") else _custom_wire_one(raw)


def _custom_wire_one(raw):
    if isinstance(raw, bool):
        return "Y" if raw else "N"
    return raw if isinstance(raw, str) else str(raw)


def _is_many(field: B24Field) -> bool:
    return field.kind == K.ITEM_LINK and not field.custom and field.source.model_field.many_to_many


def _column(field: B24Field) -> str:
    """The column of the rows' values a field is read from ("" for those read apart)."""
    if field.source is None:
        return field.attribute + ("_id" if field.kind == K.USER else "")
    if field.custom:
        return "custom"
    if field.is_list or _is_many(field):
        return ""
    if field.is_category:
        return f"{field.name}__is_default"  # with its id: 0 for the default one
    if field.kind == K.REFERENCE:
        return f"{field.name}__code"
    return field.source.model_field.attname


def _holds_text(field: B24Field) -> bool:
    """Whether the field's column holds only text or nothing, which ``_wire`` sends as it is
    (a reference's code, a name, an address line...): read without a call per value."""
    if field.source is None or field.custom or field.is_list or field.is_category:
        return False
    if field.kind == K.REFERENCE:
        return True  # the entry's code
    text = isinstance(field.source.model_field, models.CharField | models.TextField)
    return text and field.kind != K.ITEM_LINK


def columns(selected: list[B24Field]) -> list[str]:
    """What to read of each row (``values()``) for the ``selected`` fields."""
    found = {"id": None}
    for field in selected:
        if column := _column(field):
            found[column] = None
        if field.is_category:
            found[f"{field.name}_id"] = None
    return list(found)


class Rows:
    """The Bitrix24 rows of ``values`` (rows read with ``columns(selected)``) for
    ``user``, with the ``selected`` fields only."""

    def __init__(self, user, model, values: list[dict], selected: list[B24Field]):
        self.user, self.model, self.values, self.selected = user, model, values, selected
        self.zone = timezone.get_current_timezone()
        self.ids = [row["id"] for row in values]
        self.owner = f"{model._meta.model_name}_id"
        self.channels = self._channels()
        self.links = self._links()
        self.custom = self._custom()

    def _channels(self) -> dict[tuple, list]:
        wanted = {multifields.channel_of(f) for f in self.selected if f.is_list}
        found: dict[tuple, list] = {}
        if not wanted or not self.ids:
            return found
        rows = Communication.objects.filter(**{f"{self.owner}__in": self.ids},
                                            channel__in=wanted)  # fmt: skip
        rows = rows.order_by(self.owner, "channel", "sort", "id")
        for owner, channel, *value in rows.values_list(self.owner, "channel", "id", "kind",
                                                       "value"):  # fmt: skip
            found.setdefault((owner, channel), []).append(value)
        return found

    def _links(self) -> dict[str, dict[int, list[int]]]:
        """For each link field selected, each item's linked ids the reader may see."""
        links = {}
        for field in self.selected:
            if field.kind != K.ITEM_LINK or field.custom or field.name in links:
                continue
            model_field = field.source.model_field
            if model_field.many_to_many:
                through = model_field.remote_field.through
                own, other = model_field.m2m_field_name(), model_field.m2m_reverse_field_name()
                pairs = (
                    through.objects.filter(**{f"{own}_id__in": self.ids})
                    .order_by(f"{own}_id", "id")
                    .values_list(f"{own}_id", f"{other}_id")
                )
            else:
                pairs = [(row["id"], row[model_field.attname]) for row in self.values]
            pairs = [(pk, linked) for pk, linked in pairs if linked is not None]
            visible = set(
                field.related_model.objects.restrict(self.user, "read")
                .filter(pk__in={linked for _pk, linked in pairs})
                .values_list("pk", flat=True)
            ) if pairs else set()  # fmt: skip
            by_item: dict[int, list[int]] = {}
            for pk, linked in pairs:
                if linked in visible:
                    by_item.setdefault(pk, []).append(linked)
            links[field.name] = by_item
        return links

    def _custom(self) -> dict:
        if not any(f.custom and f.kind == K.ITEM_LINK for f in self.selected):
            return {}
        return readable_ids(self.model, [row["custom"] for row in self.values], self.user)

    def _reader(self, field: B24Field):
        """How to read ``field`` from a row: a function of the row's values."""
        column, kind = _column(field), field.kind
        if field.custom:
            return lambda row: self._custom_value(field, row)
        if field.is_list:
            channel, words = multifields.channel_of(field), multifields.value_types(field)
            return lambda row: multifields.listed(
                field, words, self.channels.get((row["id"], channel), ())
            )
        if kind == K.ITEM_LINK:
            linked = self.links[field.name]
            if field.multiple:
                return lambda row: [str(pk) for pk in linked.get(row["id"], [])]
            return lambda row: next((str(pk) for pk in linked.get(row["id"], [])), None)
        if field.is_category:
            pk = f"{field.name}_id"
            return lambda row: None if row[pk] is None else "0" if row[column] else str(row[pk])
        if _holds_text(field):
            return operator.itemgetter(column)
        zone = self.zone
        return lambda row: _wire(row[column], kind, zone)

    def _custom_value(self, field: B24Field, row):
        raw = (row["custom"] or {}).get(field.name)
        if field.kind == K.ITEM_LINK and raw not in (None, []):
            visible = self.custom.get(field.name, set())
            raw = [pk for pk in raw if pk in visible] if field.multiple else (
                raw if raw in visible else None)  # fmt: skip
        return _custom_wire(field, raw)

    def rows(self) -> list[dict]:
        """Multi-fields appear only when the item has values, as in Bitrix24."""
        readers = [(field.code, field.is_list, self._reader(field)) for field in self.selected]
        found = []
        for row in self.values:
            shown = {}
            for code, is_list, read in readers:
                value = read(row)
                if value or not is_list:
                    shown[code] = value
            found.append(shown)
        return found
