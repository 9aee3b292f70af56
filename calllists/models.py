"""Call lists: clients to call for one purpose, and what each call gave (seed 003: "after
the calls set a status for each call", the statuses of the CALL_LIST reference list)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from dictionaries.models import Entry

CALL_STATUS = "CALL_LIST"
STOP_CALLING = "STOP_CALLING"


class CallListQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The call lists a user works on or made; every list for a superuser."""
        if not getattr(user, "is_active", False):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(models.Q(responsible=user) | models.Q(created_by=user))


class CallList(models.Model):
    name = models.CharField(_("name"), max_length=255)
    purpose = models.TextField(_("purpose"), max_length=2000, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible person"),
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CallListQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("call list")
        verbose_name_plural = _("call lists")

    def __str__(self):
        return self.name


class CallListItem(models.Model):
    """One client of a call list (a company, a contact or a lead) and the result of its call:
    no ``status`` yet means not called."""

    call_list = models.ForeignKey(CallList, on_delete=models.CASCADE, related_name="items")
    item_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    item_id = models.PositiveBigIntegerField()
    sort = models.PositiveIntegerField(default=0)
    status = models.ForeignKey(
        Entry, verbose_name=_("call status"), on_delete=models.PROTECT, null=True, blank=True,
        limit_choices_to={"list_code": CALL_STATUS}, related_name="+",
    )  # fmt: skip
    comment = models.TextField(_("comment"), max_length=20_000, blank=True)
    called_at = models.DateTimeField(null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["sort", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["call_list", "item_type", "item_id"], name="call_list_item_once"
            )
        ]
        indexes = [models.Index(fields=["item_type", "item_id"], name="call_list_item_client")]

    def __str__(self):
        return f"{self.call_list} #{self.sort}"
