"""``/rest/<user id>/<secret>/<method>[.json]``: authenticates the webhook, decodes the
parameters, runs the method as the webhook's user through the door ``webhook N``, and answers
in Bitrix24's envelope. Every refusal is a Bitrix24 error with a non-2xx status, never a
redirect nor an HTML page."""

import time
from datetime import UTC, datetime

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from crm.actors import Door, DoorKind, acting_through

from . import methods
from .errors import RestError, bad_argument
from .general import iso
from .params import decode
from .services import webhook_authenticate

# Headers Bitrix24 sends with every answer: browser scripts call webhooks across origins.
_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "origin, content-type, accept",
}


def _request_params(request) -> dict:
    content_type = request.content_type or ""
    try:
        form = request.POST.lists() if content_type == "multipart/form-data" else None
        pairs = [(name, value) for name, values in form for value in values] if form else None
        return decode(request.META.get("QUERY_STRING", ""), request.body if pairs is None else b"",
                      content_type, pairs)  # fmt: skip
    except RequestDataTooBig:
        raise bad_argument("The request body is too large.") from None
    except TooManyFieldsSent:
        raise bad_argument("Too many parameters.") from None


def _at(moment: float) -> datetime:
    return datetime.fromtimestamp(moment, tz=UTC)


def time_block(started: float, processing: float) -> dict:
    """Bitrix24's ``time``: the six keys b24pysdk requires, and ``operating``, which
    fast_bitrix24 reads to pace itself (nothing is metered here yet, so 0)."""
    finished = time.time()
    return {
        "start": started, "finish": finished, "duration": finished - started,
        "processing": processing,
        "date_start": iso(_at(started)), "date_finish": iso(_at(finished)),
        "operating_reset_at": int(finished) + 600, "operating": 0,
    }  # fmt: skip


def envelope(answer, started: float, processing: float) -> dict:
    body = {"result": answer}
    if isinstance(answer, methods.Page):
        body = {"result": answer.result}
        if answer.next is not None:
            body["next"] = answer.next
        if answer.total is not None:
            body["total"] = answer.total
    body["time"] = time_block(started, processing)
    return body


@csrf_exempt
def call(request, user_id: str, secret: str, name: str):
    started = time.time()
    try:
        webhook = webhook_authenticate(user_id=int(user_id), secret=secret)
        found = methods.find(name)
        params = _request_params(request)
        with acting_through(Door(DoorKind.WEBHOOK, webhook.pk)), transaction.atomic():
            began = time.perf_counter()
            answer = found.func(webhook.user, params)
            processing = time.perf_counter() - began
    except RestError as error:
        return JsonResponse(error.body(), status=error.status, headers=_HEADERS)
    return JsonResponse(envelope(answer, started, processing), headers=_HEADERS)
