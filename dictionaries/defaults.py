"""The reference lists a new install starts with, as Bitrix24 ships them (PRODUCT.md).

Codes are Bitrix24's STATUS_ID values and are the stable contract for imports, exports and the
Bitrix24-compatible API. The data migration and ``pipeline_create`` both read this module.
"""

from dataclasses import dataclass, field

PROCESS, SUCCESS, FAILURE = "process", "success", "failure"
DEAL_STAGE = "DEAL_STAGE"
DEFAULT_COLOR = "#ACB2B8"


@dataclass(frozen=True)
class DefaultEntry:
    code: str
    name: str
    is_system: bool = False
    semantics: str = ""
    color: str = DEFAULT_COLOR


@dataclass(frozen=True)
class ListSpec:
    code: str
    name: str
    is_stage_list: bool = False
    entries: tuple[DefaultEntry, ...] = field(default_factory=tuple)

    @property
    def per_pipeline(self) -> bool:
        return self.code == DEAL_STAGE


def _plain(*entries, system=()) -> tuple[DefaultEntry, ...]:
    return tuple(DefaultEntry(code, name, is_system=code in system) for code, name in entries)


def _stages(*entries) -> tuple[DefaultEntry, ...]:
    """Stage lists: (code, name, semantics, colour); the initial, success and first failure
    stages are system entries, as in Bitrix24."""
    result, seen_failure = [], False
    for index, (code, name, semantics, color) in enumerate(entries):
        first_failure = semantics == FAILURE and not seen_failure
        seen_failure = seen_failure or semantics == FAILURE
        is_system = index == 0 or semantics == SUCCESS or first_failure
        result.append(DefaultEntry(code, name, is_system, semantics, color))
    return tuple(result)


LISTS: tuple[ListSpec, ...] = (
    ListSpec(
        "COMPANY_TYPE",
        "Company type",
        entries=_plain(
            ("CUSTOMER", "Client"),
            ("SUPPLIER", "Supplier"),
            ("PARTNER", "Partner"),
            ("COMPETITOR", "Competitor"),
            ("OTHER", "Other"),
        ),
    ),
    ListSpec(
        "CONTACT_TYPE",
        "Contact type",
        entries=_plain(
            ("CLIENT", "Client"),
            ("SUPPLIER", "Supplier"),
            ("PARTNER", "Partner"),
            ("OTHER", "Other"),
        ),
    ),
    ListSpec(
        "SOURCE",
        "Source",
        entries=_plain(
            ("CALL", "Call"),
            ("EMAIL", "E-mail"),
            ("WEB", "Website"),
            ("ADVERTISING", "Advertising"),
            ("PARTNER", "Existing client"),
            ("RECOMMENDATION", "By recommendation"),
            ("TRADE_SHOW", "Show/Exhibition"),
            ("WEBFORM", "CRM form"),
            ("CALLBACK", "Callback"),
            ("RC_GENERATOR", "Sales boost"),
            ("STORE", "Online store"),
            ("OTHER", "Other"),
            system={
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
            },
        ),
    ),
    ListSpec(
        "INDUSTRY",
        "Industry",
        entries=_plain(
            ("IT", "Information Technology"),
            ("TELECOM", "Telecommunication"),
            ("MANUFACTURING", "Manufacturing"),
            ("BANKING", "Banking Services"),
            ("CONSULTING", "Consulting"),
            ("FINANCE", "Finance"),
            ("GOVERNMENT", "Government"),
            ("DELIVERY", "Delivery"),
            ("ENTERTAINMENT", "Entertainment"),
            ("NOTPROFIT", "Non-profit"),
            ("OTHER", "Other"),
            system={"OTHER"},
        ),
    ),
    ListSpec(
        "EMPLOYEES",
        "Employees",
        entries=_plain(
            ("EMPLOYEES_1", "fewer than 50"),
            ("EMPLOYEES_2", "50-250"),
            ("EMPLOYEES_3", "250-500"),
            ("EMPLOYEES_4", "over 500"),
            system={"EMPLOYEES_1"},
        ),
    ),
    ListSpec(
        "DEAL_TYPE",
        "Deal type",
        entries=_plain(
            ("SALE", "Sales"),
            ("COMPLEX", "Integrated sales"),
            ("GOODS", "Merchandise sales"),
            ("SERVICES", "Services"),
            ("SERVICE", "After-sales service"),
            system={"SALE"},
        ),
    ),
    ListSpec(
        "HONORIFIC",
        "Salutation",
        entries=_plain(("HNR_EN_1", "Mr."), ("HNR_EN_2", "Mrs.")),
    ),
    ListSpec(
        "CALL_LIST",
        "Call status",
        entries=_plain(
            ("IN_WORK", "Scheduled"),
            ("SUCCESS", "Success"),
            ("WRONG_NUMBER", "Invalid number"),
            ("STOP_CALLING", "Do not call"),
            system={"IN_WORK", "SUCCESS", "WRONG_NUMBER", "STOP_CALLING"},
        ),
    ),
    ListSpec(
        "STATUS",
        "Lead stages",
        is_stage_list=True,
        entries=_stages(
            ("NEW", "Unassigned", PROCESS, "#39A8EF"),
            ("IN_PROCESS", "In progress", PROCESS, "#2FC6F6"),
            ("PROCESSED", "Processed", PROCESS, "#55D0E0"),
            ("CONVERTED", "Good lead", SUCCESS, "#7BD500"),
            ("JUNK", "Junk lead", FAILURE, "#FF5752"),
        ),
    ),
    ListSpec(
        DEAL_STAGE,
        "Deal stages",
        is_stage_list=True,
        entries=_stages(
            ("NEW", "New", PROCESS, "#39A8EF"),
            ("PREPARATION", "Create papers", PROCESS, "#2FC6F6"),
            ("PREPAYMENT_INVOICE", "Invoice", PROCESS, "#55D0E0"),
            ("EXECUTING", "In progress", PROCESS, "#47E4C2"),
            ("FINAL_INVOICE", "Final invoice", PROCESS, "#FFA900"),
            ("WON", "Deal won", SUCCESS, "#7BD500"),
            ("LOSE", "Deal lost", FAILURE, "#FF5752"),
            ("APOLOGY", "Analyze failure", FAILURE, "#FF5752"),
        ),
    ),
    ListSpec(
        "QUOTE_STATUS",
        "Quote stages",
        is_stage_list=True,
        entries=_stages(
            ("DRAFT", "New", PROCESS, "#39A8EF"),
            ("SENT", "Sent to client", PROCESS, "#2FC6F6"),
            ("APPROVED", "Accepted", SUCCESS, "#7BD500"),
            ("DECLAINED", "Declined", FAILURE, "#FF5752"),
            ("APOLOGY", "Analyze decline", FAILURE, "#FF5752"),
        ),
    ),
    ListSpec(
        "INVOICE_STATUS",
        "Invoice stages",
        is_stage_list=True,
        entries=_stages(
            ("N", "New", PROCESS, "#39A8EF"),
            ("S", "Sent to client", PROCESS, "#2FC6F6"),
            ("P", "Paid", SUCCESS, "#7BD500"),
            ("D", "Declined", FAILURE, "#FF5752"),
        ),
    ),
)

LISTS_BY_CODE = {spec.code: spec for spec in LISTS}
DEFAULT_PIPELINE_NAME = "General"
SORT_STEP = 10


def default_entries(entry_model, spec: ListSpec, pipeline=None, code_prefix: str = "") -> list:
    """Unsaved entries for the shipped values of ``spec``, in order (``code_prefix`` is the
    ``C<N>:`` of a pipeline other than the default one)."""
    return [
        entry_model(
            list_code=spec.code,
            pipeline=pipeline,
            code=code_prefix + default.code,
            name=default.name,
            original_name=default.name,
            sort=position * SORT_STEP,
            color=default.color,
            is_system=default.is_system,
            semantics=default.semantics,
        )
        for position, default in enumerate(spec.entries, start=1)
    ]


def install_defaults(entry_model, pipeline_model) -> None:
    """Create the default pipeline and every default entry; the models are passed in so that
    the data migration can hand over its historical models."""
    pipeline = pipeline_model.objects.create(
        name=DEFAULT_PIPELINE_NAME, sort=SORT_STEP, is_default=True
    )
    entry_model.objects.bulk_create(
        entry
        for spec in LISTS
        for entry in default_entries(entry_model, spec, pipeline if spec.per_pipeline else None)
    )
