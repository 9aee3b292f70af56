"""Call lists through their services: made only of what the maker may read, worked through
by its responsible, each result kept and written into the client's history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from calllists import services
from calllists.models import CallListItem
from companies import services as clients
from deals import services as deal_services
from tests.factories import UserFactory
from tests.helpers import service_refused
from timeline.models import Event, EventKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def companies(admin):
    return [clients.company_create(user=admin, name=f"Client {n}") for n in range(3)]


def test_a_call_list_takes_the_readable_clients_once_in_their_order(admin, manager, companies):
    hidden = clients.company_create(user=admin, name="Hidden", opened=False)
    ids = [companies[2].pk, hidden.pk, companies[0].pk, companies[2].pk]
    call_list = services.call_list_create(
        user=manager, name="Spring reminder", responsible=manager, entity_key="company", ids=ids
    )
    assert [i.item_id for i in call_list.items.all()] == [companies[2].pk, companies[0].pk]
    added = services.call_list_add(
        user=manager, call_list=call_list, entity_key="company",
        ids=[companies[0].pk, companies[1].pk],
    )  # fmt: skip
    assert added == 1 and call_list.items.count() == 3
    lead = deal_services.lead_create(user=admin, title="Lead", responsible=manager)
    services.call_list_add(user=manager, call_list=call_list, entity_key="lead", ids=[lead.pk])
    assert call_list.items.count() == 4


def test_bad_call_lists_are_refused(admin, companies):
    # Bad input: no name, an inactive responsible, deals (nothing to call), a foreign list.
    inactive = UserFactory(is_active=False)
    ids = [c.pk for c in companies]
    service_refused(
        lambda: services.call_list_create(
            user=admin, name=" ", responsible=admin, entity_key="company", ids=ids
        ),
        field="name",
    )
    service_refused(
        lambda: services.call_list_create(
            user=admin, name="X", responsible=inactive, entity_key="company", ids=ids
        ),
        field="responsible",
    )
    service_refused(
        lambda: services.call_list_create(
            user=admin, name="X", responsible=admin, entity_key="deal", ids=ids
        ),
        field="entity",
    )
    call_list = services.call_list_create(
        user=admin, name="Mine", responsible=admin, entity_key="company", ids=ids
    )
    with pytest.raises(PermissionDenied):
        services.call_list_add(user=UserFactory(), call_list=call_list, entity_key="company",
                               ids=ids)  # fmt: skip


def test_a_call_result_is_kept_and_goes_into_the_clients_history(admin, manager, companies):
    call_list = services.call_list_create(
        user=admin, name="Feedback", responsible=manager, entity_key="company",
        ids=[companies[0].pk],
    )  # fmt: skip
    entry = call_list.items.get()
    services.call_record(
        user=manager, entry=entry, status=services.call_status("SUCCESS"), comment="Happy"
    )
    entry.refresh_from_db()
    assert entry.status.code == "SUCCESS" and entry.called_by == manager and entry.called_at
    event = Event.objects.of_item(companies[0]).filter(kind=EventKind.COMMENT).get()
    assert event.text == "Call list “Feedback”: Success. Happy"
    assert services.progress(call_list)["called"] == 1
    assert services.progress(call_list)["left"] == 0


def test_stop_calling_is_flagged_on_later_lists(admin, companies):
    first = services.call_list_create(
        user=admin, name="First", responsible=admin, entity_key="company",
        ids=[c.pk for c in companies],
    )  # fmt: skip
    entry = first.items.get(item_id=companies[1].pk)
    services.call_record(user=admin, entry=entry, status=services.call_status("STOP_CALLING"))
    item_type = entry.item_type
    assert services.not_to_call(item_type, [c.pk for c in companies]) == {companies[1].pk}


def test_only_the_call_lists_people_record_calls_and_only_on_readable_clients(admin, manager):
    open_client = clients.company_create(user=admin, name="Open")
    call_list = services.call_list_create(
        user=admin, name="Admin's", responsible=admin, entity_key="company", ids=[open_client.pk]
    )
    entry = call_list.items.get()
    success = services.call_status("SUCCESS")
    with pytest.raises(PermissionDenied):  # a manager who is not on the list
        services.call_record(user=manager, entry=entry, status=success)
    # Bad input: a status of another list.
    with pytest.raises(ValidationError):
        services.call_status("NEW")
    assert CallListItem.objects.get(pk=entry.pk).status is None
