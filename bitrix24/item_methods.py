"""``crm.company.*``, ``crm.contact.*``, ``crm.deal.*``, ``crm.lead.*``: ``add``, ``get``,
``update``, ``delete``, ``list``, ``fields``, registered for each item type of ``ITEM_TYPES``.

Reads start from ``restrict(user, "read")``; writes go through the item type's services (the
entity registry's ``ItemServices``) as the webhook's user, so rights and history hold. A
missing id and one hidden from the caller answer the same 400 ``NOT_FOUND``.
"""

import contextlib
import functools
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from crm.entities import entity_type
from crm.fields import FieldKind as K
from crm.filterspecs import in_list_order

from . import links, multifields, paging
from .errors import bad_argument, not_found
from .filters import filtered
from .item_rows import Rows, columns
from .item_writes import service_data
from .items import B24Field, b24_fields
from .lookup import item_id, readable
from .methods import Page, method
from .params import as_list, is_none, to_int


@dataclass(frozen=True)
class ItemType:
    """An item type under its Bitrix24 name (``crm.<name>.*``). ``links_apart``: a link
    field its update service does not take, written through ``links`` instead (a
    contact's companies)."""

    name: str
    entity_key: str
    links_apart: str = ""

    @property
    def model(self):
        return entity_type(self.entity_key).model

    @property
    def services(self):
        return entity_type(self.entity_key).services

    def fields(self) -> dict[str, B24Field]:
        return b24_fields(self.entity_key)


ITEM_TYPES = (
    ItemType("company", "company"),
    ItemType("contact", "contact", links_apart="companies"),
    ItemType("deal", "deal"),
    ItemType("lead", "lead"),
    # Their fields; the lines (Bitrix24's product rows) are written through our API.
    ItemType("quote", "quote"),
    ItemType("invoice", "invoice"),
)


@contextlib.contextmanager
def _worded(fields: dict[str, B24Field]):
    """The services' field errors named by Bitrix24's codes (``TITLE: ...``)."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        codes = {field.name: code for code, field in reversed(fields.items())}
        raise bad_argument("; ".join(
            f"{codes.get(name, name)}: {' '.join(messages)}"
            for name, messages in error.message_dict.items()
        )) from None  # fmt: skip


def _stored(item):
    def stored(field: B24Field):
        channel = multifields.channel_of(field)
        return list(item.communications.filter(channel=channel).order_by("sort", "id"))

    return stored


def _selected(fields: dict[str, B24Field], given) -> list[B24Field]:
    """``select``: ``*`` (every field of one value), ``UF_*`` (every custom one), names; none
    is both masks; ``ID`` always; unknown names left out, as Bitrix24 does."""
    names = [] if is_none(given) else [str(n).strip().upper() for n in as_list(given)]
    chosen = {"ID"}
    for name in names or ["*", "UF_*"]:
        if name in ("*", "UF_*"):
            custom = name == "UF_*"
            chosen |= {c for c, f in fields.items() if f.custom == custom and f.in_default_select}
        elif name in fields:
            chosen.add(name)
    return [field for code, field in fields.items() if code in chosen]


def _order_key(field: B24Field) -> str:
    if field.custom:
        return f"custom__{field.name}"
    if field.kind == K.REFERENCE:
        return f"{field.name}__sort"  # a stage sorts by its place, as in Bitrix24
    if field.source is None:
        return field.attribute
    model_field = field.source.model_field
    return model_field.attname if model_field.is_relation else field.name


def _ordered(items, fields: dict[str, B24Field], given):
    """``order``: ``{FIELD: "ASC"|"DESC"}``, ``ID`` ascending when none (pages by offset
    need one stable order); the id last breaks ties."""
    if is_none(given) or given == []:
        given = {}
    if not isinstance(given, dict):
        raise bad_argument(_("Parameter 'order' must be array."), "order")
    keys = []
    for code, direction in given.items():
        field = fields.get(str(code).upper())
        if field is None or field.is_list or field.multiple or field.first_only:
            raise bad_argument(_("The list cannot be ordered by %s.") % code, "order")
        direction = str(direction).strip().upper()
        if direction not in ("ASC", "DESC"):
            raise bad_argument(_("Order %s ASC or DESC.") % code, "order")
        keys.append(("-" if direction == "DESC" else "") + _order_key(field))
    return in_list_order(items.order_by(*(keys or ["pk"])))


def _fields(kind: ItemType, user, params):
    return {code: field.describe() for code, field in kind.fields().items()}


def _get(kind: ItemType, user, params):
    fields = list(kind.fields().values())
    pk = item_id(params)
    found = list(kind.model.objects.restrict(user, "read").filter(pk=pk).values(*columns(fields)))
    if not found:
        raise not_found()
    return Rows(user, kind.model, found, fields).rows()[0]


def _list(kind: ItemType, user, params):
    """A page of 50 from ``start`` with ``total`` and ``next``; ``start=-1``: the first 50
    without counting (Bitrix24's fast path: no ``total``, no ``next``)."""
    fields = kind.fields()
    selected = _selected(fields, params.get("select"))
    items = _ordered(filtered(user, kind.model, fields, params.get("filter")), fields,
                     params.get("order"))  # fmt: skip
    start = to_int(0 if is_none(params.get("start")) else params["start"], "start")
    key = (kind.name, user.pk, repr(params.get("filter")), repr(params.get("order")))
    found, total, following = paging.page(items, key, start, columns(selected))
    return Page(Rows(user, kind.model, found, selected).rows(), total=total, next=following)


def _add(kind: ItemType, user, params):
    paging.forget()
    fields = kind.fields()
    with _worded(fields):
        data = service_data(user, fields, params.get("fields"))
        return kind.services.create_item(user, data).pk


def _update(kind: ItemType, user, params):
    paging.forget()
    fields = kind.fields()
    item = readable(user, kind.model, item_id(params))
    with _worded(fields):
        data = service_data(user, fields, params.get("fields", {}), item=item, stored=_stored(item))
        apart = data.pop(kind.links_apart, None) if kind.links_apart else None
        item = kind.services.update_item(user, item, None, data)
    if apart is not None:
        links.set_linked(user, kind.entity_key, item, apart)
    return True


def _delete(kind: ItemType, user, params):
    paging.forget()
    item = readable(user, kind.model, item_id(params))
    kind.services.delete_item(user, item)
    return True


VERBS = {"fields": _fields, "get": _get, "list": _list, "add": _add, "update": _update,
         "delete": _delete}  # fmt: skip

for _kind in ITEM_TYPES:
    for _verb, _func in VERBS.items():
        method(f"crm.{_kind.name}.{_verb}", scope="crm")(functools.partial(_func, _kind))
