"""Items as Bitrix24 rows (``crm.X.get``, ``crm.X.list``): a page of items read in a constant
number of queries, whatever its length. The rows come in one query with their reference-list
entries joined (``select_related(related_of(...))``); then, only for the fields selected, one
query for the phones, e-mails and websites, one per kind of link for the linked items (and
one for those of them the reader may see: a hidden item is never named), one per custom link
field holding values."""

from datetime import date, datetime, time

from django.utils import timezone

from companies.models import Communication
from crm.custom_values import readable_ids
from crm.fields import FieldKind as K

from . import multifields
from .general import iso
from .items import B24Field


def related_of(selected: list[B24Field]) -> list[str]:
    """What to ``select_related`` for the rows of ``selected``: their reference-list
    entries (a deal's pipeline too)."""
    return [f.name for f in selected if f.kind == K.REFERENCE and not f.custom]


def _wire(value, kind: K):
    """A stored value as Bitrix24 sends it: text as it is, numbers and ids as strings,
    ``Y``/``N``, dates and moments in ISO 8601 with the offset."""
    if value is None:
        return None
    if kind == K.BOOL:
        return "Y" if value else "N"
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return iso(timezone.make_aware(datetime.combine(value, time())))
    if isinstance(value, str):
        return value
    return str(value)


def _custom_wire(field: B24Field, raw):
    """A custom field's raw JSON as Bitrix24 sends a user field's value; an empty one as
    ``""`` (``[]`` for several values), as Bitrix24 shows every user field in ``get``."""
    if field.multiple:
        return [_custom_wire_one(field, one) for one in raw or []]
    return "" if raw in (None, "") else _custom_wire_one(field, raw)


def _custom_wire_one(field: B24Field, raw):
    if isinstance(raw, bool):
        return "Y" if raw else "N"
    return raw if isinstance(raw, str) else str(raw)


class Rows:
    """The Bitrix24 rows of ``items`` (read with ``related_of(selected)``) for ``user``,
    with the ``selected`` fields only."""

    def __init__(self, user, model, items: list, selected: list[B24Field]):
        self.user, self.model, self.items, self.selected = user, model, items, selected
        self.ids = [item.pk for item in items]
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
        for comm in rows.order_by(self.owner, "channel", "sort", "id"):
            found.setdefault((getattr(comm, self.owner), comm.channel), []).append(comm)
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
                pairs = [(item.pk, getattr(item, model_field.attname)) for item in self.items]
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
        return readable_ids(self.model, [item.custom for item in self.items], self.user)

    def value(self, field: B24Field, item):
        if field.source is None:
            attribute = field.attribute
            if field.kind == K.USER:
                attribute += "_id"
            return _wire(getattr(item, attribute), field.kind)
        if field.custom:
            raw = (item.custom or {}).get(field.name)
            if field.kind == K.ITEM_LINK and raw not in (None, []):
                visible = self.custom.get(field.name, set())
                raw = [pk for pk in raw if pk in visible] if field.multiple else (
                    raw if raw in visible else None)  # fmt: skip
            return _custom_wire(field, raw)
        if field.is_list:
            stored = self.channels.get((item.pk, multifields.channel_of(field)), [])
            return multifields.shown(field, stored)
        if field.kind == K.ITEM_LINK:
            linked = [str(pk) for pk in self.links[field.name].get(item.pk, [])]
            if field.multiple:
                return linked
            return linked[0] if linked else None
        if field.kind == K.REFERENCE:
            row = getattr(item, field.name)
            if row is None:
                return None
            return ("0" if row.is_default else str(row.pk)) if field.is_category else row.code
        if field.kind == K.USER:
            return _wire(getattr(item, f"{field.name}_id"), field.kind)
        return _wire(getattr(item, field.name), field.kind)

    def rows(self) -> list[dict]:
        """Multi-fields appear only when the item has values, as in Bitrix24."""
        found = []
        for item in self.items:
            row = {}
            for field in self.selected:
                value = self.value(field, item)
                if not (field.is_list and not value):
                    row[field.code] = value
            found.append(row)
        return found
