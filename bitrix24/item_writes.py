"""Bitrix24's ``fields`` of ``crm.X.add`` / ``crm.X.update`` as the keywords our item
services take. As in Bitrix24, unknown and read-only fields are dropped, an immutable one
(a deal's ``CATEGORY_ID``) is taken on add only; values are parsed by the field catalogue
(references by code, users by id, dates in ISO or as people write them), linked items are
looked up among those the caller may read, custom fields go to the services' ``custom``."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from crm.fields import FieldKind as K
from crm.fields import ReferenceCache

from . import multifields
from .errors import bad_argument
from .items import B24Field
from .params import as_list, is_none, to_int


def _linked(user, field: B24Field, value) -> list:
    """The items ``value`` names (ids), among those ``user`` may read; a hidden one is
    refused exactly like a missing one."""
    ids = [to_int(one, field.code) for one in as_list(value) if not is_none(one)]
    found = field.related_model.objects.restrict(user, "read").in_bulk(ids)
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError({field.name: _("There is no %(item)s %(id)s that you may see.")
                               % {"item": field.related_model._meta.verbose_name,
                                  "id": missing[0]}})  # fmt: skip
    return [found[pk] for pk in dict.fromkeys(ids)]


def _category(field: B24Field, value):
    """A pipeline by its Bitrix24 category id: 0 is the default one."""
    pk = to_int(value, field.code)
    rows = field.related_model._default_manager
    found = rows.filter(is_default=True).first() if pk == 0 else rows.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field.name: _("There is no pipeline %s.") % pk})
    return found


def _parsed(field: B24Field, value, references: ReferenceCache):
    if isinstance(value, dict | list):
        raise ValidationError({field.name: _("%s takes one value, not a list.") % field.code})
    if field.is_category:
        return None if is_none(value) else _category(field, value)
    parsed = field.source.parse(None if is_none(value) else value, references)
    if parsed is None and field.kind in (K.TEXT, K.CURRENCY):
        return ""  # a text column is emptied, never null
    return parsed


def service_data(user, fields: dict[str, B24Field], given, *, item=None, stored=None) -> dict:
    """The keywords of ``given`` (Bitrix24's ``fields``) for the services' create (``item``
    None) or update of ``item``; ``stored(field)`` gives ``item``'s values of a multi-field."""
    if not isinstance(given, dict):
        raise bad_argument(_("Parameter 'fields' must be array."), "fields")
    references = ReferenceCache()
    data: dict = {}
    for code, value in given.items():
        field = fields.get(str(code).upper())
        if field is None or field.read_only or (field.immutable and item is not None):
            continue
        if field.custom:
            data.setdefault("custom", {})[field.name] = None if is_none(value) else value
        elif field.is_list:
            data[field.name] = multifields.merged(field, stored(field) if item else [], value)
        elif field.kind == K.ITEM_LINK:
            linked = _linked(user, field, value)
            data[field.name] = linked if field.source.multiple else (linked[0] if linked else None)
        else:
            data[field.name] = _parsed(field, value, references)
    return data
