"""Django admin of requisites: presets saved through the services (same rules, settings right),
requisites shown read-only within the reader's reach, deleted through the service."""

import pytest
from django.contrib.auth.models import Permission

from companies import services as client_services
from requisites import services
from requisites.models import Preset, Requisite
from tests.factories import UserFactory
from tests.helpers import tables_snapshot

from . import helpers as h
from .test_services import history, role_user

pytestmark = pytest.mark.django_db

PRESETS = "/admin/requisites/preset/"
REQUISITES = "/admin/requisites/requisite/"


def preset_form(name="Firma (Österreich)", country="AT", is_active=True, fields=(), initial=()):
    """What the preset add/change form posts: the preset and its inline rows of fields."""
    data = {
        "name": name,
        "country": country,
        "fields-TOTAL_FORMS": str(len(initial) + len(fields)),
        "fields-INITIAL_FORMS": str(len(initial)),
        "fields-MIN_NUM_FORMS": "0",
        "fields-MAX_NUM_FORMS": "1000",
    }
    if is_active:
        data["is_active"] = "on"
    for number, row in enumerate([*initial, *fields]):
        for key, value in row.items():
            if value is True:
                data[f"fields-{number}-{key}"] = "on"
            elif value is not False:
                data[f"fields-{number}-{key}"] = str(value)
    return data


def row(code, label=None, kind="text", **flags) -> dict:
    return {"code": code, "label": label or code.upper(), "kind": kind, **flags}


def existing_rows(preset, **changes) -> list[dict]:
    """The inline rows of a preset's fields as shown, with ``changes`` by code."""
    rows = []
    for field in preset.fields.all():
        values = {
            "id": field.pk,
            "preset": preset.pk,
            "code": field.code,
            "label": field.label,
            "kind": field.kind,
            "required": field.required,
            "is_tax_id": field.is_tax_id,
        }
        rows.append({**values, **changes.get(field.code, {})})
    return rows


def staff(*codenames, **scopes):
    """A staff user with these Django permissions and a role granting ``scopes``."""
    user = role_user(**scopes) if scopes else UserFactory()
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def acme(admin):
    company = client_services.company_create(user=admin, name="Acme")
    services.requisite_create(
        user=admin,
        owner=company,
        preset=h.preset("Организация"),
        values={"full_name": "ООО Акме", "inn": h.INN_10},
        accounts=[
            {
                "bank_name": "ПАО Сбербанк",
                "bic": h.BIK,
                "account_number": h.ru_account(h.BIK, "4070281003800000001"),
                "correspondent_account": h.CORRESPONDENT,
            }
        ],
    )
    return company


def test_pages_load(admin_client, acme):
    requisite = acme.requisites.get()
    preset = h.preset("Организация")
    for url in (
        PRESETS,
        f"{PRESETS}?country=RU",
        f"{PRESETS}add/",
        f"{PRESETS}{preset.pk}/change/",
        REQUISITES,
        f"{REQUISITES}?q=7707",
        f"{REQUISITES}{requisite.pk}/change/",
        f"{REQUISITES}{requisite.pk}/delete/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    page = admin_client.get(f"{REQUISITES}{requisite.pk}/change/").content.decode()
    assert "ИНН: 7707083893" in page and h.CORRESPONDENT in page and "Acme" in page
    assert "delete_selected" not in admin_client.get(REQUISITES).content.decode()


def test_requisites_are_found_by_tax_identifier_written_any_way(admin_client, acme, admin):
    globex = client_services.company_create(user=admin, name="Globex")
    services.requisite_create(
        user=admin,
        owner=globex,
        preset=h.preset("Société"),
        values={"raison_sociale": "Globex SA", "siren": h.SIREN},
    )

    def found(term):
        response = admin_client.get(REQUISITES, {"q": term})
        assert response.status_code == 200
        return response.context["cl"].result_list

    assert [r.company for r in found("7707 083 893")] == [acme]
    assert [r.company for r in found("7707-083")] == [acme]
    assert [r.company for r in found("732 829 320")] == [globex]
    assert list(found("999")) == []
    assert len(found("  ")) == 2


def test_requisites_cannot_be_added_or_changed_here(admin_client, acme):
    requisite = acme.requisites.get()
    before = tables_snapshot()
    assert admin_client.get(f"{REQUISITES}add/").status_code == 403
    response = admin_client.post(
        f"{REQUISITES}{requisite.pk}/change/", {"name": "Changed", "tax_id": "1"}
    )
    assert response.status_code == 403
    assert tables_snapshot() == before


def test_deleting_a_requisite_goes_through_the_service(admin_client, admin, acme):
    requisite = acme.requisites.get()
    response = admin_client.post(f"{REQUISITES}{requisite.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Requisite.objects.exists()
    assert history(acme)[-1]["new"] == "" and history(acme)[-1]["author"] == admin


def test_staff_see_only_requisites_of_items_they_may_read(client, admin, acme):
    reader = staff("view_requisite", "delete_requisite", company_read="own", company_add="all")
    mine = client_services.company_create(user=reader, name="Mine")
    services.requisite_create(
        user=admin,
        owner=mine,
        preset=h.preset("Company (USA)"),
        values={"company_name": "Mine Inc.", "ein": h.EIN},
    )
    client.force_login(reader)
    listed = client.get(REQUISITES).context["cl"].result_list
    assert [r.company for r in listed] == [mine]
    assert list(client.get(REQUISITES, {"q": h.INN_10}).context["cl"].result_list) == []

    theirs = acme.requisites.get()
    before = tables_snapshot()
    assert client.get(f"{REQUISITES}{theirs.pk}/change/").status_code == 302  # "not found"
    assert client.post(f"{REQUISITES}{theirs.pk}/delete/", {"post": "yes"}).status_code == 302
    assert tables_snapshot() == before
    # Their own company: readable, but the role may not update it, so no deletion either.
    own = mine.requisites.get()
    assert client.get(f"{REQUISITES}{own.pk}/change/").status_code == 200
    assert client.post(f"{REQUISITES}{own.pk}/delete/", {"post": "yes"}).status_code == 403
    assert tables_snapshot() == before


# Presets


def test_adding_a_preset_goes_through_the_service(admin_client):
    data = preset_form(
        country="at",
        fields=[
            row("firmenname", "Firmenname", required=True),
            row("uid", "UID", is_tax_id=True),
            row("firmenbuch", "Firmenbuchnummer"),
        ],
    )
    response = admin_client.post(f"{PRESETS}add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    preset = Preset.objects.get(name="Firma (Österreich)")
    assert (preset.country, preset.is_active) == ("AT", True)
    assert list(preset.fields.values_list("code", "required", "is_tax_id", "sort")) == [
        ("firmenname", True, False, 10),
        ("uid", False, True, 20),
        ("firmenbuch", False, False, 30),
    ]


def test_a_preset_may_be_added_inactive(admin_client):
    response = admin_client.post(f"{PRESETS}add/", preset_form(is_active=False))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Preset.objects.get(name="Firma (Österreich)").is_active is False


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            [row("a", is_tax_id=True), row("b", is_tax_id=True)],
            "Only one field can be the tax identifier.",
        ),
        ([row("a"), row("b"), row("a", "Again")], "Field 3: the code a is used twice."),
    ],
)
def test_preset_rules_are_form_errors(admin_client, fields, message):
    before = tables_snapshot()
    response = admin_client.post(f"{PRESETS}add/", preset_form(fields=fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert tables_snapshot() == before


def test_a_preset_with_a_wrong_country_or_code_is_a_form_error(admin_client):
    before = tables_snapshot()
    for data in (
        preset_form(country="XX"),
        preset_form(fields=[row("bad code")]),
        preset_form(name="x" * 10_000),
    ):
        assert admin_client.post(f"{PRESETS}add/", data).status_code == 200
    assert tables_snapshot() == before


def test_changing_a_preset_replaces_its_fields(admin_client, acme):
    preset = h.preset("Организация")
    rows = existing_rows(
        preset,
        short_name={"DELETE": True},
        kpp={"label": "КПП (код причины)"},
        inn={"is_tax_id": False},
        ogrn={"is_tax_id": True},
    )
    data = preset_form(
        name="Юрлицо (Россия)",
        country="RU",
        initial=rows,
        fields=[row("okpo", "ОКПО")],
    )
    response = admin_client.post(f"{PRESETS}{preset.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    preset.refresh_from_db()
    assert preset.name == "Юрлицо (Россия)" and preset.country == "RU"
    assert list(preset.fields.values_list("code", "label", "is_tax_id")) == [
        ("full_name", "Полное наименование", False),
        ("inn", "ИНН", False),
        ("kpp", "КПП (код причины)", False),
        ("ogrn", "ОГРН", True),
        ("postal_address", "Почтовый адрес", False),
        ("okpo", "ОКПО", False),
    ]
    # Requisites keep their values.
    assert acme.requisites.get().values["inn"] == h.INN_10


def test_moving_the_tax_id_flag_to_two_rows_is_refused(admin_client):
    preset = h.preset("Организация")
    before = tables_snapshot()
    rows = existing_rows(preset, ogrn={"is_tax_id": True})
    data = preset_form(name=preset.name, country="RU", initial=rows)
    response = admin_client.post(f"{PRESETS}{preset.pk}/change/", data)
    assert response.status_code == 200
    assert "Only one field can be the tax identifier." in response.content.decode()
    assert tables_snapshot() == before


def test_presets_need_the_settings_right(client):
    preset = h.preset("Организация")
    codenames = ("view_preset", "add_preset", "change_preset", "delete_preset")
    clerk = staff(*codenames)
    client.force_login(clerk)
    before = tables_snapshot()
    assert client.get(PRESETS).status_code == 200  # may look
    assert client.get(f"{PRESETS}add/").status_code == 403
    assert client.post(f"{PRESETS}add/", preset_form()).status_code == 403
    data = preset_form(name="Mine", country="RU", initial=existing_rows(preset))
    assert client.post(f"{PRESETS}{preset.pk}/change/", data).status_code == 403
    assert client.post(f"{PRESETS}{preset.pk}/delete/", {"post": "yes"}).status_code == 403
    assert tables_snapshot() == before

    client.force_login(staff(*codenames, settings=True))
    data = preset_form(name="Mine", country="RU", initial=existing_rows(preset))
    assert client.post(f"{PRESETS}{preset.pk}/change/", data).status_code == 302
    assert Preset.objects.get(pk=preset.pk).name == "Mine"
    assert client.post(f"{PRESETS}{preset.pk}/delete/", {"post": "yes"}).status_code == 403
