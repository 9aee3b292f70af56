"""Values as people and files give them (``crm.fields``): dates, numbers, yes/no, references."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from companies.models import Company
from crm.fields import ReferenceCache, parse_bool, parse_date, parse_datetime, parse_decimal
from tests.factories import UserFactory

from ..companies.helpers import entry

# Dates

DATE_FORMATS = {
    "iso": (lambda d: d.isoformat(), None),
    "dotted": (lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}", None),
    "dotted, no zeros": (lambda d: f"{d.day}.{d.month}.{d.year}", None),
    "US slashes": (lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}", "en-us"),
    "day-first slashes": (lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}", "fr"),
    "spreadsheet": (lambda d: f"{d.isoformat()} 00:00:00", None),
}
dates = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))


@pytest.mark.parametrize("name", DATE_FORMATS)
@given(day=dates)
def test_dates_read_back_in_every_format(name, day):
    written, locale = DATE_FORMATS[name]
    assert parse_date(written(day), locale=locale) == day


@given(
    moment=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 1, 1)),
    written=st.sampled_from(["iso", "space", "dotted", "US slashes"]),
)
def test_moments_read_back(moment, written):
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000, tzinfo=UTC)
    clock = moment.strftime("%H:%M:%S.%f")
    text = {
        "iso": moment.isoformat(),
        "space": f"{moment.date().isoformat()} {clock}",
        "dotted": f"{moment.day}.{moment.month}.{moment.year} {clock}",
        "US slashes": f"{moment.month}/{moment.day}/{moment.year} {clock}",
    }[written]
    assert parse_datetime(text, locale="en-us") == moment


def test_a_date_with_a_time_and_what_is_no_date():
    assert parse_date("2024-12-31 10:00") == date(2024, 12, 31)
    assert parse_date("2024-12-31T10:00:00+03:00") == date(2024, 12, 31)
    assert parse_datetime("2024-12-31 10:00") == datetime(2024, 12, 31, 10, tzinfo=UTC)
    assert parse_datetime("2024-12-31T10:00:00+03:00").utcoffset() == timedelta(hours=3)
    assert parse_date("  ") is None and parse_date(None) is None
    assert parse_date("12/31/2024", locale="en") == date(2024, 12, 31)
    assert parse_date("31/12/2024", locale="ru") == date(2024, 12, 31)
    for text, locale in (("31/12/2024", "en-us"), ("2024-02-30", None), ("soon", None)):
        with pytest.raises(ValidationError) as info:
            parse_date(text, locale=locale)
        assert f"“{text}” is not a date" in info.value.messages[0]


# Numbers

amounts = st.decimals(
    min_value=Decimal("-9999999999999.9999"),
    max_value=Decimal("9999999999999.9999"),
    places=4,
    allow_nan=False,
    allow_infinity=False,
)


def _grouped(number: Decimal, thousands: str, mark: str) -> str:
    whole, _point, fraction = f"{abs(number):f}".partition(".")
    groups = f"{int(whole):,}".replace(",", thousands)
    return ("-" if number < 0 else "") + groups + (mark + fraction if fraction else "")


NUMBER_FORMATS = {
    "plain": (lambda n: f"{n:f}", None),
    "plain, comma": (lambda n: f"{n:f}".replace(".", ","), ","),
    "US thousands": (lambda n: _grouped(n, ",", "."), "."),
    "spaces and comma": (lambda n: _grouped(n, " ", ","), ","),
    "no-break spaces": (lambda n: _grouped(n, "\u00a0", ","), ","),
    "narrow no-break spaces": (lambda n: _grouped(n, "\u202f", ","), ","),
    "German": (lambda n: _grouped(n, ".", ","), ","),
}


@pytest.mark.parametrize("name", NUMBER_FORMATS)
@given(number=amounts)
def test_numbers_read_back_in_every_format(name, number):
    written, separator = NUMBER_FORMATS[name]
    assert parse_decimal(written(number), decimal_separator=separator) == number


@given(number=amounts.filter(lambda n: n != n.to_integral_value()))
def test_numbers_with_decimals_need_no_hint(number):
    for name in ("plain", "US thousands", "spaces and comma", "German"):
        assert parse_decimal(NUMBER_FORMATS[name][0](number)) == number


def test_the_numbers_of_the_issue_and_what_is_no_number():
    assert parse_decimal("1 234,56") == Decimal("1234.56")
    assert parse_decimal("1,234.56") == Decimal("1234.56")
    assert parse_decimal("1234.56") == Decimal("1234.56")
    assert parse_decimal("1\u00a0234\u00a0567") == Decimal("1234567")
    assert parse_decimal("1,5") == Decimal("1.5")  # one separator: the decimal one
    assert parse_decimal("1,234", decimal_separator=".") == Decimal("1234")
    assert parse_decimal("") is None
    for text in ("1,23,456", "12.5.3", "1.234,5.6", "abc", "1e5", "--1"):
        with pytest.raises(ValidationError) as info:
            parse_decimal(text)
        assert f"“{text}” is not a number" in info.value.messages[0]


def test_yes_and_no_in_several_languages():
    for text in ("yes", "Yes", "Y", "1", "да", "Да", "oui", "true"):
        assert parse_bool(text) is True
    for text in ("no", "N", "0", "нет", "non", "FALSE"):
        assert parse_bool(text) is False
    assert parse_bool("") is None
    with pytest.raises(ValidationError) as info:
        parse_bool("maybe")
    assert "“maybe” is not yes or no" in info.value.messages[0]


# References


@pytest.mark.django_db
def test_a_reference_list_entry_by_code_or_name_in_one_query_per_list():
    references = ReferenceCache()
    customer, partner = entry("COMPANY_TYPE", "CUSTOMER"), entry("COMPANY_TYPE", "PARTNER")
    with CaptureQueriesContext(connection) as captured:
        found = [
            references.resolve(Company, "type", value)
            for value in ("CUSTOMER", "customer", "Client", " CLIENT ", "Partner", "partner")
        ]
        references.resolve(Company, "industry", "IT")
    assert found == [customer] * 4 + [partner] * 2
    assert len(captured.captured_queries) == 2  # the company types, the industries
    assert references.resolve(Company, "type", "") is None
    with pytest.raises(ValidationError) as info:
        references.resolve(Company, "type", "Clientt")
    message = info.value.message_dict["type"][0]
    assert "“Clientt” is not a company type" in message and "Client, Competitor" in message


@pytest.mark.django_db
def test_a_user_by_id_login_or_e_mail_in_one_query():
    anna = UserFactory(username="anna", email="Anna@Example.com")
    UserFactory(username="gone", is_active=False)
    references = ReferenceCache()
    with CaptureQueriesContext(connection) as captured:
        found = [
            references.resolve(Company, "responsible", value)
            for value in (anna.pk, str(anna.pk), "anna", "ANNA", "anna@example.com")
        ]
    assert found == [anna] * 5
    assert len(captured.captured_queries) == 1
    for value in ("gone", "nobody@example.com", 987654):
        with pytest.raises(ValidationError) as info:
            references.resolve(Company, "responsible", value)
        assert f"“{value}” is not an active user" in info.value.message_dict["responsible"][0]
