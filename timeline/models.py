"""The history of every CRM item: who did what, when, and which fields changed."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Changed")
    LINKED = "linked", _("Linked")
    UNLINKED = "unlinked", _("Unlinked")
    DELETED = "deleted", _("Deleted")
    COMMENT = "comment", _("Comment")


class EventQuerySet(models.QuerySet):
    def of_item(self, item):
        """Events of one item, newest first."""
        return self.filter(
            item_type=ContentType.objects.get_for_model(item), item_id=item.pk
        ).order_by("-created_at", "-id")


class Event(models.Model):
    """One entry of an item's history.

    ``changes`` lists ``{"field", "label", "old", "new"}`` with values as people read them; a
    change of a link to another CRM item also keeps ``"item"`` (its model label) and
    ``"old_id"``/``"new_id"``, so that each reader sees only the names they may read.
    ``related_*`` names the other item of a link or unlink. Events outlive their item, so a
    deleted item's history stays readable to auditors.
    """

    item_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    item_id = models.PositiveBigIntegerField()
    item_version = models.PositiveIntegerField(null=True)
    kind = models.CharField(max_length=10, choices=EventKind)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True, max_length=20_000)
    related_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, related_name="+"
    )
    related_id = models.PositiveBigIntegerField(null=True)
    related_label = models.CharField(max_length=255, blank=True)
    # A deletion keeps who reached the item (``{"entity", "owner", "opened"}``), so that
    # history can still tell who may read its name once the row is gone.
    reach = models.JSONField(null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["item_type", "item_id", "-created_at"], name="event_item_time")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.item_type.model} {self.item_id}"
