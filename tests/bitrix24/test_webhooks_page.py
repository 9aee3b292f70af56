"""/profile/webhooks/: one's own webhooks, a new one's address shown once and working at
once, revoking it refusing it; nobody else's is seen or revoked."""

import re

from bitrix24.models import Webhook
from bitrix24.services import webhook_create
from tests.factories import UserFactory


def test_signing_in_is_needed(client):
    assert client.get("/profile/webhooks/").status_code == 302


def test_a_new_webhook_is_shown_once_and_works(user_client, user, client):
    page = user_client.post("/profile/webhooks/", {"description": "<b>Sync</b> script"})
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    html = page.content.decode()
    url = re.search(r'value="(http://testserver/rest/\d+/[0-9a-f]{32}/)"', html).group(1)
    assert "&lt;b&gt;Sync&lt;/b&gt;" in html and "<b>Sync</b>" not in html
    answer = client.get(url.removeprefix("http://testserver") + "user.current")
    assert answer.status_code == 200 and answer.json()["result"]["ID"] == str(user.pk)
    again = user_client.get("/profile/webhooks/").content.decode()
    assert url.rsplit("/", 2)[-2] not in again  # never shown again: only its hash is kept


def test_revoking_refuses_the_address(user_client, user, client):
    webhook, secret = webhook_create(user=user, description="Old")
    assert client.get(f"/rest/{user.pk}/{secret}/server.time").status_code == 200
    response = user_client.post(f"/profile/webhooks/{webhook.pk}/revoke/")
    assert response.status_code == 302
    assert client.get(f"/rest/{user.pk}/{secret}/server.time").status_code == 401


def test_another_users_webhooks_are_neither_seen_nor_revoked(user_client):
    # Bad input: revoking someone else's webhook by its id.
    other, _secret = webhook_create(user=UserFactory(), description="Theirs")
    assert "Theirs" not in user_client.get("/profile/webhooks/").content.decode()
    assert user_client.post(f"/profile/webhooks/{other.pk}/revoke/").status_code == 404
    assert Webhook.objects.get(pk=other.pk).revoked_at is None


def test_a_description_too_long_is_refused(user_client):
    # Bad input: 256 characters where 255 fit.
    response = user_client.post("/profile/webhooks/", {"description": "x" * 256})
    assert response.status_code == 400
    assert not Webhook.objects.exists()
