"""Every write to companies and contacts: validation, rights, history, in one transaction.

Pages, Django admin, the API (and later import and web forms) call these functions. Reference
values arrive as ``dictionaries.Entry`` rows, people as users, phones/e-mails/websites as lists
of ``{"value", "kind"}``. Errors: ``ValidationError`` (by field), ``PermissionDenied``,
``EditConflict`` (an update made on an outdated copy); each leaves everything unchanged.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from accessrights.restriction import access_key, check, ensure_within_reach
from crm.items import EditConflict, changes_since, diff, snapshot
from timeline.models import Event, EventKind
from timeline.services import event_record, render_for_reader

from . import communications as comms
from .models import Communication, Company, Contact

CHANNELS = {"phones": comms.PHONE, "emails": comms.EMAIL, "websites": comms.WEB}
CHANNEL_LABELS = {"phones": _("phones"), "emails": _("e-mails"), "websites": _("websites")}
COMMON_FIELDS = ("source", "comments", "responsible", "opened")


@dataclass(frozen=True)
class ItemSpec:
    """What the shared create/update/delete of an item kind needs to know about it.

    ``prepare(item)`` runs after the given fields are assigned and before validation (deals
    and leads derive their pipeline and closed flag from the stage there); ``delete(user,
    item)`` is the kind's delete service, for bulk deletes.
    """

    model: type[models.Model]
    fields: tuple[str, ...]
    delete: Callable
    has_channels: bool = True
    prepare: Callable | None = None

    @property
    def owner_field(self) -> str:
        return self.model._meta.model_name


COMPANY = ItemSpec(
    Company,
    (
        "name", "type", "industry", "employees", "revenue", "currency", "address_street",
        "address_city", "address_region", "address_postal_code", "address_country",
        *COMMON_FIELDS,
    ),
    delete=lambda user, item: _item_delete(COMPANY, user=user, item=item),
)  # fmt: skip
CONTACT = ItemSpec(
    Contact,
    (
        "honorific", "first_name", "last_name", "middle_name", "position", "type", "birthday",
        *COMMON_FIELDS,
    ),
    delete=lambda user, item: _item_delete(CONTACT, user=user, item=item),
)  # fmt: skip
SPECS = {Company: COMPANY, Contact: CONTACT}


# Shared machinery


def channels_display(values: list[dict]) -> str:
    """Phones (or e-mails, websites) as history shows them."""
    return "; ".join(f"{v['value']} ({v['kind']})" for v in values)


def stored_channels(item) -> dict[str, list[dict]]:
    """The phones, e-mails and websites of an item as lists of ``{"value", "kind"}``."""
    stored = {name: [] for name in CHANNELS}
    by_channel = {channel: name for name, channel in CHANNELS.items()}
    for comm in item.communications.all():
        stored[by_channel[comm.channel]].append({"value": comm.value, "kind": comm.kind})
    return stored


def _clean_channels(given: dict) -> dict[str, list[dict]]:
    """Validate the phones/e-mails/websites given; a field error per list."""
    cleaned, errors = {}, {}
    for name, values in given.items():
        if values is None:
            continue
        try:
            cleaned[name] = comms.clean_values(CHANNELS[name], values)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def _assign(spec: ItemSpec, item, fields: dict) -> None:
    unknown = set(fields) - set(spec.fields)
    if unknown:
        raise TypeError(f"unknown fields for {spec.model.__name__}: {sorted(unknown)}")
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(item, name, value)


def _relation_ids(item) -> dict[str, object]:
    return {f.name: getattr(item, f.attname) for f in item._meta.concrete_fields if f.is_relation}


def _validate(spec: ItemSpec, item, stored_relations: dict | None = None) -> None:
    """Prepare and validate ``item``; a reference that ``stored_relations`` (its ids as
    stored) shows unchanged is not looked up again: one query less per untouched reference."""
    if spec.prepare is not None:
        spec.prepare(item)
    unchanged = [
        name
        for name, pk in _relation_ids(item).items()
        if (stored_relations or {}).get(name, -1) == pk
    ]
    if isinstance(item, Contact) and not (item.first_name or item.last_name):
        raise ValidationError({"last_name": _("Give the contact a first or a last name.")})
    item.full_clean(exclude=unchanged, validate_unique=False, validate_constraints=False)


def _replace_communications(spec: ItemSpec, item, channels: dict[str, list[dict]]) -> None:
    for name, values in channels.items():
        channel = CHANNELS[name]
        item.communications.filter(channel=channel).delete()
        Communication.objects.bulk_create(
            Communication(
                **{spec.owner_field: item},
                channel=channel,
                kind=v["kind"],
                value=v["value"],
                normalized=v["normalized"],
                sort=position,
            )
            for position, v in enumerate(values)
        )


def _full_snapshot(spec: ItemSpec, item, channels: dict[str, list[dict]]) -> dict[str, str]:
    values = snapshot(item, spec.fields)
    values.update({name: channels_display(v) for name, v in channels.items()})
    return values


def item_create(spec: ItemSpec, *, user, channels: dict, fields: dict):
    check(user, "add", model=spec.model)
    fields.setdefault("responsible", user)
    item = spec.model(created_by=user, modified_by=user)
    _assign(spec, item, fields)
    cleaned = _clean_channels(channels)
    _validate(spec, item)
    check(user, "add", item)  # the item's own partition (a deal's pipeline)
    item.save()
    _replace_communications(spec, item, cleaned)
    ensure_within_reach(user, "add", item)
    event_record(item=item, kind=EventKind.CREATED, author=user)
    return item


def check_version(spec: ItemSpec, user, item, expected_version: int | None) -> None:
    """Raise EditConflict when ``item`` changed since ``expected_version``, with what changed
    as ``user`` may read it."""
    if expected_version is None or expected_version == item.version:
        return
    events = (
        Event.objects.of_item(item)
        .filter(kind=EventKind.UPDATED, item_version__gt=expected_version)
        .select_related("author")
        .order_by("created_at", "id")
    )
    theirs = changes_since(render_for_reader(events, user), {*spec.fields, *CHANNELS})
    raise EditConflict(item, theirs)


def item_update(
    spec: ItemSpec, *, user, item, expected_version, channels: dict, fields: dict, locked=False
):
    """Update an item (``locked``: the caller has just read it with select_for_update())."""
    if not locked:
        item = spec.model.objects.select_for_update().get(pk=item.pk)
    check(user, "update", item)
    check_version(spec, user, item, expected_version)
    stored = stored_channels(item) if spec.has_channels else {}
    before = _full_snapshot(spec, item, stored)
    stored_relations = _relation_ids(item)
    reach_before = access_key(item)
    _assign(spec, item, fields)
    cleaned = _clean_channels(channels)
    _validate(spec, item, stored_relations)
    after = _full_snapshot(spec, item, {**stored, **cleaned})
    changes = diff(item, before, after, CHANNEL_LABELS, ids_before=stored_relations)
    if not changes:
        return item
    item.version += 1
    item.modified_by = user
    item.save()
    _replace_communications(spec, item, cleaned)
    ensure_within_reach(user, "update", item, before=reach_before)
    event_record(item=item, kind=EventKind.UPDATED, author=user, changes=changes)
    return item


def _item_delete(spec: ItemSpec, *, user, item) -> None:
    check(user, "delete", item)
    linked = item.contacts.all() if isinstance(item, Company) else item.companies.all()
    for other in list(linked):
        event_record(item=other, kind=EventKind.UNLINKED, author=user, related=item)
    event_record(item=item, kind=EventKind.DELETED, author=user)
    item.delete()


def restricted_by_ids(spec: ItemSpec, user, action: str, ids) -> list:
    """The items of ``ids`` the user may ``action``; all of them or a ValidationError."""
    try:
        ids = sorted({int(pk) for pk in ids})
    except (TypeError, ValueError):
        raise ValidationError({"ids": _("Select items by their numbers.")}) from None
    if not ids:
        raise ValidationError({"ids": _("Select at least one item.")})
    items = list(spec.model.objects.restrict(user, action).filter(pk__in=ids).order_by("pk"))
    missing = sorted(set(ids) - {item.pk for item in items})
    if missing:
        raise ValidationError(
            {
                "ids": _("These items do not exist or are out of your reach: %s.")
                % ", ".join(str(pk) for pk in missing[:20])
            }
        )
    return items


# Companies


@transaction.atomic
def company_create(*, user, phones=(), emails=(), websites=(), **fields) -> Company:
    """Create a company; its responsible person is ``user`` unless given."""
    channels = {"phones": phones, "emails": emails, "websites": websites}
    return item_create(COMPANY, user=user, channels=channels, fields=fields)


@transaction.atomic
def company_update(
    *, user, company, expected_version=None, phones=None, emails=None, websites=None, **fields
) -> Company:
    """Change the given fields (and lists of phones/e-mails/websites, when given).

    With ``expected_version`` (the version the editor started from) an update on an outdated
    copy raises EditConflict. An update that changes nothing writes nothing.
    """
    channels = {"phones": phones, "emails": emails, "websites": websites}
    return item_update(
        COMPANY,
        user=user,
        item=company,
        expected_version=expected_version,
        channels=channels,
        fields=fields,
    )


@transaction.atomic
def company_delete(*, user, company) -> None:
    """Delete a company; its contacts stay, with the unlink in their history."""
    _item_delete(COMPANY, user=user, item=company)


# Contacts


@transaction.atomic
def contact_create(*, user, phones=(), emails=(), websites=(), companies=(), **fields) -> Contact:
    """Create a contact, linked to ``companies`` if given."""
    channels = {"phones": phones, "emails": emails, "websites": websites}
    contact = item_create(CONTACT, user=user, channels=channels, fields=fields)
    for company in companies:
        contact_link(user=user, contact=contact, company=company)
    return contact


@transaction.atomic
def contact_update(
    *, user, contact, expected_version=None, phones=None, emails=None, websites=None, **fields
) -> Contact:
    """Change a contact; same rules as ``company_update``."""
    channels = {"phones": phones, "emails": emails, "websites": websites}
    return item_update(
        CONTACT,
        user=user,
        item=contact,
        expected_version=expected_version,
        channels=channels,
        fields=fields,
    )


@transaction.atomic
def contact_delete(*, user, contact) -> None:
    """Delete a contact; its companies stay, with the unlink in their history."""
    _item_delete(CONTACT, user=user, item=contact)


# Links


def _lock_links(contact) -> None:
    """Queue behind any other link or unlink of this contact, so that two identical requests
    make one link (and one history line) and the second is told it is done already."""
    Contact.objects.select_for_update().filter(pk=contact.pk).values_list("pk").first()


@transaction.atomic
def contact_link(*, user, contact, company) -> None:
    """Link a contact to a company (it changes both: the update right on both is needed)."""
    check(user, "update", contact)
    check(user, "update", company)
    _lock_links(contact)
    if contact.companies.filter(pk=company.pk).exists():
        raise ValidationError(
            _("%(contact)s is already linked to %(company)s.")
            % {"contact": contact, "company": company}
        )
    contact.companies.add(company)
    event_record(item=contact, kind=EventKind.LINKED, author=user, related=company)
    event_record(item=company, kind=EventKind.LINKED, author=user, related=contact)


@transaction.atomic
def contact_unlink(*, user, contact, company) -> None:
    """Unlink a contact from a company."""
    check(user, "update", contact)
    check(user, "update", company)
    _lock_links(contact)
    if not contact.companies.filter(pk=company.pk).exists():
        raise ValidationError(
            _("%(contact)s is not linked to %(company)s.")
            % {"contact": contact, "company": company}
        )
    contact.companies.remove(company)
    event_record(item=contact, kind=EventKind.UNLINKED, author=user, related=company)
    event_record(item=company, kind=EventKind.UNLINKED, author=user, related=contact)


# Bulk actions


@transaction.atomic
def items_bulk_update(*, user, spec: ItemSpec, ids, **fields) -> int:
    """Change the same fields on many items of one kind; all of them or none."""
    items = restricted_by_ids(spec, user, "update", ids)
    for item in items:
        item_update(spec, user=user, item=item, expected_version=None, channels={}, fields=fields)
    return len(items)


@transaction.atomic
def items_bulk_delete(*, user, spec: ItemSpec, ids) -> int:
    """Delete many items of one kind; all of them or none."""
    items = restricted_by_ids(spec, user, "delete", ids)
    for item in items:
        spec.delete(user, item)
    return len(items)
