import re

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def validate_currency(code: str) -> None:
    """An ISO 4217 currency code, such as USD, EUR or RUB."""
    if code and (code != code.upper() or pycountry.currencies.get(alpha_3=code) is None):
        raise ValidationError(
            _("“%(code)s” is not an ISO 4217 currency code such as USD, EUR or RUB.")
            % {"code": code}
        )


def validate_country(code: str) -> None:
    """An ISO 3166 alpha-2 country code, such as RU, FR, DE or US."""
    if code and (code != code.upper() or pycountry.countries.get(alpha_2=code) is None):
        raise ValidationError(
            _("“%(code)s” is not an ISO 3166 country code such as RU, FR, DE or US.")
            % {"code": code}
        )


_ID_RE = re.compile(r"[0-9]{1,18}")  # 18 digits always fit the database's 64-bit ids
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")


def parse_id(value) -> int | None:
    """The positive id written in ``value`` (an int, or ASCII digits as in URLs and forms),
    or None when it is not one.

    Not ``str.isdigit()``: it is true for "²" and "٣", which int() refuses or reads as another
    number; and a 20-digit number would overflow the database's integer column.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 2**63 else None
    if isinstance(value, str) and _ID_RE.fullmatch(value):
        return int(value) or None
    return None


def validate_text(value) -> None:
    """Text a database can store: no NUL character (PostgreSQL refuses it in text and JSON)
    and no lone surrogate (it cannot be encoded as UTF-8). Strings inside JSON values (lists
    and dicts, keys included) are checked too."""
    if isinstance(value, dict):
        for key, item in value.items():
            validate_text(key)
            validate_text(item)
    elif isinstance(value, list | tuple):
        for item in value:
            validate_text(item)
    elif isinstance(value, str):
        if "\x00" in value:
            raise ValidationError(
                _("Null characters are not allowed."), code="null_characters_not_allowed"
            )
        surrogate = _SURROGATE_RE.search(value)
        if surrogate:
            raise ValidationError(
                _("Surrogate characters are not allowed: U+%X.") % ord(surrogate.group()),
                code="surrogate_characters_not_allowed",
            )
