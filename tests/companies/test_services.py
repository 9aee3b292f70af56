"""Services of the client base: history, rights, conflicts, links, bulk actions, references."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from companies import services
from companies.models import Company, Contact
from crm.items import EditConflict
from crm.services import items_bulk_delete, items_bulk_update
from dictionaries import services as dictionary_services
from tests.conftest import sales_user
from tests.helpers import service_refused, shown_changes, tables_snapshot
from timeline.models import Event

from .helpers import entry, phone

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(user):
    return services.company_create(
        user=user,
        name="Acme",
        type=entry("COMPANY_TYPE", "CUSTOMER"),
        phones=[phone("(202) 555-0143"), phone("+7 912 345-67-89", "mobile")],
        emails=[{"value": "Info@Acme.com", "kind": "work"}],
    )


def test_create_records_who_when_and_normalises(company, user):
    assert company.responsible == user and company.created_by == user and company.version == 1
    normalized = sorted(company.communications.values_list("normalized", flat=True))
    assert normalized == ["+12025550143", "+79123456789", "info@acme.com"]
    (event,) = Event.objects.of_item(company)
    assert (event.kind, event.author) == ("created", user)


def test_update_records_each_field_change_and_bumps_the_version(company, user):
    services.company_update(
        user=user,
        company=company,
        name="Acme Ltd",
        industry=entry("INDUSTRY", "IT"),
        phones=[phone("(202) 555-0143")],
    )
    company.refresh_from_db()
    assert company.version == 2
    changes = shown_changes(Event.objects.of_item(company)[0])
    assert changes["name"] == ("Acme", "Acme Ltd")
    assert changes["industry"] == ("", "Information Technology")
    assert changes["phones"] == (
        "(202) 555-0143 (work); +7 912 345-67-89 (mobile)",
        "(202) 555-0143 (work)",
    )


def test_an_update_that_changes_nothing_writes_nothing(company, user):
    before = tables_snapshot()
    services.company_update(user=user, company=company, name="Acme")
    assert tables_snapshot() == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 10_000}, "name"),
        ({"currency": "XXQ"}, "currency"),
        ({"revenue": -5}, "revenue"),
        ({"type": "industry-entry"}, "type"),
        ({"phones": [phone("not a phone")]}, "phones"),
        ({"emails": [{"value": "broken@", "kind": "work"}]}, "emails"),
        ({"phones": [phone("+1 202 555 0143", "fax")]}, "phones"),
    ],
    ids=["empty", "10000-chars", "currency", "negative", "wrong-list", "phone", "email", "kind"],
)
def test_bad_values_are_refused_by_field(company, user, fields, field):
    if fields.get("type") == "industry-entry":
        fields = {"type": entry("INDUSTRY", "IT")}  # an entry of another list
    error = service_refused(lambda: services.company_update(user=user, company=company, **fields))
    assert field in error.message_dict


def test_a_contact_needs_a_name(user):
    error = service_refused(
        lambda: services.contact_create(user=user, first_name=" ", last_name="")
    )
    assert "last_name" in error.message_dict


def test_hostile_text_is_stored_verbatim(user):
    company = services.company_create(user=user, name="<script>alert(1)</script>")
    assert Company.objects.get(pk=company.pk).name == "<script>alert(1)</script>"


def test_a_stale_update_raises_a_conflict_naming_their_changes(company, user):
    other = sales_user(first_name="Anna", last_name="Lee")
    services.company_update(user=other, company=company, name="Acme Ltd", expected_version=1)
    error = service_refused(
        lambda: services.company_update(
            user=user, company=company, name="Acme Inc", expected_version=1
        ),
        EditConflict,
    )
    assert error.theirs == {
        "name": {
            "label": "name",
            "original": "Acme",
            "current": "Acme Ltd",
            "authors": ["Anna Lee"],
        }
    }


def test_two_racing_edits_do_not_both_win(company, user):
    first = Company.objects.get(pk=company.pk)
    second = Company.objects.get(pk=company.pk)
    services.company_update(user=user, company=first, name="First", expected_version=1)
    service_refused(
        lambda: services.company_update(
            user=user, company=second, name="Second", expected_version=1
        ),
        EditConflict,
    )
    assert Company.objects.get(pk=company.pk).name == "First"


def test_link_and_unlink_from_either_side_leave_history_on_both(company, user):
    contact = services.contact_create(user=user, first_name="Anna", companies=[company])
    assert list(company.contacts.all()) == [contact]
    assert Event.objects.of_item(company)[0].kind == "linked"
    assert Event.objects.of_item(contact)[0].related_label == "Acme"
    service_refused(lambda: services.contact_link(user=user, contact=contact, company=company))
    services.contact_unlink(user=user, contact=contact, company=company)
    assert not company.contacts.exists()
    assert Event.objects.of_item(company)[0].kind == "unlinked"
    service_refused(lambda: services.contact_unlink(user=user, contact=contact, company=company))


def test_a_contact_belongs_to_several_companies(company, user):
    other = services.company_create(user=user, name="Globex")
    contact = services.contact_create(user=user, last_name="Smith", companies=[company, other])
    assert set(contact.companies.all()) == {company, other}


def test_deleting_a_company_keeps_contacts_and_histories(company, user):
    contact = services.contact_create(user=user, first_name="Anna", companies=[company])
    company_pk = company.pk
    services.company_delete(user=user, company=company)
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert Event.objects.of_item(contact)[0].kind == "unlinked"
    assert Event.objects.filter(item_id=company_pk, kind="deleted").exists()


def test_bulk_update_changes_all_or_none(user):
    first = services.company_create(user=user, name="One")
    second = services.company_create(user=user, name="Two")
    manager = sales_user()
    service_refused(
        lambda: items_bulk_update(
            user=user, spec=services.COMPANY, ids=[first.pk, 999_999], responsible=manager
        )
    )
    count = items_bulk_update(
        user=user, spec=services.COMPANY, ids=[first.pk, second.pk], responsible=manager
    )
    assert count == 2
    assert set(Company.objects.values_list("responsible", flat=True)) == {manager.pk}
    assert Event.objects.filter(kind="updated").count() == 2


def test_bulk_actions_refuse_garbage_ids(user):
    service_refused(lambda: items_bulk_delete(user=user, spec=services.COMPANY, ids=["abc"]))
    service_refused(lambda: items_bulk_delete(user=user, spec=services.COMPANY, ids=[]))


def test_inactive_users_can_do_nothing(company, user):
    user.is_active = False
    service_refused(lambda: services.company_create(user=user, name="X"), PermissionDenied)
    service_refused(
        lambda: services.company_update(user=user, company=company, name="X"), PermissionDenied
    )
    service_refused(lambda: services.company_delete(user=user, company=company), PermissionDenied)


def test_deleting_a_used_entry_asks_for_a_replacement_and_moves_items(company, user, admin):
    customer, partner = entry("COMPANY_TYPE", "CUSTOMER"), entry("COMPANY_TYPE", "PARTNER")
    before = tables_snapshot()
    with pytest.raises(ValidationError) as info:
        dictionary_services.entry_delete(user=admin, entry=customer)
    assert "1 items use" in info.value.message_dict["replacement"][0]
    assert tables_snapshot() == before
    with pytest.raises(ValidationError):
        dictionary_services.entry_delete(
            user=admin, entry=customer, replacement=entry("INDUSTRY", "IT")
        )
    moved = dictionary_services.entry_delete(user=admin, entry=customer, replacement=partner)
    assert moved == 1
    company.refresh_from_db()
    assert (company.type, company.version) == (partner, 2)
    assert shown_changes(Event.objects.of_item(company)[0])["type"] == ("Client", "Partner")


def test_the_settings_page_asks_where_items_of_a_deleted_entry_go(company, admin, client):
    client.force_login(admin)
    customer, partner = entry("COMPANY_TYPE", "CUSTOMER"), entry("COMPANY_TYPE", "PARTNER")
    response = client.post(f"/settings/entries/{customer.pk}/delete/", HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    html = response.content.decode()
    assert "choose the entry they move to" in html and 'name="replacement"' in html
    response = client.post(
        f"/settings/entries/{customer.pk}/delete/",
        {"replacement": partner.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    company.refresh_from_db()
    assert company.type == partner
