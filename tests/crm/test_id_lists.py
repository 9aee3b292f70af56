"""Lists of ids in the API: their length and element types are checked before any query, and
the ids are resolved in one (restricted) query, never one per id."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers

from accessrights.models import Department, Role
from companies.models import Company, Contact
from crm.serializer_fields import ReadableIdsField
from deals.models import Deal
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEN_THOUSAND = list(range(1, 10_001))


def rows() -> list:
    """Every row an id list could have written (items, links, roles, departments)."""
    return [
        list(model.objects.order_by("pk").values_list())
        for model in (Deal, Deal.contacts.through, Contact, Contact.companies.through, Role,
                      Role.users.through, Role.departments.through, Department,
                      Department.members.through)
    ]  # fmt: skip


@pytest.mark.parametrize(
    "url, data",
    [
        ("/api/v1/deals/", {"title": "X", "contacts": TEN_THOUSAND}),
        ("/api/v1/contacts/", {"first_name": "X", "companies": TEN_THOUSAND}),
        ("/api/v1/roles/", {"name": "X", "users": TEN_THOUSAND}),
        ("/api/v1/roles/", {"name": "X", "departments": TEN_THOUSAND}),
        ("/api/v1/departments/", {"name": "X", "members": TEN_THOUSAND}),
    ],
)
def test_ten_thousand_ids_are_a_quick_400(admin_api, url, data, django_assert_max_num_queries):
    """Bad input: a list of 10,000 ids. Refused on its length before any id is looked up (it
    used to be one query per id: over a minute), and nothing is written."""
    field = next(key for key, value in data.items() if isinstance(value, list))
    before = rows()
    with django_assert_max_num_queries(10):
        response = admin_api.post(url, data, format="json")
    assert response.status_code == 400, response.content
    assert "no more than" in str(response.json()[field])
    assert rows() == before


@pytest.mark.parametrize("bad", [[True], [1.5], ["²"], [None], [{"id": 1}], [-3], "1,2", 5])
def test_what_is_not_an_id_is_refused_before_a_query(admin_api, bad, django_assert_max_num_queries):
    """Bad input: list elements that are not ids (booleans, fractions, Unicode digits, null,
    objects, negative numbers), or no list at all. A 400 naming the field, nothing written."""
    before = rows()
    with django_assert_max_num_queries(10):
        response = admin_api.post("/api/v1/deals/", {"title": "X", "contacts": bad}, format="json")
    assert response.status_code == 400, response.content
    assert "contacts" in response.json()
    assert rows() == before


class _Companies(serializers.Serializer):
    companies = ReadableIdsField(Company)


def _resolve(user, ids):
    serializer = _Companies(
        data={"companies": ids}, context={"request": SimpleNamespace(user=user)}
    )
    serializer.is_valid()
    return serializer


def test_ids_are_resolved_in_one_query_whatever_their_number(user):
    """A valid list still works: 1 or 200 readable ids cost the same queries, in order given."""
    companies = [Company.objects.create(name=f"C{n}", responsible=user) for n in range(200)]
    _resolve(user, [companies[0].pk])  # the user's rights are read once, then kept
    counts = []
    for chosen in (companies[:1], companies[::-1]):
        with CaptureQueriesContext(connection) as queries:
            serializer = _resolve(user, [c.pk for c in chosen])
        assert serializer.validated_data["companies"] == chosen
        counts.append(len(queries))
    assert counts == [1, 1]


def test_an_unreadable_id_is_answered_like_a_missing_one(user, own_read_only):
    """Bad input: the id of a company the reader may not read, and one of no company. The
    same message (but for the number), so the answer does not tell which companies exist."""
    theirs = Company.objects.create(name="Theirs", responsible=UserFactory())
    missing = theirs.pk + 1000
    messages = [
        str(_resolve(user, [pk]).errors["companies"]).replace(str(pk), "<id>")
        for pk in (theirs.pk, missing)
    ]
    assert messages[0] == messages[1]
    assert "<id>" in messages[0]


def test_a_valid_list_of_contacts_still_links_them(admin_api, admin):
    contacts = [Contact.objects.create(first_name=f"P{n}", responsible=admin) for n in range(3)]
    ids = [c.pk for c in contacts]
    response = admin_api.post("/api/v1/deals/", {"title": "X", "contacts": ids}, format="json")
    assert response.status_code == 201, response.content
    assert sorted(response.json()["contacts"]) == sorted(ids)
    created = admin_api.post(
        "/api/v1/contacts/", {"first_name": "Y", "companies": []}, format="json"
    )
    assert created.status_code == 201, created.content
