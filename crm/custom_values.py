"""Values of custom fields: kept in the item's ``custom`` JSON column under the field's code,
as raw JSON (numbers, ``true``/``false``, ISO dates, decimals as strings, list options and
linked items and users by id), checked by the item services for every door.

``clean_custom(entity_key, user, current, given, new=...)`` turns what a door gives (JSON
values, or text from a form or a file, parsed by the field catalogue) into the column's new
value, or raises a ``ValidationError`` naming each bad field; ``shown(field, raw)`` renders a
raw value for a reader.
"""

import re
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import formats
from django.utils.translation import gettext as _

from people.regional import shown_time

from .fields import CatalogueField, FieldKind, catalogue, catalogue_of_model

MAX_TEXT = 20_000
MAX_VALUES = 100
_PHONE = re.compile(r"^[+\d\s().\-/]{3,40}$")


def custom_fields(entity_key: str) -> dict[str, CatalogueField]:
    return {field.code: field for field in catalogue(entity_key) if field.custom}


def _blank(value) -> bool:
    return value is None or value == "" or value == []


def _one(field: CatalogueField, value, user):
    """One value of ``field`` as raw JSON (ValidationError naming it otherwise)."""
    if field.kind == FieldKind.CHOICE:
        if isinstance(value, bool):
            raise ValidationError(_("Choose one of the options."))
        return field.parse(value)
    if field.kind in (FieldKind.ITEM_LINK, FieldKind.USER):
        return _linked_id(field, value, user)
    if field.kind == FieldKind.TEXT:
        if not isinstance(value, str):
            raise ValidationError(_("Give text."))
        text = value.strip()
        if len(text) > MAX_TEXT:
            raise ValidationError(_("At most %d characters.") % MAX_TEXT)
        _check_text_kind(field, text)
        return text
    parsed = field.parse(value)
    if isinstance(parsed, datetime | date):
        return parsed.isoformat()
    if isinstance(parsed, Decimal):
        return str(parsed)
    return parsed


def _check_text_kind(field: CatalogueField, text: str) -> None:
    """The text kinds with a shape of their own: e-mails, web addresses, phones."""
    kind = field.custom_kind
    if kind == "email":
        EmailValidator(message=_("Enter a valid e-mail address."))(text)
    elif kind == "url":
        URLValidator(schemes=("http", "https"), message=_("Enter a valid web address."))(text)
    elif kind == "phone" and not _PHONE.match(text):
        raise ValidationError(_("Enter a phone number."))


def _linked_id(field: CatalogueField, value, user) -> int:
    """A user by id, or a CRM item by id among those ``user`` may read (a hidden item is
    refused exactly like a missing one)."""
    related = field.related_model
    if isinstance(value, related):
        value = value.pk
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise ValidationError(_("Give the number of a %s.") % related._meta.verbose_name)
    pk = int(value)
    rows = related._default_manager.filter(pk=pk)
    if hasattr(rows, "restrict"):
        rows = related.objects.restrict(user, "read").filter(pk=pk)
    elif hasattr(related, "is_active"):
        rows = rows.filter(is_active=True)
    if not rows.exists():
        raise ValidationError(
            _("There is no %(item)s %(id)s that you may see.")
            % {"item": related._meta.verbose_name, "id": pk}
        )
    return pk


def clean_value(field: CatalogueField, value, user):
    """One field's value (or values) as the column keeps it; ValidationError otherwise."""
    if _blank(value):
        return [] if field.multiple else None
    if field.multiple:
        values = value if isinstance(value, list) else [value]
        if len(values) > MAX_VALUES:
            raise ValidationError(_("At most %d values.") % MAX_VALUES)
        return [_one(field, one, user) for one in values if not _blank(one)]
    if isinstance(value, list):
        raise ValidationError(_("This field holds one value, not a list."))
    return _one(field, value, user)


def clean_custom(entity_key: str, user, current: dict, given, *, new: bool) -> dict:
    """The item's ``custom`` column after ``given`` (``{code: value}``) is written over
    ``current``: codes not given keep their values; a new item gets the defaults of fields
    left out; a required field cannot be left empty."""
    if given is None:
        given = {}
    if not isinstance(given, dict):
        raise ValidationError({"custom": _("Give custom fields as an object of codes.")})
    fields = custom_fields(entity_key)
    errors: dict[str, list[str]] = {}
    result = {code: value for code, value in (current or {}).items() if code in fields}
    for code, given_value in given.items():
        field = fields.get(code)
        if field is None:
            errors[str(code)[:60]] = [_("This item type has no field %s.") % str(code)[:60]]
            continue
        try:
            result[code] = clean_value(field, given_value, user)
        except ValidationError as error:
            errors[code] = error.messages
    for code, field in fields.items():
        if new and code not in given and field.default is not None:
            result[code] = field.default
        if field.required and code not in errors and _blank(result.get(code)):
            errors[code] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    return {code: value for code, value in result.items() if not _blank(value)}


def shown(field: CatalogueField, raw) -> str:
    """A raw value as a reader reads it: an option's label, yes or no, a date and a number in
    the reader's format; linked items and users by number (the card links them)."""
    if _blank(raw):
        return ""
    if isinstance(raw, list):
        return ", ".join(shown(field, one) for one in raw)
    if field.kind == FieldKind.CHOICE:
        return str(dict(field.choices).get(raw, raw))
    if field.kind == FieldKind.BOOL:
        return _("yes") if raw else _("no")
    if field.kind == FieldKind.DATE:
        return formats.date_format(date.fromisoformat(raw), "SHORT_DATE_FORMAT")
    if field.kind == FieldKind.DATETIME:
        return formats.date_format(shown_time(datetime.fromisoformat(raw)), "SHORT_DATETIME_FORMAT")
    if field.kind in (FieldKind.DECIMAL, FieldKind.INTEGER):
        return formats.number_format(Decimal(str(raw)), force_grouping=True)
    return str(raw)


def _ids_of(raw) -> list:
    return raw if isinstance(raw, list) else [] if raw in (None, "") else [raw]


def readable_ids(model, stored_values, user) -> dict[str, set]:
    """For each custom link field of ``model``, the ids among those ``stored_values`` (the
    ``custom`` columns of a page of items) hold that ``user`` may read: one query per link
    field holding values, whatever the number of items."""
    links = [f for f in catalogue_of_model(model) if f.custom and f.kind == FieldKind.ITEM_LINK]
    stored_values = list(stored_values)
    readable = {}
    for field in links:
        ids = {pk for stored in stored_values for pk in _ids_of((stored or {}).get(field.code))}
        readable[field.code] = set(
            field.related_model.objects.restrict(user, "read")
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        ) if ids else set()  # fmt: skip
    return readable


def readable_custom(model, stored: dict, user, readable: dict | None = None) -> dict:
    """``stored`` as ``user`` may read it: only fields that exist, and of a link to another
    CRM item only the items they may read (``readable``: ``readable_ids`` of the page it is
    on; read for this item alone when not given)."""
    fields = {f.code: f for f in catalogue_of_model(model) if f.custom}
    if readable is None:
        readable = readable_ids(model, [stored], user)
    shown = {}
    for code, raw in stored.items():
        field = fields.get(code)
        if field is None:
            continue
        if field.kind == FieldKind.ITEM_LINK and raw not in (None, []):
            ids = _ids_of(raw)
            allowed = readable.get(code, set())
            raw = (
                [pk for pk in ids if pk in allowed]
                if field.multiple
                else (raw if raw in allowed else None)
            )
        shown[code] = raw
    return shown
