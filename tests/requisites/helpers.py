"""Valid identifiers for tests: check digits computed here, independently of python-stdnum,
and a few well-known real numbers."""

from requisites.models import Preset

# Well-known valid numbers (published registry data or the standards' own examples).
INN_10 = "7707083893"  # Sberbank
INN_12 = "500100732259"
OGRN = "1027700132195"  # Sberbank
OGRNIP = "304500116000157"
KPP = "773601001"
SIREN = "732829320"
SIRET = "73282932000074"
TVA = "FR40303265045"
IBAN_FR = "FR1420041010050500013M02606"
IBAN_DE = "DE89370400440532013000"
BIC_FR = "BNPAFRPP"
BIC_DE = "DEUTDEFF"
BIK = "044525225"
CORRESPONDENT = "30101810400000000225"
EIN = "04-2103594"
UST_IDNR = "DE136695976"
STEUERNUMMER = "181/815/08155"

KNOWN_IBANS = [
    IBAN_FR,
    IBAN_DE,
    "GB82WEST12345698765432",
    "NL91ABNA0417164300",
    "CH9300762011623852957",
]
KNOWN_BICS = [BIC_FR, BIC_DE, "COBADEFFXXX", "ABNANL2A", "UBSWCHZH80A"]
EIN_PREFIXES = ["01", "04", "10", "15", "20", "30", "33", "40", "50", "60", "80", "94"]


def _digits(number: str) -> list[int]:
    return [int(d) for d in number]


def inn_10(base: str) -> str:
    """A 10-digit INN (a legal entity's) from 9 digits."""
    weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    check = sum(w * d for w, d in zip(weights, _digits(base), strict=True)) % 11 % 10
    return f"{base}{check}"


def inn_12(base: str) -> str:
    """A 12-digit INN (a person's) from 10 digits."""
    weights = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
    first = sum(w * d for w, d in zip(weights[1:], _digits(base), strict=True)) % 11 % 10
    number = f"{base}{first}"
    second = sum(w * d for w, d in zip(weights, _digits(number), strict=True)) % 11 % 10
    return f"{number}{second}"


def ogrn(base: str) -> str:
    """A 13-digit OGRN from 12 digits (not starting with 0)."""
    return f"{base}{int(base) % 11 % 10}"


def ogrnip(base: str) -> str:
    """A 15-digit OGRNIP from 14 digits: the check digit is the last digit of the remainder
    modulo 13 (a remainder of 10-12 gives 0-2)."""
    return f"{base}{int(base) % 13 % 10}"


def luhn(base: str) -> str:
    """``base`` with its Luhn check digit (SIREN from 8 digits, SIRET from 13)."""
    total = 0
    for position, digit in enumerate(reversed(_digits(base))):
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return f"{base}{(10 - total % 10) % 10}"


def tva(siren: str) -> str:
    """The French VAT number of a SIREN."""
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def ust_idnr(base: str) -> str:
    """A German VAT number from 8 digits (not starting with 0), ISO 7064 Mod 11,10."""
    product = 10
    for digit in _digits(base):
        total = (digit + product) % 10 or 10
        product = total * 2 % 11
    return f"DE{base}{(11 - product) % 10}"


def ru_account(bik: str, base: str, correspondent: bool = False) -> str:
    """A 20-digit Russian account matching ``bik``: ``base`` is 19 digits, the control digit
    goes ninth (Bank of Russia key: weights 7-1-3 over the BIK part and the account)."""
    prefix = ("0" + bik[4:6]) if correspondent else bik[-3:]
    account = base[:8] + "0" + base[8:]
    weights = ([7, 1, 3] * 8)[:23]
    total = sum(w * d for w, d in zip(weights, _digits(prefix + account), strict=True))
    key = (10 - total % 10) * 7 % 10  # its weight is 3, and 3 * 7 = 21 = 1 (mod 10)
    return account[:8] + str(key) + account[9:]


def preset(name_start: str) -> Preset:
    """A shipped preset by the start of its name (``Организация``, ``ИП``, ``Société``...)."""
    return Preset.objects.get(name__startswith=name_start)
