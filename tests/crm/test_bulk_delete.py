"""Bulk deletes (``crm.services.items_bulk_delete``): chunk by chunk in a constant number of
statements, with the rights and the history of deleting the items one by one
(``item_delete``: the company, contact and deal delete services)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from companies import services as client_services
from companies.models import Communication, Company, Contact
from crm.services import items_bulk_delete
from deals import services as deal_services
from deals.models import Deal
from tests.conftest import sales_user
from tests.helpers import service_refused
from timeline.models import Event, EventKind

from ..companies.helpers import phone

pytestmark = pytest.mark.django_db


def clients(user, count: int, prefix: str = "Company") -> list[Company]:
    """``count`` companies, each with a phone, an e-mail and two contacts; one contact of each
    is linked to the next company too."""
    companies = [
        client_services.company_create(
            user=user,
            name=f"{prefix} {n}",
            phones=[phone(f"+1 202 555 {n:04d}")],
            emails=[{"value": f"{prefix.lower()}{n}@example.com"}],
        )
        for n in range(count)
    ]
    for n, company in enumerate(companies):
        client_services.contact_create(
            user=user, last_name=f"Shared {prefix} {n}", companies=companies[n : n + 2]
        )
        client_services.contact_create(
            user=user, last_name=f"Own {prefix} {n}", companies=[company]
        )
    return companies


def test_a_bulk_delete_leaves_what_deleting_one_by_one_leaves(user):
    one_by_one = clients(user, 4, "Single")
    single_ids = [company.pk for company in one_by_one]
    for company in one_by_one:
        client_services.company_delete(user=user, company=company)
    bulk = clients(user, 4, "Bulk")
    ids = [company.pk for company in bulk]
    assert items_bulk_delete(user=user, spec=client_services.COMPANY, ids=ids, chunk_size=3) == 4

    def history(prefix, ids):
        deleted = list(
            Event.objects.filter(kind=EventKind.DELETED, item_type__model="company")
            .filter(item_id__in=ids)
            .order_by("pk")
            .values_list("item_version", "author_id", "reach", "door")
        )
        unlinks = Event.objects.filter(kind=EventKind.UNLINKED, related_id__in=ids)
        return deleted, [
            (
                e.item_type.model,
                str(Contact.objects.get(pk=e.item_id)).replace(prefix, ""),
                e.related_type.model,
                e.related_label.replace(prefix, ""),
                e.item_version,
                e.author_id,
            )
            for e in unlinks
        ]

    single = history("Single", single_ids)
    assert single == history("Bulk", ids)
    assert len(single[0]) == 4 and len(single[1]) == 4 + 4 + 3  # own, shared, shared again
    assert not Company.objects.filter(pk__in=ids).exists()
    assert not Communication.objects.filter(company_id__in=ids).exists()
    assert not Contact.companies.through.objects.filter(company_id__in=ids).exists()
    assert Contact.objects.filter(last_name__startswith="Own Bulk").count() == 4  # kept
    deleted = Event.objects.get(kind=EventKind.DELETED, item_id=ids[0], item_type__model="company")
    assert deleted.reach == {"entity": "company", "owner": user.pk, "opened": True}


def test_deleting_contacts_unlinks_them_in_their_companies_history(user):
    acme = client_services.company_create(user=user, name="Acme")
    globex = client_services.company_create(user=user, name="Globex")
    anna = client_services.contact_create(user=user, last_name="Anna", companies=[acme, globex])
    boris = client_services.contact_create(user=user, last_name="Boris", companies=[acme])
    items_bulk_delete(user=user, spec=client_services.CONTACT, ids=[anna.pk, boris.pk])
    assert not Contact.objects.exists()
    unlinked = Event.objects.filter(kind=EventKind.UNLINKED).order_by("pk")
    assert [(e.item_id, e.related_label) for e in unlinked] == [
        (globex.pk, "Anna"),
        (acme.pk, "Anna"),
        (acme.pk, "Boris"),
    ]
    assert Event.objects.filter(kind=EventKind.DELETED, item_type__model="contact").count() == 2


def test_deleting_deals_unlinks_their_company_and_contacts(user):
    acme = client_services.company_create(user=user, name="Acme")
    anna = client_services.contact_create(user=user, last_name="Anna")
    deals = [
        deal_services.deal_create(user=user, title="Licences", company=acme, contacts=[anna]),
        deal_services.deal_create(user=user, title="Support", contacts=[anna]),
    ]
    ids = [deal.pk for deal in deals]
    items_bulk_delete(user=user, spec=deal_services.DEAL, ids=ids)
    assert not Deal.objects.exists()
    unlinked = Event.objects.filter(kind=EventKind.UNLINKED).order_by("pk")
    assert [(e.item_id, e.related_id, e.related_label) for e in unlinked] == [
        (acme.pk, ids[0], "Licences"),
        (anna.pk, ids[0], "Licences"),
        (anna.pk, ids[1], "Support"),
    ]
    deleted = Event.objects.filter(kind=EventKind.DELETED, item_id__in=ids).order_by("item_id")
    assert [event.reach["entity"] for event in deleted] == [deals[0].pipeline.access_entity] * 2


def test_an_item_out_of_reach_refuses_the_whole_delete(manager):
    mine = clients(manager, 2)
    theirs = client_services.company_create(user=sales_user(), name="Theirs", opened=True)
    error = service_refused(
        lambda: items_bulk_delete(
            user=manager, spec=client_services.COMPANY, ids=[mine[0].pk, theirs.pk, mine[1].pk]
        ),
        ValidationError,
        "ids",
        str(theirs.pk),
    )
    assert "out of your reach" in " ".join(error.messages)


def test_a_missing_item_in_a_later_chunk_rolls_back_the_earlier_ones(user):
    companies = clients(user, 3)
    service_refused(
        lambda: items_bulk_delete(
            user=user,
            spec=client_services.COMPANY,
            ids=[*(c.pk for c in companies), 987654],
            chunk_size=2,
        ),
        ValidationError,
        "ids",
        "987654",
    )


def test_a_user_who_may_only_read_their_items_deletes_none(user, own_read_only):
    company = Company.objects.create(name="Own", responsible=user)
    assert Company.objects.restrict(user, "read").filter(pk=company.pk).exists()
    service_refused(
        lambda: items_bulk_delete(user=user, spec=client_services.COMPANY, ids=[company.pk]),
        ValidationError,
        "ids",
        str(company.pk),
    )


def _statements(call) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        call()
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize(
    ("spec", "make"),
    [
        (client_services.COMPANY, lambda user, n, p: clients(user, n, p)),
        (
            deal_services.DEAL,
            lambda user, n, p: [
                deal_services.deal_create(
                    user=user,
                    title=f"{p} {i}",
                    company=client_services.company_create(user=user, name=f"{p} {i}"),
                    contacts=[client_services.contact_create(user=user, last_name=f"{p} {i}")],
                )
                for i in range(n)
            ],
        ),
    ],
    ids=["companies", "deals"],
)
def test_a_constant_number_of_statements_per_chunk(user, spec, make):
    few = [item.pk for item in make(user, 2, "Few")]
    many = [item.pk for item in make(user, 12, "Many")]
    few_statements = _statements(lambda: items_bulk_delete(user=user, spec=spec, ids=few))
    many_statements = _statements(lambda: items_bulk_delete(user=user, spec=spec, ids=many))
    assert len(many_statements) == len(few_statements), "\n".join(many_statements)
    # The rows locked, read, their links read, two history statements, the delete and what
    # cascades from it: a dozen statements, not one set per item.
    assert len(few_statements) <= 20, "\n".join(few_statements)
    chunked = [item.pk for item in make(user, 12, "Chunked")]
    chunks = _statements(lambda: items_bulk_delete(user=user, spec=spec, ids=chunked, chunk_size=4))
    # Three chunks: three times a chunk's statements, in one savepoint (two statements).
    assert len(chunks) == 3 * (len(many_statements) - 2) + 2, "\n".join(chunks)
    assert not spec.model.objects.filter(pk__in=few + many + chunked).exists()
