"""Abstract base of every CRM item (company, contact, deal, lead) and the money field."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accessrights.restriction import RestrictedQuerySet


class MoneyField(models.DecimalField):
    """An amount of money: never negative, at most 13 digits before the point and 2 after.

    The one bound of every amount (a company's revenue, a deal's or a lead's amount): 15
    significant digits is what every database we run on stores exactly. SQLite keeps decimals
    as REAL (a double, 15 significant digits), so ``9999999999999999.99`` would be written as
    ``1E16`` and then break every read of its row (``decimal.InvalidOperation``). The bound is
    ``max_digits``, so model validation (``full_clean()`` in the services and model forms) and
    the API serializers refuse a larger amount with the field named, and the OpenAPI schema
    shows it.
    """

    MAX_DIGITS = 15
    DECIMAL_PLACES = 2
    default_validators = [MinValueValidator(0)]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", self.MAX_DIGITS)
        kwargs.setdefault("decimal_places", self.DECIMAL_PLACES)
        super().__init__(*args, **kwargs)


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
