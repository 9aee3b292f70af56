"""The history of every CRM item: who did what, when, and which fields changed."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from people.naming import person_label

from .doors import NUMBERED, DoorKind, door_name, door_names


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

    ``door`` and ``door_id`` say through which door the write came (``timeline.doors``: page,
    API, admin, import #N, web form #N, webhook #N, system) and ``on_behalf_of`` for whom the
    door acted (an import job: its uploader); ``author`` is the user whose rights the service
    used. Events written before doors were recorded have an empty ``door``: unknown, and
    history shows only their author, as it did then.
    """

    item_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    item_id = models.PositiveBigIntegerField()
    item_version = models.PositiveIntegerField(null=True)
    kind = models.CharField(max_length=10, choices=EventKind)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    door = models.CharField(max_length=10, choices=DoorKind, blank=True)
    door_id = models.PositiveBigIntegerField(null=True, blank=True)
    on_behalf_of = models.ForeignKey(
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
        verbose_name = _("history event")
        verbose_name_plural = _("history events")
        indexes = [
            models.Index(fields=["item_type", "item_id", "-created_at"], name="event_item_time")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.item_type.model} {self.item_id}"

    def door_label(self) -> str:
        """The door as people read it ("API", "import #12", "web form “Contact us”"); empty
        when unknown."""
        if not self.door:
            return ""
        label = str(DoorKind(self.door).label)
        if self.door in NUMBERED and self.door_id is not None:
            names = self.__dict__.get("door_names")  # read for a whole page by name_doors()
            if names is not None:
                name = names.get((self.door, self.door_id))
            else:
                name = door_name(self.door, self.door_id)
            if name:
                # Translators: a named door, e.g. "web form “Contact us”".
                return pgettext("door", "%(door)s “%(name)s”") % {"door": label, "name": name}
            # Translators: a numbered door, e.g. "import #12", "web form #3".
            return pgettext("door", "%(door)s #%(id)s") % {"door": label, "id": self.door_id}
        return label

    def actor_line(self) -> str:
        """Who wrote this, for whom and through which door: "by Anna via API", "by Anna via
        import #12", "via web form #3", "system". Reads ``author`` and ``on_behalf_of``: select
        them with the events."""
        author = person_label(self.author) if self.author_id else ""
        door = self.door_label()
        if not door:  # recorded before doors were
            return author or gettext("system")
        whom = ""
        if self.on_behalf_of_id and self.on_behalf_of_id != self.author_id:
            whom = person_label(self.on_behalf_of)
        if self.door == DoorKind.SYSTEM and not author and not whom:
            return gettext("system")
        values = {"author": author, "whom": whom, "door": door}
        if author and whom:
            return gettext("by %(author)s for %(whom)s via %(door)s") % values
        if author:
            return gettext("by %(author)s via %(door)s") % values
        if whom:
            return gettext("for %(whom)s via %(door)s") % values
        return gettext("via %(door)s") % values


def name_doors(events) -> None:
    """Read the names of the events' numbered doors (web forms, webhooks) at once, one
    query per kind of door, for their ``door_label``."""
    names = door_names((event.door, event.door_id) for event in events if event.door in NUMBERED)
    for event in events:
        event.door_names = names
