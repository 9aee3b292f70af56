"""The activity services: planning, changing, completing and deleting, with history and rights;
what goes with a deleted item; bad input refused with nothing written."""

from datetime import timedelta
from functools import partial

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from activities import services
from activities.models import Activity
from companies import services as client_services
from crm.services import items_bulk_delete
from tests.helpers import service_refused, shown_changes
from timeline.models import Event, EventKind

from .conftest import plan, soon

pytestmark = pytest.mark.django_db


def events_of(activity):
    return list(Event.objects.of_item(activity).order_by("id"))


def test_plan_change_complete_and_delete_leave_their_history(mia, mias_company):
    call = plan(mia, mias_company, subject="  First call  ", duration=15)
    assert call.subject == "First call"  # trimmed, as every text
    assert (call.responsible, call.created_by, call.done) == (mia, mia, False)
    assert [e.kind for e in events_of(call)] == [EventKind.CREATED]

    later = call.deadline + timedelta(days=1)
    call = services.activity_update(user=mia, activity=call, deadline=later, kind="meeting")
    update = events_of(call)[-1]
    assert update.kind == EventKind.UPDATED
    changes = {c["field"]: (c["old"], c["new"]) for c in update.changes}  # codes and raw values
    assert changes["kind"] == ("call", "meeting")
    assert changes["deadline"][1] == later.isoformat()
    assert shown_changes(update)["kind"] == ("Call", "Meeting")  # rendered for the reader

    # Nothing changed: nothing written.
    services.activity_update(user=mia, activity=call, subject="First call")
    assert len(events_of(call)) == 2

    done = services.activity_complete(user=mia, activity=call, result=" They said yes ")
    assert done.done and done.completed_by == mia and done.result == "They said yes"
    assert done.completed_at <= timezone.now()
    assert {c["field"] for c in events_of(done)[-1].changes} >= {"done", "result"}

    services.activity_delete(user=mia, activity=done)
    assert not Activity.objects.filter(pk=call.pk).exists()
    assert events_of(call)[-1].kind == EventKind.DELETED  # its history stays


def test_completing_twice_is_refused(mia, mias_company):
    call = services.activity_complete(user=mia, activity=plan(mia, mias_company))
    service_refused(
        lambda: services.activity_complete(user=mia, activity=call), field="done", match="done"
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "fax"}, "kind"),  # an unknown kind
        ({"deadline": "next tuesday"}, "deadline"),  # a deadline in a bad format
        ({"deadline": "2026-13-45T10:00"}, "deadline"),  # a date that does not exist
        ({"deadline": None}, "deadline"),  # no date at all
        ({"subject": "   "}, "subject"),  # an empty subject
        ({"duration": 0}, "duration"),
        ({"duration": 7 * 24 * 60 + 1}, "duration"),  # longer than a week
        ({"description": "x" * 20_001}, "description"),
        ({"subject": "nul \x00 here"}, "subject"),  # what PostgreSQL cannot store
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_written(mia, mias_company, fields, field):
    service_refused(lambda: plan(mia, mias_company, **fields), field=field)
    call = plan(mia, mias_company)
    update = partial(services.activity_update, user=mia, activity=call, **fields)
    service_refused(update, field=field)


def test_a_deadline_without_time_zone_is_read_in_the_current_one(mia, mias_company):
    call = plan(mia, mias_company, deadline="2031-05-04 10:30")
    assert timezone.is_aware(call.deadline)
    assert timezone.localtime(call.deadline).hour == 10


def test_an_inactive_responsible_person_is_refused(mia, max_, mias_company):
    max_.is_active = False
    max_.save()
    service_refused(lambda: plan(mia, mias_company, responsible=max_), field="responsible")


def test_planning_needs_the_right_to_update_the_item(mia, open_company, hidden_company):
    # Mia reads the open company but may not change it; the hidden one she may not even read.
    for company in (open_company, hidden_company):
        service_refused(lambda: plan(mia, company), error=PermissionDenied)  # noqa: B023


def test_the_responsible_person_may_change_their_activity_of_an_item_they_only_read(
    mia, max_, open_company
):
    call = plan(max_, open_company, responsible=mia)
    services.activity_update(user=mia, activity=call, subject="Mine to change")
    services.activity_complete(user=mia, activity=call, result="Done")
    # ... but not hand it to someone else: it would leave her reach (she may not update the
    # company), so the change is rolled back.
    other = plan(max_, open_company, responsible=mia)
    service_refused(
        lambda: services.activity_update(user=mia, activity=other, responsible=max_),
        error=PermissionDenied,
    )


def test_others_may_not_touch_an_activity_of_an_item_they_may_not_update(
    mia, max_, open_company, hidden_company
):
    for company in (open_company, hidden_company):
        call = plan(max_, company)
        service_refused(
            lambda: services.activity_update(user=mia, activity=call, subject="x"),  # noqa: B023
            error=PermissionDenied,
        )
        service_refused(
            lambda: services.activity_complete(user=mia, activity=call),  # noqa: B023
            error=PermissionDenied,
        )
        service_refused(
            lambda: services.activity_delete(user=mia, activity=call),  # noqa: B023
            error=PermissionDenied,
        )


def test_bulk_complete_is_all_or_nothing(mia, max_, mias_company, hidden_company):
    mine = [plan(mia, mias_company, subject=f"Call {n}") for n in range(3)]
    theirs = plan(max_, hidden_company)
    error = service_refused(
        lambda: services.activities_bulk_complete(user=mia, ids=[a.pk for a in [*mine, theirs]]),
        field="ids",
    )
    assert str(theirs.pk) in " ".join(error.messages)
    service_refused(lambda: services.activities_bulk_complete(user=mia, ids=["x"]), field="ids")
    service_refused(lambda: services.activities_bulk_complete(user=mia, ids=[]), field="ids")

    assert services.activities_bulk_complete(user=mia, ids=[a.pk for a in mine]) == 3
    assert Activity.objects.filter(done=True, completed_by=mia).count() == 3
    assert Event.objects.filter(item_id__in=[a.pk for a in mine], kind="updated").count() == 3
    # Done already: refused with its number.
    service_refused(lambda: services.activities_bulk_complete(user=mia, ids=[mine[0].pk]))


def test_bulk_complete_takes_a_constant_number_of_queries(
    mia, mias_company, django_assert_max_num_queries
):
    def complete(count):
        ids = [plan(mia, mias_company).pk for _ in range(count)]
        with django_assert_max_num_queries(12) as captured:
            services.activities_bulk_complete(user=mia, ids=ids)
        return len(captured)

    assert complete(2) == complete(40)


def test_deleting_items_deletes_their_activities(mia, mias_company):
    kept = client_services.company_create(user=mia, name="Kept")
    plan(mia, mias_company)
    plan(mia, mias_company)
    other = plan(mia, kept)
    client_services.company_delete(user=mia, company=mias_company)
    assert list(Activity.objects.values_list("pk", flat=True)) == [other.pk]
    deleted = Event.objects.filter(kind=EventKind.DELETED, item_type__model="activity")
    assert deleted.count() == 2  # each in its own history

    # The bulk delete (list pages, imports' undo) too.
    plan(mia, kept)
    items_bulk_delete(user=mia, spec=client_services.COMPANY, ids=[kept.pk])
    assert not Activity.objects.exists()


def test_a_refused_item_deletion_keeps_the_activities(mia, max_, open_company):
    plan(max_, open_company, responsible=mia)
    with pytest.raises(PermissionDenied):
        client_services.company_delete(user=mia, company=open_company)
    assert Activity.objects.count() == 1


def test_a_non_item_is_refused(mia):
    with pytest.raises(ValidationError):
        services.activity_create(user=mia, item=mia, kind="call", subject="x", deadline=soon())
