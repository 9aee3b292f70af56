"""The API answers in the language its request asks for.

A page is in the user's profile language when they chose one, over the browser's
(``people.regional``): a browser always sends ``Accept-Language``, so it cannot mean a choice. A
client of the API sends the header on purpose, so there it wins over the profile's; without
it, the profile's, then ``LANGUAGE_CODE``. Both the session (``ApiLanguageMiddleware``) and the
token authentication (``crm.authentication``, which learns the user only inside the view) call
``activate_api_language``."""

from collections.abc import Iterator

from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

from timeline.doors import DoorKind, current_door


def requested_languages(request) -> Iterator[str]:
    """Our languages that the request's ``Accept-Language`` names, in its order of preference
    (``ru-RU`` is ``ru``)."""
    for code, _quality in parse_accept_lang_header(request.headers.get("accept-language", "")):
        if code == "*":
            continue
        try:
            yield translation.get_supported_language_variant(code)
        except LookupError:
            continue


def header_language(request) -> str | None:
    """The first of our languages that the request's ``Accept-Language`` names, if any."""
    return next(requested_languages(request), None)


def activate_api_language(request) -> None:
    if current_door().kind != DoorKind.API:
        return
    code = header_language(request)
    if code:
        translation.activate(code)
        request.LANGUAGE_CODE = code


class ApiLanguageMiddleware:
    """After ``people.regional.RegionalMiddleware``: an API request's ``Accept-Language``
    over the signed-in user's profile language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        activate_api_language(request)
        return self.get_response(request)
