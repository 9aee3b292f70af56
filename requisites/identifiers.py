"""Kinds of preset fields and how each is checked, mostly with python-stdnum.

``clean(kind, value)`` returns the value in its compact form (no spaces or dashes) or raises
ValidationError naming what is wrong; a plain ``text`` field is only trimmed.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum import bic as swift_bic
from stdnum import iban
from stdnum.de import handelsregisternummer, stnr
from stdnum.de import vat as de_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren, siret, tva
from stdnum.ru import inn, ogrn
from stdnum.us import ein


class Kind(models.TextChoices):
    TEXT = "text", gettext_lazy("Text")
    RU_INN = "ru_inn", "INN"
    RU_KPP = "ru_kpp", "KPP"
    RU_OGRN = "ru_ogrn", "OGRN"
    RU_OGRNIP = "ru_ogrnip", "OGRNIP"
    FR_SIREN = "fr_siren", "SIREN"
    FR_SIRET = "fr_siret", "SIRET"
    FR_TVA = "fr_tva", "TVA intracommunautaire"
    FR_NAF = "fr_naf", "Code NAF/APE"
    DE_STNR = "de_stnr", "Steuernummer"
    DE_VAT = "de_vat", "USt-IdNr."
    DE_HANDELSREGISTER = "de_handelsregister", "Handelsregister"
    US_EIN = "us_ein", "EIN"


def _ogrn(length: int, modulus: int):
    """OGRN (13 digits, modulus 11) and OGRNIP (15 digits, modulus 13): the last digit is the
    rest of the others divided by the modulus, taken modulo 10 (python-stdnum forgets the
    "modulo 10" for OGRNIP and refuses valid numbers)."""

    def validate(value: str) -> str:
        value = ogrn.compact(value)
        if not value.isdigit() or len(value) != length:
            raise StdnumError(_("it must have %d digits") % length)
        if int(value[:-1]) % modulus % 10 != int(value[-1]):
            raise StdnumError(_("the check digit does not match"))
        return value

    return validate


def _with_prefix(prefix: str, validate):
    """EU VAT numbers keep their country prefix (python-stdnum drops it), so that
    ``DE136695976`` is stored, searched and compared as people write it."""

    def validate_with_prefix(value: str) -> str:
        return prefix + validate(value)

    return validate_with_prefix


def _pattern(regex: str, example: str):
    def validate(value: str) -> str:
        value = re.sub(r"[\s.-]", "", value).upper()
        if not re.fullmatch(regex, value):
            raise StdnumError(_("write it like %s") % example)
        return value

    return validate


VALIDATORS = {
    Kind.RU_INN: inn.validate,
    Kind.RU_KPP: _pattern(r"\d{4}[\dA-Z]{2}\d{3}", "773601001"),
    Kind.RU_OGRN: _ogrn(13, 11),
    Kind.RU_OGRNIP: _ogrn(15, 13),
    Kind.FR_SIREN: siren.validate,
    Kind.FR_SIRET: siret.validate,
    Kind.FR_TVA: _with_prefix("FR", tva.validate),
    Kind.FR_NAF: _pattern(r"\d{4}[A-Z]", "6201Z"),
    Kind.DE_STNR: stnr.validate,
    Kind.DE_VAT: _with_prefix("DE", de_vat.validate),
    Kind.DE_HANDELSREGISTER: handelsregisternummer.validate,
    Kind.US_EIN: ein.validate,
}


def compact_tax_id(value: str) -> str:
    """A tax identifier as stored: without spaces, dots, dashes or slashes, upper case."""
    return re.sub(r"[\s.\-/]", "", value or "").upper()


def clean(kind: str, value: str, label: str) -> str:
    """The compact form of ``value`` for a field of ``kind``, or a ValidationError."""
    value = (value or "").strip()
    if not value or kind == Kind.TEXT:
        return value
    try:
        return VALIDATORS[kind](value)
    except StdnumError as exc:
        reason = str(exc) or _("it is not valid")
        raise ValidationError(
            _("%(label)s “%(value)s” is not valid: %(reason)s.")
            % {"label": label, "value": value, "reason": reason.rstrip(".")}
        ) from None


def clean_iban(value: str) -> str:
    try:
        return iban.validate(value) if value.strip() else ""
    except StdnumError as exc:
        raise ValidationError(
            _("IBAN “%(value)s” is not valid: %(reason)s.")
            % {"value": value, "reason": str(exc).rstrip(".")}
        ) from None


def clean_bic(value: str, country: str) -> str:
    """A Russian BIK (9 digits, starting with 04) or an international SWIFT BIC."""
    value = value.strip().upper()
    if not value:
        return ""
    if country == "RU":
        if not re.fullmatch(r"04\d{7}", value):
            raise ValidationError(_("BIK “%s” is not valid: 9 digits starting with 04.") % value)
        return value
    try:
        return swift_bic.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("BIC “%(value)s” is not valid: %(reason)s.")
            % {"value": value, "reason": str(exc).rstrip(".")}
        ) from None


def clean_ru_account(account: str, bik: str, correspondent: bool = False) -> str:
    """A 20-digit Russian bank account, checked against the BIK (Bank of Russia key)."""
    account = re.sub(r"\s", "", account)
    if not account:
        return ""
    if not re.fullmatch(r"\d{20}", account):
        raise ValidationError(_("Account “%s” is not valid: 20 digits.") % account)
    if bik:
        prefix = ("0" + bik[4:6]) if correspondent else bik[-3:]
        digits = prefix + account
        weights = ([7, 1, 3] * 8)[: len(digits)]
        if sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 10:
            raise ValidationError(
                _("Account “%s” does not match the BIK (wrong control digit).") % account
            )
    return account
