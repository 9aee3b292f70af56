"""``crm.requisite.*`` and ``crm.requisite.preset.list``: fast-bitrix24 over HTTP for what
scripts do (add, read, page through, change, delete), Django's test client for the rights and
the refusals."""

import pytest

from companies.services import company_create, contact_create
from requisites.models import Preset, Requisite
from requisites.services import requisite_create
from tests.conftest import sales_user
from timeline.models import Event

from .rest import Rest

INN, KPP = "7707083893", "773601001"


@pytest.fixture
def russian():
    return Preset.objects.get(name="Организация (Россия)")


def rq_fields(owner_type, owner, preset, **values) -> dict:
    return {"ENTITY_TYPE_ID": owner_type, "ENTITY_ID": owner.pk, "PRESET_ID": preset.pk,
            "NAME": "Main", **values}  # fmt: skip


def test_add_get_update_delete_through_fast_bitrix24(admin_bitrix, admin, russian):
    company = company_create(user=admin, name="Romashka")

    fields = rq_fields(4, company, russian, RQ_COMPANY_FULL_NAME="ООО «Ромашка»", RQ_INN=INN,
                       RQ_KPP=KPP)  # fmt: skip
    added = admin_bitrix.call("crm.requisite.add", {"fields": fields})
    got = admin_bitrix.call("crm.requisite.get", {"ID": added}, raw=True)["result"]
    assert got | {"DATE_CREATE": None, "DATE_MODIFY": None} == {
        "ID": str(added), "ENTITY_TYPE_ID": "4", "ENTITY_ID": str(company.pk),
        "PRESET_ID": str(russian.pk), "NAME": "Main", "RQ_COMPANY_FULL_NAME": "ООО «Ромашка»",
        "RQ_COMPANY_NAME": "", "RQ_INN": INN, "RQ_KPP": KPP, "RQ_OGRN": "",
        "RQ_POSTAL_ADDRESS": "", "DATE_CREATE": None, "DATE_MODIFY": None,
        "CREATED_BY_ID": None, "MODIFY_BY_ID": None, "CODE": None, "XML_ID": None,
        "ORIGINATOR_ID": None, "ACTIVE": "Y", "ADDRESS_ONLY": "N", "SORT": "500",
    }  # fmt: skip

    assert admin_bitrix.call("crm.requisite.update", {"ID": added, "fields": {"RQ_KPP": "",
                       "RQ_COMPANY_NAME": "Ромашка"}}) is True  # fmt: skip
    requisite = Requisite.objects.get(pk=added)
    assert requisite.values == {"full_name": "ООО «Ромашка»", "inn": INN,
                                "short_name": "Ромашка"}  # fmt: skip
    assert admin_bitrix.call("crm.requisite.delete", {"ID": added}) is True
    assert not Requisite.objects.filter(pk=added).exists()
    # Each change is in the company's history, by the webhook's door.
    events = Event.objects.filter(item_id=company.pk, changes__0__field="requisites")
    assert events.count() == 3 and {e.door for e in events} == {"webhook"}


def test_get_all_pages_through_requisites_of_contacts_and_companies(admin_bitrix, admin, russian):
    owners = [company_create(user=admin, name=f"Company {n}") for n in range(55)]
    owners.append(contact_create(user=admin, first_name="Anna", last_name="Lee"))
    for number, owner in enumerate(owners):
        requisite_create(user=admin, owner=owner, preset=russian, allow_duplicate=True,
                         values={"full_name": f"Owner {number}", "inn": INN})  # fmt: skip

    select = ["ID", "ENTITY_TYPE_ID", "RQ_INN"]
    rows = admin_bitrix.get_all("crm.requisite.list", {"select": select})
    of_companies = admin_bitrix.get_all("crm.requisite.list", {"filter": {"ENTITY_TYPE_ID": 4}})

    assert len({r["ID"] for r in rows}) == len(rows) == 56
    assert set(rows[0]) == {"ID", "ENTITY_TYPE_ID", "RQ_INN"}
    assert sorted({r["ENTITY_TYPE_ID"] for r in rows}) == ["3", "4"]
    assert len(of_companies) == 55


def test_preset_list(admin_bitrix):
    presets = admin_bitrix.get_all("crm.requisite.preset.list")

    by_name = {p["NAME"]: p for p in presets}
    assert by_name["Организация (Россия)"]["COUNTRY_ID"] == "1"
    assert by_name["Société (France)"]["COUNTRY_ID"] == "132"
    assert {p["ACTIVE"] for p in presets} == {"Y"}
    fields = admin_bitrix.call("crm.requisite.fields", raw=True)["result"]
    assert {"RQ_INN", "RQ_KPP", "RQ_OGRNIP", "RQ_SIREN", "RQ_VAT_ID"} <= set(fields)
    assert fields["RQ_INN"]["title"] == "ИНН"


def test_a_manager_sees_and_changes_only_requisites_of_their_items(client, manager, russian):
    other = sales_user()
    mine = company_create(user=manager, name="Mine")
    theirs = company_create(user=other, name="Theirs", responsible=other, opened=False)
    my_requisite = requisite_create(user=manager, owner=mine, preset=russian,
                                    values={"full_name": "Mine", "inn": INN})  # fmt: skip
    their_requisite = requisite_create(user=other, owner=theirs, preset=russian,
                                       allow_duplicate=True,
                                       values={"full_name": "Theirs", "inn": INN})  # fmt: skip
    rest = Rest(client, manager)

    listed = rest.call("crm.requisite.list")[1]
    assert ([r["ID"] for r in listed["result"]], listed["total"]) == ([str(my_requisite.pk)], 1)
    # Bad input: reading, changing, deleting the requisites of a company the manager may not
    # read, and adding some to it: each answers as for an id that does not exist.
    missing = rest.refused("crm.requisite.get", 400, id=10**9)
    for method, params in [
        ("crm.requisite.get", {"id": their_requisite.pk}),
        ("crm.requisite.update", {"id": their_requisite.pk, "fields": {"NAME": "Mine now"}}),
        ("crm.requisite.delete", {"id": their_requisite.pk}),
    ]:
        assert rest.refused(method, 400, **params) == missing
    to_theirs = rq_fields(4, theirs, russian, RQ_COMPANY_FULL_NAME="X", RQ_INN=INN)
    assert rest.refused("crm.requisite.add", 400, fields=to_theirs)["error"] == "NOT_FOUND"
    their_requisite.refresh_from_db()
    assert their_requisite.name != "Mine now"
    assert Requisite.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "argument"),
    [
        ({"ENTITY_TYPE_ID": 2}, "fields[ENTITY_TYPE_ID]"),
        ({"ENTITY_TYPE_ID": "company"}, "fields[ENTITY_TYPE_ID]"),
        ({"ENTITY_ID": None}, "fields[ENTITY_ID]"),
        ({"ENTITY_ID": "one"}, "fields[ENTITY_ID]"),
        ({"PRESET_ID": None}, "fields[PRESET_ID]"),
        ({"PRESET_ID": 999}, "fields[PRESET_ID]"),
        ({"RQ_OKPO": "12345678"}, "fields[RQ_OKPO]"),
        ({"NAME": ["Main"]}, "fields[NAME]"),
    ],
    ids=["deal-owner", "owner-type-as-text", "no-owner", "owner-as-text", "no-preset",
         "unknown-preset", "field-of-no-preset", "name-as-array"],
)  # fmt: skip
def test_add_refuses_bad_fields_and_writes_nothing(client, admin, russian, fields, argument):
    # Bad input: the owner, preset, RQ_ field or name named by the id.
    company = company_create(user=admin, name="Acme")
    given = rq_fields(4, company, russian, RQ_COMPANY_FULL_NAME="Acme", RQ_INN=INN) | fields

    body = Rest(client, admin).refused("crm.requisite.add", 400, fields=given)

    assert body["argument"] == argument
    assert not Requisite.objects.exists()


def test_add_refuses_values_the_preset_refuses(client, admin, russian):
    company = company_create(user=admin, name="Acme")
    rest = Rest(client, admin)

    # Bad input: an INN whose check digits are wrong; no INN, which the preset requires;
    # fields that are no map.
    wrong = rest.refused("crm.requisite.add", 400, fields=rq_fields(
        4, company, russian, RQ_COMPANY_FULL_NAME="Acme", RQ_INN="7707083894"))  # fmt: skip
    assert "ИНН" in wrong["error_description"]
    assert rest.refused("crm.requisite.add", 400, fields=rq_fields(
        4, company, russian, RQ_COMPANY_FULL_NAME="Acme"))  # fmt: skip
    assert rest.refused("crm.requisite.add", 400, fields="RQ_INN=7707083893")
    assert not Requisite.objects.exists()


@pytest.mark.parametrize(
    "params",
    [{"filter": {"RQ_XYZ": 1}}, {"filter": {"ENTITY_ID": "one"}}, {"order": {"RQ_INN": "ASC"}},
     {"order": {"ID": "UP"}}, {"start": "x"}, {"filter": "ID=1"}],
    ids=["unknown-filter", "owner-as-text", "unknown-order", "bad-direction", "start-as-text",
         "filter-as-text"],
)  # fmt: skip
def test_list_refuses_bad_parameters(client, admin, params):
    # Bad input: the filter, order or start named by the id.
    assert Rest(client, admin).refused("crm.requisite.list", 400, **params)


def test_update_cannot_change_the_preset(client, admin, russian):
    company = company_create(user=admin, name="Acme")
    requisite = requisite_create(user=admin, owner=company, preset=russian,
                                 values={"full_name": "Acme", "inn": INN})  # fmt: skip
    french = Preset.objects.get(country="FR")

    # Bad input: another PRESET_ID on update.
    Rest(client, admin).refused("crm.requisite.update", 400, id=requisite.pk,
                                fields={"PRESET_ID": french.pk})  # fmt: skip

    requisite.refresh_from_db()
    assert requisite.preset == russian
