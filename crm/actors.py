"""Who acts, for whom, and through which door: pages, the API, the admin, import job N, web
form N, webhook N, or the system.

Services never take the door as an argument: it is a context variable (``timeline.doors``,
re-exported here), set for the time of a request by ``DoorMiddleware`` and for the time of a
job by ``acting_through``, and every history event records it::

    with acting_through(Door("import", job.pk), on_behalf_of=job.uploader):
        company_create(user=job.uploader, fields=...)   # "by Anna via import #12"

Outside any door (shell, management commands, a Celery task that sets none) it is
``system``. The door is always reset when its request, job or block ends, also when it raises.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from celery import Task
from django.urls import Resolver404, resolve

from people.regional import working_for
from timeline import doors
from timeline.doors import SYSTEM, Acting, Door, DoorKind, current_acting, current_door

__all__ = [
    "Acting",
    "Door",
    "DoorKind",
    "DoorMiddleware",
    "SystemDoorTask",
    "acting_through",
    "current_acting",
    "current_door",
    "door_of_request",
]


@contextmanager
def acting_through(door: Door, on_behalf_of=None) -> Iterator[Acting]:
    """Everything written inside the block comes through ``door``, for ``on_behalf_of``
    (``timeline.doors.acting_through``), and in that person's phone region, time zone and
    language (``people.regional.working_for``): an import reads "01 42 00 00 01" as its
    uploader would have typed it."""
    with doors.acting_through(door, on_behalf_of) as acting, working_for(on_behalf_of):
        yield acting


def door_of_request(request) -> Door:
    """The door a request comes through: ``admin`` for the Django admin, ``api`` for every
    DRF view, ``page`` for anything else. A view that is a door of its own (a public web
    form, a webhook) narrows it with ``acting_through`` around its work."""
    from rest_framework.views import APIView  # here: DRF reads the settings on import

    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return Door(DoorKind.PAGE)
    view = match.func
    if match.app_name == "admin" or hasattr(view, "admin_site") or hasattr(view, "model_admin"):
        return Door(DoorKind.ADMIN)
    view_class = getattr(view, "cls", None)
    if isinstance(view_class, type) and issubclass(view_class, APIView):
        return Door(DoorKind.API)
    return Door(DoorKind.PAGE)


class DoorMiddleware:
    """Sets the door of every request (page, API or admin) for the time of the request, in
    one place, so that no view can forget it; the door before the request is back when it
    ends, whatever happened (``acting_through`` resets it in a ``finally``).

    The signed-in user is the actor (the services' ``user``): a request acts on behalf of
    nobody else. A streaming response's body is produced after the door is reset.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_through(door_of_request(request)):
            return self.get_response(request)


class SystemDoorTask(Task):
    """The project's Celery task base: a task starts at the ``system`` door, also when it runs
    eagerly inside a request (no broker configured), so it never borrows the request's door;
    a job sets its own (``acting_through(Door("import", job.pk), on_behalf_of=...)``)."""

    def __call__(self, *args, **kwargs):
        with acting_through(SYSTEM.door):
            return super().__call__(*args, **kwargs)
