"""Exact money arithmetic of document lines: Decimal only, rounded per currency.

A line's net is quantity * price less its discount, rounded to the currency's minor unit
(2 decimals for RUB, EUR, USD; none for JPY, KRW...); its tax is the net * its rate, rounded
the same way; gross = net + tax. A document's totals are the sums of its lines' rounded
amounts, so the printed lines always add up to the printed totals.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from crm.validators import validate_currency

# ISO 4217 currencies without minor units; every other active currency has 2 decimals here,
# except those with 3 (refused: amounts are stored with 2 decimals, which cannot hold them).
ZERO_DECIMALS = frozenset(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF",
                           "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"))  # fmt: skip
THREE_DECIMALS = frozenset(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"))
# Funds, metals and the testing code have no minor unit to round to.
NOT_MONEY = frozenset(("XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS",
                       "XUA", "XXX", "BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN"))  # fmt: skip
HUNDRED = Decimal(100)


def minor_units(currency: str) -> int:
    """The decimals amounts in ``currency`` are rounded to; ValidationError for a code that is
    no currency or one documents cannot be written in."""
    if not currency:
        raise ValidationError({"currency": _("Choose a currency.")})
    try:
        validate_currency(currency)
    except ValidationError as error:
        raise ValidationError({"currency": error.messages}) from None
    if currency in THREE_DECIMALS or currency in NOT_MONEY:
        raise ValidationError({"currency": _("Documents cannot be written in “%s”.") % currency})
    return 0 if currency in ZERO_DECIMALS else 2


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Amounts:
    net: Decimal
    tax: Decimal
    gross: Decimal


def line_amounts(quantity: Decimal, price: Decimal, discount: Decimal, tax: Decimal,
                 places: int) -> Amounts:  # fmt: skip
    """One line's net, tax and gross, each rounded to ``places`` decimals."""
    base = quantity * price
    net = _round(base - base * discount / HUNDRED, places)
    tax_amount = _round(net * tax / HUNDRED, places)
    return Amounts(net, tax_amount, net + tax_amount)


def document_amounts(lines: list[Amounts]) -> Amounts:
    return Amounts(
        sum((line.net for line in lines), Decimal(0)),
        sum((line.tax for line in lines), Decimal(0)),
        sum((line.gross for line in lines), Decimal(0)),
    )
