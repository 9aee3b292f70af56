"""The field catalogue: values read from text as people and files give them.

Parsers turn what a person types or a file holds into the value a model field takes, or raise
a ``ValidationError`` naming the value: ``parse_date`` / ``parse_datetime`` (ISO, ``31.12.2024``,
``12/31/2024`` or ``31/12/2024`` by the locale's order), ``parse_decimal`` (``1 234,56``,
``1,234.56``, ``1234.56``, no-break spaces between thousands), ``parse_bool`` (yes/no in
English, Russian and French, 1/0, Y/N). An empty text is ``None`` (a blank cell).

``ReferenceCache`` resolves references for one run (an import, a bulk action, a benchmark): a
reference-list entry by its code or its name, a user by id, login or e-mail, each list read in
one query the first time it is needed and kept for the run.
"""

import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Dates

# Locales that write a date with slashes month first (12/31/2024); every other one writes it
# day first (31/12/2024). A bare "en" is Django's default English, formatted as in the US.
MONTH_FIRST_LOCALES = {"en", "en-us"}

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_SLASHED_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?")
_DATE_TIME = re.compile(r"(?P<date>[\d./-]+)(?:(?:\s+|T)(?P<time>[\d:.]+))?")


def _blank(text) -> bool:
    return text is None or (isinstance(text, str) and not text.strip())


def month_first(locale: str | None = None) -> bool:
    """Whether ``locale`` (a language tag such as ``en-us`` or ``fr``; the active language
    when None) writes slashed dates month first."""
    tag = (locale or get_language() or "en").lower().replace("_", "-")
    return tag in MONTH_FIRST_LOCALES


def _date_of(text: str, locale: str | None) -> date:
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = match.groups()
    elif match := _DOTTED_DATE.fullmatch(text):
        day, month, year = match.groups()
    elif match := _SLASHED_DATE.fullmatch(text):
        first, second, year = match.groups()
        month, day = (first, second) if month_first(locale) else (second, first)
    else:
        raise ValueError(text)
    return date(int(year), int(month), int(day))


def _not_a_date(value, locale) -> ValidationError:
    example = "12/31/2024" if month_first(locale) else "31/12/2024"
    return ValidationError(
        _("“%(value)s” is not a date; write it like 2024-12-31, 31.12.2024 or %(example)s.")
        % {"value": value, "example": example},
        code="invalid_date",
    )


def _parts(text, locale) -> tuple[date, time | None]:
    match = _DATE_TIME.fullmatch(text.strip())
    try:
        if match is None:
            raise ValueError(text)
        day = _date_of(match["date"], locale)
        clock = None
        if match["time"]:
            found = _TIME.fullmatch(match["time"])
            if found is None:
                raise ValueError(text)
            hour, minute, second, fraction = found.groups()
            micro = int((fraction or "0").ljust(6, "0"))
            clock = time(int(hour), int(minute), int(second or 0), micro)
    except ValueError:
        raise _not_a_date(text, locale) from None
    return day, clock


def parse_date(text, *, locale: str | None = None) -> date | None:
    """The date written in ``text``: ``2024-12-31``, ``31.12.2024``, ``12/31/2024`` (month
    first for a US locale) or ``31/12/2024`` (day first for every other locale); a time after
    it (``2024-12-31 10:00``, as spreadsheets write dates) is dropped. ``locale``: a
    language tag, the active language when None."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    if _blank(text):
        return None
    text = str(text).strip()
    if _ISO_DATE.match(text) and not _ISO_DATE.fullmatch(text):
        try:  # an ISO moment, perhaps with its offset: its date as written
            return datetime.fromisoformat(text).date()
        except ValueError:
            pass
    return _parts(text, locale)[0]


def parse_datetime(text, *, locale: str | None = None) -> datetime | None:
    """The moment written in ``text``: a date as ``parse_date`` reads it, with an optional
    time (``10:00``, ``10:00:30``, ``T10:00:30.5``); ISO text may end with its offset
    (``2024-12-31T10:00:00+03:00``). Without one, the time is in the current time zone."""
    if isinstance(text, datetime):
        moment = text
    elif _blank(text):
        return None
    else:
        text = str(text).strip()
        try:
            moment = datetime.fromisoformat(text) if _ISO_DATE.match(text) else None
        except ValueError:
            moment = None
        if moment is None:
            day, clock = _parts(text, locale)
            moment = datetime.combine(day, clock or time())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


# Numbers

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")  # thousands: spaces, no-break spaces, '
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*")


def _not_a_number(value) -> ValidationError:
    return ValidationError(
        _("“%(value)s” is not a number; write it like 1234.56, 1 234,56 or 1,234.56.")
        % {"value": value},
        code="invalid_number",
    )


def parse_decimal(text, *, decimal_separator: str | None = None) -> Decimal | None:
    """The number written in ``text``: ``1234.56``, ``1 234,56`` (spaces or no-break spaces
    between thousands), ``1,234.56``, ``1.234,56``, ``-12,5``.

    With both ``.`` and ``,`` the last one is the decimal separator; one of them written
    several times separates thousands; a single one is the decimal separator unless
    ``decimal_separator`` (the file's or the locale's) says it is the other one
    (``parse_decimal("1,234", decimal_separator=".")`` is 1234). Thousands come in groups
    of three digits."""
    if isinstance(text, Decimal):
        return text
    if isinstance(text, int | float) and not isinstance(text, bool):
        return Decimal(str(text))
    if _blank(text):
        return None
    value = str(text)
    compact = _SPACES.sub("", value.strip()).replace("\u2212", "-")  # the minus sign
    if not _NUMBER.fullmatch(compact):
        raise _not_a_number(value)
    sign = "-" if compact[0] == "-" else ""
    compact = compact.lstrip("+-")
    separators = [c for c in compact if c in ".,"]
    if not separators:
        decimal_mark = None
    elif len(set(separators)) == 2:
        decimal_mark = separators[-1]
    elif len(separators) > 1:
        decimal_mark = None  # the one kind written several times: thousands
    elif decimal_separator is not None:
        decimal_mark = separators[0] if separators[0] == decimal_separator else None
    else:
        decimal_mark = separators[0]
    whole, _mark, fraction = compact.rpartition(decimal_mark) if decimal_mark else (compact, "", "")
    groups = re.split(r"[.,]", whole)
    if len(groups) > 1 and (
        not 1 <= len(groups[0]) <= 3 or any(len(group) != 3 for group in groups[1:])
    ):
        raise _not_a_number(value)
    if decimal_mark and decimal_mark in whole:
        raise _not_a_number(value)
    digits = "".join(groups) + (f".{fraction}" if fraction else "")
    try:
        return Decimal(sign + digits)
    except InvalidOperation:  # pragma: no cover - the pattern above lets only digits through
        raise _not_a_number(value) from None


# Yes and no

TRUE_WORDS = {"1", "y", "yes", "true", "да", "д", "oui", "o", "vrai"}
FALSE_WORDS = {"0", "n", "no", "false", "нет", "н", "non", "faux"}


def parse_bool(text) -> bool | None:
    """Yes or no as written: yes/no, y/n, true/false, 1/0, да/нет, oui/non (any case)."""
    if isinstance(text, bool):
        return text
    if _blank(text):
        return None
    word = str(text).strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError(
        _("“%(value)s” is not yes or no; write yes, no, 1 or 0.") % {"value": text},
        code="invalid_bool",
    )


# References


class ReferenceCache:
    """The references of one run, each list read once.

    ``resolve(model, field_name, value)`` turns what a person or a file gives for a foreign
    key of ``model`` into the row it points at:

    * a reference-list entry (a model with a ``code``, such as the company type): by its code
      or by its name, case-insensitive, among the entries the field may point at (its
      ``limit_choices_to``, e.g. the entries of the list ``COMPANY_TYPE``); one query per list
      for the whole run;
    * a user (the responsible person): an active user by id, login or e-mail; one query for
      the whole run.

    Nothing found, or a name that several entries share, is a ``ValidationError`` naming the
    field and the value. The rows found are the ones the item services take as field values
    (they check them in Python, without another query).
    """

    def __init__(self):
        self._lists: dict[tuple, tuple[dict, dict]] = {}
        self._users: dict[str, dict] | None = None
        self.queries = 0

    def resolve(self, model, field_name: str, value):
        """The row ``value`` names for ``model.field_name``; None for an empty value."""
        if _blank(value):
            return None
        field = model._meta.get_field(field_name)
        related = field.related_model
        if related is None:
            raise TypeError(f"{model.__name__}.{field_name} is not a reference")
        if related is get_user_model():
            return self._user(field, value)
        if hasattr(related, "code"):
            return self._entry(field, value)
        raise TypeError(f"{model.__name__}.{field_name}: {related.__name__} is not a reference")

    def _entry(self, field, value):
        by_code, by_name = self._list(field)
        key = str(value).strip().casefold()
        found = by_code.get(key) or by_name.get(key)
        if found is not None and not isinstance(found, list):
            return found
        if found:
            message = _(
                "“%(value)s” names several entries of %(field)s; give one of the codes %(codes)s."
            )
        else:
            message = _(
                "“%(value)s” is not a %(field)s; give the code or the name of one of: %(names)s."
            )
        names = sorted({entry.name for entry in by_code.values()}, key=str.casefold)
        values = {
            "value": value,
            "field": field.verbose_name,
            "names": ", ".join(names[:10]) + (", ..." if len(names) > 10 else ""),
            "codes": ", ".join(entry.code for entry in found or ()),
        }
        raise ValidationError({field.name: message % values}, code="invalid_reference")

    def _list(self, field) -> tuple[dict, dict]:
        limit = field.get_limit_choices_to()
        key = (field.related_model, repr(limit))  # a list is its rows' model and condition
        if key not in self._lists:
            rows = field.related_model._default_manager.complex_filter(limit)
            by_code, by_name = {}, {}
            for entry in rows:
                by_code[entry.code.casefold()] = entry
                by_name.setdefault(entry.name.strip().casefold(), []).append(entry)
            self.queries += 1
            self._lists[key] = (
                by_code,
                {name: found[0] if len(found) == 1 else found for name, found in by_name.items()},
            )
        return self._lists[key]

    def _user(self, field, value):
        if self._users is None:
            by_id, by_login, by_email = {}, {}, {}
            users = get_user_model()._default_manager.filter(is_active=True)
            for user in users:
                by_id[str(user.pk)] = user
                by_login[user.get_username()] = user
                by_login.setdefault(user.get_username().casefold(), user)
                if user.email:
                    by_email.setdefault(user.email.casefold(), []).append(user)
            self.queries += 1
            self._users = {"id": by_id, "login": by_login, "email": by_email}
        text = str(value).strip()
        if "@" in text:
            found = self._users["email"].get(text.casefold(), [])
            user = found[0] if len(found) == 1 else None
        else:
            user = (
                self._users["id"].get(text)
                or self._users["login"].get(text)
                or self._users["login"].get(text.casefold())
            )
        if user is None:
            raise ValidationError(
                {
                    field.name: _(
                        "“%(value)s” is not an active user: give their login, e-mail or number."
                    )
                    % {"value": value}
                },
                code="invalid_reference",
            )
        return user
