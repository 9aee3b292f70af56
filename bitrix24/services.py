"""Creating, revoking and authenticating incoming webhooks."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .errors import invalid_credentials
from .models import Webhook

# last_used_at is written at most this often, so a burst of calls costs one UPDATE, not one each.
LAST_USED_PRECISION = timedelta(minutes=1)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def webhook_create(*, user, description: str = "") -> tuple[Webhook, str]:
    """A new webhook of ``user`` and its secret, which is stored hashed and never shown again."""
    secret = secrets.token_hex(16)  # lowercase hex: safe in a URL path, like Bitrix24's keys
    webhook = Webhook(user=user, description=description, token_hash=_hash(secret))
    webhook.full_clean()
    webhook.save()
    return webhook, secret


def webhook_address(site: str, webhook: Webhook, secret: str) -> str:
    """What a script is given: ``<site>/rest/<user id>/<secret>/`` (``site`` ends in "/")."""
    return f"{site}rest/{webhook.user_id}/{secret}/"


def webhook_revoke(*, webhook: Webhook) -> Webhook:
    """Refuses every later call through ``webhook``; revoking twice keeps the first date."""
    if webhook.revoked_at is None:
        webhook.revoked_at = timezone.now()
        webhook.save(update_fields=["revoked_at"])
    return webhook


def webhook_authenticate(*, user_id: int, secret: str) -> Webhook:
    """The live webhook of an active user ``user_id`` whose secret is ``secret``, with its last
    use noted. Raises the 401 ``INVALID_CREDENTIALS`` RestError for anything else (unknown,
    revoked, another user's id, an inactive user), the same answer for every case."""
    given = _hash(secret)
    candidates = Webhook.objects.filter(
        user_id=user_id, user__is_active=True, revoked_at__isnull=True
    ).select_related("user")
    # Compared in constant time rather than looked up by hash: a user has a handful of webhooks.
    found = [w for w in candidates if hmac.compare_digest(w.token_hash, given)]
    if not found:
        raise invalid_credentials()
    webhook = found[0]
    now = timezone.now()
    if webhook.last_used_at is None or now - webhook.last_used_at >= LAST_USED_PRECISION:
        Webhook.objects.filter(pk=webhook.pk).update(last_used_at=now)
        webhook.last_used_at = now
    return webhook
