"""Dates, numbers and money in each language: on cards and the kanban, in exports, and what
date inputs and filters accept."""

import datetime

import pytest

from companies import services as client_services
from deals import services as deal_services
from people.services import profile_update
from tests.importexport.helpers import body, csv_rows

pytestmark = pytest.mark.django_db

# Each language's separators are spaces of its own (no-break, narrow no-break): read as spaces.
SPACES = str.maketrans({"\xa0": " ", "\u202f": " "})
SHOWN = {
    "en": ("1,234,567.89 EUR", "12/31/2026"),
    "ru": ("1 234 567,89 €", "31.12.2026"),
    "fr": ("1 234 567,89 €", "31/12/2026"),
}


@pytest.fixture
def deal(admin):
    company = client_services.company_create(user=admin, name="Nordwind")
    return deal_services.deal_create(
        user=admin, title="Forty trucks", company=company, amount="1234567.89", currency="EUR",
        begin_date=datetime.date(2026, 12, 31), close_date=datetime.date(2026, 12, 31),
    )  # fmt: skip


def page(client, url) -> str:
    return client.get(url).content.decode().translate(SPACES)


@pytest.mark.parametrize("language", SHOWN)
def test_a_card_and_the_kanban_write_money_and_dates_in_the_language(
    admin_client, admin, deal, language
):
    profile_update(user=admin, language=language)
    amount, day = SHOWN[language]
    card = page(admin_client, f"/deals/{deal.pk}/")
    assert amount in card and day in card
    kanban = page(admin_client, "/deals/")
    assert kanban.count(amount) >= 2  # the card and its column's total


def test_roubles_have_their_sign_in_russian(admin_client, admin, deal):
    profile_update(user=admin, language="ru")
    deal_services.deal_update(user=admin, deal=deal, currency="RUB")
    assert "1 234 567,89 ₽" in page(admin_client, f"/deals/{deal.pk}/")


EXPORTED = {"en": ("12/31/2026", "1234567.89"), "ru": ("31.12.2026", "1234567,89"),
            "fr": ("31/12/2026", "1234567,89")}  # fmt: skip


@pytest.mark.parametrize("language", EXPORTED)
def test_an_export_writes_dates_and_numbers_in_the_requesters_language(
    admin_client, admin, deal, language
):
    profile_update(user=admin, language=language)
    data = {"query": "", "scope": "filter", "format": "csv", "delimiter": ";", "arranged": "1"}
    for position, code in enumerate(["title", "begin_date", "amount"], 1):
        data[f"place-{code}"], data[f"order-{code}"] = "shown", str(position)
    rows = csv_rows(body(admin_client.post("/exports/new/deal/", data)))
    assert rows[1][-2:] == list(EXPORTED[language]), rows


TYPED = {"en": "12/31/2026", "ru": "31.12.2026", "fr": "31/12/2026"}


@pytest.mark.parametrize("language", TYPED)
def test_a_date_filter_takes_the_languages_format(admin_client, admin, deal, language):
    """The deal closes on 31 December 2026: found from that day, not from a year later."""
    profile_update(user=admin, language=language)
    found = admin_client.get("/deals/list/", {"close_date_after": TYPED[language]})
    assert found.status_code == 200 and "Forty trucks" in found.content.decode()
    later = TYPED[language].replace("2026", "2027")
    assert "Forty trucks" not in page(admin_client, f"/deals/list/?close_date_after={later}")
