"""The requisites section of company and contact cards: list, add, edit, delete in place."""

import re

import pytest

from accessrights.models import Action, Role, RolePermission, Scope
from accessrights.rights import rights_changed
from companies import services as company_services
from requisites import services
from requisites.models import Preset, Requisite
from tests.factories import UserFactory
from tests.helpers import tables_snapshot
from timeline.models import Event

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
IBAN = "FR1420041010050500013M02606"
FIELD = re.compile(r'<div class="field(?: has-error)?">')


@pytest.fixture
def acme(user):
    return company_services.company_create(user=user, name="Acme")


@pytest.fixture
def france():
    return Preset.objects.get(name="Société (France)")


@pytest.fixture
def russia():
    return Preset.objects.get(name="Организация (Россия)")


def url(company, action: str = "", requisite=None) -> str:
    base = f"/companies/{company.pk}/requisites/"
    if requisite is not None:
        base += f"{requisite.pk}/"
    return base + (f"{action}/" if action else "")


def french_data(preset, **values) -> dict:
    return {
        "preset": preset.pk,
        "name": "Acme France",
        "value_raison_sociale": "Acme SAS",
        "value_siren": "732 829 320",
        "value_siret": "",
        "address_street": "1 rue de Rivoli",
        "address_postal_code": "75001",
        "address_city": "Paris",
        "accounts-0-bank_name": "BNP Paribas",
        "accounts-0-iban": IBAN,
        "accounts-0-bic": "BNPAFRPPXXX",
        "accounts-1-bank_name": "",
        "accounts-1-iban": "",
        "accounts-1-bic": "",
        **values,
    }


def field_block(html: str, name: str) -> str:
    """The ``<div class="field">`` of the input ``name``: its label, input and messages."""
    starts = [m.start() for m in FIELD.finditer(html)]
    label = html.index(f'<label for="id_{name}"')
    start = max(s for s in starts if s < label)
    end = min((s for s in starts if s > label), default=len(html))
    return html[start:end]


def test_the_card_loads_the_section(user_client, acme):
    card = user_client.get(f"/companies/{acme.pk}/").content.decode()
    assert f'hx-get="{url(acme)}"' in card
    section = user_client.get(url(acme), **HTMX)
    assert section.status_code == 200
    html = section.content.decode()
    assert html.lstrip().startswith('<section class="panel requisites" id="requisites"')
    assert "No requisites yet." in html
    assert f'hx-get="{url(acme, "add")}"' in html


def test_without_htmx_the_section_is_a_page(user_client, acme):
    response = user_client.get(url(acme))
    assert response.status_code == 200
    assert "<!doctype html>" in response.content.decode()
    assert "Requisites of Acme" in response.content.decode()


def test_the_chooser_lists_the_active_presets(user_client, acme, france, russia):
    russia.is_active = False
    russia.save()
    html = user_client.get(url(acme, "add"), **HTMX).content.decode()
    assert f'<option value="{france.pk}">Société (France)</option>' in html
    assert "Организация (Россия)" not in html
    refused = user_client.get(url(acme, "add"), {"preset": russia.pk}, **HTMX)
    assert refused.status_code == 422
    assert "Choose a preset." in refused.content.decode()


def test_the_form_shows_the_preset_fields(user_client, acme, france, russia):
    html = user_client.get(url(acme, "add"), {"preset": france.pk}, **HTMX).content.decode()
    assert 'name="value_siren"' in html
    assert "required" in field_block(html, "value_siren")
    assert "required" not in field_block(html, "value_siret")
    assert "Raison sociale" in field_block(html, "value_raison_sociale")
    for name in ("address_street", "address_city", "address_postal_code", "address_country"):
        assert f'name="{name}"' in html
    for row in (0, 1):
        for name in ("bank_name", "iban", "bic"):
            assert f'name="accounts-{row}-{name}"' in html
    assert 'name="is_default"' in html

    html = user_client.get(url(acme, "add"), {"preset": russia.pk}, **HTMX).content.decode()
    for row in (0, 1):
        for name in ("bank_name", "bic", "account_number", "correspondent_account"):
            assert f'name="accounts-{row}-{name}"' in html
        assert f'name="accounts-{row}-iban"' not in html
    assert ">BIK</label>" in html


def test_add_french_requisites(user_client, acme, france):
    response = user_client.post(url(acme, "add"), french_data(france), **HTMX)
    assert response.status_code == 200
    requisite = Requisite.objects.get(company=acme)
    assert requisite.preset == france
    assert requisite.values == {"raison_sociale": "Acme SAS", "siren": "732829320"}
    assert requisite.tax_id == "732829320"
    assert requisite.is_default
    assert requisite.address_city == "Paris"
    account = requisite.accounts.get()
    assert (account.bank_name, account.iban, account.bic) == ("BNP Paribas", IBAN, "BNPAFRPPXXX")
    html = response.content.decode()
    assert "Requisites saved." in html
    assert "<dt>SIREN</dt><dd>732829320</dd>" in html
    assert "<dt>Raison sociale</dt><dd>Acme SAS</dd>" in html
    assert "1 rue de Rivoli, 75001 Paris" in html
    assert IBAN in html and "BNP Paribas" in html
    assert '<span class="badge success">default</span>' in html
    assert Event.objects.filter(item_id=acme.pk, changes__0__field="requisites").exists()


def test_an_invalid_siret_is_refused_next_to_its_field(user_client, acme, france):
    before = tables_snapshot()
    response = user_client.post(
        url(acme, "add"), french_data(france, value_siret="73282932000075"), **HTMX
    )
    assert response.status_code == 422
    html = response.content.decode()
    block = field_block(html, "value_siret")
    assert "has-error" in block
    assert "SIRET “73282932000075” is not valid" in block
    assert 'value="73282932000075"' in block
    assert 'value="Acme SAS"' in field_block(html, "value_raison_sociale")
    assert "is not valid" not in field_block(html, "value_siren")
    assert tables_snapshot() == before


def test_a_missing_required_value_is_shown(user_client, acme, france):
    response = user_client.post(
        url(acme, "add"), french_data(france, value_raison_sociale=""), **HTMX
    )
    assert response.status_code == 422
    block = field_block(response.content.decode(), "value_raison_sociale")
    assert "Raison sociale is required." in block
    assert not Requisite.objects.exists()


def test_a_bad_iban_is_shown_with_the_accounts(user_client, acme, france):
    data = french_data(france, **{"accounts-1-iban": "FR00 1234"})
    response = user_client.post(url(acme, "add"), data, **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    accounts = html[html.index('<fieldset class="bank-accounts">') :]
    assert "Account 2: IBAN “FR00 1234” is not valid" in accounts
    assert 'value="FR00 1234"' in accounts
    assert not Requisite.objects.exists()


def test_edit_requisites(user_client, user, acme, france):
    requisite = services.requisite_create(
        user=user,
        owner=acme,
        preset=france,
        name="Old name",
        values={"raison_sociale": "Acme SAS", "siren": "732829320"},
        accounts=[{"iban": IBAN}],
    )
    form = user_client.get(url(acme, "edit", requisite), **HTMX).content.decode()
    assert 'value="Old name"' in form
    assert 'value="732829320"' in field_block(form, "value_siren")
    assert f'value="{IBAN}"' in form
    assert 'name="accounts-1-iban"' in form  # a blank row for one more account

    data = french_data(
        france,
        name="New name",
        value_siret="732 829 320 00074",
        address_city="Lyon",
        **{"accounts-0-iban": "", "accounts-0-bank_name": "", "accounts-0-bic": ""},
    )
    del data["preset"]
    response = user_client.post(url(acme, "edit", requisite), data, **HTMX)
    assert response.status_code == 200
    requisite.refresh_from_db()
    assert requisite.name == "New name"
    assert requisite.values["siret"] == "73282932000074"
    assert requisite.address_city == "Lyon"
    assert not requisite.accounts.exists()
    assert "<dt>SIRET</dt><dd>73282932000074</dd>" in response.content.decode()


def test_make_other_requisites_the_default(user_client, user, acme, france):
    first = services.requisite_create(
        user=user, owner=acme, preset=france, values={"raison_sociale": "A", "siren": "732829320"}
    )
    second = services.requisite_create(
        user=user, owner=acme, preset=france, values={"raison_sociale": "B", "siren": "732829320"}
    )
    html = user_client.get(url(acme), **HTMX).content.decode()
    assert html.index(f'id="requisite-{first.pk}"') < html.index(f'id="requisite-{second.pk}"')
    data = french_data(france, value_raison_sociale="B", is_default="on")
    del data["preset"]
    response = user_client.post(url(acme, "edit", second), data, **HTMX)
    assert response.status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.is_default and not first.is_default
    html = response.content.decode()
    assert html.index(f'id="requisite-{second.pk}"') < html.index(f'id="requisite-{first.pk}"')


def test_delete_requisites(user_client, user, acme, france):
    first = services.requisite_create(
        user=user, owner=acme, preset=france, values={"raison_sociale": "A", "siren": "732829320"}
    )
    second = services.requisite_create(
        user=user, owner=acme, preset=france, values={"raison_sociale": "B", "siren": "732829320"}
    )
    html = user_client.get(url(acme), **HTMX).content.decode()
    assert f'hx-post="{url(acme, "delete", first)}"' in html
    assert "hx-confirm=" in html
    response = user_client.post(url(acme, "delete", first), **HTMX)
    assert response.status_code == 200
    assert not Requisite.objects.filter(pk=first.pk).exists()
    second.refresh_from_db()
    assert second.is_default
    assert f'id="requisite-{first.pk}"' not in response.content.decode()


def test_a_plain_post_redirects_to_the_card(user_client, acme, france):
    response = user_client.post(url(acme, "add"), french_data(france))
    assert response.status_code == 302
    assert response.url == f"/companies/{acme.pk}/"
    assert Requisite.objects.filter(company=acme).exists()


def test_a_duplicate_inn_is_flagged_then_saved_anyway(user_client, user, acme, russia):
    other = company_services.company_create(user=user, name="Other LLC")
    services.requisite_create(
        user=user,
        owner=other,
        preset=russia,
        values={"full_name": "ООО Другая", "inn": "7707083893"},
    )
    data = {"preset": russia.pk, "value_full_name": "ООО Акме", "value_inn": "7707083893"}
    response = user_client.post(url(acme, "add"), data, **HTMX)
    assert response.status_code == 422
    block = field_block(response.content.decode(), "value_inn")
    assert "a likely duplicate" in block
    assert "Other LLC" in block
    assert 'name="allow_duplicate"' in block
    assert "Save anyway" in block
    assert not acme.requisites.exists()

    response = user_client.post(url(acme, "add"), {**data, "allow_duplicate": "on"}, **HTMX)
    assert response.status_code == 200
    assert acme.requisites.get().tax_id == "7707083893"
    assert Requisite.objects.filter(tax_id="7707083893").count() == 2


def test_an_invalid_inn_offers_no_save_anyway(user_client, acme, russia):
    data = {"preset": russia.pk, "value_full_name": "ООО Акме", "value_inn": "7707083894"}
    response = user_client.post(url(acme, "add"), data, **HTMX)
    assert response.status_code == 422
    block = field_block(response.content.decode(), "value_inn")
    assert "is not valid" in block
    assert 'name="allow_duplicate"' not in block


def test_hostile_text_is_escaped(user_client, acme, france):
    hostile = '<script>alert("x")</script>'
    data = french_data(
        france,
        name=hostile,
        value_raison_sociale=hostile,
        address_city=hostile,
        **{"accounts-0-bank_name": hostile},
    )
    response = user_client.post(url(acme, "add"), data, **HTMX)
    assert response.status_code == 200
    assert Requisite.objects.get().name == hostile
    for html in (
        response.content.decode(),
        user_client.get(url(acme)).content.decode(),
        user_client.get(url(acme, "edit", Requisite.objects.get()), **HTMX).content.decode(),
    ):
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    refused = user_client.post(url(acme, "add"), {**data, "value_siret": hostile}, **HTMX)
    assert refused.status_code == 422
    assert "<script>alert" not in refused.content.decode()


@pytest.fixture
def reader(db):
    """A user whose only role reads every company and changes none."""
    role = Role.objects.create(name="Company reader")
    RolePermission.objects.create(role=role, entity="company", action=Action.READ, scope=Scope.ALL)
    person = UserFactory()
    role.users.add(person)
    rights_changed()
    return person


def test_a_reader_without_the_update_right_gets_403(client, reader, user, acme, france):
    requisite = services.requisite_create(
        user=user, owner=acme, preset=france, values={"raison_sociale": "A", "siren": "732829320"}
    )
    client.force_login(reader)
    section = client.get(url(acme), **HTMX)
    assert section.status_code == 200
    html = section.content.decode()
    assert "<dt>SIREN</dt><dd>732829320</dd>" in html
    assert "Add requisites" not in html
    assert url(acme, "delete", requisite) not in html
    before = tables_snapshot()
    assert client.get(url(acme, "add"), {"preset": france.pk}, **HTMX).status_code == 403
    assert client.post(url(acme, "add"), french_data(france), **HTMX).status_code == 403
    assert client.post(url(acme, "add"), french_data(france)).status_code == 403
    edit = french_data(france, name="Changed")
    assert client.get(url(acme, "edit", requisite), **HTMX).status_code == 403
    assert client.post(url(acme, "edit", requisite), edit, **HTMX).status_code == 403
    assert client.post(url(acme, "delete", requisite), **HTMX).status_code == 403
    assert tables_snapshot() == before


def test_a_company_outside_the_readers_scope_is_404(user_client, own_read_only, admin, france):
    hidden = company_services.company_create(user=admin, name="Hidden", opened=False)
    requisite = services.requisite_create(
        user=admin,
        owner=hidden,
        preset=france,
        values={"raison_sociale": "H", "siren": "732829320"},
    )
    before = tables_snapshot()
    assert user_client.get(url(hidden), **HTMX).status_code == 404
    assert user_client.get(url(hidden, "add"), **HTMX).status_code == 404
    assert user_client.post(url(hidden, "add"), french_data(france), **HTMX).status_code == 404
    assert user_client.post(url(hidden, "delete", requisite), **HTMX).status_code == 404
    assert tables_snapshot() == before


def test_requisites_of_another_company_are_404(user_client, user, acme, france):
    other = company_services.company_create(user=user, name="Other")
    requisite = services.requisite_create(
        user=user, owner=other, preset=france, values={"raison_sociale": "O", "siren": "732829320"}
    )
    assert user_client.get(url(acme, "edit", requisite), **HTMX).status_code == 404
    assert user_client.post(url(acme, "delete", requisite), **HTMX).status_code == 404
    assert Requisite.objects.filter(pk=requisite.pk).exists()


def test_contact_cards_have_requisites_too(user_client, user, france):
    contact = company_services.contact_create(user=user, first_name="Jeanne", last_name="Moreau")
    card = user_client.get(f"/contacts/{contact.pk}/").content.decode()
    base = f"/contacts/{contact.pk}/requisites/"
    assert f'hx-get="{base}"' in card
    response = user_client.post(f"{base}add/", french_data(france), **HTMX)
    assert response.status_code == 200
    requisite = contact.requisites.get()
    assert requisite.company is None
    assert re.search(rf'hx-get="{base}{requisite.pk}/edit/"', response.content.decode())
