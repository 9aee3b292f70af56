"""The data migration gives every new database the lists and values of PRODUCT.md."""

import pytest

from dictionaries.defaults import LISTS
from dictionaries.models import Entry, Pipeline, Semantics

from .helpers import codes, entry

pytestmark = pytest.mark.django_db

EXPECTED_CODES = {
    "COMPANY_TYPE": ["CUSTOMER", "SUPPLIER", "PARTNER", "COMPETITOR", "OTHER"],
    "CONTACT_TYPE": ["CLIENT", "SUPPLIER", "PARTNER", "OTHER"],
    "SOURCE": [
        "CALL",
        "EMAIL",
        "WEB",
        "ADVERTISING",
        "PARTNER",
        "RECOMMENDATION",
        "TRADE_SHOW",
        "WEBFORM",
        "CALLBACK",
        "RC_GENERATOR",
        "STORE",
        "OTHER",
    ],
    "INDUSTRY": [
        "IT",
        "TELECOM",
        "MANUFACTURING",
        "BANKING",
        "CONSULTING",
        "FINANCE",
        "GOVERNMENT",
        "DELIVERY",
        "ENTERTAINMENT",
        "NOTPROFIT",
        "OTHER",
    ],
    "EMPLOYEES": ["EMPLOYEES_1", "EMPLOYEES_2", "EMPLOYEES_3", "EMPLOYEES_4"],
    "DEAL_TYPE": ["SALE", "COMPLEX", "GOODS", "SERVICES", "SERVICE"],
    "HONORIFIC": ["HNR_EN_1", "HNR_EN_2"],
    "CALL_LIST": ["IN_WORK", "SUCCESS", "WRONG_NUMBER", "STOP_CALLING"],
    "STATUS": ["NEW", "IN_PROCESS", "PROCESSED", "CONVERTED", "JUNK"],
    "QUOTE_STATUS": ["DRAFT", "SENT", "APPROVED", "DECLAINED", "APOLOGY"],
    "INVOICE_STATUS": ["N", "S", "P", "D"],
}
DEAL_STAGES = [
    "NEW",
    "PREPARATION",
    "PREPAYMENT_INVOICE",
    "EXECUTING",
    "FINAL_INVOICE",
    "WON",
    "LOSE",
    "APOLOGY",
]


@pytest.mark.parametrize(("list_code", "expected"), EXPECTED_CODES.items())
def test_every_default_list_is_there_in_order(list_code, expected):
    assert codes(list_code) == expected


def test_every_list_of_the_product_is_covered():
    assert {spec.code for spec in LISTS} == {*EXPECTED_CODES, "DEAL_STAGE"}


def test_default_pipeline_has_the_default_deal_stages():
    pipeline = Pipeline.objects.get()
    assert pipeline.is_default
    assert codes("DEAL_STAGE", pipeline) == DEAL_STAGES
    assert entry("DEAL_STAGE", "WON").semantics == Semantics.SUCCESS
    assert entry("DEAL_STAGE", "APOLOGY").semantics == Semantics.FAILURE


def test_names_and_system_flags_follow_bitrix24():
    assert entry("COMPANY_TYPE", "CUSTOMER").name == "Client"
    assert entry("SOURCE", "WEBFORM").name == "CRM form"
    assert entry("QUOTE_STATUS", "DECLAINED").name == "Declined"
    assert all(Entry.objects.filter(list_code="SOURCE").values_list("is_system", flat=True))
    assert entry("INDUSTRY", "OTHER").is_system and not entry("INDUSTRY", "IT").is_system
    assert entry("EMPLOYEES", "EMPLOYEES_1").is_system
    assert entry("DEAL_TYPE", "SALE").is_system
    assert not Entry.objects.filter(list_code="COMPANY_TYPE", is_system=True).exists()
    assert all(e.original_name == e.name for e in Entry.objects.all())


@pytest.mark.parametrize("list_code", ["STATUS", "DEAL_STAGE", "QUOTE_STATUS", "INVOICE_STATUS"])
def test_stage_lists_have_one_success_and_a_failure_stage(list_code):
    semantics = list(Entry.objects.filter(list_code=list_code).values_list("semantics", flat=True))
    assert semantics.count(Semantics.SUCCESS) == 1
    assert semantics.count(Semantics.FAILURE) >= 1
    assert semantics[0] == Semantics.PROCESS


def test_non_stage_lists_have_no_semantics_and_no_pipeline():
    stage_lists = ["STATUS", "DEAL_STAGE", "QUOTE_STATUS", "INVOICE_STATUS"]
    others = Entry.objects.exclude(list_code__in=stage_lists)
    assert not others.exclude(semantics="").exists()
    assert not others.exclude(pipeline=None).exists()
