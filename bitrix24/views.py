"""``/rest/<user id>/<secret>/<method>[.json]``: authenticates the webhook, decodes the
parameters, runs the method as the webhook's user through the door ``webhook N``, and answers
in Bitrix24's envelope. Every refusal is a Bitrix24 error with a non-2xx status, never a
redirect nor an HTML page."""

import time

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from crm.actors import Door, DoorKind, acting_through

from . import methods, ratelimit
from .envelope import lifted, time_block, timed
from .errors import RestError, bad_argument, query_limit_exceeded
from .params import decode
from .services import webhook_authenticate

# Headers Bitrix24 sends with every answer: browser scripts call webhooks across origins.
_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "origin, content-type, accept",
}


def _request_params(request) -> dict:
    content_type = request.content_type or ""
    query = request.META.get("QUERY_STRING", "")
    try:
        if content_type == "multipart/form-data":
            pairs = [(name, value) for name, values in request.POST.lists() for value in values]
            return decode(query, b"", content_type, pairs)
        return decode(query, request.body, content_type)
    except RequestDataTooBig:
        raise bad_argument("The request body is too large.") from None
    except TooManyFieldsSent:
        raise bad_argument("Too many parameters.") from None


@csrf_exempt
def call(request, user_id: str, secret: str, name: str):
    started = time.time()
    try:
        webhook = webhook_authenticate(user_id=int(user_id), secret=secret)
        if not ratelimit.admitted(webhook):
            raise query_limit_exceeded()
        found = methods.find(name)
        params = _request_params(request)
        with acting_through(Door(DoorKind.WEBHOOK, webhook.pk)), transaction.atomic():
            answer, _began, processing = timed(found.func, webhook.user, params)
    except RestError as error:
        return JsonResponse(error.body(), status=error.status, headers=_HEADERS)
    body = {**lifted(answer), "time": time_block(started, processing)}
    return JsonResponse(body, headers=_HEADERS)
