"""History names a web form's door for a whole page at once: one query for the forms'
names, whatever the number of events (``timeline.models.name_doors``)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from companies.services import company_create
from crm.actors import Door, DoorKind, acting_through
from crm.history import render_for_reader
from timeline.models import Event


def test_web_form_doors_are_named_in_one_query_per_page(admin, client_form):
    def shown(count: int) -> tuple[int, list[str]]:
        with acting_through(Door(DoorKind.WEBFORM, client_form.pk)):
            for n in range(count):
                company_create(user=admin, name=f"Company {n}")
        events = list(Event.objects.filter(door="webform").select_related("author"))
        with CaptureQueriesContext(connection) as queries:
            lines = [e.actor_line() for e in render_for_reader(events, admin)]
        Event.objects.all().delete()
        return len(queries), lines

    few, lines = shown(2)
    many, _lines = shown(6)
    assert few == many
    assert all(f"“{client_form.name}”" in line for line in lines)
