"""Every change to requisites and presets: checks, duplicates, history on the owner's card.

Adding, changing or deleting a requisite is a change of its company or contact: it needs the
right to update that item, and it appears in the item's history. Errors: ``ValidationError``
(keys ``name``, ``values.<field code>``, ``accounts``, ...) or ``PermissionDenied``, with
nothing changed.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accessrights.restriction import check
from accessrights.rules import check_settings_right
from companies.matching import SYSTEM, TAX_ID_DUPLICATE, ClientFacts, match_clients
from crm.items import locked
from timeline.models import EventKind
from timeline.services import event_record, events_record_bulk

from . import identifiers
from .identifiers import Kind
from .models import BankAccount, Preset, PresetField, Requisite

UNSET = object()
ADDRESS_FIELDS = (
    "address_street",
    "address_city",
    "address_region",
    "address_postal_code",
    "address_country",
)
ACCOUNT_FIELDS = ("bank_name", "bic", "account_number", "correspondent_account", "iban")


def _owner_field(owner) -> str:
    return owner._meta.model_name  # "company" or "contact"


def clean_values(preset: Preset, values: dict) -> tuple[dict, str]:
    """Check every value against its preset field; return (compact values, tax identifier)."""
    values = values or {}
    fields = list(preset.fields.all())
    errors: dict[str, list[str]] = {}
    unknown = set(values) - {f.code for f in fields}
    for code in sorted(unknown):
        errors[f"values.{code}"] = [_("“%s” is not a field of this preset.") % code]
    cleaned, tax_id = {}, ""
    for field in fields:
        raw = values.get(field.code, "")
        if not isinstance(raw, str):
            errors[f"values.{field.code}"] = [_("Write %s as text.") % field.label]
            continue
        if len(raw) > 1000:
            errors[f"values.{field.code}"] = [_("%s has at most 1,000 characters.") % field.label]
            continue
        try:
            value = identifiers.clean(field.kind, raw, field.label)
        except ValidationError as exc:
            errors[f"values.{field.code}"] = exc.messages
            continue
        if field.required and not value:
            errors[f"values.{field.code}"] = [_("%s is required.") % field.label]
        if value:
            cleaned[field.code] = value
        if field.is_tax_id:
            tax_id = value
    if errors:
        raise ValidationError(errors)
    return cleaned, tax_id


def clean_accounts(preset: Preset, accounts) -> list[dict]:
    """Bank accounts: BIK and accounts checked together in Russia, IBAN and BIC elsewhere."""
    cleaned, errors = [], []
    for number, raw in enumerate(accounts or (), start=1):
        account = {name: str(raw.get(name) or "").strip() for name in ACCOUNT_FIELDS}
        if not any(account.values()):
            continue
        try:
            account["bic"] = identifiers.clean_bic(account["bic"], preset.country)
            if preset.country == "RU":
                if not (account["bic"] and account["account_number"]):
                    raise ValidationError(_("A Russian account needs a BIK and an account."))
                account["account_number"] = identifiers.clean_ru_account(
                    account["account_number"], account["bic"]
                )
                account["correspondent_account"] = identifiers.clean_ru_account(
                    account["correspondent_account"], account["bic"], correspondent=True
                )
            else:
                if not account["iban"]:
                    raise ValidationError(_("An account needs an IBAN."))
                account["iban"] = identifiers.clean_iban(account["iban"])
            BankAccount(**account).full_clean(exclude=["requisite"])
        except ValidationError as exc:
            errors.extend(f"{_('Account %d') % number}: {m}" for m in exc.messages)
            continue
        cleaned.append(account)
    if errors:
        raise ValidationError({"accounts": errors})
    return cleaned


def _check_duplicate(requisite: Requisite, user, tax_field: PresetField | None) -> None:
    """The same tax identifier on another company (or contact) is a likely duplicate: the
    matcher's tax-id policy. The other item is named only if the user may read it."""
    if not requisite.tax_id or tax_field is None:
        return
    owner = requisite.owner
    facts = ClientFacts(_owner_field(owner), tax_id=requisite.tax_id, pk=owner.pk)
    readable = match_clients(facts, TAX_ID_DUPLICATE, user=user)
    if readable:
        name = f"“{readable[0].item}” (#{readable[0].item.pk})"
    elif match_clients(facts, TAX_ID_DUPLICATE, scope=SYSTEM):
        # Only the fact that one exists, as for a uniqueness check; never which one.
        name = _("another item you cannot see")
    else:
        return
    message = _(
        "%(label)s %(value)s is already used by %(name)s: a likely duplicate. "
        "Save anyway to keep both."
    ) % {"label": tax_field.label, "value": requisite.tax_id, "name": name}
    raise ValidationError(
        {f"values.{tax_field.code}": [ValidationError(message, code="duplicate")]}
    )


def _summary(requisite: Requisite) -> str:
    tax = f", {requisite.tax_id}" if requisite.tax_id else ""
    return f"{requisite.preset.name}: {requisite.name}{tax}"


def _state(requisite: Requisite) -> dict[str, str]:
    """What the history compares: every part of a requisite as people read it."""
    # In the preset's field order: PostgreSQL's jsonb does not keep the order of keys.
    labels = dict(requisite.preset.fields.values_list("code", "label"))
    codes = [code for code in labels if code in requisite.values]
    codes += sorted(set(requisite.values) - set(labels))
    accounts = requisite.accounts.all() if requisite.pk else []
    return {
        _("requisites"): _summary(requisite),
        _("values"): "; ".join(f"{labels.get(c, c)}: {requisite.values[c]}" for c in codes),
        _("address"): ", ".join(
            v for v in (getattr(requisite, name) for name in ADDRESS_FIELDS) if v
        ),
        _("bank accounts"): "; ".join(
            " ".join(v for v in (a.bank_name, a.bic, a.account_number, a.iban) if v)
            for a in accounts
        ),
        _("default"): _("yes") if requisite.is_default else _("no"),
    }


def _history(user, requisite: Requisite, before: dict, after: dict) -> None:
    """One event on the owner's card naming every part that changed."""
    summary = _("requisites")
    name = requisite.name or requisite.preset.name
    changes = [
        {
            "field": "requisites",
            "label": label if label == summary else f"{name}: {label}",
            "old": old,
            "new": after[label],
        }
        for label, old in before.items()
        if old != after[label]
    ]
    if changes:
        event_record(item=requisite.owner, kind=EventKind.UPDATED, author=user, changes=changes)


def _save(requisite, user, values, address, accounts, allow_duplicate, is_default):
    if values is not UNSET:
        requisite.values, requisite.tax_id = clean_values(requisite.preset, values)
    if address is not UNSET:
        for name in ADDRESS_FIELDS:
            setattr(requisite, name, str((address or {}).get(name) or "").strip())
    cleaned_accounts = clean_accounts(requisite.preset, accounts) if accounts is not UNSET else None
    requisite.name = (requisite.name or "").strip() or requisite.preset.name
    requisite.full_clean(validate_unique=False, validate_constraints=False)
    if not allow_duplicate:
        _check_duplicate(requisite, user, requisite.preset.fields.filter(is_tax_id=True).first())
    owner_field = "company" if requisite.company_id else "contact"
    siblings = Requisite.objects.filter(**{owner_field: requisite.owner}).exclude(pk=requisite.pk)
    if is_default or not siblings.filter(is_default=True).exists():
        siblings.update(is_default=False)
        requisite.is_default = True
    requisite.save()
    if cleaned_accounts is not None:
        requisite.accounts.all().delete()
        BankAccount.objects.bulk_create(
            BankAccount(requisite=requisite, sort=n, **account)
            for n, account in enumerate(cleaned_accounts)
        )
    return requisite


@transaction.atomic
def requisite_create(
    *,
    user,
    owner,
    preset: Preset,
    name: str = "",
    values=None,
    address=None,
    accounts=(),
    is_default: bool = False,
    allow_duplicate: bool = False,
) -> Requisite:
    """Add requisites to a company or a contact (the first one becomes the default)."""
    check(user, "update", owner)
    if not preset.is_active:
        raise ValidationError({"preset": _("This preset is no longer in use.")})
    requisite = Requisite(preset=preset, name=name, **{_owner_field(owner): owner})
    requisite = _save(requisite, user, values or {}, address, accounts, allow_duplicate, is_default)
    _history(user, requisite, {_("requisites"): ""}, {_("requisites"): _summary(requisite)})
    return requisite


def requisite_build(*, preset: Preset, name: str = "", values=None, address=None) -> Requisite:
    """An unsaved requisite (without its owner) checked by its preset, as ``requisite_create``
    checks one: each value by its field's kind, the required ones, the address. No query once
    the preset's fields are read (``Preset.objects.prefetch_related("fields")``). The tax
    identifier's duplicates are the caller's to look for (an import's duplicate control)."""
    requisite = Requisite(preset=preset)
    requisite.values, requisite.tax_id = clean_values(preset, values or {})
    for field in ADDRESS_FIELDS:
        setattr(requisite, field, str((address or {}).get(field) or "").strip())
    requisite.name = str(name or "").strip() or preset.name
    requisite.full_clean(exclude=["company", "contact", "preset"], validate_unique=False,
                         validate_constraints=False)  # fmt: skip
    return requisite


def _requisite_key(owner_id, preset_id, values: dict, tax_id: str) -> tuple:
    """What makes two requisites of an owner the same: the tax id, else preset and values."""
    return (owner_id, tax_id) if tax_id else (owner_id, preset_id, repr(sorted(values.items())))


@transaction.atomic
def requisites_bulk_add(*, user, pairs, record: bool = True) -> list[Requisite]:
    """Add built requisites (``requisite_build``) to their owners at once, ``[(owner,
    requisite)]`` (an import): the update right on every owner (PermissionDenied, nothing
    added, otherwise); one an owner already has (the same tax identifier, or the same preset
    and values) is left out; an owner's first becomes its default. With ``record``, one
    "requisites" line each in the owner's history (a new owner's creation is there already).
    A constant number of statements; the requisites added."""
    pairs = list(pairs)
    if not pairs:
        return []
    model = type(pairs[0][0])
    field = model._meta.model_name  # "company" or "contact"
    owner_ids = list({owner.pk for owner, _requisite in pairs})
    reached = model.objects.restrict(user, "update").filter(pk__in=owner_ids).count()
    if reached != len(owner_ids):
        raise PermissionDenied(_("You do not have the right to do this."))
    stored = Requisite.objects.filter(**{f"{field}__in": owner_ids})
    known, with_default = set(), set()
    for owner_id, preset_id, values, tax_id, is_default in stored.values_list(
        f"{field}_id", "preset_id", "values", "tax_id", "is_default"
    ):
        known.add(_requisite_key(owner_id, preset_id, values, tax_id))
        if is_default:
            with_default.add(owner_id)
    added = []
    for owner, requisite in pairs:
        key = _requisite_key(owner.pk, requisite.preset_id, requisite.values, requisite.tax_id)
        if key in known:
            continue
        known.add(key)
        setattr(requisite, field, owner)
        requisite.is_default = owner.pk not in with_default
        with_default.add(owner.pk)
        added.append(requisite)
    Requisite.objects.bulk_create(added)
    if record and added:
        owners, changes = {}, {}
        for requisite in added:
            owners[requisite.owner.pk] = requisite.owner
            changes.setdefault(requisite.owner.pk, []).append(
                {"field": "requisites", "label": _("requisites"), "old": "",
                 "new": _summary(requisite)}
            )  # fmt: skip
        events_record_bulk(items=list(owners.values()), kind=EventKind.UPDATED, author=user,
                           changes_by_pk=changes)  # fmt: skip
    return added


@transaction.atomic
def requisite_update(
    *,
    user,
    requisite: Requisite,
    name=UNSET,
    values=UNSET,
    address=UNSET,
    accounts=UNSET,
    is_default: bool = False,
    allow_duplicate: bool = False,
) -> Requisite:
    """Change requisites; ``values`` replaces all values, ``accounts`` all bank accounts."""
    requisite = locked(Requisite, requisite.pk, ["preset"])
    check(user, "update", requisite.owner)
    before = _state(requisite)
    if name is not UNSET:
        requisite.name = name
    requisite = _save(requisite, user, values, address, accounts, allow_duplicate, is_default)
    _history(user, requisite, before, _state(requisite))
    return requisite


@transaction.atomic
def requisite_delete(*, user, requisite: Requisite) -> None:
    """Delete requisites; if they were the default, the oldest remaining ones become it."""
    check(user, "update", requisite.owner)
    owner = requisite.owner
    _history(user, requisite, {_("requisites"): _summary(requisite)}, {_("requisites"): ""})
    requisite.delete()
    remaining = owner.requisites.order_by("id").first()
    if remaining is not None and not owner.requisites.filter(is_default=True).exists():
        remaining.is_default = True
        remaining.save(update_fields=["is_default"])


# Presets (CRM settings)


def clean_preset_fields(fields) -> list[PresetField]:
    result, errors, codes = [], [], set()
    for number, raw in enumerate(fields or (), start=1):
        field = PresetField(
            code=str(raw.get("code") or "").strip(),
            label=str(raw.get("label") or "").strip(),
            kind=raw.get("kind") or Kind.TEXT,
            required=bool(raw.get("required")),
            is_tax_id=bool(raw.get("is_tax_id")),
            sort=number * 10,
        )
        try:
            field.full_clean(exclude=["preset"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors.extend(f"{_('Field %d') % number}: {m}" for m in exc.messages)
            continue
        if field.code in codes:
            errors.append(
                _("Field %(n)d: the code %(code)s is used twice.")
                % {"n": number, "code": field.code}
            )
        codes.add(field.code)
        result.append(field)
    if sum(f.is_tax_id for f in result) > 1:
        errors.append(_("Only one field can be the tax identifier."))
    if errors:
        raise ValidationError({"fields": errors})
    return result


@transaction.atomic
def preset_create(*, user, name: str, country: str, fields=()) -> Preset:
    """Add a preset with its fields (settings right)."""
    check_settings_right(user)
    preset = Preset(name=(name or "").strip(), country=(country or "").strip().upper())
    preset.full_clean()
    cleaned = clean_preset_fields(fields)
    preset.save()
    for field in cleaned:
        field.preset = preset
    PresetField.objects.bulk_create(cleaned)
    return preset


@transaction.atomic
def preset_update(*, user, preset: Preset, name=UNSET, is_active=UNSET, fields=UNSET) -> Preset:
    """Rename, (de)activate, or replace the fields of a preset. Removing a field keeps the
    values already stored under its code; they show again if the field comes back."""
    check_settings_right(user)
    preset = Preset.objects.select_for_update().get(pk=preset.pk)
    if name is not UNSET:
        preset.name = (name or "").strip()
    if is_active is not UNSET:
        preset.is_active = bool(is_active)
    preset.full_clean()
    if fields is not UNSET:
        cleaned = clean_preset_fields(fields)
        preset.fields.all().delete()
        for field in cleaned:
            field.preset = preset
        PresetField.objects.bulk_create(cleaned)
    preset.save()
    return preset
