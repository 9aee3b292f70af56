"""Calling our Bitrix24-compatible REST in tests: through Django's test client, or the
address a real client library is given on the live server."""

from bitrix24.services import webhook_create


def webhook_url(live_server, user) -> str:
    """The address of a new webhook of ``user`` on the live server (for ``Bitrix(url)``)."""
    _webhook, secret = webhook_create(user=user)
    return f"{live_server.url}/rest/{user.pk}/{secret}/"


class Rest:
    """``rest.call("crm.status.list", filter={...})`` as ``user``'s webhook, with a JSON
    body: ``(status code, body)``."""

    def __init__(self, client, user):
        _webhook, secret = webhook_create(user=user)
        self.client, self.base = client, f"/rest/{user.pk}/{secret}/"

    def call(self, method: str, **params) -> tuple[int, dict]:
        answer = self.client.post(self.base + method, params, content_type="application/json")
        return answer.status_code, answer.json()

    def result(self, method: str, **params):
        """The ``result`` of a call that must succeed."""
        status, body = self.call(method, **params)
        assert status == 200 and "error" not in body, body
        return body["result"]

    def refused(self, method: str, status: int, **params) -> dict:
        """The error body of a call that must fail with ``status``, with nothing else."""
        got, body = self.call(method, **params)
        assert got == status and body["error_description"] and "result" not in body, body
        return body
