"""``crm.status.*`` on our reference lists: fast-bitrix24 over HTTP for what scripts do
(read a list, add, rename, reorder, delete), Django's test client for the refusals."""

import pytest
from fast_bitrix24.server_response import ErrorInServerResponseException

from companies.services import company_create
from dictionaries.models import Entry, Pipeline
from dictionaries.services import pipeline_create

from .rest import Rest

DEAL_STAGES = ["NEW", "PREPARATION", "PREPAYMENT_INVOICE", "EXECUTING", "FINAL_INVOICE", "WON",
               "LOSE", "APOLOGY"]  # fmt: skip


def codes(rows) -> list[str]:
    return [r["STATUS_ID"] for r in sorted(rows, key=lambda r: int(r["SORT"]))]


def test_get_all_reads_a_list_as_bitrix24_rows(admin_bitrix):
    rows = admin_bitrix.get_all("crm.status.list", {"filter": {"ENTITY_ID": "DEAL_STAGE"}})

    assert codes(rows) == DEAL_STAGES
    won = next(r for r in rows if r["STATUS_ID"] == "WON")
    assert won | {"ID": "?"} == {
        "ID": "?", "ENTITY_ID": "DEAL_STAGE", "STATUS_ID": "WON", "NAME": "Deal won",
        "NAME_INIT": "Deal won", "SORT": "60", "SYSTEM": "Y", "CATEGORY_ID": None,
        "COLOR": "#7BD500", "SEMANTICS": "S", "EXTRA": {"SEMANTICS": "success", "COLOR": "#7BD500"},
    }  # fmt: skip
    apology = next(r for r in rows if r["STATUS_ID"] == "APOLOGY")
    assert (apology["SYSTEM"], apology["NAME_INIT"], apology["EXTRA"]["SEMANTICS"]) == (
        "N", "", "apology")  # fmt: skip


def test_a_pipelines_stages_carry_its_prefix_and_a_new_stage_gets_it(admin_bitrix, admin):
    pipeline = pipeline_create(user=admin, name="Purchases")
    entity_id = f"DEAL_STAGE_{pipeline.pk}"

    added = admin_bitrix.call("crm.status.add", {"fields": {
        "ENTITY_ID": entity_id, "STATUS_ID": "DECISION", "NAME": "Decision", "SORT": 25,
        "COLOR": "A1B2C3"}})  # fmt: skip
    prefixed = admin_bitrix.call("crm.status.add", {"fields": {
        "ENTITY_ID": entity_id, "STATUS_ID": f"C{pipeline.pk}:REFUSED", "NAME": "Refused",
        "SEMANTICS": "F"}})  # fmt: skip

    rows = admin_bitrix.get_all("crm.status.list", {"filter": {"ENTITY_ID": entity_id}})
    prefix = f"C{pipeline.pk}:"
    assert codes(rows) == [prefix + c for c in [*DEAL_STAGES[:2], "DECISION", *DEAL_STAGES[2:]]
                           ] + [prefix + "REFUSED"]  # fmt: skip
    decision = Entry.objects.get(pk=added)
    assert (decision.code, decision.color, decision.pipeline) == (prefix + "DECISION", "#A1B2C3",
                                                                  pipeline)  # fmt: skip
    assert Entry.objects.get(pk=prefixed).semantics == "failure"
    assert {r["CATEGORY_ID"] for r in rows} == {str(pipeline.pk)}
    items = admin_bitrix.call("crm.status.entity.items", {"entityId": entity_id}, raw=True)
    items = items["result"]
    assert items[2] == {"NAME": "Decision", "SORT": 30, "STATUS_ID": prefix + "DECISION"}
    types = admin_bitrix.call("crm.status.entity.types", raw=True)["result"]
    described = next(t for t in types if t["ID"] == entity_id)
    assert (described["PREFIX"], described["CATEGORY_ID"], described["SEMANTIC_INFO"]) == (
        f"C{pipeline.pk}", pipeline.pk, {"START_FIELD": prefix + "NEW",
        "FINAL_SUCCESS_FIELD": prefix + "WON", "FINAL_UNSUCCESS_FIELD": prefix + "LOSE",
        "FINAL_SORT": 0})  # fmt: skip


def test_update_renames_recolours_and_moves_a_row(admin_bitrix):
    entry = Entry.objects.get(list_code="COMPANY_TYPE", code="OTHER")

    assert admin_bitrix.call("crm.status.update", {"ID": entry.pk, "fields": {
        "NAME": "Others", "COLOR": "#123456", "SORT": 5}}) is True  # fmt: skip

    got = admin_bitrix.call("crm.status.get", {"ID": entry.pk}, raw=True)["result"]
    assert (got["NAME"], got["COLOR"], got["SORT"]) == ("Others", "#123456", "10")
    listed = admin_bitrix.get_all("crm.status.list", {"filter": {"ENTITY_ID": "COMPANY_TYPE"}})
    assert codes(listed)[0] == "OTHER"


def test_delete_refuses_system_rows_even_forced_and_deletes_a_free_one(admin_bitrix):
    system = Entry.objects.get(list_code="DEAL_STAGE", code="WON", pipeline__is_default=True)
    free = Entry.objects.get(list_code="COMPANY_TYPE", code="COMPETITOR")

    # Bad input: deleting the system stage WON, with params[FORCED]=Y as Bitrix24 asks.
    with pytest.raises(ErrorInServerResponseException):
        admin_bitrix.call("crm.status.delete", {"ID": system.pk, "params": {"FORCED": "Y"}})
    assert admin_bitrix.call("crm.status.delete", {"ID": free.pk}) is True

    assert Entry.objects.filter(pk=system.pk).exists()
    assert not Entry.objects.filter(pk=free.pk).exists()


def test_a_row_items_use_is_not_deleted(admin_rest, admin):
    customer = Entry.objects.get(list_code="COMPANY_TYPE", code="CUSTOMER")
    company_create(user=admin, name="Acme", type=customer)

    # Bad input: deleting a company type a company has.
    body = admin_rest.refused("crm.status.delete", 400, id=customer.pk)

    assert "active items" in body["error_description"]
    assert Entry.objects.filter(pk=customer.pk).exists()


def test_a_manager_reads_the_lists_but_changes_none(client, manager):
    rest = Rest(client, manager)
    entry = Entry.objects.get(list_code="COMPANY_TYPE", code="OTHER")
    before = Entry.objects.count()

    assert rest.result("crm.status.list", filter={"ENTITY_ID": "COMPANY_TYPE"})
    # Bad input: changes of reference lists without the settings right.
    for method, params in [
        ("crm.status.add", {"fields": {"ENTITY_ID": "COMPANY_TYPE", "STATUS_ID": "VIP",
                                       "NAME": "VIP"}}),
        ("crm.status.update", {"id": entry.pk, "fields": {"NAME": "Renamed"}}),
        ("crm.status.delete", {"id": entry.pk}),
    ]:  # fmt: skip
        assert rest.refused(method, 403, **params)["error"] == "ACCESS_DENIED"

    entry.refresh_from_db()
    assert (Entry.objects.count(), entry.name) == (before, "Other")


@pytest.mark.parametrize(
    ("fields", "argument"),
    [
        ({"ENTITY_ID": "NO_SUCH_LIST", "STATUS_ID": "X", "NAME": "X"}, "fields[ENTITY_ID]"),
        ({"ENTITY_ID": "DEAL_STAGE_999", "STATUS_ID": "X", "NAME": "X"}, "fields[ENTITY_ID]"),
        ({"ENTITY_ID": ["COMPANY_TYPE"], "STATUS_ID": "X", "NAME": "X"}, "fields[ENTITY_ID]"),
        ({"ENTITY_ID": "COMPANY_TYPE", "STATUS_ID": "X", "NAME": ["X"]}, "fields[NAME]"),
        ({"ENTITY_ID": "COMPANY_TYPE", "STATUS_ID": "X", "NAME": "X", "SORT": "ten"},
         "fields[SORT]"),
        ({"ENTITY_ID": "STATUS", "STATUS_ID": "X", "NAME": "X", "SEMANTICS": "Q"},
         "fields[SEMANTICS]"),
    ],
    ids=["unknown-list", "unknown-pipeline", "list-as-array", "name-as-array", "sort-as-text",
         "unknown-semantics"],
)  # fmt: skip
def test_add_refuses_bad_fields_and_writes_nothing(admin_rest, fields, argument):
    # Bad input: the ENTITY_ID, NAME, SORT or SEMANTICS named by the id.
    before = Entry.objects.count()

    body = admin_rest.refused("crm.status.add", 400, fields=fields)

    assert body["argument"] == argument
    assert Entry.objects.count() == before


def test_add_names_every_missing_field(admin_rest):
    # Bad input: no ENTITY_ID, no STATUS_ID, no NAME.
    body = admin_rest.refused("crm.status.add", 400, fields={"SORT": 10})

    assert body["error_description"].splitlines() == [
        f"The field {name} is required." for name in ("ENTITY_ID", "STATUS_ID", "NAME")
    ]


def test_add_refuses_a_code_already_in_the_list_and_a_second_success_stage(admin_rest):
    # Bad input: STATUS_ID CUSTOMER again; a second success stage for lead stages.
    assert admin_rest.refused("crm.status.add", 400, fields={
        "ENTITY_ID": "COMPANY_TYPE", "STATUS_ID": "CUSTOMER", "NAME": "Again"})  # fmt: skip
    second_success = {"ENTITY_ID": "STATUS", "STATUS_ID": "ALSO_WON", "NAME": "Won",
                      "SEMANTICS": "S"}  # fmt: skip
    assert admin_rest.refused("crm.status.add", 400, fields=second_success)


@pytest.mark.parametrize("given", [999_999, "abc", 0, -3, None], ids=str)
def test_get_update_delete_of_no_row(admin_rest, given):
    # Bad input: an id of no row, not a number, zero, negative, missing.
    status = 400
    for method in ("crm.status.get", "crm.status.update", "crm.status.delete"):
        body = admin_rest.refused(method, status, id=given, fields={"NAME": "X"})
        assert body["error"] in ("NOT_FOUND", "ERROR_ARGUMENT")


def test_list_filters_and_orders_and_refuses_unknown_columns(admin_rest):
    rows = admin_rest.result("crm.status.list", filter={"ENTITY_ID": "SOURCE", "SYSTEM": "Y"},
                       order={"STATUS_ID": "DESC"})  # fmt: skip

    assert [r["STATUS_ID"] for r in rows][:2] == ["WEBFORM", "WEB"]
    # Bad input: a filter on a column rows do not have; an order with no direction.
    assert admin_rest.refused("crm.status.list", 400, filter={"TITLE": "x"})["argument"] == (
        "filter[TITLE]")  # fmt: skip
    assert admin_rest.refused("crm.status.list", 400, order={"SORT": "UP"})


def test_entity_items_of_an_unknown_list(admin_rest):
    # Bad input: entityId naming no list, and none given.
    assert admin_rest.refused("crm.status.entity.items", 400, entityId="NOPE")
    assert admin_rest.refused("crm.status.entity.items", 400)
    assert admin_rest.result("crm.status.entity.items", ENTITY_ID="STATUS")[0]["STATUS_ID"] == "NEW"


def test_fields_describe_a_row(admin_rest):
    fields = admin_rest.result("crm.status.fields")

    assert set(fields) == {"ID", "ENTITY_ID", "STATUS_ID", "SORT", "NAME", "NAME_INIT", "SYSTEM",
                           "CATEGORY_ID", "COLOR", "SEMANTICS", "EXTRA"}  # fmt: skip
    assert fields["ENTITY_ID"]["isRequired"] and fields["ID"]["isReadOnly"]


def test_the_default_pipeline_is_found_without_a_number(admin_rest):
    assert Pipeline.objects.filter(is_default=True).count() == 1
    rows = admin_rest.result("crm.status.list", filter={"ENTITY_ID": "DEAL_STAGE"})
    assert {r["ENTITY_ID"] for r in rows} == {"DEAL_STAGE"}
