"""A public form's page speaks the form's own languages: to each visitor the first of the
languages their browser asks for that the form has, else the form's first one (every language
of the CRM when the form names none, then ``LANGUAGE_CODE``). A visitor is nobody: no profile,
no cookie."""

from functools import wraps

from django.conf import settings
from django.utils import translation

from crm.request_language import requested_languages

from .models import WebForm
from .published import form_at


def page_language(form: WebForm, request) -> str:
    offered = form.languages or [code for code, _name in settings.LANGUAGES]
    for code in requested_languages(request):
        if code in offered:
            return code
    return form.languages[0] if form.languages else settings.LANGUAGE_CODE


def in_form_language(view):
    """Runs a public view of the form at ``key`` (its page, thanks, submit, token, embed) in
    the page's language; an unknown key is answered as the view answers it."""

    @wraps(view)
    def in_language(request, key, *args, **kwargs):
        form = form_at(key)
        if form is None:
            return view(request, key, *args, **kwargs)
        language = page_language(form, request)
        with translation.override(language):
            response = view(request, key, *args, **kwargs)
        response["Content-Language"] = language
        return response

    return in_language
