"""An item's card: the sections of its type's layout (``crm.fields.layout``), each field's
value rendered for the reader by its kind.

Linked CRM items are shown only as the view found them through ``restrict()`` (``links``: a
company the reader may not read is not named). Apps register how the kinds the framework does
not store are shown (a client's phones, e-mails and websites: ``register_card_value``).
"""

from collections.abc import Callable

from django.template.defaultfilters import linebreaksbr
from django.utils import formats
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from people.naming import person_label

from .custom_values import shown as custom_shown
from .fields import CatalogueField, FieldKind, layout
from .money import money

EMPTY = "—"

_card_values: dict[FieldKind, Callable[[object, CatalogueField], SafeString]] = {}


def register_card_value(kind: FieldKind, render: Callable[[object, CatalogueField], SafeString]):
    """How a card shows fields of ``kind``: ``render(item, field)`` gives escaped HTML."""
    _card_values[kind] = render


def _links(items) -> SafeString:
    if not items:
        return EMPTY
    return format_html_join(
        "", '<div><a href="{}">{}</a></div>', ((i.get_absolute_url(), i) for i in items)
    )


def field_value(item, field: CatalogueField, units: dict, links: dict) -> SafeString | str:
    """The value of ``field`` on ``item`` as its card shows it (escaped)."""
    if field.kind in _card_values:
        return _card_values[field.kind](item, field)
    if field.kind == FieldKind.ITEM_LINK:
        return _links(links.get(field.code, ()))
    if field.custom:
        if field.kind == FieldKind.USER:
            return ", ".join(person_label(user) for user in links.get(field.code, ())) or EMPTY
        return custom_shown(field, (item.custom or {}).get(field.code)) or EMPTY
    value = getattr(item, field.code)
    if value is None or value == "":
        return EMPTY
    if field.kind == FieldKind.REFERENCE:
        return getattr(value, "name", str(value))
    if field.kind == FieldKind.USER:
        return person_label(value)
    if field.kind == FieldKind.DECIMAL:
        return money(value, units.get(field.unit, ""))
    if field.kind == FieldKind.TEXT:
        return linebreaksbr(value, autoescape=True)
    return field.render(value)


def card_sections(entity_key: str, item, links: dict | None = None) -> list[tuple]:
    """``[(section title, [(label, value), ...]), ...]`` for ``item``'s card; an amount shows
    its currency (which has no row of its own), and the last section ends with who created
    and last modified the item."""
    links = links or {}
    sections = layout(entity_key)
    units = {
        f.unit: getattr(item, f.unit) or "" for _s, fields in sections for f in fields if f.unit
    }
    shown = []
    for section, fields in sections:
        rows = [
            (capfirst(field.label), field_value(item, field, units, links))
            for field in fields
            if field.code not in units
        ]
        shown.append((section.label, rows))
    if shown:
        shown[-1][1].extend(_record_rows(item))
    return shown


def _record_rows(item) -> list[tuple]:
    rows = []
    for label, moment, person in (
        (_("Created"), item.created_at, item.created_by),
        (_("Modified"), item.modified_at, item.modified_by),
    ):
        when = formats.date_format(localtime(moment), "SHORT_DATETIME_FORMAT") if moment else EMPTY
        rows.append((label, f"{when}, {person_label(person)}" if person else when))
    return rows


def link_fields(entity_key: str) -> list[CatalogueField]:
    """The fields of ``entity_key``'s layout that link other CRM items or users (custom)."""
    kinds = (FieldKind.ITEM_LINK, FieldKind.USER)
    return [
        f for _s, fields in layout(entity_key) for f in fields
        if f.kind == FieldKind.ITEM_LINK or (f.custom and f.kind in kinds)
    ]  # fmt: skip


def readable_links(entity_key: str, item, user) -> dict[str, list]:
    """The items each link field of ``item`` points at that ``user`` may read (and the users
    a custom user field names)."""
    links = {}
    for field in link_fields(entity_key):
        related = field.related_model
        if field.custom:
            ids = (item.custom or {}).get(field.code)
            ids = ids if isinstance(ids, list) else [ids] if ids else []
            if field.kind == FieldKind.USER:
                rows = related._default_manager.all()
            else:
                rows = related.objects.restrict(user, "read")
            links[field.code] = list(rows.filter(pk__in=ids)) if ids else []
        elif field.multiple:
            links[field.code] = list(getattr(item, field.code).restrict(user, "read"))
        else:
            pk = getattr(item, field.model_field.attname)
            found = related.objects.restrict(user, "read").filter(pk=pk).first() if pk else None
            links[field.code] = [found] if found else []
    return links


def card_select_related(entity_key: str) -> tuple[str, ...]:
    """The references a card shows, read with the item in one query (linked CRM items are
    read through ``restrict()`` instead)."""
    kinds = {FieldKind.REFERENCE, FieldKind.USER}
    sections = layout(entity_key, custom=False)  # custom values are in the item's own row
    codes = [f.code for _s, fields in sections for f in fields if f.kind in kinds]
    return (*codes, "created_by", "modified_by")
