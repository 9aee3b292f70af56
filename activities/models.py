"""Activities: the calls, meetings, tasks and e-mails of the people who work with a client,
planned on a company, contact, deal or lead and then done, with their result."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accessrights.restriction import AttachedQuerySet
from crm.entities import entity_types

MAX_DURATION = 7 * 24 * 60  # minutes: a week
MAX_TEXT = 20_000  # as a comment (a TextField's max_length binds only forms)


class ActivityKind(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    TASK = "task", _("Task")
    EMAIL = "email", _("E-mail")


def end_of_today() -> datetime:
    """The end of today in the current time zone (the reader's, when one is active)."""
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), time.min))


class ActivityQuerySet(AttachedQuerySet):
    def of_item(self, item):
        """The activities of one CRM item."""
        return self.filter(item_type=ContentType.objects.get_for_model(item), item_id=item.pk)

    def of_items(self, model, ids):
        """The activities of the items ``ids`` of ``model``."""
        return self.filter(item_type=ContentType.objects.get_for_model(model), item_id__in=ids)

    def planned(self):
        """Not done yet, soonest first."""
        return self.filter(done=False).order_by("deadline", "id")

    def completed(self):
        """Done, the latest completed first."""
        return self.filter(done=True).order_by("-completed_at", "-id")


class Activity(models.Model):
    """A call, meeting, task or e-mail on one CRM item (``item``: a company, contact, deal or
    lead, any registered item type), given to a ``responsible`` person.

    ``deadline`` is when it happens (a call's or meeting's date and time, which ``duration``
    may extend) or by when it is to be done (a task's deadline); a planned activity whose
    deadline has passed is overdue. Completing it records who completed it and when, with its
    ``result``. Rights (``AttachedQuerySet``): whoever may read the item reads its
    activities, and a responsible person reads their own; changing one needs the right to
    update its item, or being its responsible person. Written only through
    ``activities.services``, which record each change in the activity's own history.
    """

    kind = models.CharField(
        _("kind"), max_length=10, choices=ActivityKind, default=ActivityKind.CALL
    )
    subject = models.CharField(_("subject"), max_length=255)
    description = models.TextField(
        _("description"), blank=True, max_length=MAX_TEXT, validators=[MaxLengthValidator(MAX_TEXT)]
    )
    deadline = models.DateTimeField(
        _("when"), help_text=_("The time of a call or a meeting, or the deadline of a task.")
    )
    duration = models.PositiveIntegerField(
        _("duration, minutes"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION)],
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    done = models.BooleanField(_("done"), default=False)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    result = models.TextField(
        _("result"), blank=True, max_length=MAX_TEXT, validators=[MaxLengthValidator(MAX_TEXT)]
    )
    item_type = models.ForeignKey(
        ContentType, verbose_name=_("item type"), on_delete=models.CASCADE, related_name="+"
    )
    # No GenericForeignKey: the item is read only through its own restrict() (``activities.items``).
    item_id = models.PositiveBigIntegerField(_("item"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    modified_at = models.DateTimeField(_("modified"), auto_now=True)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modified by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    access_item_type_field = "item_type"
    access_item_id_field = "item_id"
    access_assignee_field = "responsible"

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            # A card's timeline and the next activity of a page of items.
            models.Index(fields=["item_type", "item_id", "done", "deadline"], name="activity_item"),
            # Someone's activities: "My activities" and the top bar's counter.
            models.Index(fields=["responsible", "done", "deadline"], name="activity_responsible"),
            # Everything planned one may read, soonest first (the API's ?done=false&ordering=).
            models.Index(fields=["deadline"], condition=Q(done=False), name="activity_planned"),
        ]

    def __str__(self):
        return self.subject

    @classmethod
    def access_item_models(cls) -> list[type]:
        """The item types an activity can belong to: every registered one."""
        return [entity_type.model for entity_type in entity_types()]

    @property
    def is_overdue(self) -> bool:
        return not self.done and self.deadline < timezone.now()
