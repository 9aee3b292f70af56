"""The field catalogue of deals and leads (``crm.fields``): each field the item services accept,
with its Bitrix24 code and its export and import-template headers in English, Russian, French
and German (/work/shared/bitrix24/columns.md §4.3, §4.4, §4.5)."""

from django.utils.translation import gettext_lazy as _

from companies.fields import (
    CONTACT_DETAILS,
    MORE,
    channel_fields,
    common_fields,
    currency_field,
    name_fields,
)
from crm.fields import CatalogueField, Section, register_catalogue
from crm.fields import FieldKind as K

from .models import Deal, Lead

DEAL_FIELDS = [
    CatalogueField("title", K.TEXT, Deal, bitrix24="TITLE", required=True,
                   aliases=("Deal Name", "Название сделки", "Nom de la transaction",
                            "Auftragsname"), section="about"),
    CatalogueField("pipeline", K.REFERENCE, Deal, bitrix24="CATEGORY_ID",
                   aliases=("Pipeline", "Направление"), section="about"),
    CatalogueField("stage", K.REFERENCE, Deal, bitrix24="STAGE_ID",
                   aliases=("Stage", "Deal Stage", "Стадия сделки", "Étape", "Stade du marché",
                            "Phase", "Phase des Auftrags"), section="about"),
    CatalogueField("type", K.REFERENCE, Deal, bitrix24="TYPE_ID",
                   aliases=("Type", "Тип", "Typ"), section="about"),
    CatalogueField("amount", K.DECIMAL, Deal, bitrix24="OPPORTUNITY",
                   aliases=("Income", "Amount", "Сумма", "Montant", "Dans le montant de",
                            "Gewinn", "Betrag"), section="about", unit="currency"),
    currency_field(Deal),
    CatalogueField("probability", K.INTEGER, Deal, bitrix24="PROBABILITY",
                   aliases=("Probability, %", "Probability", "Вероятность", "Probabilité, %",
                            "Probabilité", "Gewinnwahrscheinlichkeit, %",
                            "Gewinnwahrscheinlichkeit"), section="about"),
    CatalogueField("begin_date", K.DATE, Deal, bitrix24="BEGINDATE",
                   aliases=("Start date", "Дата начала", "Date de début", "Anfangsdatum"),
                   section="dates"),
    CatalogueField("close_date", K.DATE, Deal, bitrix24="CLOSEDATE",
                   aliases=("Assumed close date", "Expected close date",
                            "Предполагаемая дата закрытия", "Date de fermeture envisagée",
                            "Voraussichtliches Abschlussdatum"), section="dates"),
    CatalogueField("company", K.ITEM_LINK, Deal, bitrix24="COMPANY_ID",
                   aliases=("Company", "Компания", "Entreprise", "Unternehmen"), section="client"),
    CatalogueField("contacts", K.ITEM_LINK, Deal, bitrix24="CONTACT_ID", multiple=True,
                   aliases=("Contact", "Контакт", "Client", "Kontakt"), section="client"),
    *common_fields(Deal, source_aliases=("Source", "Источник", "Quelle")),
]  # fmt: skip

LEAD_FIELDS = [
    CatalogueField("title", K.TEXT, Lead, bitrix24="TITLE",
                   aliases=("Lead Name", "Название лида", "Nom du prospect", "Leadname"),
                   section="about"),
    CatalogueField("stage", K.REFERENCE, Lead, bitrix24="STATUS_ID",
                   aliases=("Status", "Статус", "Statut"), section="sale"),
    *name_fields(Lead),
    CatalogueField("company_name", K.TEXT, Lead, bitrix24="COMPANY_TITLE",
                   aliases=("Company Name", "Название компании",
                            "Dénomination de l'entreprise", "Unternehmensname"), section="about"),
    CatalogueField("amount", K.DECIMAL, Lead, bitrix24="OPPORTUNITY",
                   aliases=("Total", "Opportunity", "Сумма", "Возможная сумма",
                            "Montant possible", "Gesamt", "Betrag"),
                   section="sale", unit="currency"),
    currency_field(Lead, section="sale"),
    *common_fields(Lead, source_section="sale"),
    *channel_fields(),
]  # fmt: skip


DEAL_SECTIONS = (Section("about", _("About the deal")), Section("dates", _("Dates")),
                 Section("client", _("Client")), MORE)  # fmt: skip
LEAD_SECTIONS = (Section("about", _("About the lead")), CONTACT_DETAILS,
                 Section("sale", _("Sale")), MORE)  # fmt: skip


def register_fields() -> None:
    """Declare the catalogues of deals and leads (``DealsConfig.ready()``)."""
    register_catalogue("deal", DEAL_FIELDS, DEAL_SECTIONS)
    register_catalogue("lead", LEAD_FIELDS, LEAD_SECTIONS)
