"""What a processed submission creates: its client (a company and/or a contact), found
again when already stored, and for a deal form the deal (a quote form: the quote), all
through the item services.

Clients are matched in the system's scope (the visitor has no rights) by normalised phone
and e-mail. A stored client found so keeps its fields: only the submission's new phones,
e-mails and websites are added to it, so a visitor who knows someone's e-mail cannot rename
them. The writes are made as the form's responsible person, with their rights.
"""

from django.conf import settings

from companies import communications as comms
from companies.matching import SYSTEM, ClientFacts, Signal, match_each
from companies.models import Company, Contact
from companies.services import (
    CHANNELS,
    company_create,
    company_update,
    contact_create,
    contact_link,
    contact_update,
    stored_channels,
)
from deals.models import Deal
from deals.services import deal_create
from quotes.services import quote_create

TITLE_LENGTH = Deal._meta.get_field("title").max_length
MATCH_BY = {Signal.PHONE, Signal.EMAIL}
MODELS = {"company": Company, "contact": Contact}
CREATE = {"company": company_create, "contact": contact_create}
UPDATE = {"company": company_update, "contact": contact_update}


def _stored_match(kind: str, given: dict):
    facts = ClientFacts.build(
        kind,
        phones=[one["value"] for one in given.get("phones", ())],
        emails=[one["value"] for one in given.get("emails", ())],
    )
    if not (facts.phones or facts.emails):
        return None
    pk = match_each(kind, [facts], MATCH_BY, scope=SYSTEM)[0]
    return MODELS[kind]._default_manager.get(pk=pk) if pk else None


def _merge_channels(kind: str, user, item, given: dict) -> None:
    """Add the phones, e-mails and websites of ``given`` that ``item`` does not have."""
    stored = stored_channels(item)
    grown = {}
    for name, channel in CHANNELS.items():
        merged = stored[name] + given.get(name, [])
        if len(comms.clean_values(channel, merged)) > len(
            comms.clean_values(channel, stored[name])
        ):
            grown[name] = merged
    if grown:
        UPDATE[kind](user=user, **{kind: item}, **grown)


def _client(kind: str, form, user, given: dict | None, **extra):
    """``(item, created)`` for the ``kind`` part of a submission; ``(None, False)`` when it
    gave nothing of it."""
    if not given:
        return None, False
    found = _stored_match(kind, given)
    if found is not None:
        _merge_channels(kind, user, found, given)
        return found, False
    fields = {"source": form.source, "responsible": user, **given, **extra}
    return CREATE[kind](user=user, **fields), True


def deal_title(form, client) -> str:
    """A deal's title when the form asks for none: the form's name and the client."""
    return f"{form.name}: {client}"[:TITLE_LENGTH]


def create_items(form, user, values: dict) -> dict[str, int]:
    """The items of one submission's checked ``values`` (by item type); their ids."""
    company, _created = _client("company", form, user, values.get("company"))
    contact, created = _client("contact", form, user, values.get("contact"),
                               **({"companies": [company]} if company else {}))  # fmt: skip
    if contact and company and not created and not contact.companies.filter(pk=company.pk):
        contact_link(user=user, contact=contact, company=company)
    items = {"company": company, "contact": contact}
    if form.scheme == "deal":
        given = dict(values.get("deal", {}))
        client = contact or company
        given.setdefault("title", deal_title(form, client))
        items["deal"] = deal_create(
            user=user, pipeline=form.pipeline, stage=form.stage, source=form.source,
            responsible=user, company=company, contacts=[contact] if contact else [], **given,
        )  # fmt: skip
    if form.scheme == "quote":
        items["quote"] = quote_create(
            user=user, title=deal_title(form, contact or company), responsible=user,
            currency=settings.CRM_CURRENCIES[0], company=company,
            contacts=[contact] if contact else [],
        )  # fmt: skip
    return {kind: item.pk for kind, item in items.items() if item is not None}
