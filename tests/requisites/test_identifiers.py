"""Identifiers of requisites: valid ones come back compact, invalid ones are refused with a
message naming the field."""

import pytest
from django.core.exceptions import ValidationError

from requisites import identifiers
from requisites.identifiers import Kind

from . import helpers as h

VALID = [
    (Kind.RU_INN, h.INN_10, h.INN_10),
    (Kind.RU_INN, "7707 083 893", h.INN_10),
    (Kind.RU_INN, h.INN_12, h.INN_12),
    (Kind.RU_INN, h.inn_10("123456789"), h.inn_10("123456789")),
    (Kind.RU_INN, h.inn_12("1234567890"), h.inn_12("1234567890")),
    (Kind.RU_KPP, "7736 01 001", "773601001"),
    (Kind.RU_KPP, "7736AB001", "7736AB001"),
    (Kind.RU_OGRN, h.OGRN, h.OGRN),
    (Kind.RU_OGRN, h.ogrn("512345678901"), h.ogrn("512345678901")),
    (Kind.RU_OGRNIP, h.OGRNIP, h.OGRNIP),
    (Kind.FR_SIREN, "732 829 320", h.SIREN),
    (Kind.FR_SIRET, "732 829 320 00074", h.SIRET),
    (Kind.FR_SIRET, h.luhn(h.SIREN + "0001"), h.luhn(h.SIREN + "0001")),
    (Kind.FR_TVA, "FR 40 303 265 045", "FR40303265045"),
    (Kind.FR_NAF, "62.01Z", "6201Z"),
    (Kind.DE_STNR, h.STEUERNUMMER, "18181508155"),
    (Kind.DE_VAT, "DE 136 695 976", "DE136695976"),
    (Kind.DE_VAT, h.ust_idnr("12345678"), h.ust_idnr("12345678")),
    (Kind.DE_HANDELSREGISTER, "Aachen HRA 11223", "Aachen HRA 11223"),
    (Kind.US_EIN, h.EIN, "042103594"),
    (Kind.TEXT, "  Anything at all  ", "Anything at all"),
    (Kind.RU_INN, "   ", ""),  # empty is not checked (required is the services' business)
]


@pytest.mark.parametrize(("kind", "value", "compact"), VALID)
def test_valid_identifiers_come_back_compact(kind, value, compact):
    assert identifiers.clean(kind, value, "Label") == compact


INVALID = [
    (Kind.RU_INN, "7707083894", "ИНН"),  # check digit
    (Kind.RU_INN, "500100732258", "ИНН"),  # second check digit of a 12-digit INN
    (Kind.RU_INN, "77070838", "ИНН"),  # length
    (Kind.RU_INN, "77070838AB", "ИНН"),
    (Kind.RU_KPP, "77360100", "КПП"),
    (Kind.RU_OGRN, "1027700132196", "ОГРН"),
    (Kind.RU_OGRN, h.OGRNIP, "ОГРН"),  # an OGRNIP is not an OGRN
    (Kind.RU_OGRNIP, "304500116000158", "ОГРНИП"),
    (Kind.RU_OGRNIP, h.OGRN, "ОГРНИП"),  # an OGRN is not an OGRNIP
    (Kind.FR_SIREN, "732829321", "SIREN"),
    (Kind.FR_SIRET, "73282932000075", "SIRET"),
    (Kind.FR_SIRET, h.SIREN, "SIRET"),
    (Kind.FR_TVA, "FR41303265045", "TVA"),
    (Kind.FR_NAF, "620Z", "NAF"),
    (Kind.DE_STNR, "12345", "Steuernummer"),
    (Kind.DE_VAT, "DE136695977", "USt-IdNr"),
    (Kind.DE_HANDELSREGISTER, "Nowhere HRX 1", "Handelsregister"),
    (Kind.US_EIN, "00-2103594", "EIN"),  # no such IRS campus
    (Kind.US_EIN, "04-21035", "EIN"),
]


@pytest.mark.parametrize(("kind", "value", "label"), INVALID)
def test_invalid_identifiers_are_refused_naming_the_field(kind, value, label):
    with pytest.raises(ValidationError) as refused:
        identifiers.clean(kind, value, label)
    (message,) = refused.value.messages
    assert message.startswith(f"{label} “{value}” is not valid: "), message


def test_every_kind_but_text_has_a_validator():
    assert set(identifiers.VALIDATORS) == set(Kind) - {Kind.TEXT}


def test_compact_tax_id_drops_separators():
    assert identifiers.compact_tax_id(" 7707 083-893 ") == h.INN_10
    assert identifiers.compact_tax_id("de 136.695/976") == "DE136695976"
    assert identifiers.compact_tax_id(None) == ""


# Bank details


@pytest.mark.parametrize(
    ("value", "compact"),
    [(iban, iban) for iban in h.KNOWN_IBANS] + [("fr14 2004 1010 0505 0001 3m02 606", h.IBAN_FR)],
)
def test_valid_iban(value, compact):
    assert identifiers.clean_iban(value) == compact


@pytest.mark.parametrize(
    "value",
    ["FR1420041010050500013M02607", "FR14200410100505", "XX1420041010050500013M02606", "IBAN"],
)
def test_invalid_iban_is_refused_naming_it(value):
    with pytest.raises(ValidationError) as refused:
        identifiers.clean_iban(value)
    assert refused.value.messages[0].startswith(f"IBAN “{value}” is not valid: ")


@pytest.mark.parametrize("value", h.KNOWN_BICS)
def test_valid_bic(value):
    assert identifiers.clean_bic(value.lower(), "FR") == value


@pytest.mark.parametrize("value", ["BNPAFRP", "BNPA1RPP", "044525225"])
def test_invalid_bic_is_refused_naming_it(value):
    with pytest.raises(ValidationError) as refused:
        identifiers.clean_bic(value, "DE")
    assert refused.value.messages[0].startswith(f"BIC “{value}” is not valid: ")


def test_russian_bik():
    assert identifiers.clean_bic(f" {h.BIK} ", "RU") == h.BIK
    for value in ("04452522", "144525225", "DEUTDEFF"):
        with pytest.raises(ValidationError) as refused:
            identifiers.clean_bic(value, "RU")
        assert refused.value.messages[0].startswith(f"BIK “{value}” is not valid")


def test_russian_accounts_are_checked_against_the_bik():
    assert (
        identifiers.clean_ru_account(h.CORRESPONDENT, h.BIK, correspondent=True) == h.CORRESPONDENT
    )
    settlement = h.ru_account(h.BIK, "4070281003800000001")
    assert identifiers.clean_ru_account(settlement[:10] + " " + settlement[10:], h.BIK) == (
        settlement
    )
    # The same digits do not match as the other kind of account, nor for another bank.
    with pytest.raises(ValidationError, match="does not match the BIK"):
        identifiers.clean_ru_account(h.CORRESPONDENT, h.BIK)
    with pytest.raises(ValidationError, match="does not match the BIK"):
        identifiers.clean_ru_account(settlement, "044525974")
    wrong = h.CORRESPONDENT[:-1] + "6"
    with pytest.raises(ValidationError) as refused:
        identifiers.clean_ru_account(wrong, h.BIK, correspondent=True)
    assert refused.value.messages == [
        f"Account “{wrong}” does not match the BIK (wrong control digit)."
    ]
    with pytest.raises(ValidationError, match=r"Account “4070281” is not valid: 20 digits"):
        identifiers.clean_ru_account("4070281", h.BIK)


@pytest.mark.parametrize("base", ["30450011600", "37701234567", "41234567890"])
def test_check_digit_helpers_agree_with_the_validators(base):
    # The helpers the property tests use compute what the validators check.
    for tail in range(100, 200):
        digits = f"{base}{tail}"
        assert identifiers.clean(Kind.RU_INN, h.inn_10(digits[:9]), "ИНН")
        assert identifiers.clean(Kind.RU_INN, h.inn_12(digits[:10]), "ИНН")
        assert identifiers.clean(Kind.RU_OGRN, h.ogrn(digits[:12]), "ОГРН")
        siren = h.luhn(digits[3:11])
        assert identifiers.clean(Kind.FR_SIREN, siren, "SIREN") == siren
        assert identifiers.clean(Kind.FR_SIRET, h.luhn(siren + digits[-4:]), "SIRET")
        assert identifiers.clean(Kind.FR_TVA, h.tva(siren), "TVA") == h.tva(siren)
        assert identifiers.clean(Kind.DE_VAT, h.ust_idnr("1" + digits[-7:]), "USt-IdNr.")
        assert identifiers.clean(Kind.RU_OGRNIP, h.ogrnip(digits), "ОГРНИП")
        bik = "04" + digits[-7:]
        account = h.ru_account(bik, digits + "12345")
        assert identifiers.clean_ru_account(account, bik) == account
        account = h.ru_account(bik, "301" + digits + "00", correspondent=True)
        assert identifiers.clean_ru_account(account, bik, correspondent=True) == account


def test_ogrnip_whose_remainder_is_ten_or_more_is_valid():
    number = h.ogrnip("30450011600005")  # 30450011600005 % 13 == 10: check digit 0
    assert number == "304500116000050"
    assert identifiers.clean(Kind.RU_OGRNIP, number, "ОГРНИП") == number


def test_bank_messages_end_with_one_period():
    for call in (
        lambda: identifiers.clean_iban("FR1420041010050500013M02607"),
        lambda: identifiers.clean_bic("BNPAFRP", "FR"),
    ):
        with pytest.raises(ValidationError) as refused:
            call()
        assert not refused.value.messages[0].endswith(".."), refused.value.messages
