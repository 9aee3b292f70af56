"""Every write to companies and contacts: validation, rights, history, in one transaction.

Pages, Django admin, the API (and later import and web forms) call these functions, built on
the item services of ``crm.services``. Reference values arrive as ``dictionaries.Entry`` rows,
people as users, phones/e-mails/websites as lists of ``{"value", "kind"}``. Errors:
``ValidationError`` (by field), ``PermissionDenied``, ``EditConflict`` (an update made on an
outdated copy); each leaves everything unchanged.
"""

from django.contrib.postgres.aggregates import StringAgg
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from accessrights.restriction import check
from crm.bulkwrite import ids_in, insert_dicts, insert_rows
from crm.fields import service_fields
from crm.services import (
    BulkResult,
    ItemSpec,
    item_create,
    item_delete,
    item_update,
    items_bulk_create,
)
from timeline.models import EventKind
from timeline.services import event_record, links_record_bulk

from . import communications as comms
from .fields import CHANNEL_LABELS, COMPANY_FIELDS, CONTACT_FIELDS
from .models import Communication, Company, Contact

CHANNELS = {"phones": comms.PHONE, "emails": comms.EMAIL, "websites": comms.WEB}


class ClientChannels:
    """The phones, e-mails and websites of a company, a contact or a lead (``Communication``
    rows), for the item services (``crm.services.Channels``)."""

    labels = CHANNEL_LABELS

    def clean(self, given: dict) -> dict[str, list[dict]]:
        """Validate the lists given; a field error per list."""
        cleaned, errors = {}, {}
        for name, values in given.items():
            try:
                cleaned[name] = comms.clean_values(CHANNELS[name], values)
            except ValidationError as exc:
                errors[name] = exc.messages
        if errors:
            raise ValidationError(errors)
        return cleaned

    def stored(self, item) -> dict[str, list[dict]]:
        return stored_channels(item)

    def replace(self, item, cleaned: dict[str, list[dict]], created: bool = False) -> None:
        """Write the given lists whole: one DELETE (none for a new item) and one INSERT."""
        owner = item._meta.model_name
        if not created:
            channels = [CHANNELS[name] for name in cleaned]
            item.communications.filter(channel__in=channels).delete()
        Communication.objects.bulk_create(
            Communication(
                **{owner: item},
                channel=CHANNELS[name],
                kind=v["kind"],
                value=v["value"],
                normalized=v["normalized"],
                sort=position,
            )
            for name, values in cleaned.items()
            for position, v in enumerate(values)
        )

    def replace_many(self, items_with_values: list[tuple], *, new: bool = False, cursor=None):
        """``replace`` for many items of one model: their listed channels deleted in one
        statement (none for ``new`` items) and the values written in one
        (``crm.bulkwrite``, through ``cursor`` when given)."""
        if not items_with_values:
            return
        owner = f"{items_with_values[0][0]._meta.model_name}_id"
        if not new:
            by_channels: dict[frozenset, list[int]] = {}
            for item, cleaned in items_with_values:
                by_channels.setdefault(frozenset(CHANNELS[n] for n in cleaned), []).append(item.pk)
            for channels, ids in by_channels.items():
                Communication.objects.filter(**{f"{owner}__in": ids}, channel__in=channels).delete()
        rows = [
            (item.pk, CHANNELS[name], v["kind"], v["value"], v["normalized"], position)
            for item, cleaned in items_with_values
            for name, values in cleaned.items()
            for position, v in enumerate(values)
        ]
        columns = (owner, "channel", "kind", "value", "normalized", "sort")
        insert_rows(Communication, columns, rows, cursor=cursor)


CLIENT_CHANNELS = ClientChannels()


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


def channels_of_many(model, ids: list, names: list[str], separator: str) -> dict[str, dict]:
    """The phones, e-mails or websites (``names``) of the items of ``model`` numbered
    ``ids`` (ascending), each item's joined with ``separator`` in their order: ``{name: {id:
    text}}``, in one query (``crm.fields.register_list_reader``). On PostgreSQL the database
    joins them, which takes half the time of bringing every value to Python."""
    owner = f"{model._meta.model_name}_id"
    # The range of ids walks the owner's index in one pass; a list of ids is only added when
    # they are sparse in it (a filtered export), since PostgreSQL looks each one up alone.
    condition = {f"{owner}__gte": ids[0], f"{owner}__lte": ids[-1]}
    if ids[-1] - ids[0] >= 2 * len(ids):
        condition[f"{owner}__in"] = ids_in(ids)
    by_channel = {CHANNELS[name]: name for name in names}
    rows = Communication.objects.filter(**condition, channel__in=list(by_channel))
    found: dict[str, dict] = {name: {} for name in names}
    if connection.vendor == "postgresql":
        joined = (
            rows.order_by()
            .values_list(owner, "channel")
            .annotate(text=StringAgg("value", separator, order_by=("sort", "id")))
        )
        for pk, channel, text in joined:
            found[by_channel[channel]][pk] = text
        return found
    listed: dict[tuple, list] = {}
    for pk, channel, value in rows.values_list(owner, "channel", "value"):
        listed.setdefault((pk, channel), []).append(value)
    for (pk, channel), values in listed.items():
        found[by_channel[channel]][pk] = separator.join(values)
    return found


def _contact_named(contact) -> None:
    if not (contact.first_name or contact.last_name):
        raise ValidationError({"last_name": _("Give the contact a first or a last name.")})


def _linked_clients(items) -> list[tuple]:
    """A deleted company's contacts (a contact's companies) keep the unlink in their history:
    ``(item, other)`` pairs, each item's others newest first, in one query."""
    own, other = ("company", "contact") if isinstance(items[0], Company) else ("contact", "company")
    by_pk = {item.pk: item for item in items}
    links = (
        Contact.companies.through.objects.filter(**{f"{own}_id__in": ids_in(list(by_pk))})
        .select_related(other)
        .order_by(f"{own}_id", f"-{other}_id")
    )
    return [(by_pk[getattr(link, f"{own}_id")], getattr(link, other)) for link in links]


COMPANY = ItemSpec(
    Company,
    service_fields(COMPANY_FIELDS),
    channels=CLIENT_CHANNELS,
    linked=_linked_clients,
)
CONTACT = ItemSpec(
    Contact,
    service_fields(CONTACT_FIELDS),
    channels=CLIENT_CHANNELS,
    validate=_contact_named,
    linked=_linked_clients,
)


# Companies


@transaction.atomic
def company_create(*, user, phones=(), emails=(), websites=(), **fields) -> Company:
    """Create a company; its responsible person is ``user`` unless given."""
    channels = {"phones": phones, "emails": emails, "websites": websites}
    return item_create(COMPANY, user=user, channels=channels, fields=fields)


def company_bulk_create(
    *, user, rows, chunk_size: int = 5000, references=None, progress=None
) -> BulkResult:
    """Create many companies (an import, a benchmark): ``crm.services.items_bulk_create``
    with the company's fields and its ``phones``, ``emails`` and ``websites`` in each row;
    rows out of reach or with bad values are listed in the result, the others written."""
    return items_bulk_create(
        COMPANY,
        user=user,
        rows=rows,
        chunk_size=chunk_size,
        references=references,
        progress=progress,
    )


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
    item_delete(COMPANY, user=user, item=company)


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
    item_delete(CONTACT, user=user, item=contact)


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
def contact_company_links_write(*, user, pairs) -> None:
    """Link many ``(contact, company)`` pairs at once (an import, a migration), with the rules
    of ``contact_link`` (the update right on both sides; PermissionDenied, nothing linked,
    otherwise); a pair already linked is left as it is. A constant number of statements (the
    links and their history each in one, ``crm.bulkwrite``)."""
    pairs = list(dict.fromkeys((contact, company) for contact, company in pairs))
    if not pairs:
        return
    for model, side in ((Contact, 0), (Company, 1)):
        ids = list({pair[side].pk for pair in pairs})
        if model.objects.restrict(user, "update").filter(pk__in=ids_in(ids)).count() != len(ids):
            raise PermissionDenied(_("You do not have the right to do this."))
    through = Contact.companies.through
    existing = set(
        through.objects.filter(contact_id__in=ids_in([pair[0].pk for pair in pairs]))
        .values_list("contact_id", "company_id")
    )  # fmt: skip
    new = [(c, company) for c, company in pairs if (c.pk, company.pk) not in existing]
    insert_rows(through, ("contact_id", "company_id"), [(c.pk, co.pk) for c, co in new])
    links_record_bulk(pairs=new, kind=EventKind.LINKED, author=user, write=insert_dicts)


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
