"""Phones, e-mails and websites: odd formats normalise, bad ones are refused clearly."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from companies import communications as comms


@pytest.mark.parametrize(
    ("value", "region", "expected"),
    [
        ("(202) 555-0143", "US", "+12025550143"),
        ("202.555.0143", "US", "+12025550143"),
        ("+1 202 555 0143", "RU", "+12025550143"),
        ("8 (912) 345-67-89", "RU", "+79123456789"),
        ("+7 912 345 67 89", "US", "+79123456789"),
        ("+33 1 42 68 53 00", "US", "+33142685300"),
        ("01 42 68 53 00", "FR", "+33142685300"),
        ("0049 30 901820", "DE", "+4930901820"),
    ],
)
def test_phones_in_odd_formats_normalise_to_e164(settings, value, region, expected):
    settings.PHONE_DEFAULT_REGION = region
    assert comms.normalize_phone(value) == expected


@pytest.mark.parametrize("value", ["12", "not a phone", "+999 1234", "<script>", "1" * 40])
def test_things_that_are_not_phones_are_refused(value):
    with pytest.raises(ValidationError, match="not a phone number"):
        comms.normalize_phone(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Info@Example.COM", "info@example.com"),
        ("sales@пример.рф", "sales@xn--e1afmkfd.xn--p1ai"),
        ("anna@münchen.de", "anna@xn--mnchen-3ya.de"),
    ],
)
def test_emails_lower_case_with_ascii_domains(value, expected):
    assert comms.normalize_email(value) == expected


@pytest.mark.parametrize("value", ["no-at-sign", "a@", "@b.c", "a b@c.d", "x@-bad-.com"])
def test_bad_emails_are_refused(value):
    with pytest.raises(ValidationError, match="not an e-mail"):
        comms.normalize_email(value)


def test_websites_lose_scheme_www_and_slash():
    assert comms.normalize_website("https://www.Example.com/") == "example.com"
    assert comms.normalize_website("example.com/shop") == "example.com/shop"
    with pytest.raises(ValidationError):
        comms.normalize_website("javascript:alert(1)")


def test_clean_values_drops_blanks_and_repeats_and_checks_kinds():
    cleaned = comms.clean_values(
        comms.PHONE,
        [
            {"value": "+1 202 555 0143", "kind": "work"},
            {"value": "(202) 555-0143", "kind": "mobile"},
            {"value": "  ", "kind": "work"},
        ],
    )
    assert cleaned == [{"value": "+1 202 555 0143", "kind": "work", "normalized": "+12025550143"}]
    with pytest.raises(ValidationError, match="not one of"):
        comms.clean_values(comms.PHONE, [{"value": "+1 202 555 0143", "kind": "fax"}])
    with pytest.raises(ValidationError, match="at most 255"):
        comms.clean_values(comms.EMAIL, [{"value": "a" * 300 + "@x.com", "kind": "work"}])


def test_phone_search_digits():
    assert comms.phone_search_digits("(202) 555-0143") == ["12025550143", "2025550143"]
    assert comms.phone_search_digits("555 01") == ["55501"]
    assert comms.phone_search_digits("Acme") == []
    assert comms.phone_search_digits("12") == []


@given(st.text(max_size=60))
def test_normalizers_refuse_or_normalise_any_text_idempotently(text):
    for normalize in comms.NORMALIZERS.values():
        try:
            normalized = normalize(text)
        except ValidationError:
            continue
        assert normalize(normalized) == normalized
