"""A new installation's reference lists come in its language, as Bitrix24's do; a name an
admin typed stays as typed, and "reset" gives the shipped name in the installation's language.

The French names are Bitrix24's French ones and come from the French catalogue."""

import pytest

from accessrights.defaults import install_default_roles
from accessrights.models import Role, RolePermission
from dictionaries import services
from dictionaries.defaults import install_defaults
from dictionaries.models import Entry, Pipeline

from .catalogues import LANGUAGES

pytestmark = pytest.mark.django_db

EXPECTED = {
    "ru": {
        ("COMPANY_TYPE", "CUSTOMER"): "Клиент",
        ("COMPANY_TYPE", "SUPPLIER"): "Поставщик",
        ("COMPANY_TYPE", "PARTNER"): "Партнёр",
        ("COMPANY_TYPE", "COMPETITOR"): "Конкурент",
        ("COMPANY_TYPE", "OTHER"): "Другое",
        ("HONORIFIC", "HNR_RU_1"): "г-н",
        ("HONORIFIC", "HNR_RU_2"): "г-жа",
        ("SOURCE", "CALL"): "Звонок",
        ("STATUS", "CONVERTED"): "Качественный лид",
        ("DEAL_STAGE", "WON"): "Сделка успешна",
        ("DEAL_TYPE", "SALE"): "Продажа",
    },
    "fr": {
        ("COMPANY_TYPE", "CUSTOMER"): "Client",
        ("COMPANY_TYPE", "SUPPLIER"): "Fournisseur",
        ("COMPANY_TYPE", "PARTNER"): "Partenaire",
        ("COMPANY_TYPE", "COMPETITOR"): "Concurrent",
        ("COMPANY_TYPE", "OTHER"): "Autre",
        ("HONORIFIC", "HNR_FR_1"): "M.",
        ("HONORIFIC", "HNR_FR_2"): "Mme",
    },
}
PIPELINE = {"ru": "Общая", "fr": "Général"}


def reinstall(settings, language: str) -> None:
    """What the data migration does on an empty database of a ``language`` installation."""
    settings.LANGUAGE_CODE = language
    Entry.objects.all().delete()
    Pipeline.objects.all().delete()
    install_defaults(Entry, Pipeline)


def names() -> dict:
    return {(e.list_code, e.code): e.name for e in Entry.objects.all()}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_new_installation_gets_its_language(settings, language):
    reinstall(settings, language)
    found = names()
    assert {key: found.get(key) for key in EXPECTED[language]} == EXPECTED[language]
    assert Pipeline.objects.get().name == PIPELINE[language]
    # the shipped name is kept for "reset" in the same language
    customer = Entry.objects.get(list_code="COMPANY_TYPE", code="CUSTOMER")
    assert customer.original_name == EXPECTED[language][("COMPANY_TYPE", "CUSTOMER")]
    assert not Entry.objects.filter(list_code="HONORIFIC", code__startswith="HNR_EN").exists()


def test_an_english_installation_stays_english(settings):
    reinstall(settings, "en")
    assert names()[("COMPANY_TYPE", "SUPPLIER")] == "Supplier"
    assert names()[("HONORIFIC", "HNR_EN_1")] == "Mr."


def test_a_typed_name_stays_and_reset_gives_the_installation_language(settings, admin):
    reinstall(settings, "ru")
    supplier = Entry.objects.get(list_code="COMPANY_TYPE", code="SUPPLIER")
    services.entry_update(user=admin, entry=supplier, name="Дистрибьютор")
    settings.LANGUAGE_CODE = "en"  # a reader's or the installation's language later...
    assert Entry.objects.get(pk=supplier.pk).name == "Дистрибьютор"  # ...changes no typed name
    settings.LANGUAGE_CODE = "ru"
    services.entry_reset(user=admin, entry=supplier)
    assert Entry.objects.get(pk=supplier.pk).name == "Поставщик"


def test_reset_follows_the_installation_language_of_today(settings, admin):
    """An English database whose installation became Russian: reset gives the Russian name."""
    reinstall(settings, "en")
    settings.LANGUAGE_CODE = "ru"
    honorific = Entry.objects.get(list_code="HONORIFIC", code="HNR_EN_1")
    services.entry_update(user=admin, entry=honorific, name="Sir")
    services.entry_reset(user=admin, entry=honorific)
    honorific.refresh_from_db()
    assert (honorific.name, honorific.original_name) == ("г-н", "г-н")


def test_a_new_pipeline_gets_stages_in_the_installation_language(settings, admin):
    reinstall(settings, "ru")
    pipeline = services.pipeline_create(user=admin, name="Опт")
    stages = Entry.objects.filter(pipeline=pipeline, list_code="DEAL_STAGE").order_by("sort")
    assert [s.name for s in stages][:2] == ["Новая", "Подготовка документов"]
    assert stages[0].code == f"C{pipeline.pk}:NEW"


ROLES = {
    "ru": {"Администратор", "Менеджер", "Руководитель"},
    "fr": {"Administrateur", "Manager", "Superviseur"},
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_new_installation_names_its_default_roles_in_its_language(settings, language):
    settings.LANGUAGE_CODE = language
    Role.objects.all().delete()
    install_default_roles(Role, RolePermission, ["company"])
    assert set(Role.objects.values_list("name", flat=True)) == ROLES[language]
    # A later item type's migration finds them again by that name: no second set of roles.
    install_default_roles(Role, RolePermission, ["quote"])
    assert Role.objects.count() == 3
    manager = Role.objects.filter(permissions__scope="open").distinct().get()
    assert set(manager.permissions.values_list("entity", flat=True)) == {"company", "quote"}
