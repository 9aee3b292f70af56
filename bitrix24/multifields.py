"""Bitrix24's multi-fields ``PHONE``, ``EMAIL`` and ``WEB``: our phones, e-mails and websites
as ``[{"ID", "VALUE_TYPE", "VALUE", "TYPE_ID"}]``, and Bitrix24's rules for writing them.

Writing (``crm.X.add`` / ``update``): an element without ``ID`` and with a ``VALUE`` is a new
value; one with the ``ID`` of a stored value overwrites it, or deletes it when its ``VALUE`` is
empty or ``DELETE`` is ``Y``; values not named stay. The services then take the whole list.
"""

from django.utils.translation import gettext as _

from companies.models import Communication
from companies.services import CHANNELS

from .errors import bad_argument
from .items import B24Field
from .params import as_list, is_none, to_bool, to_int


def value_types(field: B24Field) -> dict[str, str]:
    """Bitrix24's ``VALUE_TYPE`` words of the field and the kind each is here, read from the
    catalogue's typed columns (``PHONE_MOBILE`` -> mobile, ``PHONE_FAX`` -> other)."""
    prefix = f"{field.code}_"
    return {
        alias.header[len(prefix) :]: alias.kind
        for alias in field.source.aliases
        if alias.kind and alias.header.startswith(prefix) and alias.header.isupper()
    }


def channel_of(field: B24Field) -> str:
    return CHANNELS[field.source.code]


def listed(field: B24Field, words: dict[str, str], values) -> list[dict]:
    """One item's stored values (``(id, kind, value)``, in order) as Bitrix24 lists them;
    ``words``: the field's ``value_types``, worked out once for a page's rows."""
    found = []
    for pk, kind, value in values:
        word = kind.upper()
        found.append({"ID": str(pk), "VALUE_TYPE": word if word in words else "OTHER",
                      "VALUE": value, "TYPE_ID": field.code})  # fmt: skip
    return found


def merged(field: B24Field, stored: list[Communication], given) -> list[dict]:
    """The whole list of ``{"value", "kind"}`` after ``given`` is written over ``stored``
    (an item's values of this channel, in order). A 400 for an element that is no object, an
    unknown ``VALUE_TYPE``, or an ``ID`` that is not one of the item's values."""
    words = value_types(field)
    values = {c.pk: {"value": c.value, "kind": c.kind} for c in stored}
    added = []
    for element in as_list(given):
        if not isinstance(element, dict):
            raise bad_argument(_("Each %s value is an object with VALUE.") % field.code, field.code)
        element = {str(key).upper(): value for key, value in element.items()}
        value = "" if is_none(element.get("VALUE")) else str(element["VALUE"]).strip()
        word = element.get("VALUE_TYPE")
        word = "WORK" if is_none(word) else str(word).strip().upper()
        if word not in words:
            raise bad_argument(
                _("“%(word)s” is not a VALUE_TYPE of %(field)s: %(words)s.")
                % {"word": word, "field": field.code, "words": ", ".join(words)},
                field.code,
            )
        if is_none(element.get("ID")):
            if value:
                added.append({"value": value, "kind": words[word]})
            continue
        pk = to_int(element["ID"], f"{field.code}[ID]")
        if pk not in values:
            raise bad_argument(
                _("%(field)s has no value %(id)s.") % {"field": field.code, "id": pk}, field.code
            )
        deleted = to_bool(element.get("DELETE", "N"), f"{field.code}[DELETE]")
        if deleted or not value:
            del values[pk]
        else:
            values[pk] = {"value": value, "kind": words[word]}
    return [*values.values(), *added]
