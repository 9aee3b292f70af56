"""Two requests racing each other on PostgreSQL (real threads, committed transactions): the
second gets a clear refusal or a clean success, never a duplicate or a deadlock."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection, transaction

from accessrights.models import Role
from accessrights.services import role_create
from companies.models import Company, Contact
from companies.services import contact_link
from dictionaries.models import Entry
from dictionaries.services import entries_reorder
from tests.conftest import require
from tests.factories import UserFactory
from timeline.models import Event, EventKind

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("live_server_db")]


@pytest.fixture(autouse=True)
def _postgresql():
    require(connection.vendor == "postgresql", "race tests need PostgreSQL (DATABASE_URL)")


def first_holds_its_transaction(first, second, hold=0.5):
    """Run ``first`` in a transaction kept open for ``hold`` seconds after it is done, and
    ``second`` meanwhile in another thread; return what each raised (None if nothing)."""
    done = threading.Event()
    raised = [None, None]

    def run(index, work):
        try:
            with transaction.atomic():
                work()
                if index == 0:
                    done.set()
                    time.sleep(hold)
        except Exception as exc:  # reported to the test
            raised[index] = exc
        finally:
            done.set()
            close_old_connections()

    threads = [threading.Thread(target=run, args=(0, first))]
    threads[0].start()
    done.wait(10)
    threads.append(threading.Thread(target=run, args=(1, second)))
    threads[1].start()
    for thread in threads:
        thread.join(20)
    return raised


def test_two_roles_named_alike_but_for_case_make_one_role():
    """Bad input: "Sales" and "sales" created at the same time: one role, the other a 400."""
    admin = UserFactory(is_superuser=True)
    raised = first_holds_its_transaction(
        lambda: role_create(user=admin, name="Sales"), lambda: role_create(user=admin, name="sales")
    )
    assert raised[0] is None
    assert isinstance(raised[1], ValidationError), raised[1]
    assert "name" in raised[1].message_dict
    assert list(Role.objects.filter(name__iexact="sales").values_list("name", flat=True)) == [
        "Sales"
    ]


def test_two_identical_link_requests_make_one_link_and_one_history_line():
    """Bad input: the same "link this contact to this company" sent twice at once."""
    admin = UserFactory(is_superuser=True)
    company = Company.objects.create(name="Acme", responsible=admin)
    contact = Contact.objects.create(first_name="Ann", responsible=admin)

    def link():
        contact_link(user=admin, contact=contact, company=company)

    raised = first_holds_its_transaction(link, link)
    assert raised[0] is None
    assert isinstance(raised[1], ValidationError), raised[1]
    assert "already linked" in " ".join(raised[1].messages)
    assert list(contact.companies.all()) == [company]
    assert Event.objects.filter(kind=EventKind.LINKED).count() == 2  # one line on each card


def test_two_reorders_that_read_the_list_in_different_orders_do_not_deadlock():
    """Bad input: two reorders of one list at once, the second reading it after a third
    change moved its last entry to the top. Locked in list order, the first would hold the
    top entry and wait for the last one, the second hold the last and wait for the top."""
    admin = UserFactory(is_superuser=True)
    order = list(Entry.objects.of_list("SOURCE").values_list("pk", flat=True))
    top, last = order[0], order[-1]
    top_locked, release_top = threading.Event(), threading.Event()
    errors = []

    def hold_top():
        with transaction.atomic():
            Entry.objects.select_for_update().filter(pk=top).first()
            top_locked.set()
            release_top.wait(10)
        close_old_connections()

    def reorder():
        try:
            entries_reorder(user=admin, list_code="SOURCE", ids=order)
        except Exception as exc:  # reported to the test
            errors.append(exc)
        finally:
            close_old_connections()

    holder, first, second = (threading.Thread(target=t) for t in (hold_top, reorder, reorder))
    holder.start()
    top_locked.wait(10)
    first.start()  # reads the list in its order, waits for the top entry
    time.sleep(0.3)
    Entry.objects.filter(pk=last).update(sort=0)  # the last entry moves to the top
    second.start()  # reads the new order: the last entry first, then waits for the top
    time.sleep(0.3)
    release_top.set()
    for thread in (holder, first, second):
        thread.join(20)
    assert errors == []
