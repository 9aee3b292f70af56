"""Malformed input is a clear 4xx (JSON on the API, a page in the site layout on pages) or a
clean success, and changes nothing: never a 500. Run on SQLite and on PostgreSQL (NUL
characters only break PostgreSQL)."""

import base64
import json

import pytest

from accessrights.models import Role
from companies.models import Company, Contact
from crm.models import FilterPreset
from deals.models import Deal
from dictionaries.models import Entry, Pipeline
from requisites.models import Requisite
from tests.requisites import helpers as requisite_helpers
from timeline.models import Event

pytestmark = pytest.mark.django_db


def rows() -> list:
    return [
        list(model.objects.order_by("pk").values_list())
        for model in (Company, Contact, Deal, Entry, Pipeline, Role, Requisite, FilterPreset,
                      Event)
    ]  # fmt: skip


@pytest.fixture
def acme(admin):
    return Company.objects.create(name="Acme", responsible=admin)


@pytest.fixture
def api(admin_api):
    admin_api.raise_request_exception = False  # a 500 is an answer to assert on, not a crash
    return admin_api


@pytest.fixture
def pages(admin_client):
    admin_client.raise_request_exception = False
    return admin_client


def cursor(query: str) -> str:
    return base64.b64encode(query.encode()).decode()


def assert_json_refusal(response, status, key="detail"):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert key in response.json(), response.json()


def assert_layout_page(response, status):
    assert response.status_code == status, response.content
    assert b'class="topbar"' in response.content  # the site layout, not Django's bare page


# The API


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/companies/?cursor={cursor('p=abc')}",  # an id that is no number
        f"/api/v1/companies/?cursor={cursor('p=%C2%B2')}",  # a Unicode digit
        f"/api/v1/companies/?ordering=name&cursor={cursor('p=a%00b')}",  # NUL
        f"/api/v1/companies/?ordering=created&cursor={cursor('p=abc')}",  # not a date
        f"/api/v1/deals/?ordering=amount&cursor={cursor('p=1e999999')}",  # no amount
        "/api/v1/companies/{acme}/timeline/?cursor=" + cursor("p=abc"),
    ],
)
def test_a_tampered_cursor_is_an_invalid_cursor(api, acme, url):
    """Bad input: a cursor whose position was edited (p=abc, ², NUL, 1e999999)."""
    before = rows()
    response = api.get(url.format(acme=acme.pk))
    assert_json_refusal(response, 404)
    assert response.json()["detail"] == "Invalid cursor"
    assert rows() == before


def test_deeply_nested_json_is_a_json_400(api):
    """Bad input: '[' nested 100,000 deep (the JSON parser's RecursionError)."""
    before = rows()
    response = api.generic("POST", "/api/v1/companies/", "[" * 100_000, "application/json")
    assert_json_refusal(response, 400)
    assert "nested too deeply" in response.json()["detail"]
    assert rows() == before


def test_a_10_mb_body_is_a_json_413(api):
    """Bad input: a 10 MB body (over DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    before = rows()
    body = b'{"name": "' + b"x" * 10_000_000 + b'"}'
    response = api.generic("POST", "/api/v1/companies/", body, "application/json")
    assert_json_refusal(response, 413)
    assert rows() == before


@pytest.mark.parametrize(
    "url, data, field",
    [
        ("/api/v1/companies/", {"name": "X", "type": "CUSTOMER\x00"}, "type"),
        ("/api/v1/deals/", {"title": "X", "stage": "NEW\x00"}, "stage"),
        ("/api/v1/companies/{acme}/timeline/", {"text": "a\x00b"}, "text"),
        ("/api/v1/companies/", {"name": "a\ud800b"}, "name"),
        ("/api/v1/dictionaries/SOURCE/entries/", {"name": "X", "code": "A\x00"}, "code"),
    ],
)
def test_nul_and_lone_surrogates_are_a_400(api, acme, url, data, field):
    """Bad input: NUL in reference and stage codes and comments, a lone surrogate in a name."""
    before = rows()
    # json.dumps writes a lone surrogate as an escape (backslash-u-d800), as clients send it
    response = api.generic("POST", url.format(acme=acme.pk), json.dumps(data), "application/json")
    assert_json_refusal(response, 400, field)
    assert len(response.json()[field]) == len(set(response.json()[field]))  # said once
    assert rows() == before


@pytest.mark.parametrize("bad", ["ПАО\x00Сбербанк", "ПАО \ud800"])
def test_nul_and_lone_surrogates_in_requisite_values_are_a_400(api, acme, bad):
    """Bad input: a NUL and a lone surrogate in a requisite's text value."""
    before = rows()
    data = {
        "preset": requisite_helpers.preset("Организация").pk,
        "values": {"full_name": bad, "inn": requisite_helpers.INN_10},
    }
    url = f"/api/v1/companies/{acme.pk}/requisites/"
    response = api.generic("POST", url, json.dumps(data), "application/json")
    assert response.status_code == 400, response.content
    assert rows() == before


def test_a_unicode_digit_in_the_deal_search_is_searched_as_text(api):
    """Bad input: q=² (isdigit() is true for it, int() refuses it). A clean, empty result."""
    assert api.post("/api/v1/deals/", {"title": "Plain"}, format="json").status_code == 201
    response = api.get("/api/v1/deals/?q=²")
    assert response.status_code == 200, response.content
    assert response.json()["results"] == []


# Pages


def test_unicode_digits_and_huge_numbers_in_page_parameters(pages, acme):
    """Bad input: ², 20-digit page numbers, ids and cursors in the query of list, kanban and
    new-deal pages. Clean pages (or a 404 in the layout), nothing written."""
    before = rows()
    for url in (
        "/deals/list/?q=²",
        "/deals/add/?company=²&contact=²&pipeline=²",
        "/companies/?page=99999999999999999999",
        "/companies/?page=9999999999",
        "/contacts/add/?company=²",
    ):
        response = pages.get(url)
        assert response.status_code == 200, (url, response.content[:300])
    assert_layout_page(pages.get("/deals/column/?stage=NEW&before=²"), 404)
    assert rows() == before


@pytest.mark.parametrize("value", ["abc", "²", "99999999999999999999"])
def test_bulk_responsible_that_is_no_user_id_is_refused(pages, acme, value):
    """Bad input: action=responsible&value=abc (and ², a 20-digit number)."""
    before = rows()
    response = pages.post(
        "/companies/bulk/", {"action": "responsible", "value": value, "ids": [acme.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "Choose the new responsible person" in response.content.decode()
    assert rows() == before


def test_bulk_type_with_nul_is_refused(pages, acme):
    """Bad input: action=type&value=CUSTOMER<NUL>."""
    before = rows()
    response = pages.post(
        "/companies/bulk/",
        {"action": "type", "value": "CUSTOMER\x00", "ids": [acme.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Choose the new type" in response.content.decode()
    assert rows() == before


def test_delete_method_on_a_delete_page_is_a_405_page(pages, acme):
    """Bad input: the HTTP DELETE method on a delete page (its delete() is a service hook)."""
    before = rows()
    assert_layout_page(pages.delete(f"/companies/{acme.pk}/delete/"), 405)
    assert rows() == before


@pytest.mark.parametrize(
    "url, data",
    [
        ("/companies/{acme}/comment/", {"text": "a\x00b"}),
        ("/filters/", {"name": "a\x00b", "list_name": "companies", "query": "q=x"}),
        ("/settings/dictionaries/SOURCE/add/", {"name": "a\x00b"}),
        ("/settings/dictionaries/SOURCE/add/", {"name": "X", "code": "A\x00"}),
        ("/settings/rights/roles/add/", {"name": "a\x00b"}),
        ("/settings/pipelines/add/", {"name": "a\x00b"}),
    ],
)
def test_nul_in_page_forms_is_refused_with_a_message(pages, acme, url, data):
    """Bad input: NUL in comment text, saved-filter names, reference-list names and codes,
    role and pipeline names, posted from pages. The page says why; nothing is written."""
    before = rows()
    response = pages.post(url.format(acme=acme.pk), data, follow=True)
    assert response.status_code in (200, 400, 422), response.content[:300]
    text = response.content.decode()
    assert "Null characters are not allowed" in text or "code has 1 to 40" in text, text[-2000:]
    assert rows() == before


def test_an_amount_filter_beyond_any_stored_amount_is_a_400(admin_api, admin_client):
    """Bad input: ?amount_min=1e999999 (a database overflow before) and 20 digits."""
    for value in ("1e999999", "99999999999999999999", "abc"):
        response = admin_api.get(f"/api/v1/deals/?amount_min={value}")
        assert response.status_code == 400, response.content
        assert "amount" in str(response.json())
        assert admin_client.get(f"/deals/list/?amount_min={value}").status_code == 200
    assert admin_api.get("/api/v1/deals/?amount_min=9999999999999.99").status_code == 200


def test_a_responsible_filter_beyond_any_id_is_a_400(admin_api, admin_client):
    """Bad input found by schemathesis: ?responsible=571725351177323282432 (SQLite overflowed
    on it: a 500) and negative ids."""
    for value in ("571725351177323282432", "-5", "²"):
        for url in ("/api/v1/deals/", "/api/v1/leads/", "/api/v1/companies/"):
            response = admin_api.get(f"{url}?responsible={value}")
            assert response.status_code == 400, (url, value, response.content)
        assert admin_client.get(f"/companies/?responsible={value}").status_code == 200
