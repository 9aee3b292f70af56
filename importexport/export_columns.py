"""The columns of an export and their cells, read a chunk of items at a time.

An export's columns are fields of the item type's catalogue, system or custom, named by code,
and the record columns (created, modified). The header of each is its label in the
requester's language, so that an exported file imports back by its headers. Cells are text as
the import reads it back: references and linked items by name, users by full name, phones,
e-mails and websites joined with ", ", dates and decimal numbers as the requester's language
writes them (31.12.2026 and 1234,56 in Russian; no grouping), moments in ISO 8601 (an exact
instant, whoever reads it), custom fields rendered by their kind (an option's label, yes or no).

Items are read as rows of values, never as model instances (a million of them must pass in
seconds), a chunk at a time from one query in the list's order. What the rows show of other
tables (reference entries, users, linked items, phones and e-mails) is read once per chunk:
one query per column, one for all the phones, e-mails and websites, whatever the chunk's
size. Linked CRM items are named only when the requester may read them.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice

from django.core.exceptions import ValidationError
from django.db.models import CharField, Func
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from crm.bulkwrite import ids_in
from crm.custom_values import shown
from crm.fields import LIST_KINDS, CatalogueField, catalogue, list_texts
from crm.fields import FieldKind as K
from crm.list_columns import RECORD_COLUMNS, chosen_codes

CHUNK_ROWS = 5000


@dataclass(frozen=True)
class ExportColumn:
    code: str
    label: str  # the header of its column
    field: CatalogueField | None  # None for a record column (created, modified)


def available_columns(entity_key: str) -> dict[str, ExportColumn]:
    """Every column an export of ``entity_key`` can have, by code, in catalogue order."""
    columns = {
        f.code: ExportColumn(f.code, capfirst(str(f.label)), f) for f in catalogue(entity_key)
    }
    for code, label in RECORD_COLUMNS.items():
        columns[code] = ExportColumn(code, capfirst(str(label)), None)
    return columns


def export_columns(entity_key: str, codes) -> list[ExportColumn]:
    """The columns ``codes`` name, in their order; an unknown or repeated code, or none at
    all, is a ValidationError naming it under ``columns``."""
    available = available_columns(entity_key)
    codes = list(codes)
    unknown = [str(code)[:60] for code in codes if code not in available]
    if unknown:
        raise ValidationError(
            {"columns": _("Unknown columns: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    if not codes:
        raise ValidationError({"columns": _("Choose at least one column.")})
    if len(set(codes)) != len(codes):
        raise ValidationError({"columns": _("A column can be exported only once.")})
    return [available[code] for code in codes]


def default_codes(user, entity_type) -> list[str]:
    """What the list of ``entity_type`` shows ``user``: its first column's fields, then the
    columns they chose (or the list's defaults); an amount is followed by its currency, which
    the list shows beside it."""
    view = entity_type.list_page
    available = available_columns(entity_type.key)
    listed = chosen_codes(user, entity_type.key, view.default_columns)
    codes = []
    for code in dict.fromkeys([*view.title_fields, *listed]):
        if code not in available:
            continue  # a custom field deleted since
        codes.append(code)
        unit = available[code].field.unit if available[code].field else ""
        if unit and unit not in listed:
            codes.append(unit)
    return codes


class Chunk:
    """Rows of values of one chunk of items (the primary key first), and what they read of
    other tables, once for the chunk."""

    def __init__(self, model, user, names: list[str], rows: list[tuple], list_codes: list[str]):
        self.model, self.user, self.rows = model, user, rows
        self.ids = [row[0] for row in rows]
        self._index = {name: i for i, name in enumerate(names)}
        self._list_codes = list_codes
        self._lists = None

    def values(self, name: str) -> list:
        index = self._index[name]
        return [row[index] for row in self.rows]

    def lists(self, code: str) -> dict:
        """The item's phones (e-mails, websites) by id: one query for all of the chunk's."""
        if self._lists is None:
            # Ascending, for the reader's range of ids whatever the export's order.
            self._lists = list_texts(self.model, sorted(self.ids), self._list_codes)
        return self._lists[code]


# A column's plan: the values of the item's row it reads (by name: a column, a key of the
# custom values, or an expression to annotate), and its cells for a chunk.
Plan = tuple[dict[str, object], Callable[[Chunk], list[str]]]


class IsoMoment(Func):
    """A moment as ISO 8601 text in UTC (``2024-12-31T10:00:00Z``), written by the database:
    a million of them are then read as text, instead of parsed into datetimes in Python and
    formatted back (which took half the time of a row)."""

    output_field = CharField()
    template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

    def as_sqlite(self, compiler, connection, **extra):
        template = "strftime('%%%%Y-%%%%m-%%%%dT%%%%H:%%%%M:%%%%SZ', %(expressions)s)"
        return self.as_sql(compiler, connection, template=template, **extra)


# Django's date format letters that strftime writes the same (SHORT_DATE_FORMAT of our
# languages: m/d/Y, d.m.Y, d/m/Y), so that a million dates are written without Django's
# formatter; any other letter falls back to it.
_STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y"}


def _date_text() -> Callable[[date], str]:
    """Dates as the requester's language writes them: 12/31/2026, 31.12.2026, 31/12/2026."""
    pattern = formats.get_format("SHORT_DATE_FORMAT")
    if all(char in _STRFTIME or not char.isalpha() for char in pattern):
        codes = "".join(_STRFTIME.get(char, char.replace("%", "%%")) for char in pattern)
        return lambda value: value.strftime(codes)
    return lambda value: formats.date_format(value, "SHORT_DATE_FORMAT")


def _number_text() -> Callable:
    """Numbers as stored, without grouping, with the language's decimal separator (1234,56)."""
    separator = formats.get_format("DECIMAL_SEPARATOR")
    if separator == ".":
        return str
    return lambda value: str(value).replace(".", separator)


def _text_of(field: CatalogueField) -> Callable:
    kind = field.kind
    if kind == K.DATE:
        return _date_text()
    if kind == K.DECIMAL:
        return _number_text()
    if kind == K.BOOL:
        yes, no = _("yes"), _("no")
        return lambda value: yes if value else no
    if kind == K.CHOICE:
        labels = {stored: str(label) for stored, label in field.choices}
        return lambda value: labels.get(value, str(value))
    return str  # text, currency codes, whole numbers as they are stored (no grouping)


def _own_column(code: str, text: Callable) -> Plan:
    def cells(chunk: Chunk) -> list[str]:
        return ["" if v is None or v == "" else text(v) for v in chunk.values(code)]

    return {code: None}, cells


def _moment_column(code: str) -> Plan:
    name = f"{code}__iso"

    def cells(chunk: Chunk) -> list[str]:
        return [v or "" for v in chunk.values(name)]

    return {name: IsoMoment(code)}, cells


# What naming a user reads of them (``get_full_name``, ``get_username``).
_USER_FIELDS = ("pk", "first_name", "last_name", "username")


def _names(rows, render) -> dict:
    return {row.pk: render(row) for row in rows}


def _readable(field: CatalogueField, user):
    """Where the rows a field points at are read: CRM items through the reader's rights,
    users and reference entries as they are."""
    related = field.related_model
    if field.kind == K.ITEM_LINK:
        return related.objects.restrict(user, "read")
    return related._default_manager.all()


def _reference(field: CatalogueField) -> Plan:
    """A reference entry, a user or one linked item, named by ``field.render``. Entries and
    users (a few hundred that every chunk names again) are read once for the export; linked
    items, as many as the items, per chunk."""
    attname = field.model_field.attname
    kept: dict = {}
    keep = field.kind != K.ITEM_LINK
    fields = _USER_FIELDS if field.kind == K.USER else ()

    def cells(chunk: Chunk) -> list[str]:
        ids = chunk.values(attname)
        names = kept if keep else {}
        wanted = {pk for pk in ids if pk is not None and pk not in names}
        if wanted:
            rows = _readable(field, chunk.user).filter(pk__in=wanted)
            rows = rows.only(*fields) if fields else rows
            names.update(_names(rows, field.render))
            names.update(dict.fromkeys(wanted - names.keys(), ""))  # out of reach: unnamed
        return [names.get(pk, "") for pk in ids]

    return {attname: None}, cells


def _many_links(field: CatalogueField) -> Plan:
    """Several linked items (a contact's companies), those the reader may read, by name."""
    relation = field.model_field
    through = relation.remote_field.through
    source, target = f"{relation.m2m_field_name()}_id", f"{relation.m2m_reverse_field_name()}_id"

    def cells(chunk: Chunk) -> list[str]:
        pairs = list(
            through.objects.filter(**{f"{source}__in": ids_in(chunk.ids)})
            .order_by("pk")
            .values_list(source, target)
        )
        wanted = {pk for _item, pk in pairs}
        rows = _readable(field, chunk.user).filter(pk__in=wanted) if wanted else ()
        names = _names(rows, str)
        linked: dict[int, list[str]] = {}
        for item, pk in pairs:
            if pk in names:
                linked.setdefault(item, []).append(names[pk])
        return [", ".join(linked.get(pk, ())) for pk in chunk.ids]

    return {}, cells


def _listed(field: CatalogueField) -> Plan:
    def cells(chunk: Chunk) -> list[str]:
        texts = chunk.lists(field.code)
        return [texts.get(pk, "") for pk in chunk.ids]

    return {}, cells


def _as_list(raw) -> list:
    if raw is None or raw == "":
        return []
    return raw if isinstance(raw, list) else [raw]


def _custom_text(field: CatalogueField, raw) -> str:
    """A custom value as a file holds it: raw JSON dates and numbers as they are (ISO dates,
    decimal strings), options by label, yes or no."""
    if field.kind in (K.DATE, K.DATETIME, K.DECIMAL, K.INTEGER):
        return ", ".join(str(one) for one in _as_list(raw))
    return shown(field, raw)


def _custom(field: CatalogueField) -> Plan:
    name = f"custom__{field.code}"  # the one value, not the whole JSON of every row
    links = field.kind in (K.ITEM_LINK, K.USER)

    def cells(chunk: Chunk) -> list[str]:
        raws = chunk.values(name)
        if not links:
            return [_custom_text(field, raw) for raw in raws]
        wanted = {pk for raw in raws for pk in _as_list(raw) if isinstance(pk, int)}
        rows = _readable(field, chunk.user).filter(pk__in=wanted) if wanted else ()
        render = field.render if field.kind == K.USER else str
        names = _names(rows, render)
        return [", ".join(names[pk] for pk in _as_list(raw) if pk in names) for raw in raws]

    return {name: None}, cells


def _plan(column: ExportColumn) -> Plan:
    field = column.field
    if field is None or (field.kind == K.DATETIME and not field.custom):
        return _moment_column(column.code)
    if field.custom:
        return _custom(field)
    if field.kind in LIST_KINDS:
        return _listed(field)
    if field.kind == K.ITEM_LINK and field.multiple:
        return _many_links(field)
    if field.kind in (K.REFERENCE, K.USER, K.ITEM_LINK):
        return _reference(field)
    return _own_column(field.code, _text_of(field))


class ExportReader:
    """The header and the rows of cells of ``columns`` for items of ``model``, as ``user``
    may read them. Build it in the language the file is written in: labels, yes and no and
    options' labels are read then."""

    def __init__(self, model, columns: list[ExportColumn], user):
        self.model, self.columns, self.user = model, columns, user
        self._plans = [_plan(column) for column in columns]
        reads = {name: read for names, _cells in self._plans for name, read in names.items()}
        self._names = ["pk", *reads]
        self._annotations = {name: read for name, read in reads.items() if read is not None}
        self._list_codes = [c.code for c in columns if c.field and c.field.kind in LIST_KINDS]

    def header(self) -> list[list[str]]:
        """The header as columns of one cell each: the columns' labels."""
        return [[column.label] for column in self.columns]

    def chunks(self, items, *, last_pk=None, size: int = 0) -> Iterator[list[list]]:
        """The cells of ``items`` (a queryset of ``model``, in the order it is given: the
        list's, ``crm.filterspecs.in_list_order``), ``size`` rows (``CHUNK_ROWS``) at a time,
        as their columns, up to ``last_pk`` when given (rows added since are left out). The
        rows come from one query read through a server-side cursor (PostgreSQL's; SQLite
        steps its statement), so any order costs one sort at most and memory holds one
        chunk, where pages by (sort key, id) would each search the rest of the list again
        when no index holds its order."""
        rows_of = items.annotate(**self._annotations).values_list(*self._names)
        if last_pk is not None:
            rows_of = rows_of.filter(pk__lte=last_pk)
        size = size or CHUNK_ROWS
        rows = rows_of.iterator(chunk_size=size)
        try:
            while batch := list(islice(rows, size)):
                chunk = Chunk(self.model, self.user, self._names, batch, self._list_codes)
                yield [cells(chunk) for _names, cells in self._plans]
        finally:
            # At once, not when the garbage is collected: by then the transaction the
            # cursor lives in may be gone (an abandoned download, a test's rollback).
            rows.close()
