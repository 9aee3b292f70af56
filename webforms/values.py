"""What a visitor posted, checked field by field against the catalogue: every error at once,
keyed by the names the form posts, and the values the item services take, by item type."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from companies import communications as comms
from companies.services import CHANNELS
from crm.custom_values import clean_value
from crm.fields import LIST_KINDS, CatalogueField, FieldKind, ReferenceCache, catalogue

from .models import Target

# A visitor names no user and no stored item; the form itself decides where the items go.
NOT_FOR_VISITORS_KINDS = {FieldKind.USER, FieldKind.ITEM_LINK}
NOT_FOR_VISITORS_CODES = {"opened", "source", "pipeline", "stage"}
# Without these an item cannot be created: a company needs its name, a contact a first or a
# last name (the deal's title is made up from the form and the client when not asked).
NAMING = {"company": ("name",), "contact": ("first_name", "last_name")}


def form_fields(target: str) -> dict[str, CatalogueField]:
    """The catalogue fields of ``target`` a web form may ask for."""
    return {
        field.code: field
        for field in catalogue(target)
        if field.kind not in NOT_FOR_VISITORS_KINDS and field.code not in NOT_FOR_VISITORS_CODES
    }


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for messages in error.message_dict.values() for m in messages]
    return error.messages


def _one(field: CatalogueField, raw, references: ReferenceCache):
    """``raw`` as the item services take it for ``field`` (ValidationError otherwise)."""
    if field.custom:
        return clean_value(field, raw, None)
    if field.kind in LIST_KINDS:
        values = field.parse(None if raw is None else str(raw))  # a JSON number is its text
        comms.clean_values(CHANNELS[field.code], values)  # refuses what is no phone, e-mail...
        return values
    value = field.parse(raw, references)
    limit = getattr(field.model_field, "max_length", None)
    if isinstance(value, str) and limit and len(value) > limit:
        raise ValidationError(_("At most %d characters.") % limit)
    return value


def clean_submission(fields, data: dict) -> tuple[dict[str, dict], dict[str, list[str]]]:
    """``(values, errors)`` for ``data`` posted to a form with ``fields`` (its
    ``WebFormField`` rows): ``values`` by item type, ``{"company": {"name": ..., "phones":
    [...], "custom": {...}}}``, only for the fields given; ``errors`` by posted name. Posted
    names the form does not have are ignored."""
    references = ReferenceCache()
    values: dict[str, dict] = {}
    errors: dict[str, list[str]] = {}
    names_of: dict[tuple[str, str], str] = {}
    for form_field in fields:
        names_of[(form_field.target, form_field.code)] = form_field.name
        field = form_fields(form_field.target).get(form_field.code)
        raw = data.get(form_field.name)
        if field is None:
            errors[form_field.name] = [_("This field can no longer be filled in.")]
            continue
        if isinstance(raw, dict | list):
            errors[form_field.name] = [_("Give one value, not a list or an object.")]
            continue
        try:
            value = _one(field, raw, references)
        except ValidationError as error:
            errors[form_field.name] = _messages(error)
            continue
        empty = value is None or value == "" or value == [] or value is False
        if empty and form_field.required:
            errors[form_field.name] = [_("This field is required.")]
        if empty:
            continue
        item = values.setdefault(form_field.target, {})
        if field.custom:
            item.setdefault("custom", {})[field.code] = value
        else:
            item[field.code] = value
    for target, codes in NAMING.items():
        given = values.get(target)
        if given and not any(given.get(code) for code in codes):
            name = next(names_of[(target, c)] for c in codes if (target, c) in names_of)
            errors.setdefault(name, []).append(
                _("Fill this in too, or leave the other %s fields empty.") % Target(target).label
            )
    if not errors and not (values.get("company") or values.get("contact")):
        errors["_form"] = [_("Fill in the form.")]
    return values, errors
