"""The client matcher: each signal, scopes, orders, constant queries, phone formats, and a
client always matching itself."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companies import services
from companies.matching import (
    DUPLICATE_WARNING,
    LEAD_CONVERSION,
    SYSTEM,
    TAX_ID_DUPLICATE,
    ClientFacts,
    Order,
    Policy,
    Reason,
    Signal,
    match_clients,
    match_each,
)
from companies.models import Company
from requisites.models import Preset, Requisite
from tests.conftest import examples
from tests.factories import UserFactory
from tests.helpers import give_role

from .helpers import phone

pytestmark = pytest.mark.django_db

INN = "7707083893"
ALL_SIGNALS = {Signal.PHONE, Signal.EMAIL, Signal.EXACT_NAME, Signal.TAX_ID}
EVERYTHING = Policy(
    "everything (tests)",
    company=ALL_SIGNALS | {Signal.SIMILAR_NAME},
    contact=ALL_SIGNALS,
    order=Order.BEST,
    limit=50,
)


def email(value: str) -> dict:
    return {"value": value, "kind": "work"}


def company(user, name="Acme", phones=(), emails=(), **fields):
    return services.company_create(
        user=user,
        name=name,
        phones=[phone(p) for p in phones],
        emails=[email(e) for e in emails],
        **fields,
    )


def contact(user, first_name="Anna", last_name="Lee", phones=(), emails=(), **fields):
    return services.contact_create(
        user=user,
        first_name=first_name,
        last_name=last_name,
        phones=[phone(p) for p in phones],
        emails=[email(e) for e in emails],
        **fields,
    )


def give_tax_id(owner, tax_id=INN):
    field = "company" if owner._meta.model_name == "company" else "contact"
    return Requisite.objects.create(
        preset=Preset.objects.first(), name="Main", tax_id=tax_id, **{field: owner}
    )


def only(*signals, order=Order.OLDEST, limit=10, across=()) -> Policy:
    contact_signals = set(signals) - {Signal.SIMILAR_NAME}
    return Policy(
        "test",
        company=signals,
        contact=contact_signals,
        order=order,
        limit=limit,
        across_kinds=across,
    )


def found(facts, policy, **scope):
    return [match.item for match in match_clients(facts, policy, **scope)]


# Each signal alone, then together


def test_each_signal_alone_finds_its_item_with_its_reason(user):
    acme = company(user, "Acme Trading", phones=["(202) 555-0143"], emails=["Info@Acme.com"])
    give_tax_id(acme)
    company(user, "Globex", phones=["(202) 555-0199"], emails=["info@globex.com"])
    facts = ClientFacts(
        "company",
        name="ACME trading",
        phones=("+12025550143",),
        emails=("info@acme.com",),
        tax_id=INN,
    )
    values = {
        Signal.PHONE: "+12025550143",
        Signal.EMAIL: "info@acme.com",
        Signal.EXACT_NAME: "ACME trading",
        Signal.SIMILAR_NAME: "ACME trading",
        Signal.TAX_ID: INN,
    }
    for signal, value in values.items():
        (match,) = match_clients(facts, only(signal), user=user)
        assert (match.item, match.reasons) == (acme, [Reason(signal, value)]), signal
    other = ClientFacts(
        "company",
        name="Initech",
        phones=("+12025550100",),
        emails=("info@initech.com",),
        tax_id="500100732259",
    )
    for signal in values:
        assert found(other, only(signal), user=user) == [], signal


def test_a_contact_matches_by_its_first_and_last_name(user):
    anna = contact(user, "Anna", "Lee")
    contact(user, "Anna", "Leeds")
    contact(user, "", "Lee")
    facts = ClientFacts("contact", first_name="anna", last_name="LEE")
    (match,) = match_clients(facts, only(Signal.EXACT_NAME), user=user)
    assert (match.item, match.reasons) == (anna, [Reason(Signal.EXACT_NAME, "anna LEE")])


def test_signals_combine_into_one_match_with_every_reason(user):
    acme = company(
        user, "Acme", phones=["(202) 555-0143", "(202) 555-0144"], emails=["info@acme.com"]
    )
    give_tax_id(acme)
    facts = ClientFacts.build(
        "company",
        name="acme",
        phones=["202 555 0143", "202 555 0144"],
        emails=["INFO@acme.com"],
        tax_id="7707 083 893",
    )
    (match,) = match_clients(facts, EVERYTHING, user=user)
    assert match.item == acme
    assert sorted(match.reasons, key=lambda r: (r.signal, r.value)) == [
        Reason(Signal.EMAIL, "info@acme.com"),
        Reason(Signal.EXACT_NAME, "acme"),
        Reason(Signal.PHONE, "+12025550143"),
        Reason(Signal.PHONE, "+12025550144"),
        Reason(Signal.TAX_ID, INN),
    ]  # the same name makes "similar name" redundant


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram similarity: PostgreSQL")
def test_a_similar_company_name_matches_on_postgresql(user):
    acme = company(user, "Acme Trading Company")
    company(user, "Globex")
    (match,) = match_clients(
        ClientFacts("company", name="ACME Trading Co"), only(Signal.SIMILAR_NAME), user=user
    )
    assert match.item == acme and 0.6 <= match.similarity < 1
    assert match.reasons == [Reason(Signal.SIMILAR_NAME, "ACME Trading Co")]
    assert (
        found(ClientFacts("company", name="ACME Trading Co"), only(Signal.EXACT_NAME), user=user)
        == []
    )


def test_contacts_and_companies_are_compared_with_their_own_kind_unless_across(user):
    anna = contact(user, "Anna", "Lee", phones=["(202) 555-0143"])
    give_tax_id(anna)
    anna_ltd = company(user, "Anna Lee")
    facts = ClientFacts("company", name="Anna Lee", phones=("+12025550143",), tax_id=INN)
    assert found(facts, only(Signal.PHONE, Signal.EXACT_NAME, Signal.TAX_ID), user=user) == [
        anna_ltd
    ]
    (match,) = match_clients(
        facts, only(Signal.PHONE, Signal.TAX_ID, across=[Signal.PHONE]), user=user
    )
    assert (match.item, match.reasons) == (anna, [Reason(Signal.PHONE, "+12025550143")])
    # A lead (no kind yet) is matched by the signals that cross kinds only.
    lead = ClientFacts(None, name="Anna Lee", phones=("+12025550143",))
    assert found(lead, DUPLICATE_WARNING, user=user) == [anna]
    assert found(lead, LEAD_CONVERSION, user=user) == []


def test_a_stored_client_never_matches_itself(user):
    acme = company(user, "Acme", phones=["(202) 555-0143"])
    twin = company(user, "Acme", phones=["(202) 555-0143"])
    facts = ClientFacts("company", name="Acme", phones=("+12025550143",), pk=acme.pk)
    assert found(facts, EVERYTHING, user=user) == [twin]
    # The same pk of the other kind is another item.
    assert found(
        ClientFacts("contact", phones=("+12025550143",), pk=acme.pk),
        only(Signal.PHONE, across=[Signal.PHONE]),
        user=user,
    ) == [acme, twin]


def test_nothing_known_matches_nothing_without_a_query(user, django_assert_num_queries):
    company(user, "Acme", phones=["(202) 555-0143"])
    with django_assert_num_queries(0):
        assert match_clients(ClientFacts("company"), EVERYTHING, scope=SYSTEM) == []
        assert match_clients(ClientFacts(None, name="Acme"), LEAD_CONVERSION, user=user) == []


# Scopes


@pytest.fixture
def reader(db):
    """A user who reads their own companies and contacts only."""
    person = UserFactory()
    give_role(person, {"company": {"read": "own"}, "contact": {"read": "own"}})
    return person


def test_the_reader_scope_never_returns_nor_counts_hidden_items(admin, reader):
    hidden = [
        company(admin, "Acme", phones=["(202) 555-0143"], emails=["info@acme.com"]),
        contact(admin, "Anna", "Lee", phones=["(202) 555-0143"]),
    ]
    give_tax_id(hidden[0])
    mine = company(admin, "Acme", phones=["(202) 555-0143"], responsible=reader)
    give_tax_id(mine)
    facts = ClientFacts(
        "company",
        name="Acme",
        first_name="Anna",
        last_name="Lee",
        phones=("+12025550143",),
        emails=("info@acme.com",),
        tax_id=INN,
    )
    policy = Policy(
        "across",
        company=EVERYTHING.company,
        contact=EVERYTHING.contact,
        across_kinds={Signal.PHONE, Signal.EMAIL},
        order=Order.OLDEST,
        limit=1,
    )
    # The hidden company is older and matches on more: it neither comes back nor takes the
    # only place, and the reasons are those of the readable item alone.
    (match,) = match_clients(facts, policy, user=reader)
    assert match.item == mine
    assert {r.signal for r in match.reasons} == {Signal.PHONE, Signal.EXACT_NAME, Signal.TAX_ID}
    assert found(facts, EVERYTHING, user=reader) == [mine]
    assert (
        found(ClientFacts("contact", first_name="Anna", last_name="Lee"), EVERYTHING, user=reader)
        == []
    )
    for facts_alone in (
        ClientFacts("company", emails=("info@acme.com",)),
        ClientFacts("company", tax_id=INN, pk=mine.pk),
    ):
        assert found(facts_alone, EVERYTHING, user=reader) == []


def test_items_shared_with_the_reader_or_their_group_match_in_one_statement(admin, reader):
    from django.contrib.auth.models import Group

    from accessrights.services import item_share

    hidden = company(admin, "Acme", phones=["(202) 555-0143"])
    shared = company(admin, "Acme", phones=["(202) 555-0143"])
    anna = contact(admin, "Anna", "Lee", phones=["(202) 555-0143"])
    group = Group.objects.create(name="Sales")
    reader.groups.add(group)
    item_share(user=admin, item=shared, target=reader)
    item_share(user=admin, item=anna, target=group)
    reader = type(reader).objects.get(pk=reader.pk)  # a new request: nothing read yet
    facts = ClientFacts("company", name="Acme", phones=("+12025550143",))
    match_clients(ClientFacts("company", phones=("+1",)), DUPLICATE_WARNING, user=reader)
    with CaptureQueriesContext(connection) as queries:
        matches = match_clients(facts, DUPLICATE_WARNING, user=reader)
    assert [m.item for m in matches] == [shared, anna] and hidden not in matches
    assert len(queries) == 3  # the statement (shares inside it), the company, the contact
    # Shares read before in the request are used as they are.
    reader = type(reader).objects.get(pk=reader.pk)
    assert list(Company.objects.restrict(reader, "read")) == [shared]
    assert found(facts, DUPLICATE_WARNING, user=reader) == [shared, anna]


def test_a_scope_on_joined_tables_is_applied_as_a_subquery(user, monkeypatch):
    from accessrights.restriction import RestrictedQuerySet

    acme = company(user, "Acme", phones=["(202) 555-0143"], emails=["info@acme.com"])
    company(user, "Acme", phones=["(202) 555-0143"])
    restrict = RestrictedQuerySet.restrict

    def through_a_join(self, user, action="read", shares=True):
        readable = restrict(self, user, action, shares)
        if self.model is Company:  # a scope that needs another table
            return readable.filter(communications__normalized="info@acme.com")
        return readable

    monkeypatch.setattr(RestrictedQuerySet, "restrict", through_a_join)
    facts = ClientFacts("company", name="Acme", phones=("+12025550143",))
    assert found(facts, EVERYTHING, user=user) == [acme]


def test_the_system_scope_returns_every_item(admin, reader):
    theirs = company(admin, "Acme", phones=["(202) 555-0143"])
    anna = contact(admin, "Anna", "Lee", phones=["(202) 555-0143"])
    mine = company(admin, "Acme", phones=["(202) 555-0143"], responsible=reader)
    facts = ClientFacts("company", phones=("+12025550143",))
    assert set(found(facts, DUPLICATE_WARNING, scope=SYSTEM)) == {theirs, anna, mine}
    assert found(facts, LEAD_CONVERSION, scope=SYSTEM) == [theirs]
    assert found(facts, LEAD_CONVERSION, user=reader) == [mine]


def test_the_scope_is_chosen_explicitly(user):
    facts = ClientFacts("company", phones=("+12025550143",))
    for scope in ({}, {"user": user, "scope": SYSTEM}, {"user": None}, {"scope": "system"}):
        with pytest.raises(TypeError):
            match_clients(facts, DUPLICATE_WARNING, **scope)


def test_an_inactive_reader_matches_nothing(admin):
    company(admin, "Acme", phones=["(202) 555-0143"])
    idle = UserFactory(is_active=False, is_superuser=True)
    assert found(ClientFacts("company", name="Acme"), EVERYTHING, user=idle) == []


# Orders


def test_oldest_first_with_identifiers_before_names(user):
    by_name = company(user, "Acme")
    older = company(user, "Globex", emails=["info@acme.com"])
    newer = company(user, "Initech", phones=["(202) 555-0143"])
    facts = ClientFacts("company", name="Acme", phones=("+12025550143",), emails=("info@acme.com",))
    policy = Policy("oldest", company=LEAD_CONVERSION.company, contact=(), order=Order.OLDEST)
    assert found(facts, policy, user=user) == [older, newer, by_name]
    assert found(facts, LEAD_CONVERSION, user=user) == [older]
    assert found(ClientFacts("company", name="acme"), LEAD_CONVERSION, user=user) == [by_name]


def test_best_first_by_the_number_of_reasons(user):
    one = company(user, "Globex", phones=["(202) 555-0143"])
    by_name = company(user, "Acme")
    three = company(user, "Acme", phones=["(202) 555-0143"], emails=["info@acme.com"])
    two = contact(user, "Anna", "Lee", phones=["(202) 555-0143"], emails=["info@acme.com"])
    facts = ClientFacts("company", name="Acme", phones=("+12025550143",), emails=("info@acme.com",))
    assert found(facts, DUPLICATE_WARNING, user=user) == [three, two, one, by_name]
    limited = Policy(
        "two",
        company=DUPLICATE_WARNING.company,
        contact=DUPLICATE_WARNING.contact,
        across_kinds=DUPLICATE_WARNING.across_kinds,
        order=Order.BEST,
        limit=2,
    )
    assert found(facts, limited, user=user) == [three, two]


def test_policies_that_cannot_be_followed_are_refused():
    with pytest.raises(ValueError, match="companies only"):
        Policy("x", company=(), contact={Signal.SIMILAR_NAME}, order=Order.BEST)
    with pytest.raises(ValueError, match="across kinds"):
        Policy(
            "x",
            company={Signal.EXACT_NAME},
            contact=(),
            order=Order.BEST,
            across_kinds={Signal.EXACT_NAME},
        )
    with pytest.raises(ValueError):
        ClientFacts("lead")
    with pytest.raises(ValueError):
        ClientFacts(None, pk=1)


# Queries


def _twenty_phones() -> list[str]:
    return [f"(202) 555-01{n:02d}" for n in range(20)]


@pytest.mark.parametrize("scope", ["reader", "system"])
def test_the_number_of_queries_does_not_grow_with_the_phones(
    user, scope, django_assert_num_queries
):
    company(user, "Acme", phones=_twenty_phones(), emails=["info@acme.com"])
    contact(user, "Anna", "Lee", phones=_twenty_phones()[:5])
    chosen = {"user": user} if scope == "reader" else {"scope": SYSTEM}
    match_clients(ClientFacts("company", name="x", phones=("+1",)), DUPLICATE_WARNING, **chosen)
    # One statement for every signal (companies: phones and e-mails, similar name; contacts:
    # phones and e-mails), then the matched company and the matched contact.
    for phones in (_twenty_phones()[:1], _twenty_phones()):
        facts = ClientFacts.build("company", name="Acme", phones=phones, emails=["info@acme.com"])
        with django_assert_num_queries(3):
            matches = match_clients(facts, DUPLICATE_WARNING, **chosen)
        assert len(matches) == 2
    acme = matches[0]
    assert len([r for r in acme.reasons if r.signal == Signal.PHONE]) == 20


def test_every_signal_is_one_query_per_model(user):
    acme = company(user, "Acme", phones=_twenty_phones(), emails=["info@acme.com"])
    give_tax_id(acme)
    facts = ClientFacts.build(
        "company", name="Acme", phones=_twenty_phones(), emails=["info@acme.com"], tax_id=INN
    )
    policy = Policy(
        "all",
        company=EVERYTHING.company,
        contact=EVERYTHING.contact,
        across_kinds={Signal.PHONE, Signal.EMAIL, Signal.TAX_ID},
        order=Order.BEST,
    )
    match_clients(facts, policy, user=user)  # the user's rights, read once
    with CaptureQueriesContext(connection) as queries:
        match_clients(facts, policy, user=user)
    # One statement for every signal (companies: channels, exact name, similar name, tax id;
    # contacts: channels, tax id), then the matched company.
    assert len(queries) == 2
    with CaptureQueriesContext(connection) as queries:
        assert match_clients(ClientFacts.build("company", name="Initech"), policy, user=user) == []
    assert len(queries) == 1  # nothing matched: nothing to load


# Normalisation


@pytest.mark.parametrize(
    "typed", ["(202) 555-0143", "202.555.0143", "+1 202 555 0143", "1-202-555-0143", "2025550143"]
)
def test_phones_typed_in_any_format_match(user, typed):
    acme = company(user, "Acme", phones=["+1 (202) 555-0143"])
    facts = ClientFacts.build("company", phones=[typed, "not a phone"])
    assert facts.phones == ("+12025550143",)
    assert found(facts, only(Signal.PHONE), user=user) == [acme]


def test_facts_are_normalised_by_build(user):
    facts = ClientFacts.build(
        "contact", first_name=" Anna ", emails=["Info@Пример.рф", "bad"], tax_id="7707 083-893"
    )
    assert facts == ClientFacts(
        "contact", first_name="Anna", emails=("info@xn--e1afmkfd.xn--p1ai",), tax_id=INN
    )


def test_reasons_read_as_text():
    typed = {"+12025550143": "(202) 555-0143"}
    assert Reason(Signal.PHONE, "+12025550143").text(typed) == "same phone (202) 555-0143"
    assert Reason(Signal.EMAIL, "a@b.com").text() == "same e-mail a@b.com"
    assert Reason(Signal.TAX_ID, INN).text() == f"same tax identifier {INN}"
    assert Reason(Signal.EXACT_NAME, "Acme").text() == "same name"
    assert Reason(Signal.SIMILAR_NAME, "Acme").text() == "similar name"


def test_the_tax_id_policy_compares_one_kind(user):
    acme = company(user, "Acme")
    give_tax_id(acme)
    anna = contact(user)
    give_tax_id(anna)
    facts = ClientFacts("company", tax_id=INN)
    assert found(facts, TAX_ID_DUPLICATE, user=user) == [acme]
    assert found(ClientFacts("contact", tax_id=INN), TAX_ID_DUPLICATE, user=user) == [anna]


# A client always matches itself


AREA_CODES = ["202", "212", "415", "617"]
PHONE_FORMATS = [
    "({a}) {b}-{c}",
    "{a}.{b}.{c}",
    "+1 {a} {b} {c}",
    "1-{a}-{b}-{c}",
    "{a}{b}{c}",
]


@st.composite
def typed_phones(draw):
    """A US number and two ways of typing it."""
    area, exchange = draw(st.sampled_from(AREA_CODES)), draw(st.integers(200, 999))
    line = f"{draw(st.integers(0, 9999)):04d}"
    stored, typed = draw(st.lists(st.sampled_from(PHONE_FORMATS), min_size=2, max_size=2))
    parts = {"a": area, "b": str(exchange), "c": line}
    return stored.format(**parts), typed.format(**parts)


@st.composite
def typed_emails(draw):
    """An e-mail address and another way of typing it (its case changed)."""
    local = draw(st.from_regex(r"[a-z0-9]{1,12}(\.[a-z0-9]{1,8})?", fullmatch=True))
    domain = draw(st.sampled_from(["acme.com", "example.org", "пример.рф", "mail.co.uk"]))
    address = f"{local}@{domain}"
    return address, draw(st.sampled_from([address, address.upper(), address.title()]))


@settings(
    deadline=None,
    max_examples=examples(50),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(["company", "contact"]),
    phones=st.lists(typed_phones(), max_size=4, unique_by=lambda p: re.sub(r"\D", "", p[0])[-10:]),
    emails=st.lists(typed_emails(), max_size=4, unique_by=lambda e: e[0]),
    others=st.integers(0, 2),
)
def test_a_client_always_matches_itself_by_any_of_its_phones_and_emails(
    user, kind, phones, emails, others
):
    with transaction.atomic():
        create = company if kind == "company" else contact
        for n in range(others):  # other clients sharing its first phone
            create(user, f"Other {n}", phones=[p for p, _t in phones[:1]])
        client = create(user, phones=[p for p, _t in phones], emails=[e for e, _t in emails])
        shared = phones[0][1] if phones and others else None
        each = [(typed, ClientFacts.build(kind, phones=[typed])) for _p, typed in phones]
        each += [(typed, ClientFacts.build(kind, emails=[typed])) for _e, typed in emails]
        for typed, facts in each:
            for policy in (DUPLICATE_WARNING, LEAD_CONVERSION, only(Signal.PHONE, Signal.EMAIL)):
                for scope in ({"user": user}, {"scope": SYSTEM}):
                    matches = found(facts, policy, **scope)
                    if policy is LEAD_CONVERSION and typed == shared:
                        assert matches[0].pk < client.pk  # the oldest with that phone
                    else:
                        assert client in matches, (typed, policy.name)
        transaction.set_rollback(True)


# The batch form, for imports


def test_match_each_finds_the_oldest_item_per_client_in_one_query_per_signal(user, admin, reader):
    acme = company(user, "Acme Trading", phones=["(202) 555-0143"], emails=["info@acme.com"])
    give_tax_id(acme)
    newer = company(user, "Acme Trading", phones=["(202) 555-0143"])
    hidden = company(admin, "Hidden", emails=["boss@hidden.example"])
    anna = contact(user, "Anna", "Lee", phones=["+33 6 12 34 56 78"])
    clients = [
        ClientFacts("company", phones=("+12025550143",)),
        ClientFacts("company", emails=("info@acme.com",)),
        ClientFacts("company", name="ACME TRADING"),
        ClientFacts("company", tax_id=INN),
        ClientFacts("company", name="Initech", phones=("+12025550100",)),
        ClientFacts("company", emails=("boss@hidden.example",)),
    ]
    signals = {Signal.PHONE, Signal.EMAIL, Signal.EXACT_NAME, Signal.TAX_ID}
    with CaptureQueriesContext(connection) as captured:
        ids = match_each("company", clients, signals, scope=SYSTEM)
    assert ids == [acme.pk, acme.pk, acme.pk, acme.pk, None, hidden.pk]
    assert len(captured) == 4  # phones, e-mails, names, tax ids: not one per client
    assert newer.pk > acme.pk
    # A reader's scope: an item they may not read is not found (nor counted).
    assert match_each("company", clients[-1:], signals, user=reader) == [None]
    # Only the signals asked for count.
    assert match_each("company", clients[:3], {Signal.EMAIL}, scope=SYSTEM) == [
        None, acme.pk, None,
    ]  # fmt: skip
    people = [ClientFacts("contact", first_name="anna", last_name="LEE"),
              ClientFacts.build("contact", phones=["+33 6 12 34 56 78"])]  # fmt: skip
    assert match_each("contact", people, signals, user=user) == [anna.pk, anna.pk]
