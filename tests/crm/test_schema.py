"""The OpenAPI schema and its docs page: signed-in users only, built once per process."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

from crm.schema import CachedSchemaGenerator
from tests.conftest import ROOT, token_client

pytestmark = pytest.mark.django_db

SCHEMA = "/api/schema/"
DOCS = "/api/docs/"
JSON = "application/vnd.oai.openapi+json"
COMMITTED = ROOT / "docs" / "openapi.yaml"
# As in the Makefile's `schema` target: English, valid OpenAPI, no generator warning.
SCHEMA_COMMAND_OPTIONS = ("--lang", "en", "--validate", "--fail-on-warn")


@pytest.fixture
def builds(monkeypatch):
    """How many times drf-spectacular generated a schema (its generator's ``get_schema``,
    wrapped to count the calls and still do the work), from an empty cache."""
    CachedSchemaGenerator.clear()
    calls = []
    original = SchemaGenerator.get_schema

    def counted(self, *args, **kwargs):
        calls.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)
    yield calls
    CachedSchemaGenerator.clear()


def test_anonymous_visitors_get_neither_the_schema_nor_the_docs(client, builds):
    """Bad input: requests without a session or a token, and with a wrong token."""
    assert client.get(SCHEMA, HTTP_ACCEPT=JSON).status_code == 401
    assert client.get(SCHEMA, HTTP_AUTHORIZATION="Token wrong").status_code == 401
    docs = client.get(DOCS)
    assert docs.status_code == 302 and docs.url == f"/login/?next={DOCS}"
    assert builds == []


def test_signed_in_users_get_both(user_client, user):
    assert user_client.get(SCHEMA, HTTP_ACCEPT=JSON).status_code == 200
    assert user_client.get(DOCS).status_code == 200
    assert token_client(user).get(SCHEMA, HTTP_ACCEPT=JSON).status_code == 200


def test_the_schema_is_built_once_and_served_again(user_client, admin_client, builds):
    first = user_client.get(SCHEMA, HTTP_ACCEPT=JSON)
    assert first.status_code == 200 and len(builds) == 1
    again = user_client.get(SCHEMA, HTTP_ACCEPT=JSON)
    assert again.json() == first.json()
    yaml = admin_client.get(SCHEMA)  # another reader, another format: the same schema
    assert yaml.status_code == 200 and b"/api/v1/companies/" in yaml.content
    assert len(builds) == 1


def test_each_language_is_built_once(user_client, builds):
    """Bad input: a language the site does not speak, and an API version that does not exist
    (each would otherwise be one more schema kept in memory)."""
    english = user_client.get(SCHEMA, HTTP_ACCEPT=JSON).json()
    french = user_client.get(SCHEMA, {"lang": "fr"}, HTTP_ACCEPT=JSON).json()
    assert len(builds) == 2
    assert user_client.get(SCHEMA, {"lang": "fr"}, HTTP_ACCEPT=JSON).json() == french
    assert user_client.get(SCHEMA, {"lang": "xx"}, HTTP_ACCEPT=JSON).json() == english
    assert user_client.get(SCHEMA, {"version": "v9"}, HTTP_ACCEPT=JSON).json() == english
    assert len(builds) == 2


def test_changed_settings_rebuild_it(user_client, settings, builds):
    """A test that overrides the settings a schema is built from never gets a stale one."""
    user_client.get(SCHEMA, HTTP_ACCEPT=JSON)
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_PAGINATION_CLASS": None}
    assert user_client.get(SCHEMA, HTTP_ACCEPT=JSON).status_code == 200
    assert len(builds) == 2


def test_the_committed_schema_is_the_one_served(tmp_path):
    """docs/openapi.yaml is the reviewed contract: a change of the API's schema fails here
    until it is regenerated (`make schema`, the same command) and noted in the README."""
    built = tmp_path / "openapi.yaml"
    call_command("spectacular", *SCHEMA_COMMAND_OPTIONS, "--file", str(built))
    assert built.read_text() == COMMITTED.read_text(), (
        "The API's schema changed: review the difference, run `make schema` and add a change "
        "note to the README (API schema changes)."
    )


def test_the_docs_page_works_offline(user_client):
    """Every address the docs page loads is on this site (the sidecar's copy of Swagger UI),
    served here, and Swagger UI's online validator badge is off."""
    page = user_client.get(DOCS).content.decode()
    addresses = re.findall(r'(?:src|href|url)\s*[=:]\s*["\']([^"\']+)["\']', page)
    assert SCHEMA in addresses and len(addresses) >= 4
    assert not [a for a in addresses if not a.startswith("/") or a.startswith("//")]
    assert not re.search(r"https?://", page)
    for address in addresses:
        if address.startswith(settings.STATIC_URL):
            assert finders.find(address.removeprefix(settings.STATIC_URL)), address
    assert '"validatorUrl": null' in page


def test_the_browsable_api_works_offline(user_client):
    """What the browsable API's pages load (scripts, styles, images) is served here; only its
    brand link points to DRF's site."""
    page = user_client.get("/api/v1/companies/", HTTP_ACCEPT="text/html").content.decode()
    loaded = re.findall(r'<(?:script|img)[^>]*\ssrc=["\']([^"\']+)', page)
    loaded += re.findall(r'<link[^>]*\shref=["\']([^"\']+)', page)
    assert len(loaded) >= 3
    assert all(address.startswith(settings.STATIC_URL) for address in loaded), loaded
