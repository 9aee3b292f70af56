import ssl

import pytest
import trustme
from django.db import connections
from django.test.testcases import LiveServerThread, _StaticFilesHandler
from fast_bitrix24 import Bitrix

from bitrix24.services import webhook_create

from .rest import Rest, webhook_url


@pytest.fixture
def hook(user):
    """``(webhook, base path)`` of a live webhook of ``user``."""
    webhook, secret = webhook_create(user=user, description="Sync script")
    return webhook, f"/rest/{user.pk}/{secret}/"


@pytest.fixture
def admin_bitrix(live_server, live_server_db, admin):
    """fast-bitrix24 on the live server, through a webhook of a superuser."""
    return Bitrix(webhook_url(live_server, admin), verbose=False)


@pytest.fixture
def admin_rest(client, admin):
    """``Rest`` calls through a webhook of a superuser, with Django's test client."""
    return Rest(client, admin)


class _TLSServerThread(LiveServerThread):
    """Django's live server, speaking TLS with ``context``'s certificate."""

    context: ssl.SSLContext

    def _create_server(self, connections_override=None):
        server = super()._create_server(connections_override)
        server.socket = self.context.wrap_socket(server.socket, server_side=True)
        return server


@pytest.fixture
def tls_server(live_server_db, settings, tmp_path, monkeypatch):
    """``host:port`` of a live server over HTTPS, its certificate made here (trustme) and
    trusted by ``requests`` (``REQUESTS_CA_BUNDLE``), as b24pysdk only speaks HTTPS."""
    authority = trustme.CA()
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(context)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    shared = {c.alias: c for c in connections.all()
              if c.vendor == "sqlite" and c.is_in_memory_db()}  # fmt: skip
    thread = _TLSServerThread("localhost", _StaticFilesHandler, connections_override=shared)
    thread.context, thread.daemon = context, True
    for connection in shared.values():
        connection.inc_thread_sharing()
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"localhost:{thread.port}"
    thread.terminate()
    for connection in shared.values():
        connection.dec_thread_sharing()
