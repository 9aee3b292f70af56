import pytest

from bitrix24.services import webhook_create


@pytest.fixture
def hook(user):
    """``(webhook, base path)`` of a live webhook of ``user``."""
    webhook, secret = webhook_create(user=user, description="Sync script")
    return webhook, f"/rest/{user.pk}/{secret}/"
