"""The public side of a web form: its page ``/f/<key>/``, its token, and ``POST
/f/<key>/submit`` (form-encoded or JSON). No session and no cookie: a visitor is nobody.

Answers of the endpoint: 201 ``{"ok": true, "message", "redirect"}`` (also for spam, which
is not told), 400 ``{"ok": false, "errors": {name: [...]}}``, 403 for an ``Origin`` that is
neither ours nor one the form allows (no ``Origin``: a server posting), 404 for an unknown
key, 410 for a deactivated form, 413 for a body over 64 KB, 415 for a body that is neither,
429 with ``Retry-After`` for an address or a form over its rate limit (the token too).
A browser posting the page's own form (``Accept: text/html``) gets a redirect instead: to
the form's redirect URL or its thank-you page, or the page again with the errors.
"""

import json

from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from crm.authentication import client_ip_address

from .languages import in_form_language
from .models import Submission, WebForm
from .page import embed_config, js_literal, page_context
from .pow import challenge_for
from .published import form_at
from .ratelimit import retry_after
from .services import Meta, origin_of, submission_receive
from .spam import IDEMPOTENCY, token_for

MAX_BODY = 64 * 1024
PREFLIGHT_MAX_AGE = 3600


def _refusal(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"ok": False, "detail": detail}, status=status)


def _form(key: str) -> WebForm | JsonResponse:
    form = form_at(key)
    if form is None:
        return _refusal(404, _("There is no such form."))
    if not form.active:
        return _refusal(410, _("This form no longer takes submissions."))
    return form


def _posting(request, key: str):
    """The form at ``key`` and the request's foreign origin, or the refusal to answer (404,
    410, or 403 for an origin the form does not allow) with the origin."""
    form = _form(key)
    origin = _foreign_origin(request)
    if not isinstance(form, JsonResponse) and not _allowed(form, origin):
        form = _refusal(403, _("This site may not post this form."))
    return form, origin


def _limited(request, form: WebForm, origin: str) -> JsonResponse | None:
    """The 429 for a request over a rate limit (with CORS, so that a page can read it)."""
    wait = retry_after(form, client_ip_address(request))
    if wait is None:
        return None
    response = _refusal(429, _("Too many submissions: try again in a moment."))
    response["Retry-After"] = str(wait)
    return _cors(response, origin)


def _foreign_origin(request) -> str:
    """The ``Origin`` of a cross-site request ("" for none, or our own site)."""
    origin = request.headers.get("Origin", "")
    own = origin_of(request.build_absolute_uri("/"))
    return "" if not origin or origin.lower() == own else origin


def _allowed(form: WebForm, origin: str) -> bool:
    return not origin or origin.lower() in form.allowed_origins


def _cors(response, origin: str):
    """The CORS headers for an allowed foreign ``origin``: no credentials, ever."""
    if origin:
        response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin"
    return response


def _body(request) -> bytes | None:
    """The body, or None when it is over the limit (said or read: a client may lie)."""
    try:
        if int(request.headers.get("Content-Length") or 0) > MAX_BODY:
            return None
    except ValueError:
        return None
    # Read at most Content-Length bytes (Django's stream stops there), kept for request.POST.
    body = request.body
    return None if len(body) > MAX_BODY else body


def _data(request, body: bytes) -> dict | JsonResponse:
    content_type = request.content_type or "application/x-www-form-urlencoded"
    if content_type == "application/json":
        try:
            data = json.loads(body or b"{}")
        except (ValueError, RecursionError):  # RecursionError: JSON nested too deeply
            return JsonResponse({"ok": False, "errors": {"_body": [_("The body is not JSON.")]}},
                                status=400)  # fmt: skip
        if not isinstance(data, dict):
            return JsonResponse(
                {"ok": False, "errors": {"_body": [_("Give the fields as a JSON object.")]}},
                status=400,
            )
        return data
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            posted = request.POST  # files of a multipart body are ignored, like unknown fields
        except (ValueError, MultiPartParserError):
            return _refusal(400, _("The body cannot be read."))
        return {name: values[-1] for name, values in posted.lists()}
    return _refusal(415, _("Post the form as form fields or JSON."))


def _wants_html(request) -> bool:
    return "text/html" in request.headers.get("Accept", "")


def _html_answer(request, form: WebForm, submission: Submission):
    if submission.answer_status == 201:
        target = form.redirect_url or reverse("webforms:thanks", args=[form.key])
        return HttpResponseRedirect(target, status=303)
    return render_page(request, form, submission.data, submission.answer["errors"], status=400)


@csrf_exempt
@require_http_methods(["POST", "OPTIONS"])
@in_form_language
def submit(request, key):
    form, origin = _posting(request, key)
    if isinstance(form, JsonResponse):
        return form
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        response["Access-Control-Allow-Methods"] = "POST"
        response["Access-Control-Allow-Headers"] = "Content-Type, Idempotency-Key"
        response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
        return _cors(response, origin)
    if (limited := _limited(request, form, origin)) is not None:
        return limited
    body = _body(request)
    if body is None:
        return _cors(_refusal(413, _("The form is too large.")), origin)
    data = _data(request, body)
    if isinstance(data, JsonResponse):
        return _cors(data, origin)
    idempotency = request.headers.get("Idempotency-Key") or str(data.get(IDEMPOTENCY) or "")
    replayed = Submission.objects.filter(form=form, idempotency_key=idempotency[:100])
    submission = replayed.first() if idempotency else None
    if submission is None:
        meta = Meta(
            origin=request.headers.get("Origin", ""), ip=client_ip_address(request),
            user_agent=request.headers.get("User-Agent", ""), idempotency_key=idempotency,
        )  # fmt: skip
        submission = submission_receive(form, data, meta)
    if submission.answer_status is None:  # the first post with this key is still at work
        return _cors(_refusal(409, _("This submission is being processed.")), origin)
    if _wants_html(request) and not origin:
        return _html_answer(request, form, submission)
    return _cors(JsonResponse(submission.answer, status=submission.answer_status), origin)


def _fresh(request, key: str, make):
    """A GET of something new for each fill of the form (``make(form)``, a JSON object),
    under the form's origin and rate rules."""
    form, origin = _posting(request, key)
    if isinstance(form, JsonResponse):
        return form
    if (limited := _limited(request, form, origin)) is not None:
        return limited
    made = make(form)
    response = JsonResponse(made) if made is not None else _refusal(404, _("Nothing to get."))
    response["Cache-Control"] = "no-store"
    return _cors(response, origin)


@require_GET
@in_form_language
def token(request, key):
    return _fresh(request, key, lambda form: {"token": token_for(form)})


@require_GET
@in_form_language
def challenge(request, key):
    """The proof of work to solve before posting, for a form that asks for one (404 else)."""
    return _fresh(request, key, lambda form: challenge_for(form) if form.proof_of_work else None)


@require_GET
@in_form_language
def embed(request, key):
    """The script of the one-line embed: it draws the form where the snippet is and posts
    it to us across origins (the token and the post follow the form's origin rules)."""
    form = form_at(key)
    if form is None or not form.active:
        return HttpResponse(status=404, content_type="text/javascript")
    context = {"config": js_literal(embed_config(form, request.build_absolute_uri))}
    response = render(request, "webforms/embed.js", context,
                      content_type="text/javascript; charset=utf-8")  # fmt: skip
    response["Cache-Control"] = "public, max-age=300"  # fields change seldom; tokens are fetched
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def render_page(request, form: WebForm, values=None, errors=None, status=200):
    """The form's page (with ``values`` and ``errors`` after a refused post), under a
    Content-Security-Policy that lets it load our own styles and post to us only."""
    context = page_context(form, values or {}, errors or {}, token_for(form))
    if form.proof_of_work:
        context["challenge"] = json.dumps(challenge_for(form))
    response = render(request, "webforms/page.html", context, status=status)
    actions = " ".join(["'self'", origin_of(form.redirect_url)]).strip()
    scripts = "script-src 'self'; " if form.proof_of_work else ""  # the solver, ours
    response["Content-Security-Policy"] = (
        f"default-src 'none'; {scripts}style-src 'self'; img-src 'self'; base-uri 'none'; "
        f"form-action {actions}; frame-ancestors 'none'"
    )
    response["Cache-Control"] = "no-store"  # the page carries a fresh token
    return response


@require_GET
@in_form_language
def page(request, key):
    form = _form(key)
    if isinstance(form, JsonResponse):
        return form
    return render_page(request, form)


@require_GET
@in_form_language
def thanks(request, key):
    form = WebForm.objects.filter(key=key).first()
    if form is None:
        return _refusal(404, _("There is no such form."))
    response = render(request, "webforms/thanks.html", {"form": form})
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'self'"
    return response
