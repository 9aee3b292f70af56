"""The OpenAPI schema and its docs page: signed-in users only, built once per process."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from crm.schema import CachedSchemaGenerator
from tests.conftest import token_client

pytestmark = pytest.mark.django_db

SCHEMA = "/api/schema/"
DOCS = "/api/docs/"
JSON = "application/vnd.oai.openapi+json"


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
