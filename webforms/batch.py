"""The drain's fast path: the items of many submissions of one form written at once through
the bulk item services, in a constant number of statements, with the same history, links
and rights as ``clients.create_items`` gives one by one.

It takes only what it can do exactly as the one-by-one path would: submissions whose
clients are all new (no stored company or contact shares a phone or an e-mail with them) and
distinct (no two of the batch share one). Whatever it cannot take, or any row the bulk
services refuse, is left to ``submission_process``, which reuses stored clients, merges
their details and keeps a failure with its reason.
"""

import logging
from collections import Counter
from dataclasses import dataclass

from django.db import transaction

from companies.matching import SYSTEM, ClientFacts, match_each
from companies.services import COMPANY, CONTACT, contact_company_links_write
from crm.services import items_bulk_create
from deals.services import DEAL, deal_links_write, initial_stage
from dictionaries.defaults import DEAL_STAGE

from .clients import MATCH_BY, deal_title

log = logging.getLogger(__name__)


@dataclass
class Pending:
    """One submission of the batch: its checked values by item type, and what is made."""

    pk: int
    values: dict
    created: dict


class _Refused(Exception):
    """A row the bulk services would not write: the whole batch goes one by one."""


def _facts(kind: str, given: dict) -> ClientFacts:
    return ClientFacts.build(kind, phones=[one["value"] for one in given.get("phones", ())],
                             emails=[one["value"] for one in given.get("emails", ())])  # fmt: skip


def _new_and_distinct(entries: list[Pending]) -> list[Pending]:
    """The entries whose clients are in no stored item and in no other entry."""
    taken = set(range(len(entries)))
    for kind in ("company", "contact"):
        facts = {i: _facts(kind, e.values[kind]) for i, e in enumerate(entries) if kind in e.values}
        seen = Counter(v for f in facts.values() for v in {*f.phones, *f.emails})
        stored = match_each(kind, list(facts.values()), MATCH_BY, scope=SYSTEM)
        for (i, fact), found in zip(facts.items(), stored, strict=True):
            if found is not None or any(seen[v] > 1 for v in {*fact.phones, *fact.emails}):
                taken.discard(i)
    return [entries[i] for i in sorted(taken)]


def _create(spec, user, rows: list[dict]) -> list[int]:
    result = items_bulk_create(spec, user=user, rows=rows)
    if result.rejected:
        raise _Refused(result.rejected[0].reason)
    return [result.created[number] for number in range(1, len(rows) + 1)]


def create_in_bulk(form, assigned: list[tuple[object, Pending]]) -> list[Pending]:
    """Write the items of the submissions it can take, each ``(user, pending)`` as its
    responsible person ``user``; the ones written, each with its ``created`` ids. A user's
    share is written whole or not at all."""
    if form.scheme == "quote":
        return []  # one by one: a quote's lines and totals have no bulk writer
    taken = {id(p) for p in _new_and_distinct([p for _user, p in assigned])}
    shares: dict = {}
    for user, pending in assigned:
        if id(pending) in taken:
            shares.setdefault(user, []).append(pending)
    written = []
    for user, pendings in shares.items():
        try:
            with transaction.atomic():
                _write(form, user, pendings)
        except Exception:  # a refused row, a right missing: one by one, each with its reason
            log.info("web form %s: a batch goes one by one", form.pk, exc_info=True)
            for pending in pendings:
                pending.created = {}
            continue
        written += pendings
    return written


def _write(form, user, entries: list[Pending]) -> None:
    common = {"source": form.source, "responsible": user}
    companies = {}
    with_company = [e for e in entries if "company" in e.values]
    ids = _create(COMPANY, user, [{**common, **e.values["company"]} for e in with_company])
    for entry, pk in zip(with_company, ids, strict=True):
        entry.created["company"] = companies[entry.pk] = pk
    with_contact = [e for e in entries if "contact" in e.values]
    ids = _create(CONTACT, user, [{**common, **e.values["contact"]} for e in with_contact])
    contacts = CONTACT.model.objects.in_bulk(ids)
    company_rows = COMPANY.model.objects.in_bulk(list(companies.values()))
    pairs = []
    for entry, pk in zip(with_contact, ids, strict=True):
        entry.created["contact"] = pk
        if entry.pk in companies:
            pairs.append((contacts[pk], company_rows[companies[entry.pk]]))
    contact_company_links_write(user=user, pairs=pairs)
    if form.scheme != "deal":
        return
    stage = form.stage or initial_stage(DEAL_STAGE, form.pipeline)  # once, not once a deal
    common.update(stage=stage, pipeline=stage.pipeline)
    rows = []
    for entry in entries:
        company = company_rows.get(companies.get(entry.pk))
        contact = contacts.get(entry.created.get("contact"))
        given = dict(entry.values.get("deal", {}))
        given.setdefault("title", deal_title(form, contact or company))
        rows.append({**common, "company": company, **given})
    ids = _create(DEAL, user, rows)
    deals = DEAL.model.objects.in_bulk(ids)
    links = {"companies": [], "contacts": []}
    for entry, pk in zip(entries, ids, strict=True):
        entry.created["deal"] = pk
        if "company" in entry.created:
            links["companies"].append((deals[pk], company_rows[entry.created["company"]]))
        if "contact" in entry.created:
            links["contacts"].append((deals[pk], contacts[entry.created["contact"]]))
    deal_links_write(user=user, **links)
