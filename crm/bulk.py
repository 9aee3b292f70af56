"""Bulk actions of item lists: on the selected items at once, or on every item of a list's
filter as a background job (``bulk.update`` / ``bulk.delete``).

A bulk job finds its list through the bulk view that started it, named by its dotted path in
the job's parameters (``"view": "companies.views.CompanyBulkView"``): the view's ``model``,
``filterset_class`` and ``actions`` are all a worker needs to rebuild the filtered list and
change it. That path is written by the view itself, never taken from a request.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.module_loading import import_string

from .actors import Door, DoorKind, acting_through
from .filterspecs import queryset_for
from .jobs import error_text, job_start, run_in_chunks
from .models import Job

# What a service raises for one item it refuses; anything else stops the job.
REFUSALS = (ValidationError, PermissionDenied)


def _no_fields(value) -> dict:
    return {}


@dataclass(frozen=True)
class BulkAction:
    """One bulk action of a list.

    ``right`` is what it needs on each item (``update`` or ``delete``; a job of it is of kind
    ``bulk.<right>``). ``fields(value)`` turns the submitted value into the service's
    arguments and raises ValidationError for a value that is no valid choice.
    ``service(user=, ids=, **fields)`` applies them to the items of ``ids``, all of them or
    none (ValidationError or PermissionDenied otherwise), and returns how many there were.
    """

    right: str
    service: Callable[..., int]
    fields: Callable[[str | None], dict] = _no_fields

    def apply(self, user, ids, fields: dict) -> int:
        return self.service(user=user, ids=ids, **fields)


def bulk_job_start(*, user, view, action: str, value, spec: dict, back: str = "") -> Job:
    """Start the bulk ``action`` of ``view`` (an ``ItemBulkView`` class) with ``value`` on
    every item of the list that the filter ``spec`` selects (``crm.filterspecs``). A value
    that is no valid choice is a ValidationError now, not a failure of every item later.
    ``back`` is the list's address, for the job's page."""
    bulk_action = view.actions[action]
    bulk_action.fields(value)
    parameters = {
        "view": f"{view.__module__}.{view.__qualname__}",
        "action": action,
        "value": value,
        "filter": spec,
        "back": back,
    }
    return job_start(user=user, kind=f"bulk.{bulk_action.right}", parameters=parameters)


def bulk_job_run(job: Job) -> None:
    """Apply a bulk job's action to the items of its filtered list that its requester may
    change (``queryset_for()`` with the action's right), chunk by chunk, through the action's
    service. An item the service refuses is counted as failed, with the reason; the others of
    its chunk are done."""
    parameters = job.parameters
    view = import_string(parameters["view"])
    action = view.actions[parameters["action"]]
    fields = action.fields(parameters["value"])
    items = queryset_for(
        view.model, view.filterset_class, job.requester, action.right, parameters["filter"]
    )
    # History says the requester did it, through this job ("by Anna via background job #7").
    with acting_through(Door(DoorKind.JOB, job.pk), on_behalf_of=job.requester):
        run_in_chunks(job, items.only("pk"), partial(_apply, action, job.requester, fields))


def _apply(action: BulkAction, user, fields: dict, rows) -> dict[int, str]:
    """Apply ``action`` to ``rows`` at once; when the service refuses, item by item, to find
    which it refuses and why."""
    ids = [row.pk for row in rows]
    try:
        with transaction.atomic():
            action.apply(user, ids, fields)
        return {}
    except REFUSALS:
        pass
    failures = {}
    for pk in ids:
        try:
            with transaction.atomic():
                action.apply(user, [pk], fields)
        except REFUSALS as error:
            failures[pk] = error_text(error)
    return failures
