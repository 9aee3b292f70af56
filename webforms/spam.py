"""Telling bots from people without an outside service: a honeypot input people never see,
a signed token from the form page (or ``GET /f/<key>/token``) that says when the form was
opened, so that a post faster than a person fills a form in is spam, and the form's proof of
work when it asks for one (``pow.py``)."""

import time

from django.core import signing
from django.utils.translation import gettext as _

from .pow import pow_reason

HONEYPOT = "_hp"
TOKEN = "_token"  # noqa: S105 - the name of an input, not a secret
IDEMPOTENCY = "_idempotency"
RESERVED_PREFIX = "_"  # names of these inputs: no form field may start so
MIN_FILL_SECONDS = 3
TOKEN_MAX_AGE = 24 * 3600  # a page left open for a day still posts
_SALT = "webforms.token"


def token_for(form, at: float | None = None) -> str:
    """A token for ``form`` issued at ``at`` (now when None), signed with ``SECRET_KEY``."""
    return signing.dumps({"form": form.pk, "at": time.time() if at is None else at}, salt=_SALT)


def spam_reason(form, data: dict) -> str:
    """Why ``data`` posted to ``form`` is spam, or "" when it looks like a person's."""
    if str(data.get(HONEYPOT) or "").strip():
        return _("The hidden field was filled in.")
    try:
        token = signing.loads(str(data.get(TOKEN) or ""), salt=_SALT)
        issued = float(token["at"]) if token.get("form") == form.pk else None
    except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError):
        issued = None
    if issued is None:
        return _("No valid form token.")
    age = time.time() - issued
    if age > TOKEN_MAX_AGE:
        return _("The form token has expired.")
    if age < MIN_FILL_SECONDS:
        return _("Filled in within %.1f seconds.") % max(age, 0)
    return pow_reason(form, data) if form.proof_of_work else ""
