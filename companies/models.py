"""The client base: companies, contacts, and their phones, e-mails and websites."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from crm.models import CrmItem, MoneyField
from crm.validators import validate_currency
from dictionaries.models import Entry

from . import communications as comms


def entry_field(list_code: str, verbose_name):
    """A reference value of ``list_code`` (kept while in use: PROTECT)."""
    return models.ForeignKey(
        Entry,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"list_code": list_code},
        related_name="+",
    )


class Company(CrmItem):
    """A legal entity: client, supplier, partner, competitor..."""

    access_entity = "company"
    name_fields = ("name",)

    name = models.CharField(_("name"), max_length=255)
    type = entry_field("COMPANY_TYPE", _("company type"))
    industry = entry_field("INDUSTRY", _("industry"))
    employees = entry_field("EMPLOYEES", _("employees"))
    source = entry_field("SOURCE", _("source"))
    revenue = MoneyField(_("annual revenue"), null=True, blank=True)
    currency = models.CharField(
        _("currency"), max_length=3, blank=True, validators=[validate_currency]
    )
    address_street = models.CharField(_("street"), max_length=255, blank=True)
    address_city = models.CharField(_("city"), max_length=100, blank=True)
    address_region = models.CharField(_("region"), max_length=100, blank=True)
    address_postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    address_country = models.CharField(_("country"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["name", "id"], name="company_name"),
            models.Index(fields=["responsible", "type", "-id"], name="company_resp_type"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("companies:company", args=[self.pk])


class Contact(CrmItem):
    """A person, linked to any number of companies."""

    access_entity = "contact"
    name_fields = ("first_name", "last_name")

    honorific = entry_field("HONORIFIC", _("salutation"))
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    position = models.CharField(_("position"), max_length=255, blank=True)
    type = entry_field("CONTACT_TYPE", _("contact type"))
    source = entry_field("SOURCE", _("source"))
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    companies = models.ManyToManyField(
        Company, verbose_name=_("companies"), related_name="contacts", blank=True
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"], name="contact_name"),
            models.Index(fields=["responsible", "type", "-id"], name="contact_resp_type"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(first_name="", last_name=""), name="contact_has_a_name"
            )
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("companies:contact", args=[self.pk])

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_name, self.last_name) if p)


class Communication(models.Model):
    """One phone, e-mail or website of a company, a contact or a lead, with its normalised form.

    ``(channel, normalized)`` is indexed (and trigram-indexed on PostgreSQL), so duplicate
    search and search by phone or e-mail across companies, contacts and leads is one indexed
    query.
    """

    class Channel(models.TextChoices):
        PHONE = comms.PHONE, _("phone")
        EMAIL = comms.EMAIL, _("e-mail")
        WEB = comms.WEB, _("website")

    class Kind(models.TextChoices):
        WORK = "work", _("work")
        MOBILE = "mobile", _("mobile")
        HOME = "home", _("home")
        OTHER = "other", _("other")

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, null=True, blank=True, related_name="communications"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="communications"
    )
    lead = models.ForeignKey(
        "deals.Lead",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="communications",
    )
    channel = models.CharField(max_length=5, choices=Channel)
    kind = models.CharField(max_length=6, choices=Kind, default=Kind.WORK)
    value = models.CharField(max_length=comms.MAX_VALUE_LENGTH)
    normalized = models.CharField(max_length=comms.MAX_VALUE_LENGTH)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["channel", "sort", "id"]
        indexes = [models.Index(fields=["channel", "normalized"], name="communication_lookup")]
        constraints = [
            models.CheckConstraint(
                condition=Q(company__isnull=False, contact__isnull=True, lead__isnull=True)
                | Q(company__isnull=True, contact__isnull=False, lead__isnull=True)
                | Q(company__isnull=True, contact__isnull=True, lead__isnull=False),
                name="communication_has_one_owner",
            )
        ]

    def __str__(self):
        return self.value


# Items shared with a user or a group on top of their roles (django-guardian, direct tables).


class CompanyUserShare(UserObjectPermissionBase):
    content_object = models.ForeignKey(Company, on_delete=models.CASCADE)


class CompanyGroupShare(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Company, on_delete=models.CASCADE)


class ContactUserShare(UserObjectPermissionBase):
    content_object = models.ForeignKey(Contact, on_delete=models.CASCADE)


class ContactGroupShare(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Contact, on_delete=models.CASCADE)
