"""Deal pipelines through ``crm.dealcategory.*`` and ``crm.category.*`` (entityTypeId 2):
fast-bitrix24 over HTTP for what scripts do, Django's test client for the refusals."""

import pytest
from fast_bitrix24.server_response import ErrorInServerResponseException

from deals.services import deal_create
from dictionaries.models import Entry, Pipeline

from .rest import Rest


def test_dealcategory_add_list_update_and_its_stages(admin_bitrix):
    first = admin_bitrix.call("crm.dealcategory.add", {"fields": {"NAME": "Purchases"}})
    second = admin_bitrix.call("crm.dealcategory.add", {"fields": {"NAME": "Rentals", "SORT": 1}})

    listed = admin_bitrix.get_all("crm.dealcategory.list")
    assert [row["NAME"] for row in listed] == ["Purchases", "Rentals"]  # get_all's ID order
    ordered = admin_bitrix.call("crm.dealcategory.list", {"order": {"SORT": "ASC"}}, raw=True)
    assert [row["ID"] for row in ordered["result"]] == [str(second), str(first)]
    assert ordered["total"] == 2  # the default pipeline is default.get's, not a row here
    assert admin_bitrix.call("crm.dealcategory.update", {"ID": first, "fields": {"NAME": "Buying"}})
    got = admin_bitrix.call("crm.dealcategory.get", {"ID": first}, raw=True)["result"]
    assert (got["ID"], got["NAME"], got["IS_LOCKED"]) == (str(first), "Buying", "N")
    stages = admin_bitrix.call("crm.dealcategory.stage.list", {"ID": first}, raw=True)["result"]
    assert [s["STATUS_ID"] for s in stages][:2] == [f"C{first}:NEW", f"C{first}:PREPARATION"]
    default_stages = admin_bitrix.call("crm.dealcategory.stage.list", {"ID": 0}, raw=True)["result"]
    assert default_stages[0] == {"NAME": "New", "SORT": 10, "STATUS_ID": "NEW"}
    assert admin_bitrix.call("crm.dealcategory.status", {"ID": first}, raw=True)["result"] == (
        f"DEAL_STAGE_{first}")  # fmt: skip


def test_the_default_pipeline_through_default_get_and_set(admin_bitrix):
    assert admin_bitrix.call("crm.dealcategory.default.set", {"name": "Sales"}) is True

    assert admin_bitrix.call("crm.dealcategory.default.get", raw=True)["result"] == {
        "ID": 0, "NAME": "Sales"}  # fmt: skip
    assert Pipeline.objects.get(is_default=True).name == "Sales"


def test_category_methods_in_camel_case(admin_bitrix):
    given = {"entityTypeId": 2, "fields": {"name": "Tenders"}}
    added = admin_bitrix.call("crm.category.add", given, raw=True)["result"]["category"]

    assert added == {"id": added["id"], "name": "Tenders", "sort": added["sort"],
                     "entityTypeId": 2, "isDefault": "N", "originId": "",
                     "originatorId": ""}  # fmt: skip
    categories = admin_bitrix.get_all("crm.category.list", {"entityTypeId": 2})
    assert [(c["id"], c["isDefault"]) for c in categories] == [(0, "Y"), (added["id"], "N")]
    moved = admin_bitrix.call("crm.category.update", {
        "entityTypeId": 2, "id": added["id"], "fields": {"name": "Bids", "sort": 0}},
        raw=True)["result"]["category"]  # fmt: skip
    assert (moved["name"], moved["sort"]) == ("Bids", 10)  # now first, renumbered
    got = admin_bitrix.call("crm.category.get", {"entityTypeId": 2, "id": 0}, raw=True)["result"]
    assert got["category"]["isDefault"] == "Y"
    assert admin_bitrix.call("crm.category.delete", {"entityTypeId": 2, "id": added["id"]},
                       raw=True)["result"] is None  # fmt: skip
    assert not Pipeline.objects.filter(pk=added["id"]).exists()
    assert not Entry.objects.filter(pipeline_id=added["id"]).exists()


def test_a_pipeline_with_deals_and_the_default_one_are_not_deleted(admin_bitrix, admin):
    pipeline = Pipeline.objects.create(name="Busy", sort=50)
    Entry.objects.create(list_code="DEAL_STAGE", pipeline=pipeline, code=f"C{pipeline.pk}:NEW",
                         name="New", semantics="process")  # fmt: skip
    deal_create(user=admin, title="Open deal", pipeline=pipeline)

    # Bad input: deleting a pipeline holding a deal, through both families; the default one.
    with pytest.raises(ErrorInServerResponseException):
        admin_bitrix.call("crm.dealcategory.delete", {"ID": pipeline.pk})
    with pytest.raises(ErrorInServerResponseException):
        admin_bitrix.call("crm.category.delete", {"entityTypeId": 2, "id": 0})

    assert Pipeline.objects.count() == 2


def test_a_manager_reads_pipelines_but_changes_none(client, manager):
    rest = Rest(client, manager)
    pipeline = Pipeline.objects.get(is_default=True)

    assert rest.result("crm.category.list", entityTypeId=2)["categories"]
    # Bad input: changes of pipelines without the settings right.
    for method, params in [
        ("crm.dealcategory.add", {"fields": {"NAME": "Mine"}}),
        ("crm.category.add", {"entityTypeId": 2, "fields": {"name": "Mine"}}),
        ("crm.category.update", {"entityTypeId": 2, "id": 0, "fields": {"name": "Mine"}}),
        ("crm.dealcategory.default.set", {"name": "Mine"}),
    ]:
        assert rest.refused(method, 403, **params)["error"] == "ACCESS_DENIED"

    assert Pipeline.objects.get() == pipeline and pipeline.name == "General"


@pytest.mark.parametrize(
    ("method", "params", "error"),
    [
        ("crm.category.list", {"entityTypeId": 1}, "ENTITY_TYPE_NOT_SUPPORTED"),
        ("crm.category.list", {}, "ERROR_ARGUMENT"),
        ("crm.category.list", {"entityTypeId": "deals"}, "ERROR_ARGUMENT"),
        ("crm.category.get", {"entityTypeId": 2, "id": 999}, "NOT_FOUND"),
        ("crm.category.add", {"entityTypeId": 2, "fields": {"sort": 5}}, "ERROR_ARGUMENT"),
        ("crm.category.add", {"entityTypeId": 2, "fields": {"name": "X", "sort": "x"}},
         "ERROR_ARGUMENT"),
        ("crm.category.add", {"entityTypeId": 2, "fields": {"name": "X", "isDefault": "Y"}},
         "ERROR_ARGUMENT"),
        ("crm.category.add", {"entityTypeId": 2, "fields": "Tenders"}, "ERROR_ARGUMENT"),
        ("crm.dealcategory.get", {"id": 0}, "ERROR_ARGUMENT"),
        ("crm.dealcategory.get", {"id": 999}, "NOT_FOUND"),
        ("crm.dealcategory.add", {"fields": {"NAME": ["X"]}}, "ERROR_ARGUMENT"),
        ("crm.dealcategory.add", {"fields": {"NAME": "  "}}, "ERROR_ARGUMENT"),
        ("crm.dealcategory.default.set", {}, "ERROR_ARGUMENT"),
        ("crm.dealcategory.status", {"id": 999}, "NOT_FOUND"),
        ("crm.dealcategory.stage.list", {"id": -1}, "ERROR_ARGUMENT"),
    ],
    ids=["leads", "no-type", "type-as-text", "unknown-id", "no-name", "sort-as-text",
         "second-default", "fields-as-text", "legacy-default-id", "legacy-unknown-id",
         "name-as-array", "blank-name", "default-set-no-name", "status-unknown-id",
         "negative-id"],
)  # fmt: skip
def test_refusals_write_nothing(admin_rest, method, params, error):
    # Bad input: the entity type, id, name, sort or default flag named by the id.
    assert admin_rest.refused(method, 400, **params)["error"] == error
    assert Pipeline.objects.count() == 1


def test_stage_list_of_no_pipeline_is_empty(admin_rest):
    assert admin_rest.result("crm.dealcategory.stage.list", id=999) == []
