"""The field catalogue of companies and contacts (``crm.fields``), and the fields they share
with leads: the source, comments, responsible person and visibility, the phones, e-mails and
websites.

Each field the item services accept is declared here once, with its Bitrix24 code and the
headers Bitrix24's exports and import templates give it in English, Russian, French and German
(/work/shared/bitrix24/columns.md §4.1, §4.2, §4.5, §4.6), so imports map Bitrix24 files
without a hand-made column list.
"""

from django.utils.translation import gettext_lazy as _

from crm.fields import Alias, CatalogueField, Section, register_catalogue
from crm.fields import FieldKind as K

from .models import Communication, Company, Contact

CHANNEL_LABELS = {"phones": _("phones"), "emails": _("e-mails"), "websites": _("websites")}
CONTACT_DETAILS = Section("contact", _("Contact details"))
MORE = Section("more", _("More"))

# Bitrix24's typed multi-field columns and the kind of value each holds here: Bitrix24 has
# more types (fax, pager, Facebook page...) than we keep, those are "other".
PHONE_TYPES = {
    "work": {
        "PHONE_WORK": ("Work Phone", "Work phone", "Рабочий телефон", "Téléphone professionnel",
                       "Telefon dienstlich", "Telefon geschäftlich"),
    },
    "mobile": {
        "PHONE_MOBILE": ("Mobile", "Mobile phone", "Мобильный телефон", "Portable",
                         "Mobiltelefon"),
    },
    "home": {
        "PHONE_HOME": ("Home Phone", "Домашний телефон", "La ligne téléphonique fixe",
                       "Telefon privat"),
    },
    "other": {
        "PHONE_FAX": ("Fax", "Номер факса"),
        "PHONE_PAGER": ("Pager Number", "Pager", "Номер пейджера", "Numéro de Pager",
                        "Pager-Nummer"),
        "PHONE_MAILING": ("SMS marketing phone", "Телефон для рассылок"),
        "PHONE_OTHER": ("Other Phone Number", "Другой телефон", "Autre téléphone",
                        "Andere Telefonnummer"),
    },
}  # fmt: skip
EMAIL_TYPES = {
    "work": {
        "EMAIL_WORK": ("Work E-mail", "Work email", "Рабочий e-mail", "Email de travail",
                       "E-Mail dienstlich"),
    },
    "home": {
        "EMAIL_HOME": ("Home E-mail", "Personal email", "Частный e-mail", "Домашний E-mail",
                       "Email personnel", "E-Mail privat"),
    },
    "other": {
        "EMAIL_MAILING": ("Newsletters email", "Promo email", "E-mail для рассылок",
                          "E-mail для рассылки"),
        "EMAIL_OTHER": ("Other E-mail", "Другой e-mail", "Autre e-mail", "Andere E-Mail"),
    },
}  # fmt: skip
WEB_TYPES = {
    "work": {
        "WEB_WORK": ("Corporate Website", "Корпоративный сайт", "Site corporatif",
                     "Unternehmenswebsite"),
    },
    "home": {
        "WEB_HOME": ("Personal Page", "Personal web page", "Личная страница",
                     "Page personnelle", "Persönliche Seite"),
    },
    "other": {
        "WEB_FACEBOOK": ("Facebook Page", "Страница Facebook", "Page Facebook",
                         "Facebook-Seite"),
        "WEB_VK": ("VK Page", "Страница ВКонтакте", "Page VK", "VK-Seite"),
        "WEB_LIVEJOURNAL": ("LiveJournal", "Страница LiveJournal"),
        "WEB_TWITTER": ("Twitter", "Микроблог Twitter"),
        "WEB_OTHER": ("Other Website", "Other website", "Другой сайт", "Un autre site",
                      "Andere Website"),
    },
}  # fmt: skip


def _typed(types: dict, aggregate: tuple[str, ...]) -> tuple[Alias, ...]:
    """The aliases of a multi-field: each typed column (its code and captions) with its kind,
    then the aggregate column's captions, of the default kind."""
    typed = [
        Alias(header, kind)
        for kind, columns in types.items()
        for code, captions in columns.items()
        for header in (code, *captions)
    ]
    return (*typed, *(Alias(header) for header in aggregate))


def channel_fields() -> list[CatalogueField]:
    """The phones, e-mails and websites of a company, a contact or a lead; their choices are
    the kinds of value (work, mobile...)."""
    kinds = tuple(Communication.Kind.choices)
    return [
        CatalogueField(
            "phones", K.PHONES, label=CHANNEL_LABELS["phones"], bitrix24="PHONE", choices=kinds,
            aliases=_typed(PHONE_TYPES, ("Phone", "Телефон", "Numéro de téléphone", "Telefon")),
            section="contact",
        ),
        CatalogueField(
            "emails", K.EMAILS, label=CHANNEL_LABELS["emails"], bitrix24="EMAIL", choices=kinds,
            aliases=_typed(EMAIL_TYPES, ("E-mail", "Email")), section="contact",
        ),
        CatalogueField(
            "websites", K.WEBSITES, label=CHANNEL_LABELS["websites"], bitrix24="WEB",
            choices=kinds, aliases=_typed(WEB_TYPES, ("Website", "Site", "Сайт", "Site web")),
            section="contact",
        ),
    ]  # fmt: skip


def common_fields(model, *, source_aliases=("Source", "Источник", "Chemin", "Quelle"),
                  source_section="more"):  # fmt: skip
    """The fields every item has: its source, responsible person, visibility and comments."""
    return [
        CatalogueField("source", K.REFERENCE, model, bitrix24="SOURCE_ID",
                       aliases=source_aliases, section=source_section),
        CatalogueField("responsible", K.USER, model, bitrix24="ASSIGNED_BY_ID",
                       aliases=("ASSIGNED_BY", "Responsible", "Responsible person",
                                "Ответственный", "Responsable", "Personne responsable",
                                "Verantwortlich"), section="more"),
        CatalogueField("opened", K.BOOL, model, bitrix24="OPENED",
                       aliases=("Available to everyone", "Доступен для всех",
                                "Accessible pour tous", "Verfügbar für alle"), section="more"),
        CatalogueField("comments", K.TEXT, model, bitrix24="COMMENTS",
                       aliases=("Comment", "Комментарий", "Commentaire", "Kommentar"),
                       section="more"),
    ]  # fmt: skip


def name_fields(model) -> list[CatalogueField]:
    """A person's salutation and names (contacts and leads), §4.2 and §4.4."""
    return [
        CatalogueField("honorific", K.REFERENCE, model, bitrix24="HONORIFIC",
                       aliases=("Salutation", "Обращение", "Anrede"), section="about"),
        CatalogueField("first_name", K.TEXT, model, bitrix24="NAME",
                       aliases=("First Name", "Имя", "Prénom", "Vorname"), section="about"),
        CatalogueField("last_name", K.TEXT, model, bitrix24="LAST_NAME",
                       aliases=("Last Name", "Фамилия", "Nom", "Nom de famille", "Nachname"),
                       section="about"),
        CatalogueField("middle_name", K.TEXT, model, bitrix24="SECOND_NAME",
                       aliases=("Middle Name", "Отчество", "Deuxième prénom",
                                "Zweiter Vorname"), section="about"),
        CatalogueField("position", K.TEXT, model, bitrix24="POST",
                       aliases=("Position", "Должность", "Fonction"), section="about"),
    ]  # fmt: skip


def currency_field(model, section="about") -> CatalogueField:
    return CatalogueField("currency", K.CURRENCY, model, bitrix24="CURRENCY_ID",
                          aliases=("Currency", "Валюта", "Devise", "Währung"),
                          section=section)  # fmt: skip


COMPANY_FIELDS = [
    CatalogueField("name", K.TEXT, Company, bitrix24="TITLE", required=True,
                   aliases=("Company Name", "Название компании",
                            "Dénomination de l'entreprise", "Unternehmensname"), section="about"),
    CatalogueField("type", K.REFERENCE, Company, bitrix24="COMPANY_TYPE",
                   aliases=("Company Type", "Тип компании", "Type de l'entreprise",
                            "Unternehmenstyp"), section="about"),
    CatalogueField("industry", K.REFERENCE, Company, bitrix24="INDUSTRY",
                   aliases=("Industry", "Сфера деятельности", "Sphère de l'activité",
                            "Branche"), section="about"),
    CatalogueField("employees", K.REFERENCE, Company, bitrix24="EMPLOYEES",
                   aliases=("Employees", "Кол-во сотрудников", "Employés", "Mitarbeiter"),
                   section="about"),
    CatalogueField("revenue", K.DECIMAL, Company, bitrix24="REVENUE",
                   aliases=("Annual Income", "Annual Revenue", "Годовой оборот",
                            "Chiffre d'affaires annuel", "Jahresumsatz"),
                   section="about", unit="currency"),
    currency_field(Company),
    # The primary address parts (§4.6); on Bitrix24 portals they appear only when the
    # "outmoded" address fields are enabled, otherwise in requisites.
    CatalogueField("address_street", K.TEXT, Company, bitrix24="ADDRESS",
                   aliases=("Street", "Улица", "Rue", "Straße", "Street, building",
                            "Улица, дом, корпус, строение", "Rue, bâtiment", "Straße, Haus"),
                   section="address"),
    CatalogueField("address_city", K.TEXT, Company, bitrix24="ADDRESS_CITY",
                   aliases=("City", "Город", "Ville", "Stadt"), section="address"),
    # Our region is Bitrix24's region (district) or its state / province, whichever a file has.
    CatalogueField("address_region", K.TEXT, Company, bitrix24="ADDRESS_REGION",
                   aliases=("Region", "Район", "Arrondissement", "ADDRESS_PROVINCE",
                            "State / Province", "Область", "Etat / Province",
                            "Bundesland / Kanton"), section="address"),
    CatalogueField("address_postal_code", K.TEXT, Company, bitrix24="ADDRESS_POSTAL_CODE",
                   aliases=("Zip", "Индекс", "Почтовый индекс", "Code Postal", "PLZ"),
                   section="address"),
    CatalogueField("address_country", K.TEXT, Company, bitrix24="ADDRESS_COUNTRY",
                   aliases=("Country", "Страна", "Pays", "Land"), section="address"),
    *common_fields(Company),
    *channel_fields(),
]  # fmt: skip

CONTACT_FIELDS = [
    *name_fields(Contact),
    CatalogueField("type", K.REFERENCE, Contact, bitrix24="TYPE_ID",
                   aliases=("Contact Type", "Тип контакта", "Type de contact", "Kontakttyp"),
                   section="more"),
    CatalogueField("birthday", K.DATE, Contact, bitrix24="BIRTHDATE",
                   aliases=("Birthday", "Date of birth", "Дата рождения", "Date de naissance",
                            "Geburtstag", "Geburtsdatum"), section="about"),
    CatalogueField("companies", K.ITEM_LINK, Contact, bitrix24="COMPANY_ID", multiple=True,
                   aliases=("COMPANY_TITLE", "Company", "Компания", "Entreprise",
                            "Unternehmen")),
    *common_fields(Contact),
    *channel_fields(),
]  # fmt: skip


COMPANY_SECTIONS = (Section("about", _("About the company")), CONTACT_DETAILS,
                    Section("address", _("Address")), MORE)  # fmt: skip
CONTACT_SECTIONS = (Section("about", _("About the person")), CONTACT_DETAILS, MORE)


def register_fields() -> None:
    """Declare the catalogues of companies and contacts (``CompaniesConfig.ready()``)."""
    register_catalogue("company", COMPANY_FIELDS, COMPANY_SECTIONS)
    register_catalogue("contact", CONTACT_FIELDS, CONTACT_SECTIONS)
