"""The link methods: ``crm.company.contact.*``, ``crm.contact.company.*``,
``crm.deal.contact.*`` (``add``, ``delete``, ``items.get``, ``items.set``, ``items.delete``,
``fields``), registered for each pair of ``LINK_KINDS``.

Links are written through the link services (``contact_company_links_write`` /
``contact_unlink`` for clients, ``deal_update(contacts=...)`` for a deal), as the webhook's
user: the update right on both sides, history on both. Only linked items the caller may read
are listed, and only those can be unlinked; a hidden link stays as it is. We keep no order nor
primary flag on a link: ``SORT`` and ``IS_PRIMARY`` are given as Bitrix24 derives them (the
order of linking, ``(n+1)*10``; the first one primary), and ignored on writes.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from companies.models import Contact
from companies.services import contact_company_links_write, contact_unlink
from crm.entities import entity_type
from deals.models import Deal
from deals.services import deal_update

from . import paging
from .errors import bad_argument, not_found
from .lookup import item_id, readable
from .methods import method
from .params import as_list, is_none, to_int


@dataclass(frozen=True)
class LinkKind:
    """The links from an item of ``owner`` to items of ``other`` (Bitrix24 names), kept in
    ``through`` as ``own`` and ``linked`` ids; ``write(user, item, kept, added, removed)``
    writes a change of the readable links."""

    owner: str
    other: str
    through: type
    own: str
    linked: str
    write: Callable

    @property
    def field(self) -> str:
        return f"{self.other.upper()}_ID"

    def models(self):
        return entity_type(self.owner).model, entity_type(self.other).model

    def visible(self, user, item) -> list:
        """The linked items ``user`` may read, in the order they were linked."""
        _owner, other = self.models()
        ids = list(
            self.through.objects.filter(**{self.own: item.pk})
            .filter(**{f"{self.linked}__in": other.objects.restrict(user, "read").values("pk")})
            .order_by("id")
            .values_list(self.linked, flat=True)
        )
        found = other.objects.in_bulk(ids)
        return [found[pk] for pk in ids]


def _clients_write(contact_owns: bool):
    def write(user, item, kept, added, removed):
        def pair(other):
            return (item, other) if contact_owns else (other, item)

        contact_company_links_write(user=user, pairs=[pair(other) for other in added])
        for other in removed:
            contact, company = pair(other)
            contact_unlink(user=user, contact=contact, company=company)

    return write


def _deal_contacts_write(user, deal, kept, added, removed):
    deal_update(user=user, deal=deal, contacts=[*kept, *added])  # hidden ones it keeps


LINK_KINDS = (
    LinkKind("company", "contact", Contact.companies.through, "company_id", "contact_id",
             _clients_write(contact_owns=False)),
    LinkKind("contact", "company", Contact.companies.through, "contact_id", "company_id",
             _clients_write(contact_owns=True)),
    LinkKind("deal", "contact", Deal.contacts.through, "deal_id", "contact_id",
             _deal_contacts_write),
)  # fmt: skip


def _owner(kind: LinkKind, user, params):
    return readable(user, kind.models()[0], item_id(params))


def _others(kind: LinkKind, user, ids: list[int]) -> list:
    """The items of ``ids``, all readable by ``user`` (a hidden one answers as missing)."""
    found = kind.models()[1].objects.restrict(user, "read").in_bulk(ids)
    if len(found) != len(set(ids)):
        raise not_found()
    return [found[pk] for pk in dict.fromkeys(ids)]


def _given_id(kind: LinkKind, element) -> int:
    if not isinstance(element, dict):
        raise bad_argument(_("Give the link as an object with %s.") % kind.field, "fields")
    element = {str(key).upper(): value for key, value in element.items()}
    if is_none(element.get(kind.field)):
        raise bad_argument(_("The field %s is required.") % kind.field, kind.field)
    return to_int(element[kind.field], kind.field)


def change(kind: LinkKind, user, item, wanted: list) -> None:
    """Make ``wanted`` the readable linked items of ``item``."""
    current = kind.visible(user, item)
    kept = [other for other in current if other in wanted]
    added = [other for other in wanted if other not in current]
    removed = [other for other in current if other not in wanted]
    if added or removed:
        paging.forget()
        kind.write(user, item, kept, added, removed)


def set_linked(user, entity_key: str, item, others: list) -> None:
    """The links of ``item`` (``crm.contact.update`` with ``COMPANY_IDS``) made ``others``."""
    kind = next(k for k in LINK_KINDS if k.owner == entity_key)
    change(kind, user, item, others)


def _fields(kind: LinkKind, user, params):
    def described(kind_name, required=False, read_only=False):
        return {"type": kind_name, "isRequired": required, "isReadOnly": read_only,
                "isImmutable": False, "isMultiple": False, "isDynamic": False}  # fmt: skip

    return {
        kind.field: {**described("integer", required=True), "title": kind.field},
        "SORT": {**described("integer"), "title": "SORT"},
        "ROLE_ID": {**described("integer", read_only=True), "title": "ROLE_ID"},
        "IS_PRIMARY": {**described("char"), "title": "IS_PRIMARY"},
    }


def _items_get(kind: LinkKind, user, params):
    listed = kind.visible(user, _owner(kind, user, params))
    return [{kind.field: other.pk, "SORT": (n + 1) * 10, "ROLE_ID": 0,
             "IS_PRIMARY": "Y" if n == 0 else "N"} for n, other in enumerate(listed)]  # fmt: skip


def _add(kind: LinkKind, user, params):
    item = _owner(kind, user, params)
    [other] = _others(kind, user, [_given_id(kind, params.get("fields"))])
    current = kind.visible(user, item)
    change(kind, user, item, [*current, other] if other not in current else current)
    return True


def _delete(kind: LinkKind, user, params):
    item = _owner(kind, user, params)
    [other] = _others(kind, user, [_given_id(kind, params.get("fields"))])
    current = kind.visible(user, item)
    if other not in current:
        raise bad_argument(_("The item is not linked to %s.") % other.pk, kind.field)
    change(kind, user, item, [one for one in current if one != other])
    return True


def _items_set(kind: LinkKind, user, params):
    item = _owner(kind, user, params)
    given = params.get("items")
    ids = [] if is_none(given) else [_given_id(kind, one) for one in as_list(given)]
    change(kind, user, item, _others(kind, user, ids))
    return True


def _items_delete(kind: LinkKind, user, params):
    change(kind, user, _owner(kind, user, params), [])
    return True


VERBS = {"fields": _fields, "items.get": _items_get, "add": _add, "delete": _delete,
         "items.set": _items_set, "items.delete": _items_delete}  # fmt: skip

for _kind in LINK_KINDS:
    for _verb, _func in VERBS.items():
        method(f"crm.{_kind.owner}.{_kind.other}.{_verb}", scope="crm")(
            functools.partial(_func, _kind)
        )
