"""The columns of an item list: the catalogue's fields each user chose, in their order.

A list shows its item first (linked to the card), then the columns the user chose
(``ListColumns``) or, without a choice, the list view's defaults. Any catalogue field can be a
column, system or custom, plus when the item was created and last modified; a column is
sortable when the list's FilterSet orders by it. Cells are rendered as the card renders the
field (``crm.cards.field_value``), and linked items only as the reader may read them: one
query per link column for the whole page.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils import formats
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .cards import EMPTY, field_value
from .fields import CatalogueField, FieldKind, catalogue
from .models import ListColumns

# Every item has these: they are columns of every list, though not fields of its catalogue.
RECORD_COLUMNS = {"created_at": gettext_lazy("Created"), "modified_at": gettext_lazy("Modified")}
MAX_COLUMNS = 30


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    field: CatalogueField | None  # None for a record column
    sort_key: str = ""  # the list's ?ordering= value, "" when it cannot be sorted by it


def sort_keys(filterset_class) -> dict[str, str]:
    """Model field name -> the ``ordering`` value the FilterSet sorts by it with."""
    ordering = filterset_class.base_filters.get("ordering")
    return {field: param for param, field in getattr(ordering, "param_map", {}).items()}


def available_columns(entity_key: str, filterset_class, exclude=()) -> list[Column]:
    """Every column the list of ``entity_key`` can show, in catalogue order (``exclude``:
    the fields the item's own first column shows already; a currency, shown with its
    amount)."""
    keys = sort_keys(filterset_class)
    fields = catalogue(entity_key)
    units = {f.unit for f in fields if f.unit}  # a currency is shown with its amount
    columns = [
        Column(f.code, capfirst(f.label), f, keys.get(f.code, ""))
        for f in fields
        if f.code not in exclude and f.code not in units
    ]
    columns += [
        Column(code, label, None, keys.get(code, "")) for code, label in RECORD_COLUMNS.items()
    ]
    return columns


def chosen_codes(user, entity_key: str, default: tuple[str, ...]) -> list[str]:
    row = ListColumns.objects.filter(user=user, entity=entity_key).first()
    return list(row.columns) if row else list(default)


def columns_for(user, entity_key, filterset_class, *, default, exclude=()) -> list[Column]:
    """The columns ``user`` sees, in their order; a field deleted since is left out."""
    available = {c.code: c for c in available_columns(entity_key, filterset_class, exclude)}
    codes = chosen_codes(user, entity_key, default)
    return [available[code] for code in codes if code in available]


def columns_set(*, user, entity_key, codes, filterset_class, exclude=()) -> list[str]:
    """Keep ``codes`` as ``user``'s columns of the list of ``entity_key``; unknown or repeated
    codes are refused and nothing is kept."""
    known = {c.code for c in available_columns(entity_key, filterset_class, exclude)}
    codes = list(codes)
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationError(_("Unknown columns: %(codes)s.") % {"codes": ", ".join(unknown)})
    if len(set(codes)) != len(codes):
        raise ValidationError(_("A column can be shown only once."))
    if len(codes) > MAX_COLUMNS:
        raise ValidationError(_("At most %(count)d columns.") % {"count": MAX_COLUMNS})
    ListColumns.objects.update_or_create(user=user, entity=entity_key, defaults={"columns": codes})
    return codes


def columns_reset(*, user, entity_key) -> None:
    ListColumns.objects.filter(user=user, entity=entity_key).delete()


def _ids(item, field) -> list:
    if field.custom:
        value = (item.custom or {}).get(field.code)
        return value if isinstance(value, list) else [value] if value else []
    pk = getattr(item, field.model_field.attname)
    return [pk] if pk else []


def _is_link(field: CatalogueField) -> bool:
    """Whether the field names linked items (or, custom, users) read for the page at once."""
    return field.kind == FieldKind.ITEM_LINK or (field.custom and field.kind == FieldKind.USER)


def page_links(items, columns: list[Column], user) -> dict[int, dict[str, list]]:
    """For each item of the page, the linked items each link column shows that ``user`` may
    read (and the users a custom user field names): one query per column."""
    links: dict[int, dict[str, list]] = {item.pk: {} for item in items}
    for column in columns:
        field = column.field
        if field is None or not _is_link(field):
            continue
        related = field.related_model
        if field.multiple and not field.custom:  # prefetched by ``prefetches``
            for item in items:
                links[item.pk][field.code] = list(getattr(item, f"readable_{field.code}"))
            continue
        wanted = {pk for item in items for pk in _ids(item, field)}
        rows = (
            related._default_manager.all()
            if field.kind == FieldKind.USER
            else related.objects.restrict(user, "read")
        )
        found = {row.pk: row for row in rows.filter(pk__in=wanted)} if wanted else {}
        for item in items:
            links[item.pk][field.code] = [found[pk] for pk in _ids(item, field) if pk in found]
    return links


def select_related(columns: list[Column]) -> list[str]:
    """The references and users the columns show, read with the items."""
    kinds = (FieldKind.REFERENCE, FieldKind.USER)
    return [c.code for c in columns if c.field and not c.field.custom and c.field.kind in kinds]


def prefetches(columns: list[Column], user) -> list[Prefetch]:
    """The many-to-many links the columns show, only as far as ``user`` may read them."""
    return [
        Prefetch(
            c.code,
            queryset=c.field.related_model.objects.restrict(user, "read"),
            to_attr=f"readable_{c.code}",
        )
        for c in columns
        if c.field and not c.field.custom and c.field.kind == FieldKind.ITEM_LINK
        and c.field.multiple
    ]  # fmt: skip


def _record_cell(item, code):
    moment = getattr(item, code)
    if not moment:
        return EMPTY
    return format_html(
        '<time datetime="{}">{}</time>',
        moment.isoformat(),
        formats.date_format(localtime(moment), "SHORT_DATE_FORMAT"),
    )


def _cell(item, column: Column, units: dict, links: dict):
    field = column.field
    if field is None:
        return _record_cell(item, column.code)
    if field.kind == FieldKind.REFERENCE and not field.custom:
        entry = getattr(item, field.code)
        if entry is not None and getattr(entry, "color", ""):  # a list entry's own colour
            return format_html('<span class="badge" style="--badge: {}">{}</span>',
                               entry.color, entry.name)  # fmt: skip
    return field_value(item, field, units, links)


def rows(items, columns: list[Column], user) -> list[tuple]:
    """``[(item, [cell, ...]), ...]`` for the page: each cell escaped HTML."""
    links = page_links(items, columns, user)
    units = {c.field.unit for c in columns if c.field and c.field.unit}
    shown = []
    for item in items:
        item_units = {unit: getattr(item, unit) or "" for unit in units}
        cells = [_cell(item, c, item_units, links[item.pk]) for c in columns]
        shown.append((item, cells))
    return shown
