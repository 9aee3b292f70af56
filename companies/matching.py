"""The client matcher: which stored companies and contacts are the client being entered.

One matcher for every door that asks "is this client already in the CRM?": duplicate warnings
on the edit forms, lead conversion, requisites (the same tax identifier), and next imports and
web forms. What is known of the client is a ``ClientFacts``; a ``Policy`` (data, not a code
path) says which signals count for companies and for contacts, which of them also find items
of the other kind, how matches are ordered and how many come back. The caller chooses the
scope:

- the reader's (``user=...``): only items of ``Model.objects.restrict(user, "read")`` are
  looked at, inside the same SQL queries, so nothing of the others comes back, not even how
  many there are;
- the system's (``scope=SYSTEM``): every item, for work done for no person (an import, a web
  form submission). Such results must never be shown to a person as they are: show a person
  the reader's scope, and use a system match only for what the system itself decides (link
  a submission to its client) or for the bare fact that one exists.

Signals:

- ``PHONE``, ``EMAIL``: the same normalised phone (E.164) or e-mail on the item;
- ``EXACT_NAME``: a company's name, or a contact's first and last name, case-insensitive;
- ``SIMILAR_NAME`` (companies only): trigram similarity of at least ``NAME_SIMILARITY`` on
  PostgreSQL, the same name (case-insensitive) elsewhere;
- ``TAX_ID``: the same compact tax identifier on one of the item's requisites. The requisites
  app registers that lookup (``register_tax_ids``, in its ``ready()``), so this module
  imports nothing of it.

Each match carries its reasons: which phone, e-mail, name or tax identifier matched.

Queries: one statement for every signal of both kinds, whatever the number of phones and
e-mails (a SELECT per signal and kind joined by UNION ALL, the reader's scope compiled into
each, items shared with the reader as subqueries of it), then one query per kind that matched
to load its items: nothing when nothing matches, nothing loaded item by item. Each SELECT
takes at most ``limit`` items (per phone or e-mail for those), oldest or most similar first,
and the policy's order ranks what they bring.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum, StrEnum

from django.core.exceptions import (
    EmptyResultSet,
    FullResultSet,
    ImproperlyConfigured,
    ValidationError,
)
from django.db import connection
from django.db.models import QuerySet
from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from crm.bulkwrite import values_in

from . import communications as comms
from .models import Communication, Company, Contact

COMPANY, CONTACT = "company", "contact"
MODELS = {COMPANY: Company, CONTACT: Contact}
NAME_SIMILARITY = 0.6


class Signal(StrEnum):
    PHONE = comms.PHONE
    EMAIL = comms.EMAIL
    EXACT_NAME = "exact_name"
    SIMILAR_NAME = "similar_name"
    TAX_ID = "tax_id"


# Identifiers say more than names: a match by one of them comes before a match by name alone.
IDENTIFIERS = frozenset({Signal.PHONE, Signal.EMAIL, Signal.TAX_ID})
CHANNELS = (Signal.PHONE, Signal.EMAIL)


class Order(StrEnum):
    """How matches are ordered; in both, a match by an identifier comes before one by name."""

    OLDEST = "oldest"  # then the oldest item first (the one others were copied from)
    BEST = "best"  # then the most reasons, the most similar name, the oldest


class Scope(Enum):
    SYSTEM = "system"


SYSTEM = Scope.SYSTEM


@dataclass(frozen=True)
class Policy:
    """What counts as the same client, and in which order matches come.

    ``company`` and ``contact``: the signals that find items of that kind. ``across_kinds``:
    those of them (phones, e-mails, tax ids; never names) that also find items of the other
    kind, and the only ones used for a client of no known kind (a lead). ``limit``: at most
    that many matches. Raises ValueError for a policy that cannot be followed.
    """

    name: str
    company: frozenset[Signal]
    contact: frozenset[Signal]
    order: Order
    across_kinds: frozenset[Signal] = frozenset()
    limit: int = 10

    def __post_init__(self):
        for name in ("company", "contact", "across_kinds"):
            object.__setattr__(self, name, frozenset(Signal(s) for s in getattr(self, name)))
        if Signal.SIMILAR_NAME in self.contact:
            raise ValueError("Similar names are compared for companies only.")
        if not self.across_kinds <= IDENTIFIERS:
            raise ValueError("Only phones, e-mails and tax ids can match across kinds.")
        if self.limit < 1:
            raise ValueError("A policy returns at least one match.")

    def signals(self, kind: str, client_kind: str | None) -> frozenset[Signal]:
        """The signals that look for items of ``kind`` for a client of ``client_kind``."""
        own = getattr(self, kind)
        return own if kind == client_kind else own & self.across_kinds


# The callers' policies, side by side.
DUPLICATE_WARNING = Policy(
    "duplicate warning",
    company={Signal.PHONE, Signal.EMAIL, Signal.SIMILAR_NAME},
    contact={Signal.PHONE, Signal.EMAIL, Signal.EXACT_NAME},
    across_kinds={Signal.PHONE, Signal.EMAIL},
    order=Order.BEST,
    limit=10,
)
LEAD_CONVERSION = Policy(
    "lead conversion",
    company={Signal.PHONE, Signal.EMAIL, Signal.EXACT_NAME},
    contact={Signal.PHONE, Signal.EMAIL},
    order=Order.OLDEST,
    limit=1,
)
TAX_ID_DUPLICATE = Policy(
    "tax id duplicate",
    company={Signal.TAX_ID},
    contact={Signal.TAX_ID},
    order=Order.OLDEST,
    limit=1,
)


@dataclass(frozen=True)
class TaxIds:
    """Where tax identifiers live. ``compact``: a tax id as stored; ``owners(kind, tax_id)``:
    a ``values()`` queryset of the ids of the items of ``kind`` having it (a subquery)."""

    compact: Callable[[str], str]
    owners: Callable[[str, str], QuerySet]
    holders: Callable[[str, Iterable[str]], QuerySet]  # (owner id, tax id) rows of many


_registered: dict[str, TaxIds] = {}


def register_tax_ids(*, compact: Callable[[str], str], owners: Callable[[str, str], QuerySet],
                     holders: Callable[[str, Iterable[str]], QuerySet]):  # fmt: skip
    """Called by the app that stores tax identifiers (requisites) in its ``ready()``."""
    _registered["tax_ids"] = TaxIds(compact, owners, holders)


def tax_ids() -> TaxIds:
    """The registered tax-id lookup; ImproperlyConfigured when no app registered one."""
    try:
        return _registered["tax_ids"]
    except KeyError:
        raise ImproperlyConfigured(
            "No app registered tax identifiers (requisites does, in its ready())."
        ) from None


def _normalized(normalize, values: Iterable[str]) -> tuple[str, ...]:
    result = []
    for value in values:
        try:
            result.append(normalize(value))
        except ValidationError:
            continue  # not a phone (an e-mail): nothing to match by
    return tuple(dict.fromkeys(result))


@dataclass(frozen=True)
class ClientFacts:
    """What is known of a client: its kind (``"company"``, ``"contact"``, or None when not
    known yet, as for a lead), names, normalised phones (E.164) and e-mails, compact tax id,
    and ``pk`` when it is stored already (it never matches itself). ``build()`` normalises
    values as typed."""

    kind: str | None
    name: str = ""
    first_name: str = ""
    last_name: str = ""
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    tax_id: str = ""
    pk: int | None = None

    def __post_init__(self):
        if self.kind not in (COMPANY, CONTACT, None):
            raise ValueError(f"unknown client kind {self.kind!r}")
        if self.pk is not None and self.kind is None:
            raise ValueError("A stored client has a kind.")
        object.__setattr__(self, "phones", tuple(self.phones))
        object.__setattr__(self, "emails", tuple(self.emails))

    @classmethod
    def build(cls, kind, *, name="", first_name="", last_name="", phones=(), emails=(),
              tax_id="", pk=None) -> "ClientFacts":  # fmt: skip
        """Facts from values as typed: phones in any format, e-mails in any case; values that
        are not phones (e-mails) are left out, as nothing can match them."""
        return cls(
            kind,
            name=(name or "").strip(),
            first_name=(first_name or "").strip(),
            last_name=(last_name or "").strip(),
            phones=_normalized(comms.normalize_phone, phones),
            emails=_normalized(comms.normalize_email, emails),
            tax_id=tax_ids().compact(tax_id) if tax_id else "",
            pk=pk,
        )


@dataclass(frozen=True)
class Reason:
    """One thing that matched: the signal and the client's value that matched (E.164 phone,
    normalised e-mail, the name, the compact tax id)."""

    signal: Signal
    value: str

    def text(self, typed: Mapping[str, str] | None = None) -> str:
        """For a person; ``typed`` maps normalised phones/e-mails to what they typed."""
        shown = (typed or {}).get(self.value, self.value)
        if self.signal in CHANNELS:
            channel = Communication.Channel(self.signal.value).label
            return _("same %(channel)s %(value)s") % {"channel": channel, "value": shown}
        if self.signal == Signal.TAX_ID:
            return _("same tax identifier %s") % shown
        return _("same name") if self.signal == Signal.EXACT_NAME else _("similar name")


@dataclass
class Match:
    """A stored company or contact that looks like the client, and why."""

    item: Company | Contact
    reasons: list[Reason] = field(default_factory=list)
    similarity: float = 0.0  # of the names, when matched by a similar name

    @property
    def kind(self) -> str:
        return self.item._meta.model_name

    @property
    def by_identifier(self) -> bool:
        return any(reason.signal in IDENTIFIERS for reason in self.reasons)

    @property
    def signals(self) -> set[Signal]:
        return {reason.signal for reason in self.reasons}


def _order_key(order: Order):
    kinds = list(MODELS)

    def oldest(match):
        return (not match.by_identifier, match.item.pk, kinds.index(match.kind))

    def best(match):
        return (
            not match.by_identifier,
            -len(match.reasons),
            -match.similarity,
            match.item.pk,
            kinds.index(match.kind),
        )

    return oldest if order == Order.OLDEST else best


# One statement for every signal of every kind: each signal is a SELECT of the same six
# columns (branch, item id, signal, matched value, similarity, a tie-breaker), the reader's
# scope is restrict()'s own WHERE compiled into each, and the SELECTs are joined by UNION ALL.
# The text holds only quoted table and column names and placeholders (S608): every value is
# a parameter. The items are loaded afterwards, only when some matched (one query per kind
# that did). The order of the rows (signals, then per signal by owner or similarity) is the
# order in which reasons are gathered, as it always was.

_CHANNEL, _EXACT, _SIMILAR, _TAX = "channel", "exact", "similar", "tax"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _iexact(column: str) -> str:
    """A case-insensitive equality with a parameter, as Django's ``iexact`` writes it."""
    if connection.vendor == "postgresql":
        return f"UPPER({column}::text) = UPPER(%s)"
    return f"{column} LIKE %s ESCAPE '\\'"


def _iexact_param(value: str) -> str:
    if connection.vendor == "postgresql":
        return value
    return connection.ops.prep_for_iexact_query(value)


def _branch_text(shape: tuple, reach: str) -> str:
    """The SELECT of one signal for one kind; ``reach``: the scope's condition on the item's
    table ("" for every item)."""
    kind, branch, counts, exclude = shape
    table = _q(MODELS[kind]._meta.db_table)
    pk = f"{table}.{_q('id')}"
    where = [f"({reach})"] if reach else []
    if exclude:
        where.append(f"{pk} <> %s")
    if branch == _CHANNEL:
        comm = _q(Communication._meta.db_table)
        owner = f"{comm}.{_q(f'{kind}_id')}"
        channels = " OR ".join(
            f"({comm}.{_q('channel')} = %s AND {comm}.{_q('normalized')} IN "
            f"({', '.join(['%s'] * count)}))"
            for count in counts
        )
        text = (
            f"SELECT %s AS branch, {owner} AS item_id, {comm}.{_q('channel')} AS signal, "  # noqa: S608
            f"{comm}.{_q('normalized')} AS value, 0.0 AS similarity, {comm}.{_q('id')} AS tie "
            f"FROM {comm} INNER JOIN {table} ON ({pk} = {owner}) "
            f"WHERE ({channels}){''.join(f' AND {w}' for w in where)} "
            f"ORDER BY {owner}, {comm}.{_q('id')} LIMIT %s"
        )
    elif branch == _SIMILAR:
        # UPPER(name) % 'NAME' uses the trigram index; the similarity keeps the close ones.
        upper = f"UPPER({table}.{_q('name')})"
        conditions = " AND ".join([f"{upper} %% %s", f"SIMILARITY({upper}, %s) >= %s", *where])
        text = (
            f"SELECT %s AS branch, {pk} AS item_id, %s AS signal, %s AS value, "  # noqa: S608
            f"SIMILARITY({upper}, %s) AS similarity, 0 AS tie FROM {table} WHERE {conditions} "
            f"ORDER BY 5 DESC, {pk} LIMIT %s"
        )
    else:
        if branch == _TAX:
            condition = f"{pk} IN ({counts[0]})"
        elif kind == COMPANY:
            condition = _iexact(f"{table}.{_q('name')}")
        else:
            condition = " AND ".join(
                _iexact(f"{table}.{_q(name)}") for name in ("first_name", "last_name")
            )
        text = (
            f"SELECT %s AS branch, {pk} AS item_id, %s AS signal, %s AS value, "  # noqa: S608
            f"{'0.0' if branch == _TAX else '1.0'} AS similarity, 0 AS tie FROM {table} "
            f"WHERE {' AND '.join([condition, *where])} ORDER BY {pk} LIMIT %s"
        )
    return text


def _branches(kind, signals, facts, limit):
    """(shape, parameters before the scope's, after it) of each signal's SELECT for ``kind``."""
    exclude = (facts.pk,) if kind == facts.kind and facts.pk is not None else ()
    given = [(s, v) for s, v in ((Signal.PHONE, facts.phones), (Signal.EMAIL, facts.emails))
             if s in signals and v]  # fmt: skip
    if given:
        counts = tuple(len(values) for _signal, values in given)
        head = [p for signal, values in given for p in (signal.value, *values)]
        yield (_CHANNEL, counts), head, [*exclude, limit * sum(counts)]
    if Signal.EXACT_NAME in signals:
        if kind == COMPANY and facts.name:
            shown = facts.name
            head = [_iexact_param(facts.name)]
        elif kind == CONTACT and (facts.first_name or facts.last_name):
            shown = " ".join(p for p in (facts.first_name, facts.last_name) if p)
            head = [_iexact_param(facts.first_name), _iexact_param(facts.last_name)]
        else:
            shown = None
        if shown is not None:
            yield (_EXACT, ()), [Signal.EXACT_NAME.value, shown, *head], [*exclude, limit]
    if Signal.SIMILAR_NAME in signals and kind == COMPANY and facts.name:
        if connection.vendor != "postgresql":  # no trigrams: the same name, case-insensitive
            head = [Signal.SIMILAR_NAME.value, facts.name, _iexact_param(facts.name)]
            yield (_EXACT, ()), head, [*exclude, limit]
        else:
            name = facts.name.upper()
            head = [Signal.SIMILAR_NAME.value, facts.name, name, name, name, NAME_SIMILARITY]
            yield (_SIMILAR, ()), head, [*exclude, limit]
    if Signal.TAX_ID in signals and facts.tax_id:
        owners = tax_ids().owners(kind, facts.tax_id)
        sql, params = owners.query.get_compiler(connection=connection).as_sql()
        yield (_TAX, (sql,)), [Signal.TAX_ID.value, facts.tax_id, *params], [*exclude, limit]


def _reach(model, user, scope) -> tuple[str, tuple] | None:
    """The condition on ``model``'s table of the items in the scope: ``restrict()``'s own WHERE
    for a reader (shares as subqueries of the same statement unless already read), ("", ())
    for every item, None when the reader may read none."""
    if scope is SYSTEM:
        return "", ()
    readable = model.objects.restrict(user, "read", shares="subquery")
    query = readable.query
    try:
        joined = [a for a, refs in query.alias_refcount.items() if refs and a != query.base_table]
        if joined:  # a condition on joined tables: the ids, as a subquery
            sql, params = readable.order_by().values("pk").query.sql_with_params()
            return f"{_q(model._meta.db_table)}.{_q('id')} IN ({sql})", tuple(params)
        sql, params = query.get_compiler(connection=connection).compile(query.where)
    except EmptyResultSet:
        return None
    except FullResultSet:
        return "", ()
    return sql, tuple(params)


def _scoped(user, scope) -> None:
    if (scope is SYSTEM and user is None) or (scope is None and user is not None):
        return
    raise TypeError("Match in the reader's scope (user=...) or the system's (scope=SYSTEM).")


def match_clients(facts: ClientFacts, policy: Policy, *, user=None, scope=None) -> list[Match]:
    """The stored companies and contacts that look like ``facts`` under ``policy``, in its
    order, at most ``policy.limit``, each with its reasons.

    ``user``: the reader's scope, only items they may read (nothing of the others comes back).
    ``scope=SYSTEM``: every item; never show such matches to a person as they are. Exactly one
    of the two, or TypeError.

    One SQL statement finds every signal of both kinds; then one query per kind loads the
    items that matched (none when nothing matched, as for most clients entered).
    """
    _scoped(user, scope)
    texts, params, kinds = [], [], []
    for kind, model in MODELS.items():
        signals = policy.signals(kind, facts.kind)
        branches = list(_branches(kind, signals, facts, policy.limit)) if signals else []
        if not branches:
            continue
        reach = _reach(model, user, scope)
        if reach is None:
            continue  # the reader may read nothing of this kind: nothing of it can match
        for (branch, counts), head, tail in branches:
            texts.append(_branch_text((kind, branch, counts, len(tail) > 1), reach[0]))
            params += [len(kinds), *head, *reach[1], *tail]
            kinds.append(kind)
    if not texts:
        return []
    if len(texts) == 1:
        sql = texts[0]
    else:
        sql = " UNION ALL ".join(
            f"SELECT * FROM ({text}) AS {_q(f'b{n}')}"  # noqa: S608
            for n, text in enumerate(texts)
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # Each signal's rows in its own order: by owner (then row) for phones and e-mails, the
    # most similar first for similar names, the oldest first for the rest.
    rows.sort(key=lambda row: (row[0], -float(row[4]), row[1], row[5]))
    wanted: dict[str, set[int]] = {}
    for row in rows:
        wanted.setdefault(kinds[row[0]], set()).add(row[1])
    items = {kind: MODELS[kind]._default_manager.in_bulk(ids) for kind, ids in wanted.items()}
    found: dict[tuple[str, int], Match] = {}
    for branch, item_id, signal, value, similarity, _tie in rows:
        kind = kinds[branch]
        item = items[kind].get(item_id)
        if item is None:
            continue  # deleted meanwhile
        match = found.setdefault((kind, item_id), Match(item))
        reason = Reason(Signal(signal), value)
        if reason.signal == Signal.SIMILAR_NAME and Signal.EXACT_NAME in match.signals:
            continue  # the same name says it already
        if reason not in match.reasons:
            match.reasons.append(reason)
        match.similarity = max(match.similarity, float(similarity))
    return sorted(found.values(), key=_order_key(policy.order))[: policy.limit]


def match_each(kind: str, clients: Sequence[ClientFacts], signals, *, user=None, scope=None):
    """For each of ``clients`` (a chunk of an import, say), the id of the oldest stored item
    of ``kind`` it matches by one of ``signals``, or None: the batch form of
    ``match_clients`` for work on thousands of clients at once, in the same scopes (``user``:
    only items they may read; ``scope=SYSTEM``: every item).

    Signals: phones, e-mails, the exact name and the tax id (similar names are not compared
    in bulk). One query per signal for the whole batch, whatever its size.
    """
    _scoped(user, scope)
    model = MODELS[kind]
    reach = (
        model._default_manager.all() if scope is SYSTEM else model.objects.restrict(user, "read")
    )
    signals = frozenset(Signal(s) for s in signals) - {Signal.SIMILAR_NAME}
    found: dict[tuple[Signal, object], int] = {}
    for signal in CHANNELS:
        values = {v for c in clients for v in getattr(c, f"{signal.value}s")}
        if signal in signals and values:
            rows = Communication.objects.filter(
                channel=signal.value, normalized__in=values_in(values, "text"),
                **{f"{kind}__in": reach.values("pk")},
            ).values_list(f"{kind}_id", "normalized")  # fmt: skip
            for pk, value in rows:
                found[(signal, value)] = min(pk, found.get((signal, value), pk))
    if Signal.EXACT_NAME in signals:
        for pk, key in _names(kind, clients, reach):
            found[(Signal.EXACT_NAME, key)] = min(pk, found.get((Signal.EXACT_NAME, key), pk))
    tax = {c.tax_id for c in clients if c.tax_id}
    if Signal.TAX_ID in signals and tax:
        holders = tax_ids().holders(kind, tax).filter(**{f"{kind}__in": reach.values("pk")})
        for pk, value in holders:
            found[(Signal.TAX_ID, value)] = min(pk, found.get((Signal.TAX_ID, value), pk))
    return [_first_found(kind, client, signals, found) for client in clients]


def name_key(kind: str, client: ClientFacts):
    """What an exact-name match compares: a company's name, a contact's first and last
    name, case-insensitive (None when the client has none; on SQLite, whose UPPER knows only
    ASCII letters, names in other scripts compare with their case)."""
    if kind == COMPANY:
        return client.name.upper() or None
    parts = (client.first_name.upper(), client.last_name.upper())
    return parts if any(parts) else None


def _names(kind, clients, reach):
    keys = {key for c in clients if (key := name_key(kind, c)) is not None}
    if not keys:
        return []
    if kind == COMPANY:
        rows = reach.annotate(_key=Upper("name")).filter(_key__in=keys)
        return rows.values_list("pk", "_key")
    rows = reach.annotate(_first=Upper("first_name"), _last=Upper("last_name")).filter(
        _last__in={last for _first, last in keys}
    )
    return [(pk, (first, last)) for pk, first, last in rows.values_list("pk", "_first", "_last")
            if (first, last) in keys]  # fmt: skip


def _first_found(kind, client, signals, found) -> int | None:
    candidates = [found.get((s, v)) for s in CHANNELS if s in signals
                  for v in getattr(client, f"{s.value}s")]  # fmt: skip
    if Signal.TAX_ID in signals and client.tax_id:
        candidates.append(found.get((Signal.TAX_ID, client.tax_id)))
    if Signal.EXACT_NAME in signals:
        candidates.append(found.get((Signal.EXACT_NAME, name_key(kind, client))))
    candidates = [pk for pk in candidates if pk is not None]
    return min(candidates) if candidates else None
