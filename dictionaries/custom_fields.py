"""Custom fields: the fields admins add to an item type, their rules, and their place in the
field catalogue (``crm.fields``).

Each write checks the settings right, validates, writes in one transaction and raises
``ValidationError`` (by field) or ``PermissionDenied`` having changed nothing. Codes are
Bitrix24's ``UF_CRM_<NAME>``: from the label's Latin letters and digits, else a number,
unique per item type and never given twice (a deleted field keeps its row).

The catalogue reads the definitions often (every form, card, filter and history page): they
are kept as ``dictionaries.shared_cache.SharedSettings``.
"""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accessrights.rules import check_settings_right
from crm.custom_values import clean_value
from crm.entities import entity_type
from crm.fields import CatalogueField, FieldKind
from crm.filters import CustomExactFilter
from crm.jobs import job_start

from .models import CustomField
from .shared_cache import SharedSettings

Kind = CustomField.Kind
CODE_PREFIX = "UF_CRM_"
MAX_CODE_LENGTH = 50
MAX_OPTIONS = 500

# What each kind is in the catalogue: how it is parsed, rendered and filtered.
CATALOGUE_KINDS = {
    Kind.STRING: FieldKind.TEXT,
    Kind.TEXT: FieldKind.TEXT,
    Kind.INTEGER: FieldKind.INTEGER,
    Kind.DECIMAL: FieldKind.DECIMAL,
    Kind.MONEY: FieldKind.DECIMAL,
    Kind.DATE: FieldKind.DATE,
    Kind.DATETIME: FieldKind.DATETIME,
    Kind.BOOLEAN: FieldKind.BOOL,
    Kind.LIST: FieldKind.CHOICE,
    Kind.URL: FieldKind.TEXT,
    Kind.EMAIL: FieldKind.TEXT,
    Kind.PHONE: FieldKind.TEXT,
    Kind.COMPANY: FieldKind.ITEM_LINK,
    Kind.CONTACT: FieldKind.ITEM_LINK,
    Kind.DEAL: FieldKind.ITEM_LINK,
    Kind.USER: FieldKind.USER,
}
LINK_KINDS = {Kind.COMPANY: "company", Kind.CONTACT: "contact", Kind.DEAL: "deal"}
_GIVEN_CODE = re.compile(r"UF_CRM_[A-Z0-9_]+")


def _code_for(entity: str, label: str) -> str:
    """``UF_CRM_<LABEL>`` (the label's Latin letters, accents dropped, and digits), else
    ``UF_CRM_<number>`` as Bitrix24 numbers them; a suffix ``_2``, ``_3``... when the item
    type has that code already (deleted fields included: a code is never given twice)."""
    taken = set(CustomField.objects.filter(entity=entity).values_list("code", flat=True))
    stem = slugify(label).replace("-", "_").upper()[: MAX_CODE_LENGTH - 12]
    if not stem or stem[0].isdigit():
        stem = str(len(taken) + 1)
    code, number = f"{CODE_PREFIX}{stem}", 1
    while code in taken:
        number += 1
        code = f"{CODE_PREFIX}{stem}_{number}"
    return code


def _given_code(entity: str, code) -> str:
    """A code the caller chose (a migration keeping a Bitrix24 portal's ``UF_CRM_...``, so that
    its scripts keep working): ``UF_CRM_`` and Latin capitals, digits or underscores, at most
    50 characters, not yet given in the item type."""
    code = str(code).strip().upper()
    if not _GIVEN_CODE.fullmatch(code) or len(code) > MAX_CODE_LENGTH:
        raise ValidationError(
            {"code": _("A code is UF_CRM_ followed by Latin capitals, digits or underscores, "
                       "at most %d characters.") % MAX_CODE_LENGTH}
        )  # fmt: skip
    if CustomField.objects.filter(entity=entity, code=code).exists():
        raise ValidationError({"code": _("The code %s is taken in this item type.") % code})
    return code


def _clean_options(kind: str, given, existing: list[dict]) -> list[dict]:
    """The options of a list field: ``[{"label"}, {"id", "label"}...]`` in their order; an
    option with an id keeps it (a known one only), a new one gets the next id."""
    if kind != Kind.LIST:
        if given:
            raise ValidationError({"options": _("Only a list field has options.")})
        return []
    if not isinstance(given, list | tuple) or not given:
        raise ValidationError({"options": _("Give a list field at least one option.")})
    if len(given) > MAX_OPTIONS:
        raise ValidationError({"options": _("At most %d options.") % MAX_OPTIONS})
    known = {option["id"] for option in existing}
    next_id = max(known, default=0) + 1
    options, labels = [], set()
    for position, option in enumerate(given, start=1):
        label = str(option.get("label", "") if isinstance(option, dict) else "").strip()
        if not label or len(label) > 255:
            raise ValidationError(
                {"options": _("Each option needs a label of 1 to 255 characters.")}
            )
        if label.casefold() in labels:
            raise ValidationError({"options": _("Two options are called “%s”.") % label})
        labels.add(label.casefold())
        option_id = option.get("id")
        if option_id is None:
            option_id, next_id = next_id, next_id + 1
        elif option_id not in known:
            raise ValidationError({"options": _("There is no option %s.") % option_id})
        options.append({"id": option_id, "label": label, "sort": position * 10})
    return options


def _check_entity(entity: str) -> None:
    try:
        entity_type(entity)
    except KeyError:
        raise ValidationError({"entity": _("There is no item type “%s”.") % entity}) from None


def _validate(field: CustomField) -> None:
    _check_entity(field.entity)
    if field.multiple and field.kind in (Kind.BOOLEAN,):
        raise ValidationError({"multiple": _("A yes-or-no field holds one value.")})
    field.full_clean(exclude=["code"])
    if field.default is not None:
        if field.kind in LINK_KINDS or field.kind == Kind.USER:
            raise ValidationError({"default": _("A link or a user has no default.")})
        row = catalogue_row(field)  # its options are set: the default is checked against them
        try:
            field.default = clean_value(row, field.default, None)
        except ValidationError as error:
            raise ValidationError({"default": error.messages}) from None


@transaction.atomic
def custom_field_create(*, user, entity: str, label: str, kind: str, multiple: bool = False,
                        required: bool = False, default=None, help_text: str = "",
                        sort: int = 500, options=(), code: str = "") -> CustomField:  # fmt: skip
    """Add a field to the item type ``entity``; its code is generated from its label unless
    ``code`` is given (``_given_code``)."""
    check_settings_right(user)
    field = CustomField(
        entity=entity, label=str(label).strip(), kind=kind, multiple=multiple,
        required=required, default=default, help_text=help_text, sort=sort,
    )  # fmt: skip
    _check_entity(entity)
    field.options = _clean_options(kind, list(options or ()), [])
    _validate(field)
    field.code = _given_code(entity, code) if code else _code_for(entity, field.label)
    field.save()
    custom_fields_changed()
    return field


@transaction.atomic
def custom_field_update(*, user, field: CustomField, **changes) -> CustomField:
    """Rename a field or its options, reorder them, change whether it is required, its help
    text, default or sort. Its kind and item type stay: changing them is refused."""
    check_settings_right(user)
    field = CustomField.objects.select_for_update().get(pk=field.pk, deleted_at__isnull=True)
    for fixed in ("kind", "entity", "code"):
        if fixed in changes and changes.pop(fixed) != getattr(field, fixed):
            raise ValidationError(
                {fixed: _("A field's %s cannot change: add a new field instead.") % fixed}
            )
    unknown = set(changes) - {"label", "required", "help_text", "default", "sort", "options",
                              "multiple"}  # fmt: skip
    if unknown:
        raise TypeError(f"unknown custom field attributes: {sorted(unknown)}")
    if "options" in changes:
        options = _clean_options(field.kind, changes.pop("options"), field.options)
        _refuse_removing_used_options(field, {o["id"] for o in options})
        field.options = options
    if "multiple" in changes and changes["multiple"] != field.multiple:
        raise ValidationError(
            {"multiple": _("Whether a field holds several values cannot change.")}
        )
    for name, value in changes.items():
        setattr(field, name, value.strip() if isinstance(value, str) else value)
    _validate(field)
    field.save()
    custom_fields_changed()
    return field


def _refuse_removing_used_options(field: CustomField, kept: set[int]) -> None:
    """An option that items hold cannot go (they would hold a value no one can read)."""
    items = entity_type(field.entity).model.objects.all()
    for option in field.options:
        if option["id"] in kept:
            continue
        holding = CustomExactFilter(field_name=field.code, multiple=field.multiple)
        count = holding.filter(items, option["id"]).count()
        if count:
            raise ValidationError(
                {
                    "options": _(
                        "“%(label)s” is the value of %(count)d items: "
                        "give them another value first."
                    )
                    % {"label": option["label"], "count": count}
                }
            )


@transaction.atomic
def custom_field_delete(*, user, field: CustomField) -> None:
    """Hide the field everywhere at once (its code stays taken); its values are purged from
    the items by a background job, started once this commits."""
    check_settings_right(user)
    CustomField.objects.filter(pk=field.pk).update(deleted_at=timezone.now())
    custom_fields_changed()
    job_start(user=user, kind="custom_field.purge",
              parameters={"entity": field.entity, "code": field.code})  # fmt: skip


# The catalogue's view of the definitions


def _load_definitions() -> dict[str, list[CustomField]]:
    by_entity: dict[str, list[CustomField]] = {}
    for field in CustomField.objects.filter(deleted_at__isnull=True):
        by_entity.setdefault(field.entity, []).append(field)
    return by_entity


definitions = SharedSettings("custom-fields", _load_definitions)


def custom_fields_changed() -> None:
    """Forget the definitions kept in this process, and tell the others (after commit)."""
    definitions.changed()


def catalogue_row(field: CustomField) -> CatalogueField:
    """The catalogue's row for a custom field."""
    target = None
    if field.kind in LINK_KINDS:
        target = entity_type(LINK_KINDS[field.kind]).model
    elif field.kind == Kind.USER:
        target = get_user_model()
    return CatalogueField(
        field.code, CATALOGUE_KINDS[field.kind], label=field.label, bitrix24=field.code,
        required=field.required, multiple=field.multiple, target=target, custom=True,
        custom_kind=field.kind, default=field.default, help_text=field.help_text,
        choices=tuple((o["id"], o["label"]) for o in field.options),
    )  # fmt: skip


def custom_catalogue(entity_key: str) -> list[CatalogueField]:
    """The custom fields of ``entity_key`` as catalogue rows, in their order (the source the
    catalogue reads, registered in ``DictionariesConfig.ready()``)."""
    return [catalogue_row(field) for field in definitions.get().get(entity_key, ())]
