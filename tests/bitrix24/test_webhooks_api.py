import hashlib

from bitrix24.models import Webhook
from bitrix24.services import webhook_create
from tests.conftest import token_client
from tests.factories import UserFactory
from timeline.doors import door_name


def test_create_shows_the_token_once_and_stores_only_its_hash(user, user_api):
    answer = user_api.post("/api/v1/webhooks/", {"description": "Sync"}, format="json")

    assert answer.status_code == 201
    data = answer.json()
    token = data["token"]
    assert data["user"] == user.pk
    assert data["url"] == f"http://testserver/rest/{user.pk}/{token}/"
    webhook = Webhook.objects.get(pk=data["id"])
    assert webhook.description == "Sync"
    assert webhook.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Webhook.objects.values().get(pk=webhook.pk))
    listed = user_api.get("/api/v1/webhooks/").json()["results"]
    assert [w["id"] for w in listed] == [webhook.pk]
    assert "token" not in listed[0] and token not in str(listed)


def test_the_list_holds_only_the_users_own_webhooks(user, user_api):
    other = UserFactory()
    token_client(other).post("/api/v1/webhooks/", {"description": "Theirs"}, format="json")
    user_api.post("/api/v1/webhooks/", {"description": "Mine"}, format="json")

    listed = user_api.get("/api/v1/webhooks/").json()["results"]

    assert [w["description"] for w in listed] == ["Mine"]


def test_revoke_refuses_later_calls(user_api, user):
    created = user_api.post("/api/v1/webhooks/", {}, format="json").json()
    base = f"/rest/{user.pk}/{created['token']}/"
    assert user_api.get(base + "server.time").status_code == 200

    assert user_api.delete(f"/api/v1/webhooks/{created['id']}/").status_code == 204

    assert Webhook.objects.get(pk=created["id"]).revoked_at is not None
    refused = user_api.get(base + "server.time")
    assert refused.status_code == 401
    assert refused.json()["error"] == "INVALID_CREDENTIALS"
    assert user_api.delete(f"/api/v1/webhooks/{created['id']}/").status_code == 404


def test_another_users_webhook_cannot_be_revoked(user_api):
    other = UserFactory()
    created = token_client(other).post("/api/v1/webhooks/", {}, format="json").json()

    assert user_api.delete(f"/api/v1/webhooks/{created['id']}/").status_code == 404
    assert Webhook.objects.get(pk=created["id"]).revoked_at is None


def test_a_description_that_is_not_a_string_is_refused(user_api):
    answer = user_api.post("/api/v1/webhooks/", {"description": 5}, format="json")

    assert answer.status_code == 400
    assert not Webhook.objects.exists()


def test_anonymous_visitors_cannot_create_webhooks(client, db):
    assert client.post("/api/v1/webhooks/", {}).status_code == 401
    assert not Webhook.objects.exists()


def test_history_names_the_webhook_door(user):
    described, _secret = webhook_create(user=user, description="Nightly sync")
    plain, _secret = webhook_create(user=user)

    assert door_name("webhook", described.pk) == "Nightly sync"
    assert door_name("webhook", plain.pk) == f"webhook #{plain.pk}"
    assert door_name("webhook", plain.pk + 100) is None
