"""The optional proof of work of a form (ALTCHA, v1 challenges): the visitor's browser finds
the number whose SHA-256 with a random salt gives the challenge, which costs it a second or
so and a bot posting thousands of times as many. Challenges are signed with a key derived
from ``SECRET_KEY``, name their form, expire, and are taken once (counted in Redis when it
is there: a solved challenge is not a pass for a flood)."""

import base64
import datetime
import json

import altcha
from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .ratelimit import first_use

FIELD = "_altcha"
EXPIRES = datetime.timedelta(minutes=30)


def _key() -> str:
    return salted_hmac("webforms.altcha", "challenge", algorithm="sha256").hexdigest()


def challenge_for(form) -> dict:
    """A new challenge for ``form``, as ALTCHA widgets and our solver take it."""
    made = altcha.create_challenge_v1(
        hmac_key=_key(), max_number=settings.WEBFORM_POW_MAX_NUMBER,
        expires=timezone.now() + EXPIRES, params={"form": form.key},
    )  # fmt: skip
    return made.to_dict()


def pow_reason(form, data: dict) -> str:
    """Why the proof of work posted with ``data`` does not pass, or "" when it does."""
    payload = data.get(FIELD)
    if not isinstance(payload, str) or not payload:
        return _("No proof of work.")
    verified, _error = altcha.verify_solution_v1(payload, _key(), check_expires=True)
    if not verified:
        return _("The proof of work is wrong or has expired.")
    solved = json.loads(base64.b64decode(payload))  # verified above: a JSON object
    if altcha.extract_params_v1(solved).get("form") != [form.key]:
        return _("The proof of work was made for another form.")
    if not first_use(f"altcha:{solved['signature']}", int(EXPIRES.total_seconds())):
        return _("The proof of work was used before.")
    return ""
