"""Services of requisites and presets: checks, duplicates, defaults, bank accounts, history,
rights; a refusal changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied

from accessrights.models import Role, RolePermission
from accessrights.rights import rights_changed
from companies import services as client_services
from requisites import services
from requisites.identifiers import Kind
from requisites.models import BankAccount, Preset, PresetField, Requisite
from tests.factories import UserFactory
from tests.helpers import service_refused
from timeline.models import Event, EventKind

from . import helpers as h

pytestmark = pytest.mark.django_db

RU, IP, FR, DE, US = "Организация", "ИП", "Société", "Unternehmen", "Company (USA)"


def role_user(*, settings=False, **scopes) -> object:
    """A user whose only role grants ``scopes`` ({"company_read": "all", ...})."""
    user = UserFactory()
    role = Role.objects.create(name=f"Role of {user.username}", can_change_settings=settings)
    for key, scope in scopes.items():
        entity, action = key.split("_")
        RolePermission.objects.create(role=role, entity=entity, action=action, scope=scope)
    role.users.add(user)
    rights_changed()
    return user


@pytest.fixture
def acme(user):
    return client_services.company_create(user=user, name="Acme")


@pytest.fixture
def globex(user):
    return client_services.company_create(user=user, name="Globex")


def ru_values(inn=h.INN_10, **more) -> dict:
    return {"full_name": "ПАО Сбербанк", "inn": inn, **more}


def add(user, owner, preset=RU, **fields):
    fields.setdefault("values", ru_values() if preset == RU else {})
    return services.requisite_create(user=user, owner=owner, preset=h.preset(preset), **fields)


def history(item) -> list[dict]:
    """The requisites changes in the item's history, oldest first."""
    events = Event.objects.of_item(item).filter(kind=EventKind.UPDATED).order_by("id")
    return [
        {**change, "author": event.author}
        for event in events
        for change in event.changes
        if change["field"] == "requisites"
    ]


# Values


def test_create_with_a_valid_inn(user, acme):
    requisite = add(
        user,
        acme,
        name=" Main ",
        values=ru_values(inn="7707 083 893", kpp="773601001", ogrn=h.OGRN, short_name=""),
        address={"address_city": " Москва ", "address_postal_code": "117997"},
    )
    requisite.refresh_from_db()
    assert requisite.company == acme and requisite.contact is None
    assert requisite.name == "Main" and requisite.is_default
    assert requisite.values == {
        "full_name": "ПАО Сбербанк",
        "inn": h.INN_10,
        "kpp": "773601001",
        "ogrn": h.OGRN,
    }
    assert requisite.tax_id == h.INN_10
    assert (requisite.address_city, requisite.address_postal_code) == ("Москва", "117997")
    assert list(acme.requisites.all()) == [requisite]


def test_a_nameless_requisite_takes_the_preset_name(user, acme):
    assert add(user, acme).name == h.preset(RU).name


@pytest.mark.parametrize(
    ("preset", "values", "tax_id"),
    [
        (IP, {"full_name": "Иванов Иван", "inn": h.INN_12, "ogrnip": h.OGRNIP}, h.INN_12),
        (FR, {"raison_sociale": "Acme SA", "siren": "732 829 320", "siret": h.SIRET}, h.SIREN),
        (DE, {"company_name": "Acme GmbH", "steuernummer": h.STEUERNUMMER}, ""),
        (US, {"company_name": "Acme Inc.", "ein": h.EIN}, "042103594"),
    ],
)
def test_every_shipped_preset_takes_its_valid_values(user, acme, preset, values, tax_id):
    requisite = add(user, acme, preset, values=values)
    assert requisite.tax_id == tax_id
    assert set(requisite.values) == set(values)


def test_an_invalid_inn_is_refused_and_nothing_is_written(user, acme):
    error = service_refused(lambda: add(user, acme, values=ru_values(inn="7707083894")))
    assert list(error.message_dict) == ["values.inn"]
    (message,) = error.message_dict["values.inn"]
    assert message.startswith("ИНН “7707083894” is not valid")


def test_every_invalid_value_is_reported_at_once(user, acme):
    values = {"inn": "1", "ogrn": "2", "kpp": "3"}
    error = service_refused(lambda: add(user, acme, values=values))
    assert set(error.message_dict) == {
        "values.inn",
        "values.ogrn",
        "values.kpp",
        "values.full_name",
    }


def test_a_required_field_is_needed(user, acme):
    error = service_refused(lambda: add(user, acme, values={"inn": h.INN_10, "full_name": "  "}))
    assert error.message_dict == {"values.full_name": ["Полное наименование is required."]}
    error = service_refused(lambda: add(user, acme, values={"full_name": "ПАО"}))
    assert error.message_dict == {"values.inn": ["ИНН is required."]}


def test_an_unknown_field_code_is_refused(user, acme):
    error = service_refused(lambda: add(user, acme, values=ru_values(siren=h.SIREN)))
    assert error.message_dict == {"values.siren": ["“siren” is not a field of this preset."]}


def test_values_must_be_short_text(user, acme):
    error = service_refused(lambda: add(user, acme, values=ru_values(short_name=12)))
    assert list(error.message_dict) == ["values.short_name"]
    error = service_refused(lambda: add(user, acme, values=ru_values(short_name="x" * 10_000)))
    assert list(error.message_dict) == ["values.short_name"]


def test_an_inactive_preset_takes_no_new_requisites(user, admin, acme):
    services.preset_update(user=admin, preset=h.preset(RU), is_active=False)
    error = service_refused(lambda: add(user, acme))
    assert list(error.message_dict) == ["preset"]


def test_update_replaces_the_values_and_keeps_what_is_not_given(user, acme):
    requisite = add(user, acme, address={"address_city": "Москва"})
    services.requisite_update(
        user=user, requisite=requisite, values=ru_values(inn=h.inn_10("123456789"))
    )
    requisite.refresh_from_db()
    assert requisite.tax_id == h.inn_10("123456789")
    assert requisite.address_city == "Москва" and requisite.name == h.preset(RU).name
    error = service_refused(
        lambda: services.requisite_update(
            user=user, requisite=requisite, values=ru_values(inn="123")
        )
    )
    assert list(error.message_dict) == ["values.inn"]


# Duplicates


def test_the_same_inn_on_a_second_company_is_flagged(user, acme, globex):
    first = add(user, acme)
    error = service_refused(lambda: add(user, globex, values=ru_values(inn="7707 083 893")))
    (message,) = error.message_dict["values.inn"]
    assert f"“Acme” (#{acme.pk})" in message and h.INN_10 in message
    assert "likely duplicate" in message

    second = add(user, globex, allow_duplicate=True)
    assert second.tax_id == first.tax_id == h.INN_10
    assert Requisite.objects.filter(tax_id=h.INN_10).count() == 2


def test_the_duplicate_error_has_the_duplicate_code(user, acme, globex):
    add(user, acme)
    error = service_refused(lambda: add(user, globex))
    assert [e.code for e in error.error_dict["values.inn"]] == ["duplicate"]


def test_a_duplicate_out_of_sight_is_not_named(user, acme):
    outsider = role_user(company_read="own", company_add="all", company_update="own")
    theirs = client_services.company_create(user=outsider, name="Theirs")
    add(user, acme)
    error = service_refused(lambda: add(outsider, theirs))
    (message,) = error.message_dict["values.inn"]
    assert "Acme" not in message and "another item you cannot see" in message


def test_the_same_inn_twice_on_one_company_is_no_duplicate(user, acme):
    add(user, acme)
    add(user, acme, name="Second")
    assert acme.requisites.count() == 2


def test_updating_to_a_used_inn_is_flagged_too(user, acme, globex):
    add(user, acme)
    theirs = add(user, globex, values=ru_values(inn=h.inn_10("123456789")))
    error = service_refused(
        lambda: services.requisite_update(user=user, requisite=theirs, values=ru_values())
    )
    assert "values.inn" in error.message_dict
    services.requisite_update(user=user, requisite=theirs, values=ru_values(), allow_duplicate=True)


def test_contacts_are_compared_with_contacts(user, acme):
    smith = client_services.contact_create(user=user, last_name="Smith")
    jones = client_services.contact_create(user=user, last_name="Jones")
    ip_values = {"full_name": "Иванов Иван Иванович", "inn": h.INN_12}
    add(user, acme, values=ru_values(inn=h.INN_12))
    mine = add(user, smith, IP, values=ip_values)  # a company's INN is not a contact's
    assert mine.contact == smith and mine.company is None and mine.is_default
    error = service_refused(lambda: add(user, jones, IP, values=ip_values))
    assert f"“Smith” (#{smith.pk})" in error.message_dict["values.inn"][0]


# The default requisites


def test_default_handling(user, acme, globex):
    first = add(user, acme, name="First")
    second = add(user, acme, name="Second")
    theirs = add(user, globex, values=ru_values(inn=h.INN_12), name="Theirs")

    def defaults():
        return sorted(Requisite.objects.filter(is_default=True).values_list("name", flat=True))

    assert defaults() == ["First", "Theirs"]  # the first of each owner
    third = add(user, acme, name="Third", is_default=True)
    assert defaults() == ["Theirs", "Third"]
    services.requisite_update(user=user, requisite=second, is_default=True)
    assert defaults() == ["Second", "Theirs"]
    services.requisite_update(user=user, requisite=second, is_default=False, name="Second!")
    assert defaults() == ["Second!", "Theirs"]  # one of them always is the default

    services.requisite_delete(user=user, requisite=Requisite.objects.get(pk=second.pk))
    assert defaults() == ["First", "Theirs"]  # the oldest remaining one
    services.requisite_delete(user=user, requisite=first)
    assert defaults() == ["Theirs", "Third"]
    services.requisite_delete(user=user, requisite=Requisite.objects.get(pk=third.pk))
    assert not acme.requisites.exists()
    assert Requisite.objects.get() == theirs


# Bank accounts


def test_russian_bank_accounts_are_checked_against_the_bik(user, acme):
    settlement = h.ru_account(h.BIK, "4070281003800000001")
    requisite = add(
        user,
        acme,
        accounts=[
            {
                "bank_name": " ПАО Сбербанк ",
                "bic": h.BIK,
                "account_number": settlement,
                "correspondent_account": h.CORRESPONDENT,
            },
            {"bank_name": "", "bic": "", "account_number": ""},  # empty rows are skipped
            {
                "bic": "044525974",
                "account_number": h.ru_account("044525974", "4070281010000000002"),
            },
        ],
    )
    accounts = list(requisite.accounts.values("bank_name", "bic", "account_number", "sort"))
    assert accounts == [
        {"bank_name": "ПАО Сбербанк", "bic": h.BIK, "account_number": settlement, "sort": 0},
        {
            "bank_name": "",
            "bic": "044525974",
            "account_number": h.ru_account("044525974", "4070281010000000002"),
            "sort": 1,
        },
    ]


@pytest.mark.parametrize(
    ("account", "fragment"),
    [
        ({"bic": h.BIK, "account_number": h.CORRESPONDENT}, "does not match the BIK"),
        (
            {
                "bic": h.BIK,
                "account_number": h.ru_account(h.BIK, "4070281003800000001"),
                "correspondent_account": "1",
            },
            "20 digits",
        ),
        ({"bic": "12345678", "account_number": "40702810038000000001"}, "BIK “12345678”"),
        ({"bank_name": "Sber", "bic": h.BIK}, "needs a BIK and an account"),
    ],
)
def test_wrong_russian_accounts_are_refused(user, acme, account, fragment):
    error = service_refused(lambda: add(user, acme, accounts=[account]))
    (message,) = error.message_dict["accounts"]
    assert message.startswith("Account 1: ") and fragment in message


def test_wrong_russian_account_leaves_the_old_accounts(user, acme):
    good = {"bic": h.BIK, "account_number": h.ru_account(h.BIK, "4070281003800000001")}
    requisite = add(user, acme, accounts=[good])
    bad = {"bic": h.BIK, "account_number": "40702810038000000009"}
    service_refused(
        lambda: services.requisite_update(user=user, requisite=requisite, accounts=[good, bad])
    )
    assert requisite.accounts.count() == 1
    services.requisite_update(user=user, requisite=requisite, accounts=[])
    assert not BankAccount.objects.exists()


def test_french_bank_accounts_need_a_valid_iban(user, acme):
    values = {"raison_sociale": "Acme SA", "siren": h.SIREN}
    requisite = add(
        user,
        acme,
        FR,
        values=values,
        accounts=[
            {
                "bank_name": "BNP Paribas",
                "bic": "bnpafrpp",
                "iban": "FR14 2004 1010 0505 0001 3M02 606",
            }
        ],
    )
    (account,) = requisite.accounts.all()
    assert (account.iban, account.bic) == (h.IBAN_FR, h.BIC_FR)

    for accounts, fragment in [
        ([{"iban": "FR1420041010050500013M02607"}], "IBAN “FR1420041010050500013M02607”"),
        ([{"bank_name": "BNP", "bic": h.BIC_FR}], "needs an IBAN"),
        ([{"iban": h.IBAN_FR, "bic": "BNPAFRP"}], "BIC “BNPAFRP”"),
    ]:
        error = service_refused(lambda a=accounts: add(user, acme, FR, values=values, accounts=a))
        assert fragment in error.message_dict["accounts"][0]


def test_overlong_bank_fields_are_refused(user, acme):
    values = {"raison_sociale": "Acme SA", "siren": h.SIREN}
    account = {"iban": h.IBAN_FR, "account_number": "1" * 40, "bank_name": "B" * 300}
    error = service_refused(lambda: add(user, acme, FR, values=values, accounts=[account]))
    assert "accounts" in error.message_dict


# History


def test_history_on_the_company_card(user, admin, acme):
    requisite = add(user, acme, name="Main")
    services.requisite_update(
        user=admin, requisite=requisite, values=ru_values(inn=h.inn_10("123456789"))
    )
    services.requisite_update(user=admin, requisite=requisite, name="Main office")
    services.requisite_delete(user=user, requisite=Requisite.objects.get(pk=requisite.pk))
    label = h.preset(RU).name
    new_inn = h.inn_10("123456789")
    assert history(acme) == [
        {
            "field": "requisites",
            "label": "requisites",
            "old": "",
            "new": f"{label}: Main, {h.INN_10}",
            "author": user,
        },
        {
            "field": "requisites",
            "label": "requisites",
            "old": f"{label}: Main, {h.INN_10}",
            "new": f"{label}: Main, {new_inn}",
            "author": admin,
        },
        {
            "field": "requisites",
            "label": "Main: values",
            "old": f"Полное наименование: ПАО Сбербанк; ИНН: {h.INN_10}",
            "new": f"Полное наименование: ПАО Сбербанк; ИНН: {new_inn}",
            "author": admin,
        },
        {
            "field": "requisites",
            "label": "requisites",
            "old": f"{label}: Main, {new_inn}",
            "new": f"{label}: Main office, {new_inn}",
            "author": admin,
        },
        {
            "field": "requisites",
            "label": "requisites",
            "old": f"{label}: Main office, {new_inn}",
            "new": "",
            "author": user,
        },
    ]


def test_a_change_of_a_value_other_than_the_tax_id_is_in_the_history(user, acme):
    requisite = add(user, acme)
    before = len(history(acme))
    services.requisite_update(user=user, requisite=requisite, values=ru_values(kpp=h.KPP))
    assert len(history(acme)) == before + 1


def test_an_update_that_changes_nothing_writes_no_history(user, acme):
    requisite = add(user, acme)
    before = Event.objects.count()
    services.requisite_update(user=user, requisite=requisite, values=ru_values(inn="7707083893 "))
    services.requisite_update(user=user, requisite=requisite, name=requisite.name)
    assert Event.objects.count() == before


@pytest.mark.parametrize(
    "change",
    [
        {"address": {"address_city": "Тверь"}},
        {"accounts": [{"bic": h.BIK, "account_number": h.ru_account(h.BIK, "4" * 19)}]},
        {"is_default": True},
    ],
    ids=["address", "accounts", "default"],
)
def test_every_change_is_in_the_history(user, acme, change):
    add(user, acme)
    requisite = add(user, acme, name="Second")
    before = len(history(acme))
    services.requisite_update(user=user, requisite=requisite, **change)
    assert len(history(acme)) == before + 1


def test_contacts_get_the_history_too(user):
    smith = client_services.contact_create(user=user, last_name="Smith")
    requisite = add(user, smith, US, values={"company_name": "Smith LLC", "ein": h.EIN})
    services.requisite_delete(user=user, requisite=requisite)
    assert [c["new"] for c in history(smith)] == ["Company (USA): Company (USA), 042103594", ""]


# Rights


def test_reading_a_company_is_not_enough_to_change_its_requisites(user, acme):
    requisite = add(user, acme)
    reader = role_user(company_read="all", company_update="none", company_delete="all")
    service_refused(
        lambda: add(reader, acme, name="Mine", values=ru_values(inn=h.INN_12)), PermissionDenied
    )
    service_refused(
        lambda: services.requisite_update(user=reader, requisite=requisite, name="Mine"),
        PermissionDenied,
    )
    service_refused(
        lambda: services.requisite_delete(user=reader, requisite=requisite), PermissionDenied
    )


def test_the_update_scope_decides(user, acme):
    manager = role_user(company_read="all", company_add="all", company_update="own")
    own = client_services.company_create(user=manager, name="Own")
    service_refused(lambda: add(manager, acme), PermissionDenied)
    assert add(manager, own).company == own


def test_nobody_anonymous_or_inactive_writes(acme):
    from django.contrib.auth.models import AnonymousUser

    inactive = UserFactory(is_active=False, is_superuser=True)
    for nobody in (AnonymousUser(), inactive):
        service_refused(lambda n=nobody: add(n, acme), PermissionDenied)


# Presets


def field(code, kind=Kind.TEXT, **more) -> dict:
    return {"code": code, "label": code.upper(), "kind": kind, **more}


def test_presets_need_the_settings_right(user):
    fields = [field("name", required=True), field("vat", Kind.DE_VAT, is_tax_id=True)]
    service_refused(
        lambda: services.preset_create(user=user, name="X", country="AT", fields=fields),
        PermissionDenied,
    )
    service_refused(
        lambda: services.preset_update(user=user, preset=h.preset(RU), name="X"),
        PermissionDenied,
    )
    settings_user = role_user(settings=True)
    preset = services.preset_create(
        user=settings_user, name=" Firma (Österreich) ", country="at", fields=fields
    )
    assert (preset.name, preset.country, preset.is_active) == ("Firma (Österreich)", "AT", True)
    assert list(preset.fields.values_list("code", "kind", "required", "is_tax_id", "sort")) == [
        ("name", "text", True, False, 10),
        ("vat", "de_vat", False, True, 20),
    ]


def test_a_preset_has_at_most_one_tax_id_field(admin):
    fields = [field("inn", Kind.RU_INN, is_tax_id=True), field("kpp", Kind.RU_KPP, is_tax_id=True)]
    error = service_refused(
        lambda: services.preset_create(user=admin, name="X", country="RU", fields=fields)
    )
    assert error.message_dict == {"fields": ["Only one field can be the tax identifier."]}
    error = service_refused(
        lambda: services.preset_update(user=admin, preset=h.preset(RU), fields=fields)
    )
    assert list(error.message_dict) == ["fields"]


def test_a_preset_field_code_is_used_once(admin):
    fields = [field("inn", Kind.RU_INN), field("name"), field("inn")]
    error = service_refused(
        lambda: services.preset_create(user=admin, name="X", country="RU", fields=fields)
    )
    assert error.message_dict == {"fields": ["Field 3: the code inn is used twice."]}


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ([field("bad code")], "Field 1: "),
        ([{"code": "x", "label": ""}], "Field 1: "),
        ([field("x", "no_such_kind")], "Field 1: "),
    ],
)
def test_preset_fields_are_checked(admin, fields, fragment):
    error = service_refused(
        lambda: services.preset_create(user=admin, name="X", country="RU", fields=fields)
    )
    assert error.message_dict["fields"][0].startswith(fragment)


def test_a_preset_needs_a_name_and_a_known_country(admin):
    for name, country, key in (("", "RU", "name"), ("X", "XX", "country"), ("X", "", "country")):
        error = service_refused(
            lambda n=name, c=country: services.preset_create(user=admin, name=n, country=c)
        )
        assert key in error.message_dict


def test_preset_update_replaces_the_fields(admin, user, acme):
    preset = h.preset(US)
    requisite = add(user, acme, US, values={"company_name": "Acme Inc.", "tax_id": "X-1"})
    services.preset_update(
        user=admin,
        preset=preset,
        name="Company (United States)",
        fields=[field("company_name", required=True), field("ein", Kind.US_EIN, is_tax_id=True)],
    )
    preset.refresh_from_db()
    assert preset.name == "Company (United States)"
    assert list(preset.fields.values_list("code", flat=True)) == ["company_name", "ein"]
    requisite.refresh_from_db()
    assert requisite.values["tax_id"] == "X-1"  # stored values stay
    services.preset_update(user=admin, preset=preset, is_active=False)
    assert not Preset.objects.get(pk=preset.pk).is_active
    assert PresetField.objects.filter(preset=preset).count() == 2
