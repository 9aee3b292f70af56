"""Every write to deals and leads: stages and the closed flag, client links, conversion.

The item services of ``crm.services`` do validation, rights, edit
conflicts and history; this module adds what stages mean. A deal's pipeline is the pipeline
of its stage, and an item is closed exactly when its stage is a success or failure stage, so
moving a deal to a stage of another pipeline moves it to that pipeline, and moving it back to
a process stage reopens it. Errors: ``ValidationError``, ``PermissionDenied``,
``EditConflict``, and ``ObjectDoesNotExist`` for an item deleted meanwhile.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accessrights.restriction import allowed, check
from companies import communications as comms
from companies.matching import LEAD_CONVERSION, ClientFacts, match_clients
from companies.models import Company, Contact
from companies.services import (
    CLIENT_CHANNELS,
    company_create,
    contact_create,
    contact_link,
    stored_channels,
)
from crm.bulkwrite import ids_in, insert_dicts, insert_rows
from crm.fields import service_fields
from crm.items import locked
from crm.services import ItemSpec, item_create, item_delete, item_update
from dictionaries.defaults import DEAL_STAGE
from dictionaries.models import Entry, Pipeline, Semantics
from timeline.models import EventKind
from timeline.services import event_record, links_record_bulk

from .fields import DEAL_FIELDS, LEAD_FIELDS
from .models import Deal, Lead
from .stage_moves import record_stage_moves

LEAD_STAGE = "STATUS"
NOT_A_STAGE = {
    DEAL_STAGE: gettext_lazy("“%s” is not the code of a deal stage."),
    LEAD_STAGE: gettext_lazy("“%s” is not the code of a lead stage."),
}


def initial_stage(list_code: str, pipeline: Pipeline | None = None) -> Entry:
    """The first stage of a list (of ``pipeline`` for deal stages)."""
    stage = Entry.objects.of_list(list_code, pipeline).filter(semantics=Semantics.PROCESS).first()
    if stage is None:
        raise ValidationError({"stage": _("This stage list has no stages.")})
    return stage


def _follow_stage(item, list_code: str) -> None:
    stage = item.stage
    if stage.list_code != list_code:
        raise ValidationError({"stage": _("“%s” is not a stage of this kind of item.") % stage})
    item.closed = stage.semantics != Semantics.PROCESS


def _deal_prepare(deal: Deal) -> None:
    if deal.stage_id is None:
        pipeline = deal.pipeline if deal.pipeline_id else Pipeline.objects.get(is_default=True)
        deal.stage = initial_stage(DEAL_STAGE, pipeline)
    _follow_stage(deal, DEAL_STAGE)
    deal.pipeline = deal.stage.pipeline


def _lead_prepare(lead: Lead) -> None:
    if lead.stage_id is None:
        lead.stage = initial_stage(LEAD_STAGE)
    _follow_stage(lead, LEAD_STAGE)
    lead.title = (lead.title or "").strip() or lead.full_name or lead.company_name


def _linked_clients(deals) -> list[tuple]:
    """A deleted deal's company and contacts keep an "unlinked" line in their history:
    ``(deal, client)`` pairs, each deal's company first, then its contacts newest first (one
    query for the contacts, and one for the companies unless read with the deals)."""
    contacts: dict[int, list] = {}
    links = Deal.contacts.through.objects.filter(deal_id__in=ids_in([deal.pk for deal in deals]))
    for link in links.select_related("contact").order_by("-contact_id"):
        contacts.setdefault(link.deal_id, []).append(link.contact)
    pairs = []
    for deal in deals:
        clients = [deal.company] if deal.company_id else []
        pairs += [(deal, client) for client in [*clients, *contacts.get(deal.pk, ())]]
    return pairs


DEAL = ItemSpec(
    Deal,
    service_fields(DEAL_FIELDS),
    prepare=_deal_prepare,
    linked=_linked_clients,
    written=record_stage_moves,
)
DEAL_REFERENCES = ("pipeline", "stage", "type", "source", "company", "responsible")
LEAD = ItemSpec(
    Lead,
    service_fields(LEAD_FIELDS),
    channels=CLIENT_CHANNELS,
    prepare=_lead_prepare,
    written=record_stage_moves,
)


def check_readable(user, items) -> None:
    """A client picked for a deal (or a quote, an invoice) must be one the user may read."""
    for item in items:
        if item is not None:
            check(user, "read", item)


def _record_links(user, item, before: set, after: set) -> None:
    """ "Linked" / "unlinked" in the history of both sides, for each client added or removed."""
    for other, kind in [*((o, EventKind.LINKED) for o in after - before),
                        *((o, EventKind.UNLINKED) for o in before - after)]:  # fmt: skip
        event_record(item=item, kind=kind, author=user, related=other)
        event_record(item=other, kind=kind, author=user, related=item)


def set_contacts(user, deal, contacts) -> None:
    """Link exactly ``contacts`` to ``deal`` (or any item with ``contacts``: quotes and
    invoices), plus the linked ones the user may not read: pages and the
    API show only readable clients, and what nobody showed them they cannot unlink."""
    before = set(deal.contacts.all())
    readable = Contact.objects.restrict(user, "read").values("pk")
    after = set(contacts) | set(deal.contacts.exclude(pk__in=readable))
    check_readable(user, after - before)
    deal.contacts.set(after)
    _record_links(user, deal, before, after)


def deal_links_write(*, user, companies=(), contacts=()) -> None:
    """The links of many new deals at once (an import): "linked" in the history of each
    ``(deal, company)`` pair's company (the deal's company is one of its fields, written with
    it), and each ``(deal, contact)`` pair linked, with the rules of ``set_contacts`` (a
    contact the user may read; PermissionDenied, nothing linked, otherwise). A constant
    number of statements."""
    contacts = list(dict.fromkeys(contacts))
    ids = list({contact.pk for _deal, contact in contacts})
    if Contact.objects.restrict(user, "read").filter(pk__in=ids_in(ids)).count() != len(ids):
        raise PermissionDenied(_("You do not have the right to do this."))
    through = Deal.contacts.through
    existing = set(
        through.objects.filter(deal_id__in=ids_in([deal.pk for deal, _c in contacts]))
        .values_list("deal_id", "contact_id")
    )  # fmt: skip
    new = [(deal, c) for deal, c in contacts if (deal.pk, c.pk) not in existing]
    insert_rows(through, ("deal_id", "contact_id"), [(deal.pk, c.pk) for deal, c in new])
    links_record_bulk(pairs=new, kind=EventKind.LINKED, author=user, write=insert_dicts)
    links_record_bulk(pairs=[(company, deal) for deal, company in companies],
                      kind=EventKind.LINKED, author=user, both_sides=False,
                      write=insert_dicts)  # fmt: skip


# Deals


@transaction.atomic
def deal_create(*, user, contacts=(), **fields) -> Deal:
    """Create a deal. Without a stage it starts in the first stage of ``pipeline`` (the
    default pipeline when none is given); with one, the stage decides the pipeline."""
    check_readable(user, [fields.get("company")])
    deal = item_create(DEAL, user=user, fields=fields)
    if deal.company_id:
        event_record(item=deal.company, kind=EventKind.LINKED, author=user, related=deal)
    set_contacts(user, deal, contacts)
    return deal


@transaction.atomic
def deal_update(*, user, deal, expected_version=None, contacts=None, **fields) -> Deal:
    """Change the given fields (and the contacts, when given). A new ``pipeline`` without a
    stage moves the deal to that pipeline's first stage."""
    # The stored row, not the caller's copy (a kanban card may be stale): the pipeline and
    # company compared below must be what the deal is now, or history gets false link lines.
    deal = locked(Deal, deal.pk, DEAL_REFERENCES)  # history shows them: one query, not six
    pipeline = fields.get("pipeline")
    if pipeline is not None and "stage" not in fields and pipeline.pk != deal.pipeline_id:
        fields["stage"] = initial_stage(DEAL_STAGE, pipeline)
    old_company = deal.company
    check_link_change(user, fields, "company", old_company)
    deal = item_update(
        DEAL,
        user=user,
        item=deal,
        expected_version=expected_version,
        fields=fields,
        locked=True,
    )
    record_link_change(user, deal, old_company, deal.company)
    if contacts is not None:
        set_contacts(user, deal, contacts)
    return deal


def check_link_change(user, fields: dict, name: str, old) -> None:
    """An update's link field ``name`` (``old``: what it links now): none given for a linked
    item the user may not read is how the form showed it, not a request to unlink it (the
    field is dropped); a new one must be readable."""
    if fields.get(name, False) is None and old is not None and not allowed(user, "read", old):
        del fields[name]
    elif name in fields and fields[name] != old:
        check_readable(user, [fields[name]])


def record_link_change(user, item, old, new) -> None:
    """The item's own history shows the field's change; the items unlinked and linked get a
    link event each."""
    if old == new:
        return
    if old is not None:
        event_record(item=old, kind=EventKind.UNLINKED, author=user, related=item)
    if new is not None:
        event_record(item=new, kind=EventKind.LINKED, author=user, related=item)


@transaction.atomic
def move_deal_to_stage(*, user, deal, stage: Entry, expected_version=None) -> Deal:
    """Move a deal to ``stage`` (of any pipeline the user may work in): the kanban's drag."""
    if not isinstance(stage, Entry) or stage.list_code != DEAL_STAGE:
        raise ValidationError({"stage": _("Choose a deal stage.")})
    return deal_update(user=user, deal=deal, expected_version=expected_version, stage=stage)


def stage_by_code(list_code: str, code) -> Entry:
    """The stage of a code in ``list_code``; a deal stage code (``WON``, ``C3:NEW``) names
    its pipeline too."""
    stage = Entry.objects.filter(list_code=list_code).with_code(str(code)).first()
    if stage is None:
        raise ValidationError({"stage": NOT_A_STAGE[list_code] % code})
    return stage


def deal_stage_by_code(code) -> Entry:
    return stage_by_code(DEAL_STAGE, code)


@transaction.atomic
def deal_delete(*, user, deal) -> None:
    """Delete a deal; its company and contacts keep an "unlinked" line in their history."""
    deal = locked(Deal, deal.pk, ["pipeline"])  # its links now, not a stale copy's
    item_delete(DEAL, user=user, item=deal)


# Leads


@transaction.atomic
def lead_create(*, user, phones=(), emails=(), websites=(), **fields) -> Lead:
    """Create a lead, in the first lead stage unless a stage is given (never its success
    stage: a lead reaches it by being converted)."""
    _check_lead_stage(None, fields.get("stage"))
    channels = {"phones": phones, "emails": emails, "websites": websites}
    return item_create(LEAD, user=user, channels=channels, fields=fields)


def _check_lead_stage(current: Entry | None, stage: Entry | None) -> None:
    """A lead's success stage is reached only by converting it, and a converted lead stays
    there: what it produced already links to it."""
    if stage is None or (current is not None and current.pk == stage.pk):
        return
    if stage.semantics == Semantics.SUCCESS:
        raise ValidationError({"stage": _("A lead reaches “%s” by being converted.") % stage})
    if current is not None and current.semantics == Semantics.SUCCESS:
        raise ValidationError({"stage": _("A converted lead keeps its stage.")})


@transaction.atomic
def lead_update(
    *, user, lead, expected_version=None, phones=None, emails=None, websites=None, **fields
) -> Lead:
    """Change a lead. Its converted (success) stage is reached only by converting it, and a
    converted lead stays there: what it produced already links to it."""
    lead = locked(Lead, lead.pk, ["stage"])  # the stored stage, not a copy's
    _check_lead_stage(lead.stage, fields.get("stage"))
    channels = {"phones": phones, "emails": emails, "websites": websites}
    return item_update(
        LEAD, user=user, item=lead, expected_version=expected_version, channels=channels,
        fields=fields, locked=True,
    )  # fmt: skip


@transaction.atomic
def lead_delete(*, user, lead) -> None:
    """Delete a lead; what it was converted into stays."""
    item_delete(LEAD, user=user, item=lead)


def existing_client(user, model, lead: Lead):
    """A client the user may read with one of the lead's phones or e-mails (a company also
    by the lead's exact company name), the oldest first: the matcher's lead conversion."""
    stored = [(c.channel, c.normalized) for c in lead.communications.all()]
    facts = ClientFacts(
        model._meta.model_name,
        name=lead.company_name,
        phones=tuple(value for channel, value in stored if channel == comms.PHONE),
        emails=tuple(value for channel, value in stored if channel == comms.EMAIL),
    )
    found = match_clients(facts, LEAD_CONVERSION, user=user)
    return found[0].item if found else None


def _lead_channels(lead: Lead) -> dict:
    channels = stored_channels(lead)
    return {"phones": channels["phones"], "emails": channels["emails"]}


@transaction.atomic
def lead_convert(
    *, user, lead, contact=False, company=False, deal_pipeline: Pipeline | None = None
) -> dict:
    """Turn a lead into a contact, a company and/or a deal (in ``deal_pipeline``), in one
    transaction. A contact or company with one of the lead's phones or e-mails (a company
    also by its exact name) is linked instead of creating a duplicate. The lead moves to its
    success stage and links to what it produced. Returns ``{"contact", "company", "deal"}``
    with what was created or found (None for what was not asked for)."""
    lead = locked(Lead, lead.pk, ["stage"])
    check(user, "update", lead)
    if lead.stage.semantics == Semantics.SUCCESS:
        raise ValidationError(_("This lead is already converted."))
    if not (contact or company or deal_pipeline):
        raise ValidationError(
            _("Choose what to create from the lead: a contact, a company or a deal.")
        )
    produced = {"contact": None, "company": None, "deal": None}
    common = {"responsible": lead.responsible, "source": lead.source, "comments": lead.comments}
    if company:
        produced["company"] = existing_client(user, Company, lead) or company_create(
            user=user, name=lead.company_name or lead.title, **common, **_lead_channels(lead)
        )
    if contact:
        produced["contact"] = existing_client(user, Contact, lead) or _contact_from(user, lead)
        if produced["company"] and _may_link(user, produced["contact"], produced["company"]):
            contact_link(user=user, contact=produced["contact"], company=produced["company"])
    if deal_pipeline is not None:
        produced["deal"] = deal_create(
            user=user,
            title=lead.title,
            pipeline=deal_pipeline,
            amount=lead.amount,
            currency=lead.currency,
            company=produced["company"],
            contacts=[produced["contact"]] if produced["contact"] else [],
            **common,
        )
        Deal.objects.filter(pk=produced["deal"].pk).update(lead=lead)
        produced["deal"].lead = lead
    converted = Entry.objects.of_list(LEAD_STAGE).get(semantics=Semantics.SUCCESS)
    lead = item_update(
        LEAD,
        user=user,
        item=lead,
        expected_version=None,
        fields={"stage": converted},
        locked=True,
    )
    Lead.objects.filter(pk=lead.pk).update(company=produced["company"], contact=produced["contact"])
    for item in produced.values():
        if item is not None:
            event_record(item=lead, kind=EventKind.LINKED, author=user, related=item)
            event_record(item=item, kind=EventKind.LINKED, author=user, related=lead)
    return produced


def _may_link(user, contact: Contact, company: Company) -> bool:
    """Whether to link the conversion's contact and company: not when they already are, nor
    when one of them is a colleague's client the user may read but not change (the
    conversion still links both to the lead and the deal)."""
    if contact.companies.filter(pk=company.pk).exists():
        return False
    return allowed(user, "update", contact) and allowed(user, "update", company)


def _contact_from(user, lead: Lead) -> Contact:
    if not (lead.first_name or lead.last_name):
        raise ValidationError(
            {"contact": _("The lead has no first or last name to create a contact with.")}
        )
    return contact_create(
        user=user,
        honorific=lead.honorific,
        first_name=lead.first_name,
        last_name=lead.last_name,
        middle_name=lead.middle_name,
        position=lead.position,
        responsible=lead.responsible,
        source=lead.source,
        comments=lead.comments,
        **_lead_channels(lead),
    )
