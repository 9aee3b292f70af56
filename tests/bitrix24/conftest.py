import pytest
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
