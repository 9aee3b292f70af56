"""An amount with its currency, as the reader's language writes money.

Russian and French as CLDR says (through Babel): ``1 234 567,89 ₽``, ``1 234 567,89 €``, the
symbol after the amount, groups of thousands apart. English keeps the amount followed by the
ISO code (``1,234,567.89 USD``): English is read by teams of many countries, where ``$`` names
several dollars. One function for cards, lists, the kanban, the start page and analytics."""

from decimal import Decimal

from babel.numbers import format_currency, get_currency_precision
from django.conf import settings
from django.utils import formats
from django.utils.translation import get_language, to_locale

CODE_AFTER = {"en"}  # languages that write the amount, then the ISO code


def money(amount, currency: str = "") -> str:
    """``amount`` (a number, or its text) with ``currency`` (an ISO 4217 code, or none) in the
    active language."""
    if amount is None or amount == "":
        return ""
    language = get_language() or settings.LANGUAGE_CODE
    number = Decimal(str(amount))
    if not currency or language.split("-")[0] in CODE_AFTER:
        places = get_currency_precision(currency.upper()) if currency else 2  # yen: none
        return f"{formats.number_format(number, places, force_grouping=True)} {currency}".strip()
    return format_currency(number, currency.upper(), locale=to_locale(language))
