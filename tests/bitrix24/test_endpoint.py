import json
from datetime import datetime

import pytest

from bitrix24.models import Webhook
from bitrix24.services import webhook_create, webhook_revoke
from tests.factories import UserFactory

TIME_KEYS = {"start", "finish", "duration", "processing", "date_start", "date_finish"}


def ok(answer) -> dict:
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert "error" not in body
    assert set(body["time"]) >= TIME_KEYS
    datetime.fromisoformat(body["time"]["date_start"])
    return body


def refused(answer, status: int, code: str) -> dict:
    assert answer.status_code == status, answer.content
    body = answer.json()
    assert body["error"] == code
    assert body["error_description"]
    return body


SPELLINGS = ["server.time", "server.time.json", "server.time/", "Server.Time", "SERVER.TIME.json"]


@pytest.mark.parametrize("suffix", SPELLINGS)
def test_server_time_by_every_spelling_of_the_method(client, hook, suffix):
    _webhook, base = hook

    result = ok(client.get(base + suffix))["result"]

    assert datetime.fromisoformat(result).utcoffset() is not None


def test_user_current_by_get_and_post(client, hook, user):
    _webhook, base = hook

    by_get = ok(client.get(base + "user.current?start=0&"))["result"]
    by_post = ok(client.post(base + "user.current.json", {}, content_type="application/json"))

    assert by_get == by_post["result"]
    assert by_get["ID"] == str(user.pk)
    assert (by_get["NAME"], by_get["LAST_NAME"], by_get["EMAIL"]) == (
        user.first_name, user.last_name, user.email,
    )  # fmt: skip
    assert by_get["ACTIVE"] is True


def test_the_call_is_answered_without_cookies_or_csrf(client, hook):
    _webhook, base = hook
    client.handler.enforce_csrf_checks = True

    answer = client.post(base + "profile", "a=1", content_type="application/x-www-form-urlencoded")

    assert ok(answer)["result"]["ADMIN"] is False
    assert "sessionid" not in answer.cookies
    assert answer["Access-Control-Allow-Origin"] == "*"


def _ids(body) -> list[str]:
    return [u["ID"] for u in body["result"]]


def test_user_get_filters_by_id_in_query_form_and_json(client, hook, user):
    _webhook, base = hook
    other, inactive = UserFactory(), UserFactory(is_active=False)
    wanted = [str(other.pk)]

    everyone = ok(client.get(base + "user.get"))
    by_query = ok(client.get(base + f"user.get?FILTER[ID]={other.pk}"))
    by_list = ok(client.get(base + f"user.get?filter[ID][]={other.pk}&filter[ID][]={inactive.pk}"))
    by_form = ok(client.post(base + "user.get", f"filter[ID]={other.pk}",
                             content_type="application/x-www-form-urlencoded"))  # fmt: skip
    by_json = ok(client.post(base + "user.get", {"filter": {"ID": [other.pk]}},
                             content_type="application/json"))  # fmt: skip
    by_top_id = ok(client.post(base + "user.get", {"ID": str(other.pk)},
                               content_type="application/json"))  # fmt: skip
    gone = ok(client.get(base + "user.get?filter[ACTIVE]=N"))

    assert _ids(everyone) == sorted([str(user.pk), str(other.pk)], key=int)
    assert everyone["total"] == 2 and "next" not in everyone
    assert _ids(by_query) == _ids(by_list) == _ids(by_form) == _ids(by_json) == wanted
    assert _ids(by_top_id) == wanted
    assert _ids(gone) == [str(inactive.pk)]


def test_user_get_pages_by_fifty(client, hook):
    _webhook, base = hook
    UserFactory.create_batch(60)

    first = ok(client.get(base + "user.get"))
    second = ok(client.get(base + "user.get?start=50"))

    assert (len(first["result"]), first["total"], first["next"]) == (50, 61, 50)
    assert (len(second["result"]), "next" in second) == (11, False)
    assert not set(_ids(first)) & set(_ids(second))


@pytest.mark.parametrize(
    ("bad", "query"),
    [("a start that is no number", "start=abc"), ("an ID that is no number", "filter[ID]=x"),
     ("an ACTIVE that is no flag", "filter[ACTIVE]=maybe")],
)  # fmt: skip
def test_user_get_refuses_bad_values(client, hook, bad, query):
    _webhook, base = hook

    refused(client.get(base + "user.get?" + query), 400, "ERROR_ARGUMENT")


def test_methods_and_scope(client, hook):
    _webhook, base = hook

    names = ok(client.get(base + "methods"))["result"]
    scopes = ok(client.get(base + "scope"))["result"]
    info = ok(client.get(base + "app.info"))["result"]

    assert {"server.time", "user.current", "user.get", "profile", "methods", "scope",
            "app.info"} <= set(names)  # fmt: skip
    assert "user" in scopes and info["SCOPE"] == scopes


def test_unknown_method(client, hook):
    _webhook, base = hook

    refused(client.get(base + "crm.nothing.list"), 404, "ERROR_METHOD_NOT_FOUND")
    refused(client.post(base + "crm.nothing.list.json", {}, content_type="application/json"),
            404, "ERROR_METHOD_NOT_FOUND")  # fmt: skip


def test_wrong_revoked_or_foreign_credentials_are_refused(client, hook, user):
    webhook, base = hook
    other = UserFactory()
    _theirs, their_secret = webhook_create(user=other)
    _old, old_secret = webhook_create(user=user)
    webhook_revoke(webhook=_old)
    secret = base.split("/")[3]

    for path in [
        f"/rest/{user.pk}/{'0' * 32}/server.time",  # a wrong token
        f"/rest/{user.pk}/{old_secret}/server.time",  # a revoked webhook
        f"/rest/{other.pk}/{secret}/server.time",  # another user's id with this token
        f"/rest/{user.pk}/{their_secret}/server.time",  # another user's token with this id
        f"/rest/999999/{secret}/server.time",  # an unknown user
    ]:
        refused(client.get(path), 401, "INVALID_CREDENTIALS")
    webhook.refresh_from_db()
    assert webhook.last_used_at is None


def test_an_inactive_users_webhook_is_refused(client, hook, user):
    _webhook, base = hook
    user.is_active = False
    user.save()

    refused(client.get(base + "server.time"), 401, "INVALID_CREDENTIALS")


def test_a_call_notes_the_last_use(client, hook):
    webhook, base = hook

    ok(client.get(base + "server.time"))

    webhook.refresh_from_db()
    assert webhook.last_used_at is not None
    assert Webhook.objects.get(pk=webhook.pk).last_used_at == webhook.last_used_at


@pytest.mark.parametrize(
    ("bad", "body", "content_type"),
    [
        ("broken JSON", b'{"filter": ', "application/json"),
        ("a JSON string", b'"filter"', "application/json"),
        ("JSON nested too deep", b'{"a": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
         "application/json"),
        ("a huge JSON array", json.dumps({"filter": {"@ID": list(range(5000))}}).encode(),
         "application/json"),
        ("10,000 form keys", "&".join(f"k{n}=1" for n in range(10_000)).encode(),
         "application/x-www-form-urlencoded"),
        ("an unclosed bracket", b"filter[ID=1", "application/x-www-form-urlencoded"),
        ("10,000 multipart fields", None, "multipart"),
    ],
)  # fmt: skip
def test_malformed_bodies_are_bitrix24_400s(client, hook, bad, body, content_type):
    _webhook, base = hook
    if content_type == "multipart":
        answer = client.post(base + "user.get", {f"k{n}": "1" for n in range(10_000)})
    else:
        answer = client.post(base + "user.get", body, content_type=content_type)

    refused(answer, 400, "ERROR_ARGUMENT")


def test_a_body_over_the_limit_is_a_bitrix24_400(client, hook, settings):
    _webhook, base = hook
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    answer = client.post(base + "user.get", {"x": "y" * 2000}, content_type="application/json")

    refused(answer, 400, "ERROR_ARGUMENT")


def test_multipart_fields_nest_like_the_others(client, hook, user):
    _webhook, base = hook

    body = ok(client.post(base + "user.get", {"filter[ID]": str(user.pk)}))

    assert _ids(body) == [str(user.pk)]


def test_service_refusals_become_bitrix24_errors(db):
    """Bad input: a company without a name (the service's ValidationError) and a user with no
    role adding one (PermissionDenied): a 400 ERROR_ARGUMENT and a 403 ACCESS_DENIED, never
    a 500, whichever method meets them."""
    from bitrix24.errors import RestError, refusals_as_errors
    from companies.services import company_create
    from tests.factories import UserFactory

    nobody = UserFactory()
    for user, name, expected in ((None, "", (400, "ERROR_ARGUMENT")),
                                 (nobody, "Acme", (403, "ACCESS_DENIED"))):  # fmt: skip
        admin = user or UserFactory(is_superuser=True)
        create = refusals_as_errors(
            lambda admin=admin, name=name: company_create(user=admin, name=name)
        )
        with pytest.raises(RestError) as refusal:
            create()
        assert (refusal.value.status, refusal.value.code) == expected
