"""The top bar's language switch (``/language/``): one POST, CSRF-protected like every form.

A signed-in user's choice is their profile's language (``people.services.profile_update``),
which wins over the browser's on every later request (``people.regional``); anyone, signed in
or not (the login page), also gets Django's language cookie, which ``LocaleMiddleware`` reads
before ``Accept-Language``."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services


def _back(request) -> str:
    """Where the switch was used (its ``next``), if it is a page of this site; else home."""
    target = request.POST.get("next") or request.headers.get("referer") or "/"
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@require_POST
def language_switch(request):
    code = request.POST.get("language", "")
    if code not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(_("Choose one of the languages offered."))
    if request.user.is_authenticated:
        try:
            services.profile_update(user=request.user, language=code)
        except ValidationError as error:  # another value of the profile no longer passes
            # (a time zone this system lost): refused, naming it
            return HttpResponseBadRequest(" ".join(error.messages))
    response = redirect(_back(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
