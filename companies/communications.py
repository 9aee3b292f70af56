"""Phones, e-mails and websites: validation and the normalised form used for search.

Phones are parsed with the phonenumbers library and stored as E.164: a number written without
its country code is read in the region of the person at work (``people.regional``: their
profile's, else the installation's ``PHONE_DEFAULT_REGION``) and must be a valid number there.
E-mails are lower-cased with the domain in its ASCII (IDNA) form; websites lose their scheme,
``www.`` and trailing slash. The same functions normalise what people search for.
"""

import contextlib
import functools
import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from people.regional import current_phone_region

PHONE, EMAIL, WEB = "phone", "email", "web"
KINDS = ("work", "mobile", "home", "other")
MAX_VALUE_LENGTH = 255
MAX_VALUES = 20
PHONE_CHARS = re.compile(r"^[\d\s()+\-./]+$")


def normalize_phone(value: str, region: str | None = None) -> str:
    """E.164 form of a phone number read in ``region`` (default: the current person's,
    ``people.regional``), or a ValidationError that shows how to write one there."""
    region = region or current_phone_region()
    normalized = _e164(value, region)
    if normalized is None:
        raise ValidationError(
            _(
                "“%(value)s” is not a phone number in %(region)s: write it like %(national)s, "
                "or with its country code like %(international)s."
            )
            % {"value": value, "region": region, **phone_examples(region)}
        )
    return normalized


@functools.lru_cache(maxsize=300)
def phone_examples(region: str) -> dict[str, str]:
    """A number of ``region`` written as people there do, and with its country code."""
    example = phonenumbers.example_number(region) or phonenumbers.example_number("US")
    return {
        "national": phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL),
        "international": phonenumbers.format_number(
            example, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        ),
    }


@functools.lru_cache(maxsize=65_536)
def _e164(value: str, region: str) -> str | None:
    """What phonenumbers makes of ``value`` (None: no such number), remembered: parsing
    takes about 20 µs and a file repeats its switchboards and formats.

    A number with its country code (``+33 ...``, ``0049 ...``) needs only be possible; one
    without must be a valid number of ``region``, so that a French ``01 42 00 00 01`` read
    in the US is refused rather than stored as ``+10142000001``."""
    try:
        number = phonenumbers.parse(value, region, keep_raw_input=True)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    national = number.country_code_source == phonenumbers.CountryCodeSource.FROM_DEFAULT_COUNTRY
    if national and not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@functools.lru_cache(maxsize=4096)
def phone_international(e164: str) -> str:
    """How a stored number reads with its country code (``+33 1 42 00 00 01``): what a card
    and a form show of how a typed number was understood."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@functools.lru_cache(maxsize=4096)
def _ascii_domain(domain: str) -> str:
    """The IDNA form of a domain (remembered: the codec takes about 70 µs for a unicode
    domain, and a file repeats its domains); empty when it has none."""
    if domain.isascii():  # what the IDNA codec gives back for it, or an invalid one anyway
        return domain
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return ""


_EMAIL_VALIDATOR = EmailValidator()


def normalize_email(value: str) -> str:
    local, _at, domain = value.strip().rpartition("@")
    normalized = f"{local}@{_ascii_domain(domain)}".lower()
    try:
        _EMAIL_VALIDATOR(normalized)
    except ValidationError:
        raise ValidationError(
            _("“%(value)s” is not an e-mail address.") % {"value": value}
        ) from None
    return normalized


def normalize_website(value: str) -> str:
    url = value.strip()
    if "://" not in url:
        url = "https://" + url
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(_("“%(value)s” is not a web address.") % {"value": value}) from None
    url = re.sub(r"^https?://(www\.)?", "", url, flags=re.IGNORECASE)
    return url.rstrip("/").lower()


NORMALIZERS = {PHONE: normalize_phone, EMAIL: normalize_email, WEB: normalize_website}


def clean_values(channel: str, values) -> list[dict]:
    """Validate a list of ``{"value", "kind"}``; return them with their ``normalized`` form.

    Empty values are dropped and repeated ones (same normalised form) kept once.
    """
    cleaned, seen, errors = [], set(), []
    for item in values or ():
        value = str(item.get("value") or "").strip()
        kind = item.get("kind") or "work"
        if not value:
            continue
        if len(value) > MAX_VALUE_LENGTH:
            errors.append(_("A value has at most %d characters.") % MAX_VALUE_LENGTH)
            continue
        if kind not in KINDS:
            errors.append(
                _("“%(kind)s” is not one of %(kinds)s.") % {"kind": kind, "kinds": ", ".join(KINDS)}
            )
            continue
        try:
            normalized = NORMALIZERS[channel](value)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        if normalized not in seen:
            seen.add(normalized)
            cleaned.append({"value": value, "kind": kind, "normalized": normalized})
    if len(cleaned) > MAX_VALUES:
        errors.append(_("At most %d values.") % MAX_VALUES)
    if errors:
        raise ValidationError(errors)
    return cleaned


def email_search_fragment(text: str) -> str:
    """What to look for among normalised e-mails: lower case, a unicode domain in ASCII."""
    local, at, domain = text.strip().lower().rpartition("@")
    if at and domain and not domain.isascii():
        domain = _ascii_domain(domain) or domain
    return f"{local}{at}{domain}"


def phone_search_digits(text: str) -> list[str]:
    """The digit strings to look for when ``text`` looks like (part of) a phone number.

    A full number in any format matches through its E.164 digits (``8 (912) 345-67-89`` finds
    ``+79123456789`` with region RU); a fragment, or a number written for another region,
    through its own digits. Empty when ``text`` is not phone-like.
    """
    text = text.strip()
    if not PHONE_CHARS.match(text):
        return []
    digits = re.sub(r"\D", "", text)
    if len(digits) < 3:
        return []
    candidates = [digits]
    with contextlib.suppress(ValidationError):
        candidates.insert(0, normalize_phone(text).lstrip("+"))
    return list(dict.fromkeys(candidates))
