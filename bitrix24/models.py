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


class Portal(models.Model):
    """A Bitrix24 portal migrated from by ``import_bitrix24``, and how far its migration got.

    ``address`` is the webhook's address up to ``/rest/`` (``https://acme.bitrix24.ru``):
    another webhook of the same portal continues the same migration, and the secret is never
    stored. ``progress`` maps each step (``users``, ``lists``, ..., ``leads``) to
    ``{"cursor": the last Bitrix24 id written, "done": bool}``; a step's cursor is committed
    with the writes of each slice of rows, so a run that stops (interrupted, killed, a
    ``--limit``) continues after the last slice it finished. ``finished_at`` is set when
    every step is done: the next run starts a new pass over everything, which updates what
    the mappings know instead of adding it again.
    """

    address = models.CharField(max_length=255, unique=True)
    progress = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.address


class MappingKind(models.TextChoices):
    USER = "user"
    ENTRY = "entry"  # a reference-list entry or a stage: "<ENTITY_ID>:<STATUS_ID>"
    PIPELINE = "pipeline"
    FIELD = "field"  # a custom field: "<entity>:<UF code>"
    OPTION = "option"  # an option of a custom list field: "<entity>:<UF code>:<item id>"
    COMPANY = "company"
    CONTACT = "contact"
    REQUISITE = "requisite"
    DEAL = "deal"
    LEAD = "lead"


class PortalMapping(models.Model):
    """What a Bitrix24 id of ``portal`` is here: ``bitrix_id`` of ``kind`` -> our ``our_id``
    (a user, entry, pipeline, custom field, option or item). Ids are text because some are
    Bitrix24 codes (``DEAL_STAGE_3:C3:NEW``). A re-run finds its rows here and updates them."""

    portal = models.ForeignKey(Portal, on_delete=models.CASCADE, related_name="mappings")
    kind = models.CharField(max_length=16, choices=MappingKind)
    bitrix_id = models.CharField(max_length=160)
    our_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["portal", "kind", "bitrix_id"], name="portal_mapping_unique"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.bitrix_id} -> {self.our_id}"
