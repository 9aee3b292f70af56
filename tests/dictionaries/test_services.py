"""The rules of reference lists and pipelines, tried at the service level.

Every refusal is checked twice: the error names what is wrong, and nothing was written.
"""

import pytest
from django.core.exceptions import PermissionDenied

from dictionaries import services
from dictionaries.models import Entry, Pipeline, Semantics
from tests.helpers import service_refused

from .helpers import codes, entry

pytestmark = pytest.mark.django_db


# Rename, recolour, reset


def test_rename_and_recolour(admin):
    customer = entry("COMPANY_TYPE", "CUSTOMER")
    services.entry_update(user=admin, entry=customer, name="  Key account ", color="#112233")
    customer.refresh_from_db()
    assert (customer.name, customer.color, customer.original_name) == (
        "Key account",
        "#112233",
        "Client",
    )


def test_system_entries_can_be_renamed(admin):
    services.entry_update(user=admin, entry=entry("SOURCE", "CALL"), name="Phone call")
    assert entry("SOURCE", "CALL").name == "Phone call"


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "cannot be blank"), ("   ", "cannot be blank"), ("x" * 10_000, "at most 100")],
    ids=["empty", "blank", "10000-characters"],
)
def test_bad_names_are_refused(admin, name, message):
    customer = entry("COMPANY_TYPE", "CUSTOMER")
    service_refused(
        lambda: services.entry_update(user=admin, entry=customer, name=name),
        field="name",
        match=message,
    )


@pytest.mark.parametrize("color", ["red", "#12345", "#GGGGGG", "#1234567", "'><script>"])
def test_invalid_colours_are_refused(admin, color):
    customer = entry("COMPANY_TYPE", "CUSTOMER")
    service_refused(
        lambda: services.entry_update(user=admin, entry=customer, color=color),
        field="color",
        match="#RRGGBB",
    )


def test_reset_restores_the_original_name(admin):
    won = entry("DEAL_STAGE", "WON")
    services.entry_update(user=admin, entry=won, name="Paid")
    services.entry_reset(user=admin, entry=won)
    assert entry("DEAL_STAGE", "WON").name == "Deal won"


def test_reset_of_an_added_entry_is_refused(admin):
    added = services.entry_create(user=admin, list_code="SOURCE", name="Podcast")
    service_refused(lambda: services.entry_reset(user=admin, entry=added), match="shipped")


# Add


def test_add_to_a_plain_list_appends_with_a_generated_code(admin):
    first = services.entry_create(user=admin, list_code="SOURCE", name="Podcast")
    second = services.entry_create(user=admin, list_code="SOURCE", name="Radio")
    assert (first.code, second.code) == ("1", "2")
    assert codes("SOURCE")[-2:] == ["1", "2"]
    assert first.original_name == "" and not first.is_system


def test_add_with_a_code_normalises_it(admin):
    added = services.entry_create(user=admin, list_code="INDUSTRY", name="Retail", code=" retail ")
    assert added.code == "RETAIL"


@pytest.mark.parametrize(
    ("code", "message"),
    [("CUSTOMER", "already used"), ("NO SPACES", "capital letters"), ("É", "capital letters")],
)
def test_bad_codes_are_refused(admin, code, message):
    service_refused(
        lambda: services.entry_create(user=admin, list_code="COMPANY_TYPE", name="X", code=code),
        field="code",
        match=message,
    )


def test_unknown_list_is_refused(admin):
    service_refused(
        lambda: services.entry_create(user=admin, list_code="NOPE", name="X"), field="list_code"
    )


def test_a_new_process_stage_goes_after_the_last_process_stage(admin):
    stage = services.entry_create(user=admin, list_code="STATUS", name="Qualified")
    assert stage.code.startswith("UC_") and stage.semantics == Semantics.PROCESS
    assert codes("STATUS") == ["NEW", "IN_PROCESS", "PROCESSED", stage.code, "CONVERTED", "JUNK"]


def test_a_new_failure_stage_goes_last(admin):
    stage = services.entry_create(
        user=admin, list_code="STATUS", name="No budget", semantics="failure"
    )
    assert codes("STATUS")[-1] == stage.code


def test_a_second_success_stage_is_refused(admin):
    service_refused(
        lambda: services.entry_create(
            user=admin, list_code="STATUS", name="Also won", semantics="success"
        ),
        field="semantics",
        match="exactly one success",
    )


def test_semantics_on_a_plain_list_is_refused(admin):
    service_refused(
        lambda: services.entry_create(
            user=admin, list_code="SOURCE", name="X", semantics="failure"
        ),
        field="semantics",
    )


def test_deal_stages_need_a_pipeline(admin):
    service_refused(
        lambda: services.entry_create(user=admin, list_code="DEAL_STAGE", name="X"),
        field="pipeline",
    )
    pipeline = Pipeline.objects.get()
    service_refused(
        lambda: services.entry_create(user=admin, list_code="SOURCE", name="X", pipeline=pipeline),
        field="pipeline",
    )


# Delete


def test_delete_a_free_entry(admin):
    services.entry_delete(user=admin, entry=entry("COMPANY_TYPE", "COMPETITOR"))
    assert "COMPETITOR" not in codes("COMPANY_TYPE")


@pytest.mark.parametrize(("list_code", "code"), [("SOURCE", "WEB"), ("INDUSTRY", "OTHER")])
def test_system_entries_cannot_be_deleted(admin, list_code, code):
    system = entry(list_code, code)
    service_refused(lambda: services.entry_delete(user=admin, entry=system), match="system entry")


def test_the_initial_stage_cannot_be_deleted(admin):
    # Move a non-system stage to the front: it becomes the initial stage.
    stages = list(Entry.objects.of_list("STATUS"))
    order = [stages[1], stages[0], *stages[2:]]
    services.entries_reorder(user=admin, list_code="STATUS", ids=[s.pk for s in order])
    initial = entry("STATUS", "IN_PROCESS")
    service_refused(lambda: services.entry_delete(user=admin, entry=initial), match="initial stage")


def test_the_success_stage_cannot_be_deleted_even_when_not_system(admin):
    Entry.objects.filter(list_code="STATUS", code="CONVERTED").update(is_system=False)
    success = entry("STATUS", "CONVERTED")
    service_refused(
        lambda: services.entry_delete(user=admin, entry=success), match="one success stage"
    )


def test_the_last_failure_stage_cannot_be_deleted(admin):
    Entry.objects.filter(list_code="QUOTE_STATUS").update(is_system=False)
    services.entry_delete(user=admin, entry=entry("QUOTE_STATUS", "APOLOGY"))
    last = entry("QUOTE_STATUS", "DECLAINED")
    service_refused(
        lambda: services.entry_delete(user=admin, entry=last), match="at least one failure"
    )


# Reorder


def test_reorder_takes_the_whole_new_order(admin):
    ids = list(Entry.objects.of_list("COMPANY_TYPE").values_list("pk", flat=True))
    services.entries_reorder(user=admin, list_code="COMPANY_TYPE", ids=ids[::-1])
    assert codes("COMPANY_TYPE") == ["OTHER", "COMPETITOR", "PARTNER", "SUPPLIER", "CUSTOMER"]


def test_reorder_with_unknown_missing_or_repeated_ids_is_refused(admin):
    ids = list(Entry.objects.of_list("COMPANY_TYPE").values_list("pk", flat=True))
    other_list = entry("SOURCE", "CALL").pk
    for bad, message in [
        ([*ids, 999_999], "Unknown"),
        ([*ids, other_list], "Unknown"),
        (ids[:-1], "missing"),
        ([*ids, ids[0]], "more than once"),
    ]:
        service_refused(
            lambda bad=bad: services.entries_reorder(user=admin, list_code="COMPANY_TYPE", ids=bad),
            field="ids",
            match=message,
        )


def test_process_stages_cannot_go_after_final_stages(admin):
    ids = list(Entry.objects.of_list("STATUS").values_list("pk", flat=True))
    service_refused(
        lambda: services.entries_reorder(user=admin, list_code="STATUS", ids=ids[::-1]),
        field="ids",
        match="Process stages come before",
    )


def test_deal_stages_reorder_within_their_pipeline(admin):
    default = Pipeline.objects.get()
    other = services.pipeline_create(user=admin, name="Partners")
    ids = list(Entry.objects.of_list("DEAL_STAGE", default).values_list("pk", flat=True))
    ids[1], ids[2] = ids[2], ids[1]
    services.entries_reorder(user=admin, list_code="DEAL_STAGE", ids=ids, pipeline=default)
    assert codes("DEAL_STAGE", default)[1:3] == ["PREPAYMENT_INVOICE", "PREPARATION"]
    assert codes("DEAL_STAGE", other)[1] == f"C{other.pk}:PREPARATION"
    service_refused(
        lambda: services.entries_reorder(
            user=admin, list_code="DEAL_STAGE", ids=ids, pipeline=other
        ),
        field="ids",
    )


# Pipelines


def test_a_new_pipeline_gets_the_default_stages_with_prefixed_codes(admin):
    pipeline = services.pipeline_create(user=admin, name="  Partners ")
    assert pipeline.name == "Partners" and not pipeline.is_default
    prefix = f"C{pipeline.pk}:"
    assert codes("DEAL_STAGE", pipeline) == [
        prefix + c
        for c in [
            "NEW",
            "PREPARATION",
            "PREPAYMENT_INVOICE",
            "EXECUTING",
            "FINAL_INVOICE",
            "WON",
            "LOSE",
            "APOLOGY",
        ]
    ]
    stage = services.entry_create(
        user=admin, list_code="DEAL_STAGE", name="Meeting", code="meeting", pipeline=pipeline
    )
    assert stage.code == prefix + "MEETING"


def test_rename_reorder_and_delete_pipelines(admin):
    default = Pipeline.objects.get()
    other = services.pipeline_create(user=admin, name="Partners")
    services.pipeline_update(user=admin, pipeline=other, name="Resellers")
    services.pipelines_reorder(user=admin, ids=[other.pk, default.pk])
    assert list(Pipeline.objects.values_list("name", flat=True)) == ["Resellers", "General"]
    services.pipeline_delete(user=admin, pipeline=other)
    assert list(Pipeline.objects.all()) == [default]
    assert not Entry.objects.filter(pipeline_id=other.pk).exists()


def test_the_default_pipeline_cannot_be_deleted(admin):
    default = Pipeline.objects.get()
    service_refused(lambda: services.pipeline_delete(user=admin, pipeline=default), match="default")


@pytest.mark.parametrize("name", ["", "y" * 10_000])
def test_bad_pipeline_names_are_refused(admin, name):
    service_refused(lambda: services.pipeline_create(user=admin, name=name), field="name")


def test_pipeline_reorder_must_name_every_pipeline(admin):
    services.pipeline_create(user=admin, name="Partners")
    service_refused(
        lambda: services.pipelines_reorder(user=admin, ids=[Pipeline.objects.first().pk])
    )


# Rights


def test_without_the_settings_right_nothing_changes(user):
    customer = entry("COMPANY_TYPE", "CUSTOMER")
    default = Pipeline.objects.get()
    calls = [
        lambda: services.entry_create(user=user, list_code="SOURCE", name="X"),
        lambda: services.entry_update(user=user, entry=customer, name="X"),
        lambda: services.entry_reset(user=user, entry=customer),
        lambda: services.entry_delete(user=user, entry=customer),
        lambda: services.entries_reorder(user=user, list_code="COMPANY_TYPE", ids=[]),
        lambda: services.pipeline_create(user=user, name="X"),
        lambda: services.pipeline_update(user=user, pipeline=default, name="X"),
        lambda: services.pipeline_delete(user=user, pipeline=default),
        lambda: services.pipelines_reorder(user=user, ids=[default.pk]),
    ]
    for call in calls:
        service_refused(call, error=PermissionDenied)


def test_an_inactive_superuser_has_no_settings_right(admin):
    admin.is_active = False
    service_refused(
        lambda: services.entry_create(user=admin, list_code="SOURCE", name="X"),
        error=PermissionDenied,
    )
