"""The presets a new install ships with (data migration); admins add more in settings."""

from .identifiers import Kind

# (name, country, [(code, label, kind, required, is_tax_id)])
PRESETS = (
    (
        "Организация (Россия)",
        "RU",
        [
            ("full_name", "Полное наименование", Kind.TEXT, True, False),
            ("short_name", "Сокращённое наименование", Kind.TEXT, False, False),
            ("inn", "ИНН", Kind.RU_INN, True, True),
            ("kpp", "КПП", Kind.RU_KPP, False, False),
            ("ogrn", "ОГРН", Kind.RU_OGRN, False, False),
            ("postal_address", "Почтовый адрес", Kind.TEXT, False, False),
        ],
    ),
    (
        "ИП (Россия)",
        "RU",
        [
            ("full_name", "ФИО предпринимателя", Kind.TEXT, True, False),
            ("inn", "ИНН", Kind.RU_INN, True, True),
            ("ogrnip", "ОГРНИП", Kind.RU_OGRNIP, False, False),
            ("postal_address", "Почтовый адрес", Kind.TEXT, False, False),
        ],
    ),
    (
        "Société (France)",
        "FR",
        [
            ("raison_sociale", "Raison sociale", Kind.TEXT, True, False),
            ("forme_juridique", "Forme juridique", Kind.TEXT, False, False),
            ("siren", "SIREN", Kind.FR_SIREN, True, True),
            ("siret", "SIRET", Kind.FR_SIRET, False, False),
            ("tva", "TVA intracommunautaire", Kind.FR_TVA, False, False),
            ("naf", "Code NAF/APE", Kind.FR_NAF, False, False),
        ],
    ),
    (
        "Unternehmen (Deutschland)",
        "DE",
        [
            ("company_name", "Name des Unternehmens", Kind.TEXT, True, False),
            ("steuernummer", "Steuernummer", Kind.DE_STNR, False, False),
            ("ust_idnr", "USt-IdNr.", Kind.DE_VAT, False, True),
            ("handelsregister", "Handelsregister", Kind.DE_HANDELSREGISTER, False, False),
        ],
    ),
    (
        "Company (USA)",
        "US",
        [
            ("company_name", "Company name", Kind.TEXT, True, False),
            ("ein", "EIN", Kind.US_EIN, False, True),
            ("tax_id", "VAT / tax ID", Kind.TEXT, False, False),
        ],
    ),
)


def install_presets(preset_model, field_model) -> None:
    for position, (name, country, fields) in enumerate(PRESETS, start=1):
        preset = preset_model.objects.create(name=name, country=country, sort=position * 10)
        field_model.objects.bulk_create(
            field_model(
                preset=preset,
                code=code,
                label=label,
                kind=kind,
                required=required,
                is_tax_id=is_tax_id,
                sort=index * 10,
            )
            for index, (code, label, kind, required, is_tax_id) in enumerate(fields, start=1)
        )
