"""Requisites: the legal details of a company or a contact, from a per-country preset."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accessrights.restriction import OwnedQuerySet
from crm.validators import validate_country

from .identifiers import Kind


class Preset(models.Model):
    """A named set of fields for one country (Russia: company, sole trader; France; ...)."""

    name = models.CharField(_("name"), max_length=100)
    country = models.CharField(
        _("country"),
        max_length=2,
        validators=[validate_country],
        help_text=_("ISO 3166 code, e.g. FR"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort = models.PositiveIntegerField(_("sort"), default=0)

    class Meta:
        verbose_name = _("requisite preset")
        verbose_name_plural = _("requisite presets")
        ordering = ["sort", "id"]

    def __str__(self):
        return self.name


class PresetField(models.Model):
    """One field of a preset; ``kind`` says how its value is checked (INN, SIRET, ...).

    The field marked ``is_tax_id`` feeds search by tax identifier and duplicate detection.
    """

    preset = models.ForeignKey(Preset, on_delete=models.CASCADE, related_name="fields")
    code = models.SlugField(_("code"), max_length=50)
    label = models.CharField(_("label"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.TEXT)
    required = models.BooleanField(_("required"), default=False)
    is_tax_id = models.BooleanField(_("tax identifier"), default=False)
    sort = models.PositiveIntegerField(_("sort"), default=0)

    class Meta:
        ordering = ["sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["preset", "code"], name="preset_field_code_unique"),
            models.UniqueConstraint(
                fields=["preset"], condition=Q(is_tax_id=True), name="preset_one_tax_id"
            ),
        ]

    def __str__(self):
        return self.label


class Requisite(models.Model):
    """One set of legal details of a company or a contact; one of them is the default.

    ``values`` maps preset field codes to their (compact) values; ``tax_id`` repeats the tax
    identifier, indexed, for search and duplicate detection. Whoever may read (change) the
    company or contact may read (change) its requisites: ``Requisite.objects.restrict()``.
    """

    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="requisites",
    )
    contact = models.ForeignKey(
        "companies.Contact",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="requisites",
    )
    preset = models.ForeignKey(Preset, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=255)
    is_default = models.BooleanField(_("default"), default=False)
    values = models.JSONField(_("values"), default=dict, blank=True)
    tax_id = models.CharField(_("tax identifier"), max_length=64, blank=True, db_index=True)
    address_street = models.CharField(_("street"), max_length=255, blank=True)
    address_city = models.CharField(_("city"), max_length=100, blank=True)
    address_region = models.CharField(_("region"), max_length=100, blank=True)
    address_postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    address_country = models.CharField(_("country"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    access_owner_relations = ("company", "contact")
    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("requisite")
        verbose_name_plural = _("requisites")
        ordering = ["-is_default", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(company__isnull=False, contact__isnull=True)
                | Q(company__isnull=True, contact__isnull=False),
                name="requisite_has_one_owner",
            ),
            models.UniqueConstraint(
                fields=["company"], condition=Q(is_default=True), name="one_default_per_company"
            ),
            models.UniqueConstraint(
                fields=["contact"], condition=Q(is_default=True), name="one_default_per_contact"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def owner(self):
        return self.company or self.contact


class BankAccount(models.Model):
    """A bank account of a requisite: BIK and accounts in Russia, IBAN and BIC elsewhere."""

    requisite = models.ForeignKey(Requisite, on_delete=models.CASCADE, related_name="accounts")
    bank_name = models.CharField(_("bank"), max_length=255, blank=True)
    bic = models.CharField(_("BIC / BIK"), max_length=11, blank=True)
    account_number = models.CharField(_("account number"), max_length=34, blank=True)
    correspondent_account = models.CharField(_("correspondent account"), max_length=20, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort", "id"]

    def __str__(self):
        return self.iban or self.account_number
