"""The field catalogue: values read from text as people and files give them.

Parsers turn what a person types or a file holds into the value a model field takes, or raise
a ``ValidationError`` naming the value: ``parse_date`` / ``parse_datetime`` (ISO, ``31.12.2024``,
``12/31/2024`` or ``31/12/2024`` by the locale's order), ``parse_decimal`` (``1 234,56``,
``1,234.56``, ``1234.56``, no-break spaces between thousands), ``parse_bool`` (yes/no in
English, Russian and French, 1/0, Y/N). An empty text is ``None`` (a blank cell).

``ReferenceCache`` resolves references for one run (an import, a bulk action, a benchmark): a
reference-list entry by its code or its name, a user by id, login or e-mail, each list read in
one query the first time it is needed and kept for the run.

The catalogue itself: each app declares every field of its item types once, as
``CatalogueField`` rows (kind, label, reference list, Bitrix24 code, header aliases, lookups,
parse, render, header matching), with ``register_catalogue(entity_key, fields)`` in its
``ready()``; ``catalogue(entity_key)`` and ``field_for_header(entity_key, header)`` read it.
Import mapping, export columns, web forms and the Bitrix24 facade read the catalogue; custom
fields join it as more rows of the same shape.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from crm.validators import validate_currency
from people.naming import person_label

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

    def user(self, name: str, label, value):
        """An active user by id, login or e-mail for a field that is no model field (a custom
        user field): errors name ``name``."""
        return self._user(_Named(name, label), value)

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


@dataclass(frozen=True)
class _Named:
    """What errors need of a field: its name and its label."""

    name: str
    verbose_name: str | Promise


# The field catalogue

# Bitrix24 writes yes and no in German as ja / nein (main/lang/de/tools.php).
TRUE_WORDS.add("ja")
FALSE_WORDS.add("nein")


class FieldKind(StrEnum):
    """What a catalogue field holds, which decides how it is parsed, rendered and filtered."""

    TEXT = "text"
    DECIMAL = "decimal"  # numbers and amounts of money
    INTEGER = "integer"
    DATE = "date"
    DATETIME = "datetime"
    BOOL = "bool"
    CHOICE = "choice"  # one of the field's fixed ``choices``
    REFERENCE = "reference"  # an entry of a reference list, by code or name
    USER = "user"  # a user, by login, e-mail or id
    CURRENCY = "currency"  # the ISO 4217 code of an amount's currency
    PHONES = "phones"  # the lists of ``{"value", "kind"}`` the item services take
    EMAILS = "emails"
    WEBSITES = "websites"
    ITEM_LINK = "item_link"  # another CRM item (a deal's company, a contact's companies)


LIST_KINDS = {FieldKind.PHONES, FieldKind.EMAILS, FieldKind.WEBSITES}

# The filter lookups each kind offers (FilterSets and the API read them from here).
KIND_LOOKUPS = {
    FieldKind.TEXT: ("exact", "icontains"),
    FieldKind.DECIMAL: ("exact", "gte", "lte"),
    FieldKind.INTEGER: ("exact", "gte", "lte"),
    FieldKind.DATE: ("exact", "gte", "lte"),
    FieldKind.DATETIME: ("gte", "lte"),
    FieldKind.BOOL: ("exact",),
    FieldKind.CHOICE: ("exact", "in"),
    FieldKind.REFERENCE: ("exact", "in"),
    FieldKind.USER: ("exact", "in"),
    FieldKind.CURRENCY: ("exact", "in"),
    FieldKind.PHONES: ("icontains",),
    FieldKind.EMAILS: ("icontains",),
    FieldKind.WEBSITES: ("icontains",),
    FieldKind.ITEM_LINK: ("exact", "in"),
}

_NUMBERED = re.compile(r"\s+#?\d+$")  # "Work phone 2" (Bitrix24's numbered captions)


def normalize_header(header) -> str:
    """A column header as headers are compared: without a BOM, trimmed, inner white space
    collapsed, case-folded."""
    return " ".join(str(header).replace("\ufeff", "").split()).casefold()


@dataclass(frozen=True)
class Alias:
    """A header naming a field; for phones, e-mails and websites also the ``kind`` of value
    the column holds (``Mobile`` -> a phone of kind ``mobile``; empty: the default, work)."""

    header: str
    kind: str = ""


@dataclass(frozen=True)
class CatalogueField:
    """One field of one item type, declared once with what every door needs.

    ``code`` is our field name (the keyword the item services take); ``kind`` a ``FieldKind``;
    ``model`` the item's model when the field is one of its columns: ``label`` then defaults
    to the model field's (lazy) ``verbose_name`` and ``reference_list`` to the list code of
    its ``limit_choices_to``. ``bitrix24`` is Bitrix24's field code (``TITLE``,
    ``COMPANY_TYPE``, ``ASSIGNED_BY_ID``; ``PHONE`` for the phones, whose typed codes
    ``PHONE_WORK``... are aliases with their kind); ``aliases`` the headers that name the field
    in English, Russian, French and German, Bitrix24's export (list) and import (template)
    captions alike, as strings or ``Alias`` rows with the kind they imply. ``required``: the
    item cannot be created without it; ``choices`` the fixed values of a ``CHOICE`` field;
    ``multiple`` an item link to several items; ``lookups`` the filter lookups (by kind when
    not given). ``section``: the key of the card and form section the field sits in by default
    (empty: on neither); ``unit``: the code of the field holding this amount's currency, shown
    with it ("1,234.50 USD"). ``target``: the model a field without a model field refers to (a
    custom link to companies, a custom user field); ``custom``: an admin added it (its value
    lives in the item's ``custom`` column), ``custom_kind`` its kind as the admin chose it
    (``string``, ``url``, ``money``...), ``default`` the value a new item gets.

    What each door does with a field comes from here: ``parse`` (import, the Bitrix24 facade),
    ``render`` (export, history, cards), ``matches`` (import mapping). Custom fields join the
    catalogue as more rows of this same shape (``model`` None, their label, kind, list and
    aliases read from their definitions); nothing that reads the catalogue tells them apart.
    """

    code: str
    kind: FieldKind
    model: type | None = None
    label: str | Promise = ""
    reference_list: str = ""
    bitrix24: str = ""
    aliases: tuple[str | Alias, ...] = ()
    required: bool = False
    choices: tuple[tuple[str, str | Promise], ...] = ()
    multiple: bool = False
    lookups: tuple[str, ...] = ()
    section: str = ""
    unit: str = ""
    target: type | None = None
    custom: bool = False
    custom_kind: str = ""
    default: object = None
    help_text: str = ""

    def __post_init__(self):
        model_field = self.model_field
        if not self.label and model_field is not None:
            object.__setattr__(self, "label", model_field.verbose_name)
        if not self.reference_list and self.kind == FieldKind.REFERENCE and model_field:
            limit = model_field.remote_field.limit_choices_to
            if isinstance(limit, dict):
                object.__setattr__(self, "reference_list", limit.get("list_code", ""))
        if not self.choices and model_field is not None and model_field.choices:
            object.__setattr__(self, "choices", tuple(model_field.choices))
        if not self.lookups:
            object.__setattr__(self, "lookups", KIND_LOOKUPS[self.kind])
        aliases = tuple(a if isinstance(a, Alias) else Alias(a) for a in self.aliases)
        object.__setattr__(self, "aliases", aliases)

    @property
    def stored_by_services(self) -> bool:
        """Whether the item services write this field as a column of the item (phones and
        e-mails go through the item's channels, many-to-many links through their own
        services)."""
        field = self.model_field
        return field is not None and field.concrete and not field.many_to_many

    @property
    def related_model(self):
        """The model a reference or a link points at."""
        field = self.model_field
        return field.related_model if field is not None else self.target

    @property
    def model_field(self):
        """The model field behind this entry (None for phones, e-mails and custom fields)."""
        if self.model is None:
            return None
        try:
            return self.model._meta.get_field(self.code)
        except FieldDoesNotExist:
            return None

    # Headers

    def headers(self) -> list[str]:
        """Every header naming the field: its code, its Bitrix24 code, its aliases."""
        return [self.code, *([self.bitrix24] if self.bitrix24 else ()),
                *(alias.header for alias in self.aliases)]  # fmt: skip

    def _alias_for(self, header) -> Alias | None:
        wanted = normalize_header(header)
        candidates = {wanted, _NUMBERED.sub("", wanted)}
        for alias in (Alias(self.code), Alias(self.bitrix24), *self.aliases, Alias(self.label)):
            if alias.header and normalize_header(alias.header) in candidates:
                return alias
        return None

    def matches(self, header) -> bool:
        """Whether ``header`` names this field: it equals (case-insensitive, trimmed, a
        trailing number such as ``Work phone 2`` ignored) the code, the Bitrix24 code, an alias
        or the label in the active language, as Bitrix24's importer maps columns."""
        return self._alias_for(header) is not None

    def kind_for_header(self, header) -> str:
        """The kind of phone, e-mail or website a column under ``header`` holds ("" when the
        header implies none)."""
        alias = self._alias_for(header)
        return alias.kind if alias else ""

    # Values

    def parse(self, value, references: ReferenceCache | None = None, *, kind: str = "",
              locale: str | None = None):  # fmt: skip
        """The value the item services take for ``value`` as text (a cell, a form) or JSON.

        Dates and numbers in the formats of ``parse_date`` / ``parse_decimal``; references by
        code or name and users by login, e-mail or id through ``references`` (one query per
        list per run); phones, e-mails and websites from a cell of values separated by ``;``
        or ``,`` (Bitrix24's export), each of ``kind`` (the header's: ``kind_for_header``).
        A value already of the right type (a date, a Decimal, a bool, a row, a list of
        ``{"value", "kind"}``) passes through. Empty is None (``[]`` for lists). Raises a
        ``ValidationError`` ``{code: [message naming the value]}``.
        """
        if self.kind in LIST_KINDS:
            return self._parse_list(value, kind)
        if _blank(value):
            return [] if self.multiple else None
        try:
            return self._parse(value, references, locale)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                raise
            raise ValidationError({self.code: error.messages}) from None

    def _parse(self, value, references, locale):
        kind = self.kind
        if kind == FieldKind.TEXT:
            return str(value).strip()
        if kind == FieldKind.DECIMAL:
            return parse_decimal(value)
        if kind == FieldKind.INTEGER:
            number = parse_decimal(value)
            if number != number.to_integral_value():
                raise _not_a_whole_number(value)
            return int(number)
        if kind == FieldKind.DATE:
            return parse_date(value, locale=locale)
        if kind == FieldKind.DATETIME:
            return parse_datetime(value, locale=locale)
        if kind == FieldKind.BOOL:
            return parse_bool(value)
        if kind == FieldKind.CHOICE:
            return self._choice(value)
        if kind == FieldKind.CURRENCY:
            code = str(value).strip().upper()
            validate_currency(code)
            return code
        if kind in (FieldKind.REFERENCE, FieldKind.USER):
            return self._reference(value, references)
        if kind == FieldKind.ITEM_LINK:
            return self._item_link(value)
        raise TypeError(f"no parser for {kind}")  # pragma: no cover - every kind is above

    def _choice(self, value):
        text = str(value).strip().casefold()
        for stored, label in self.choices:
            if text in (str(stored).casefold(), str(label).casefold()):
                return stored
        raise ValidationError(
            _("“%(value)s” is not one of %(choices)s.")
            % {"value": value, "choices": ", ".join(str(label) for _v, label in self.choices)},
            code="invalid_choice",
        )

    def _reference(self, value, references):
        related = self.related_model
        if isinstance(value, related):
            return value
        if references is None:
            raise TypeError(f"{self.code}: a reference needs a ReferenceCache to parse text")
        if self.model_field is None and related is get_user_model():
            return references.user(self.code, self.label, value)
        if hasattr(related, "code") or related is get_user_model():
            return references.resolve(self.model, self.code, value)
        return _named_row(references, self.model_field, value)

    def _item_link(self, value):
        related = self.related_model
        values = list(value) if self.multiple and isinstance(value, list | tuple) else [value]
        for one in values:
            if not isinstance(one, related):
                # Which items a user may link is a question of rights: the door that reads
                # text (the importer) looks the item up within them and hands over the row.
                raise ValidationError(
                    _("“%(value)s” is not a %(item)s found for you.")
                    % {"value": one, "item": related._meta.verbose_name},
                    code="invalid_link",
                )
        return values if self.multiple else values[0]

    def _parse_list(self, value, kind: str) -> list[dict]:
        kind = kind or "work"
        if _blank(value):
            return []
        if isinstance(value, dict):
            value = [value]
        if isinstance(value, str):
            value = _split_cell(value, email=self.kind == FieldKind.EMAILS)
        parsed = []
        for one in value:
            if isinstance(one, dict):
                parsed.append({"value": str(one.get("value") or "").strip(),
                               "kind": one.get("kind") or kind})  # fmt: skip
            elif not _blank(one):
                parsed.append({"value": str(one).strip(), "kind": kind})
        return [one for one in parsed if one["value"]]

    def render(self, value) -> str:
        """``value`` as a reader sees it, in the active language: a reference's or an item's
        name, a user's full name, a date and a number in the locale's format, yes or no."""
        if value is None or value == "" or value == []:
            return ""
        kind = self.kind
        if kind in LIST_KINDS:
            return ", ".join(one["value"] if isinstance(one, dict) else str(one) for one in value)
        if kind == FieldKind.ITEM_LINK and self.multiple:
            return ", ".join(str(one) for one in value)
        if kind == FieldKind.USER:
            return person_label(value)
        if kind == FieldKind.DATETIME:
            return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
        if kind == FieldKind.DATE:
            return formats.date_format(value, "SHORT_DATE_FORMAT")
        if kind in (FieldKind.DECIMAL, FieldKind.INTEGER):
            return formats.number_format(value, force_grouping=True)
        if kind == FieldKind.BOOL:
            return str(_("yes") if value else _("no"))
        if kind == FieldKind.CHOICE:
            return str(dict(self.choices).get(value, value))
        return str(value)


def _not_a_whole_number(value) -> ValidationError:
    return ValidationError(
        _("“%(value)s” is not a whole number.") % {"value": value}, code="invalid_integer"
    )


def _split_cell(text: str, *, email: bool) -> list[str]:
    """A multi-value cell as Bitrix24 splits it: on ``;``, else on ``,``; e-mails finally on
    white space."""
    for separator in (";", ","):
        parts = [part.strip() for part in text.split(separator)]
        if len([part for part in parts if part]) > 1:
            return parts
    return text.split() if email else [text.strip()]


def _named_row(references: ReferenceCache, field, value):
    """A row of a list without codes (a deal's pipeline) by its id or its name, the list read
    once per run and kept on ``references``."""
    rows = references.__dict__.setdefault("_named_rows", {})
    related = field.related_model
    if related not in rows:
        by_key = {}
        for row in related._default_manager.all():
            by_key[str(row.pk)] = row
            by_key.setdefault(str(row).strip().casefold(), row)
        references.queries += 1
        rows[related] = by_key
    found = rows[related].get(str(value).strip().casefold())
    if found is None:
        raise ValidationError(
            {field.name: _("“%(value)s” is not a %(field)s.") % {"value": value,
                                                                  "field": field.verbose_name}},
            code="invalid_reference",
        )  # fmt: skip
    return found


@dataclass(frozen=True)
class Section:
    """A titled group of fields on an item's card and form (``key`` names it in the catalogue
    fields' ``section``)."""

    key: str
    label: str | Promise


def service_fields(fields) -> tuple[str, ...]:
    """The codes of the catalogue ``fields`` the item services write as columns, in order:
    an item type's ``ItemSpec.fields``."""
    return tuple(field.code for field in fields if field.stored_by_services)


_catalogues: dict[str, tuple[CatalogueField, ...]] = {}
_sections: dict[str, tuple[Section, ...]] = {}
_entity_of_model: dict[type, str] = {}
_sources: list[Callable[[str], list[CatalogueField]]] = []
_layout_sources: list[Callable[[str], tuple | None]] = []


def register_catalogue_source(source: Callable[[str], list[CatalogueField]]) -> None:
    """Add a source of more fields, read after the declared ones: ``source(entity_key)`` gives
    that type's extra fields (the custom fields admins add, ``dictionaries``); it caches them
    itself, since the catalogue is read many times per request."""
    if source not in _sources:
        _sources.append(source)


def _extra(entity_key: str) -> list[CatalogueField]:
    return [field for source in _sources for field in source(entity_key)]


def register_catalogue(entity_key: str, fields, sections=()) -> None:
    """Declare the fields of the item type ``entity_key`` (its app does, in ``ready()``), and
    the ``sections`` of its card and form, in their order.

    Refused (``ValueError``) when two fields share a code or a header (a column must name one
    field) or a field names a section not declared. Registering again under a key replaces
    its fields (custom fields are added so)."""
    fields = tuple(fields)
    owners: dict[str, str] = {}
    for field in fields:
        for header in {normalize_header(h) for h in field.headers()}:
            other = owners.setdefault(header, field.code)
            if other != field.code:
                raise ValueError(
                    f"{entity_key}: header {header!r} names both {other!r} and {field.code!r}"
                )
    if len({field.code for field in fields}) != len(fields):
        raise ValueError(f"{entity_key}: a field code is declared twice")
    sections = tuple(sections) or _sections.get(entity_key, ())
    keys = {section.key for section in sections}
    unknown = {field.section for field in fields if field.section and field.section not in keys}
    if unknown:
        raise ValueError(f"{entity_key}: fields name undeclared sections {sorted(unknown)}")
    _catalogues[entity_key] = fields
    _sections[entity_key] = sections
    _entity_of_model.update({field.model: entity_key for field in fields if field.model})


def catalogue(entity_key: str) -> list[CatalogueField]:
    """The fields of the item type ``entity_key``: the declared ones in their order, then the
    custom ones (KeyError for a type no app declared)."""
    return [*_catalogues[entity_key], *_extra(entity_key)]


def catalogue_field(entity_key: str, code: str) -> CatalogueField:
    """The field ``code`` of ``entity_key`` (KeyError when it has none)."""
    for field in catalogue(entity_key):
        if field.code == code:
            return field
    raise KeyError(f"{entity_key} has no field {code!r}")


def field_of_model(model, code: str) -> CatalogueField | None:
    """The catalogue field ``code`` of the item type stored in ``model`` (None: the model
    declared no catalogue, or no such field)."""
    entity_key = _entity_of_model.get(model)
    if entity_key is None:
        return None
    declared = next((f for f in _catalogues[entity_key] if f.code == code), None)
    return declared or next((f for f in _extra(entity_key) if f.code == code), None)


def catalogue_of_model(model, *, custom: bool = True) -> list[CatalogueField]:
    """The catalogue of the item type stored in ``model`` (empty when it declared none);
    without the custom fields when ``custom`` is false (code that runs at import time, before
    any database is there)."""
    entity_key = _entity_of_model.get(model)
    if entity_key is None:
        return []
    return catalogue(entity_key) if custom else list(_catalogues[entity_key])


def register_layout_source(source: Callable[[str], tuple | None]) -> None:
    """Add where an admin's arrangement of a card is read: ``source(entity_key)`` gives
    ``(sections, hidden)`` (``[{"name", "fields": [codes]}]`` and hidden codes) or None for
    the default layout (``dictionaries.card_layouts``)."""
    if source not in _layout_sources:
        _layout_sources.append(source)


def _arrangement(entity_key: str):
    for source in _layout_sources:
        found = source(entity_key)
        if found is not None:
            return found
    return None


def hidden_fields(entity_key: str) -> set[str]:
    """The fields an admin hid from ``entity_key``'s card and form."""
    found = _arrangement(entity_key)
    return set(found[1]) if found else set()


def layout(entity_key: str, *, custom: bool = True) -> list[tuple[Section, list[CatalogueField]]]:
    """The sections of ``entity_key``'s card and form, each with its fields: as an admin
    arranged them (a field placed nowhere, such as one added since, in the last section;
    hidden ones left out), else the catalogue's default (fields in catalogue order, a custom
    field of no known section in the last one). ``custom`` false: the declared fields in
    their default sections only. Sections without a field are left out."""
    sections = _sections[entity_key]
    keys = {section.key for section in sections}
    fields = [*_catalogues[entity_key], *(_extra(entity_key) if custom else ())]
    on_card = [f for f in fields if f.section in keys or f.custom]
    arrangement = _arrangement(entity_key) if custom else None
    if arrangement is not None:
        return _arranged(on_card, fields, *arrangement)
    last = sections[-1].key if sections else ""

    def section_of(field):
        return field.section if field.section in keys else last

    grouped = [(s, [f for f in on_card if section_of(f) == s.key]) for s in sections]
    return [(section, members) for section, members in grouped if members]


def _arranged(on_card, fields, arranged_sections, hidden):
    by_code = {field.code: field for field in fields}
    grouped = [
        (Section(f"arranged-{index}", section["name"]),
         [by_code[code] for code in section["fields"] if code in by_code])
        for index, section in enumerate(arranged_sections)
    ]  # fmt: skip
    placed = {code for section in arranged_sections for code in section["fields"]} | set(hidden)
    if grouped:
        grouped[-1][1].extend(f for f in on_card if f.code not in placed)
    return [(section, members) for section, members in grouped if members]


def field_for_header(entity_key: str, header) -> CatalogueField | None:
    """The field of ``entity_key`` a column under ``header`` holds (None: no field)."""
    for field in catalogue(entity_key):
        if field.matches(header):
            return field
    return None


# Phones, e-mails and websites are no column of the item: the app that keeps them registers how
# to read them for many items at once, so that a door reading thousands of items (an export)
# takes one query per chunk of them instead of one per item.
_list_reader: Callable | None = None


def register_list_reader(reader: Callable[[type, list, list[str], str], dict]) -> None:
    """``reader(model, ids, codes, separator)`` gives, for the items of ``model`` numbered
    ``ids`` (in ascending order), the values of each list field of ``codes`` (``phones``...)
    joined with ``separator`` in their order, as ``{code: {id: text}}``, in a constant number
    of queries."""
    global _list_reader
    _list_reader = reader


def list_texts(model, ids: list, codes: list[str], separator: str = ", ") -> dict[str, dict]:
    """The phones, e-mails or websites (``codes``) of many items, each item's joined with
    ``separator`` (``register_list_reader``); none when no app keeps them."""
    if not codes or not ids or _list_reader is None:
        return {code: {} for code in codes}
    return _list_reader(model, ids, codes, separator)
