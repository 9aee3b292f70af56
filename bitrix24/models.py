from django.conf import settings
from django.db import models


class Webhook(models.Model):
    """An incoming webhook: ``/rest/<user id>/<secret>/<method>`` acts as ``user``.

    Only the SHA-256 of the secret is stored (``token_hash``), so a leaked database does not
    leak working webhook addresses; the secret is shown once, when the webhook is created. A
    revoked webhook is kept (``revoked_at``) so that history naming it still reads.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="webhooks")  # fmt: skip
    description = models.CharField(max_length=255, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return self.description or f"webhook #{self.pk}"
