"""The bulk item services: many items in a constant number of statements per chunk, with the
rights, validation and history of the one-item services (``crm.services.items_bulk_create``,
``items_bulk_update``; ``companies.services.company_bulk_create``)."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accessrights.restriction import RestrictedQuerySet
from companies.models import Communication, Company
from companies.services import COMPANY, company_bulk_create, company_create
from crm import bulkwrite
from crm.fields import ReferenceCache
from crm.services import items_bulk_update
from tests.conftest import sales_user
from tests.factories import UserFactory
from tests.helpers import service_refused
from timeline.doors import Door, acting_through
from timeline.models import Event, EventKind

from ..companies.helpers import entry, phone

pytestmark = pytest.mark.django_db


def row(name: str, **fields) -> dict:
    domain = re.sub(r"\W+", "-", name.lower()) or "x"
    return {
        "name": name,
        "type": "Client",
        "phones": [phone("+7 (812) 848-65-20"), phone("(202) 555-0143", "mobile")],
        "emails": [{"value": f"info@{domain}.example"}],
        **fields,
    }


def rows(count: int, prefix: str = "Company") -> list[dict]:
    return [
        {
            "name": f"{prefix} {n}",
            "type": "Client",
            "phones": [phone(f"+1 202 555 {n % 10_000:04d}")],
            "emails": [{"value": f"c{n}@example.com", "kind": "work"}],
        }
        for n in range(count)
    ]


def created_events(company) -> list[Event]:
    return list(Event.objects.of_item(company).filter(kind=EventKind.CREATED))


def test_rows_become_companies_with_normalised_phones_and_one_created_event(manager):
    result = company_bulk_create(user=manager, rows=[row("Acme"), row("Globex")])
    assert result.rejected == []
    assert sorted(result.created) == [1, 2]
    customer = entry("COMPANY_TYPE", "CUSTOMER")  # "Client" is its name
    for company in Company.objects.filter(pk__in=result.ids):
        assert company.type == customer
        assert company.responsible == manager
        assert (company.created_by, company.modified_by, company.version) == (manager, manager, 1)
        phones = company.communications.filter(channel="phone").order_by("sort")
        assert [(p.value, p.kind, p.normalized) for p in phones] == [
            ("+7 (812) 848-65-20", "work", "+78128486520"),
            ("(202) 555-0143", "mobile", "+12025550143"),
        ]
        email = company.communications.get(channel="email")
        assert (email.normalized, email.kind) == (f"info@{company.name.lower()}.example", "work")
        (event,) = created_events(company)
        assert (event.author, event.item_version, event.changes) == (manager, 1, [])


def test_the_events_record_the_door(manager):
    with acting_through(Door("import", 12), on_behalf_of=manager):
        result = company_bulk_create(user=manager, rows=[row("Acme")])
    (event,) = created_events(Company.objects.get(pk=result.ids[0]))
    assert (event.door, event.door_id, event.on_behalf_of) == ("import", 12, manager)


def test_a_row_out_of_the_managers_reach_is_rejected_and_the_others_written(manager):
    someone_else = sales_user(first_name="Otto", last_name="Other")
    given = [row("Acme"), row("Hidden", responsible=someone_else), row("Globex")]
    result = company_bulk_create(user=manager, rows=given)
    assert sorted(result.created) == [1, 3]
    (rejected,) = result.rejected
    assert rejected.row == 2 and rejected.denied
    assert list(rejected.errors) == ["responsible"]
    assert "Otto Other" in rejected.reason and "out of your reach" in rejected.reason
    # Nothing of the rejected row: no company, no phones or e-mails, no event.
    assert not Company.objects.filter(name="Hidden").exists()
    assert not Communication.objects.filter(normalized="info@hidden.example").exists()
    assert Communication.objects.count() == 2 * 3
    assert Event.objects.filter(kind=EventKind.CREATED).count() == 2
    assert set(Company.objects.values_list("name", flat=True)) == {"Acme", "Globex"}


def test_a_responsible_given_as_login_or_e_mail_is_found(manager):
    result = company_bulk_create(
        user=manager,
        rows=[row("Acme", responsible=manager.username), row("Globex", responsible=manager.email)],
    )
    assert result.rejected == []
    assert set(Company.objects.values_list("responsible", flat=True)) == {manager.pk}


def test_bad_values_are_rejected_with_the_row_number_and_the_field(manager):
    given = [
        row("Acme"),
        row("Typo", type="Clientt"),
        row("Bad phone", phones=[phone("call me maybe")]),
        row(""),
        row("Globex"),
    ]
    result = company_bulk_create(user=manager, rows=given)
    assert sorted(result.created) == [1, 5]
    errors = {rejected.row: rejected for rejected in result.rejected}
    assert sorted(errors) == [2, 3, 4]
    assert list(errors[2].errors) == ["type"]
    assert "“Clientt” is not a company type" in errors[2].reason
    assert list(errors[3].errors) == ["phones"]
    assert "“call me maybe” is not a phone number" in errors[3].reason
    assert list(errors[4].errors) == ["name"]
    assert not any(rejected.denied for rejected in result.rejected)
    assert Company.objects.count() == 2
    assert Communication.objects.count() == 2 * 3


def test_every_error_of_a_row_is_given_at_once(manager):
    result = company_bulk_create(
        user=manager, rows=[row("x" * 300, type="Nope", emails=[{"value": "not an address"}])]
    )
    (rejected,) = result.rejected
    assert set(rejected.errors) == {"name", "type", "emails"}


def test_a_user_without_the_add_right_is_refused_before_anything():
    nobody = UserFactory()
    service_refused(lambda: company_bulk_create(user=nobody, rows=[row("Acme")]), PermissionDenied)


def test_the_check_after_the_write_rolls_the_chunk_back(manager, monkeypatch):
    real = RestrictedQuerySet.restrict

    def restrict(self, user, action="read", shares=True):
        queryset = real(self, user, action, shares)
        return queryset.none() if action == "add" else queryset

    monkeypatch.setattr(RestrictedQuerySet, "restrict", restrict)
    service_refused(
        lambda: company_bulk_create(user=manager, rows=[row("Acme"), row("Globex")]),
        PermissionDenied,
    )


def test_chunks_written_before_a_refused_one_stay(manager, monkeypatch):
    real, calls = RestrictedQuerySet.restrict, []

    def restrict(self, user, action="read", shares=True):
        queryset = real(self, user, action, shares)
        if action == "add":
            calls.append(action)
            return queryset.none() if len(calls) == 2 else queryset
        return queryset

    monkeypatch.setattr(RestrictedQuerySet, "restrict", restrict)
    with pytest.raises(PermissionDenied):
        company_bulk_create(user=manager, rows=rows(5), chunk_size=2)
    assert Company.objects.count() == 2  # the first chunk; the second rolled back whole
    assert Communication.objects.count() == 2 * 2
    assert Event.objects.count() == 2


def test_a_failure_while_writing_a_chunk_rolls_it_back_whole(manager, monkeypatch):
    real, calls = bulkwrite.insert_dicts, []

    def insert_dicts(model, rows, cursor=None):
        calls.append(model)
        if len(calls) == 2:  # the second chunk's events, written after its items and phones
            raise RuntimeError("the disk is full")
        real(model, rows, cursor=cursor)

    monkeypatch.setattr(bulkwrite, "insert_dicts", insert_dicts)
    with pytest.raises(RuntimeError):
        company_bulk_create(user=manager, rows=rows(5), chunk_size=2)
    assert Company.objects.count() == 2  # the first chunk; nothing of the second
    assert Communication.objects.count() == 2 * 2
    assert Event.objects.count() == 2


def _statements(call) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        call()
    return [query["sql"] for query in captured.captured_queries]


def _not_inserts(statements) -> list[str]:
    return [sql for sql in statements if not sql.startswith("INSERT")]


def test_a_constant_number_of_statements_per_chunk(manager, django_assert_max_num_queries):
    references = ReferenceCache()
    company_bulk_create(user=manager, rows=rows(1, "Warm-up"), references=references)
    ten = _statements(
        lambda: company_bulk_create(user=manager, rows=rows(10), references=references)
    )
    if connection.vendor == "postgresql":
        # ids, COPY of the companies, of their phones and e-mails, of their events, the rights
        # after the write, and the chunk's savepoint around them.
        assert len(ten) == 7, "\n".join(ten)
        with django_assert_max_num_queries(len(ten)):
            company_bulk_create(user=manager, rows=rows(100, "More"), references=references)
    else:  # SQLite's bulk_create splits the INSERTs into batches of 999 parameters
        hundred = _statements(
            lambda: company_bulk_create(user=manager, rows=rows(100, "More"), references=references)
        )
        assert len(_not_inserts(hundred)) == len(_not_inserts(ten))
        assert len(hundred) <= len(ten) + 4
    assert Company.objects.count() == 111
    assert Event.objects.filter(kind=EventKind.CREATED).count() == 111


def test_chunks_cost_the_same_whatever_the_rows_given(manager):
    result = company_bulk_create(user=manager, rows=rows(25), chunk_size=10)
    assert result.chunks == 3
    assert sorted(result.created) == list(range(1, 26))
    assert Company.objects.count() == 25


def test_the_reference_lists_are_read_once_per_run(manager):
    references = ReferenceCache()
    given = [row("Acme"), row("Globex", type="CUSTOMER"), row("Initech", type="client")]
    result = company_bulk_create(user=manager, rows=given, references=references)
    assert result.rejected == []
    assert references.queries == 1
    assert set(Company.objects.values_list("type__code", flat=True)) == {"CUSTOMER"}


# The list pages' bulk actions on the same bulk path


def test_bulk_update_keeps_rights_history_and_versions_in_constant_statements(user):
    companies = [company_create(user=user, name="Typed", type=entry("COMPANY_TYPE", "CUSTOMER"))]
    companies += [company_create(user=user, name=f"C{n}") for n in range(30)]
    partner = entry("COMPANY_TYPE", "PARTNER")
    few = _statements(
        lambda: items_bulk_update(
            user=user, spec=COMPANY, ids=[c.pk for c in companies[:3]], type=partner
        )
    )
    many = _statements(
        lambda: items_bulk_update(
            user=user, spec=COMPANY, ids=[c.pk for c in companies[3:]], type=partner
        )
    )
    assert len(many) == len(few)
    first = Company.objects.get(pk=companies[0].pk)
    assert (first.type, first.version, first.modified_by) == (partner, 2, user)
    (event,) = Event.objects.of_item(first).filter(kind=EventKind.UPDATED)
    assert event.changes == [
        {"field": "type", "old": "CUSTOMER", "new": "PARTNER",
         "old_label": "Client", "new_label": "Partner"},
    ]  # fmt: skip
    assert event.item_version == 2
    untyped = Event.objects.of_item(companies[5]).get(kind=EventKind.UPDATED)
    assert untyped.changes[0]["old"] is None


def test_bulk_update_changes_nothing_for_items_already_so(user):
    partner = entry("COMPANY_TYPE", "PARTNER")
    company = company_create(user=user, name="Acme", type=partner)
    assert items_bulk_update(user=user, spec=COMPANY, ids=[company.pk], type=partner) == 1
    company.refresh_from_db()
    assert company.version == 1
    assert not Event.objects.filter(kind=EventKind.UPDATED).exists()


def test_bulk_update_may_not_hand_items_out_of_reach(manager):
    own = company_create(user=manager, name="Mine")
    someone_else = sales_user()
    service_refused(
        lambda: items_bulk_update(
            user=manager, spec=COMPANY, ids=[own.pk], responsible=someone_else
        ),
        PermissionDenied,
    )


# The same rules as the one-item service: the bulk path validates in Python only the fields a
# row gives (and the required ones), so each rule is checked against ``company_create``.

BAD_VALUES = [
    {"name": ""},
    {"name": "x" * 256},
    {"currency": "usd"},
    {"currency": "XYZ"},
    {"revenue": Decimal("-1")},
    {"revenue": Decimal("12345678901234.00")},
    {"revenue": Decimal("1.234")},
    {"address_postal_code": "1" * 21},
    {"opened": None},
]


@pytest.mark.parametrize("bad", BAD_VALUES, ids=lambda bad: next(iter(bad)))
def test_a_value_the_one_item_service_refuses_is_refused_with_the_same_message(manager, bad):
    fields = {"name": "Acme", **bad}
    with pytest.raises(ValidationError) as one:
        company_create(user=manager, **fields)
    result = company_bulk_create(user=manager, rows=[fields])
    (rejected,) = result.rejected
    assert rejected.errors == one.value.message_dict
    assert not Company.objects.exists()


def test_a_company_created_in_bulk_is_the_one_the_one_item_service_creates(manager):
    given = {
        "name": " Acme ",
        "revenue": Decimal("1234.50"),
        "currency": "EUR",
        "opened": False,
        "comments": "Met at the fair",
        "address_city": "Lyon",
        "phones": [phone("+33 4 78 00 00 00")],
        "emails": [{"value": "Info@Acme.example"}],
    }
    one = company_create(user=manager, type=entry("COMPANY_TYPE", "CUSTOMER"), **given)
    (bulk_id,) = company_bulk_create(user=manager, rows=[{**given, "type": "Client"}]).ids
    skipped = {"id", "created_at", "modified_at"}
    names = [f.attname for f in Company._meta.concrete_fields if f.attname not in skipped]
    values = Company.objects.filter(pk__in=[one.pk, bulk_id]).order_by("pk").values_list(*names)
    assert values[0] == values[1]
    channels = Communication.objects.order_by("company_id", "channel", "sort")
    by_company = {}
    for comm in channels:
        by_company.setdefault(comm.company_id, []).append(
            (comm.channel, comm.kind, comm.value, comm.normalized, comm.sort)
        )
    assert by_company[one.pk] == by_company[bulk_id]


def test_custom_values_are_checked_and_written_in_bulk(manager, admin):
    """Bad input: a list value that is no option, and a custom field of another item type."""
    from dictionaries.custom_fields import custom_field_create

    tier = custom_field_create(
        user=admin, entity="company", label="Tier", kind="list",
        options=[{"label": "Gold"}, {"label": "Silver"}],
    )  # fmt: skip
    other = custom_field_create(user=admin, entity="deal", label="Budget", kind="money")
    gold = tier.options[0]["id"]
    given = [
        row("Acme", custom={tier.code: "Gold"}),
        row("Typo", custom={tier.code: "Platinum"}),
        row("Wrong type", custom={other.code: "100"}),
    ]
    result = company_bulk_create(user=manager, rows=given)
    assert sorted(result.created) == [1]
    assert Company.objects.get(pk=result.created[1]).custom == {tier.code: gold}
    errors = {rejected.row: rejected for rejected in result.rejected}
    assert list(errors[2].errors) == [tier.code]
    assert list(errors[3].errors) == [other.code]
