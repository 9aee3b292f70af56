"""Quotes and invoices: sales documents with lines, totals and a stage of their own list.

A quote moves through QUOTE_STATUS, an invoice through INVOICE_STATUS, with the rules of deal
stages (``closed`` follows the stage). Totals (``net_amount``, ``tax_amount``, ``amount``, the
gross) are computed by the services from the lines (``quotes.totals``) and stored, so lists,
kanban columns and exports read them without summing lines.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from companies.models import Company, Contact
from crm.models import CrmItem, MoneyField
from crm.validators import validate_currency
from deals.models import Deal
from dictionaries.models import Entry, Semantics


def _language_default() -> str:
    return settings.LANGUAGE_CODE


class SalesDocument(CrmItem):
    """What a quote and an invoice share: client, deal, currency, totals, stage, language."""

    stage_list = ""
    related = ""  # the reverse name on companies, contacts and deals

    number = models.CharField(_("number"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=255)
    closed = models.BooleanField(_("closed"), default=False, editable=False)
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    net_amount = MoneyField(_("net amount"), default=0)
    tax_amount = MoneyField(_("tax"), default=0)
    amount = MoneyField(_("total"), default=0)
    terms = models.TextField(_("terms"), blank=True, max_length=20_000)
    language = models.CharField(
        _("document language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=_language_default,
    )

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    @property
    def amount_format(self) -> str:
        """The ``floatformat`` of its amounts: the currency's decimals, thousands grouped."""
        from .totals import ZERO_DECIMALS  # the one table of minor units

        return "0g" if self.currency in ZERO_DECIMALS else "2g"

    @classmethod
    def follow_entry(cls, field_name: str, entry: Entry) -> dict:
        """Other fields that change when ``field_name`` is pointed at ``entry`` (a stage
        replaced on delete): the closed flag follows the stage, as for deals."""
        return {"closed": entry.semantics != Semantics.PROCESS} if field_name == "stage" else {}


def _stage(list_code: str):
    return models.ForeignKey(
        Entry,
        verbose_name=_("stage"),
        on_delete=models.PROTECT,
        limit_choices_to={"list_code": list_code},
        related_name="+",
    )


def _company(related: str):
    return models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related,
    )


def _deal(related: str):
    return models.ForeignKey(
        Deal,
        verbose_name=_("deal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related,
    )


class Quote(SalesDocument):
    """An offer to a client: lines and totals, valid until a date."""

    access_entity = "quote"
    name_fields = ("title", "number")
    stage_list = "QUOTE_STATUS"

    stage = _stage("QUOTE_STATUS")
    company = _company("quotes")
    contacts = models.ManyToManyField(
        Contact, verbose_name=_("contacts"), related_name="quotes", blank=True
    )
    deal = _deal("quotes")
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["stage", "-id"], name="quote_stage"),
            models.Index(fields=["responsible", "closed", "-id"], name="quote_resp"),
            models.Index(fields=["company", "-id"], name="quote_company"),
        ]

    def get_absolute_url(self):
        return reverse("quotes:quote", args=[self.pk])


class Invoice(SalesDocument):
    """A request for payment: lines and totals, pay before a date, paid on a date."""

    access_entity = "invoice"
    name_fields = ("title", "number")
    stage_list = "INVOICE_STATUS"

    stage = _stage("INVOICE_STATUS")
    company = _company("invoices")
    contacts = models.ManyToManyField(
        Contact, verbose_name=_("contacts"), related_name="invoices", blank=True
    )
    deal = _deal("invoices")
    quote = models.ForeignKey(
        Quote,
        verbose_name=_("quote"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invoices",
        editable=False,
    )
    pay_before = models.DateField(_("pay before"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["stage", "-id"], name="invoice_stage"),
            models.Index(fields=["responsible", "closed", "-id"], name="invoice_resp"),
            models.Index(fields=["company", "-id"], name="invoice_company"),
        ]

    def get_absolute_url(self):
        return reverse("quotes:invoice", args=[self.pk])


PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class Line(models.Model):
    """One product line; its net, tax and gross are computed by the services."""

    sort = models.PositiveSmallIntegerField(default=0)
    product_name = models.CharField(_("product"), max_length=255)
    quantity = models.DecimalField(
        _("quantity"), max_digits=15, decimal_places=4, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    price = MoneyField(_("price"))
    discount_percent = models.DecimalField(
        _("discount, %"), max_digits=5, decimal_places=2, default=0, validators=PERCENT
    )
    tax_percent = models.DecimalField(
        _("tax, %"), max_digits=5, decimal_places=2, default=0, validators=PERCENT
    )
    net_amount = MoneyField(_("net amount"), default=0)
    tax_amount = MoneyField(_("tax"), default=0)
    amount = MoneyField(_("total"), default=0)

    class Meta:
        abstract = True
        ordering = ["sort", "id"]

    def __str__(self):
        return self.product_name


class QuoteLine(Line):
    document = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")

    class Meta(Line.Meta):
        verbose_name = _("quote line")


class InvoiceLine(Line):
    document = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")

    class Meta(Line.Meta):
        verbose_name = _("invoice line")


class Seller(models.Model):
    """Our company as the documents name it: one row, edited in the settings."""

    name = models.CharField(_("company name"), max_length=255, blank=True)
    details = models.TextField(
        _("requisites"),
        blank=True,
        max_length=5_000,
        help_text=_("Address, tax identifiers, bank account: printed on quotes and invoices."),
    )

    class Meta:
        verbose_name = _("our company")

    def __str__(self):
        return self.name


# Items shared with a user or a group on top of their roles (django-guardian, direct tables).


class QuoteUserShare(UserObjectPermissionBase):
    content_object = models.ForeignKey(Quote, on_delete=models.CASCADE)


class QuoteGroupShare(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Quote, on_delete=models.CASCADE)


class InvoiceUserShare(UserObjectPermissionBase):
    content_object = models.ForeignKey(Invoice, on_delete=models.CASCADE)


class InvoiceGroupShare(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Invoice, on_delete=models.CASCADE)
