"""The field catalogue of quotes and invoices (``crm.fields``), with Bitrix24's codes and their
export and import-template headers. The totals are computed by the services from the lines:
they are columns of lists and exports, never typed on a form."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from companies.fields import MORE, common_fields, currency_field
from crm.fields import CatalogueField, Section, register_catalogue
from crm.fields import FieldKind as K

from .models import Invoice, Quote

TOTALS = ("net_amount", "tax_amount", "amount")


def _shared(model) -> list[CatalogueField]:
    """The fields of both documents, in their card order."""
    return [
        CatalogueField("number", K.TEXT, model, bitrix24="QUOTE_NUMBER" if model is Quote
                       else "ACCOUNT_NUMBER", aliases=("Number", "Номер", "Numéro", "Nummer"),
                       section="about"),
        CatalogueField("title", K.TEXT, model, bitrix24="TITLE", required=True,
                       aliases=("Title", "Name", "Название", "Тема", "Nom", "Titel"),
                       section="about"),
        CatalogueField("stage", K.REFERENCE, model, bitrix24="STATUS_ID",
                       aliases=("Stage", "Status", "Стадия", "Статус", "Étape", "Statut"),
                       section="about"),
        currency_field(model),
        CatalogueField("net_amount", K.DECIMAL, model, bitrix24="TAX_VALUE_NET",
                       aliases=("Net amount", "Сумма без налога"), section="about",
                       unit="currency"),
        CatalogueField("tax_amount", K.DECIMAL, model, bitrix24="TAX_VALUE",
                       aliases=("Tax", "Налог", "Taxe", "Steuer"), section="about",
                       unit="currency"),
        CatalogueField("amount", K.DECIMAL, model, bitrix24="OPPORTUNITY",
                       aliases=("Total", "Amount", "Сумма", "Montant", "Betrag"),
                       section="about", unit="currency"),
        CatalogueField("language", K.CHOICE, model, choices=tuple(settings.LANGUAGES),
                       aliases=("Language", "Язык", "Langue", "Sprache"), section="terms"),
        CatalogueField("terms", K.TEXT, model, bitrix24="CONTENT",
                       aliases=("Terms", "Условия", "Conditions", "Bedingungen"),
                       section="terms"),
        CatalogueField("company", K.ITEM_LINK, model, bitrix24="COMPANY_ID",
                       aliases=("Company", "Компания", "Entreprise", "Unternehmen"),
                       section="client"),
        CatalogueField("contacts", K.ITEM_LINK, model, bitrix24="CONTACT_ID", multiple=True,
                       aliases=("Contact", "Контакт", "Kontakt"), section="client"),
        CatalogueField("deal", K.ITEM_LINK, model, bitrix24="DEAL_ID",
                       aliases=("Deal", "Сделка", "Transaction", "Auftrag"), section="client"),
    ]  # fmt: skip


def _without_source(model) -> list[CatalogueField]:
    return [field for field in common_fields(model) if field.code != "source"]


QUOTE_FIELDS = [
    *_shared(Quote),
    CatalogueField("valid_until", K.DATE, Quote, bitrix24="CLOSEDATE",
                   aliases=("Valid until", "Действительно до", "Valable jusqu'au",
                            "Gültig bis"), section="terms"),
    *_without_source(Quote),
]  # fmt: skip

INVOICE_FIELDS = [
    *_shared(Invoice),
    CatalogueField("pay_before", K.DATE, Invoice, bitrix24="DATE_PAY_BEFORE",
                   aliases=("Pay before", "Оплатить до", "Payer avant", "Zahlbar bis"),
                   section="terms"),
    CatalogueField("paid_on", K.DATE, Invoice, bitrix24="DATE_PAYED",
                   aliases=("Paid on", "Дата оплаты", "Payé le", "Bezahlt am"),
                   section="terms"),
    *_without_source(Invoice),
]  # fmt: skip

SECTIONS = (Section("about", _("About the document")), Section("terms", _("Terms")),
            Section("client", _("Client")), MORE)  # fmt: skip


def register_fields() -> None:
    """Declare the catalogues of quotes and invoices (``QuotesConfig.ready()``)."""
    register_catalogue("quote", QUOTE_FIELDS, SECTIONS)
    register_catalogue("invoice", INVOICE_FIELDS, SECTIONS)
