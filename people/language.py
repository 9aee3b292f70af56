"""The top bar's language switch (``/language/``): one POST, CSRF-protected like every form,
on Django's ``set_language``.

A signed-in user's choice is their profile's language (``people.services.profile_update``),
which wins over the browser's on every later request (``people.regional``); anyone, signed in
or not (the login page), also gets Django's language cookie, which ``LocaleMiddleware`` reads
before ``Accept-Language``."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from . import services


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
    # Django's own switch: the language cookie, and back to ``next`` (or the referring page)
    # when it is a page of this site, else home.
    return set_language(request)
