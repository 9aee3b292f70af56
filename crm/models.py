"""Abstract base of every CRM item (company, contact, and later deal and lead)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accessrights.restriction import RestrictedQuerySet


class CrmItem(models.Model):
    """Who is responsible, who may see it (``opened``), who made and changed it, and when.

    ``version`` goes up by one with every update, so an edit made on an outdated copy is
    detected instead of silently overwriting someone else's change.
    """

    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened = models.BooleanField(
        _("available to everyone"),
        default=True,
        help_text=_("Visible to everybody whose role allows seeing open items."),
    )
    comments = models.TextField(_("comments"), blank=True, max_length=20_000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    modified_at = models.DateTimeField(_("modified"), auto_now=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modified by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    access_owner_field = "responsible"

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True


class FilterPreset(models.Model):
    """A list filter a user saved under a name, per kind of list (``companies``, ...)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    list_name = models.CharField(max_length=32)
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(max_length=2000)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "list_name", "name"], name="filter_preset_unique_name"
            )
        ]

    def __str__(self):
        return self.name
