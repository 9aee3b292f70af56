"""The reference lists a new install starts with, as Bitrix24 ships them (PRODUCT.md).

Codes are Bitrix24's STATUS_ID values and are the stable contract for imports, exports and the
Bitrix24-compatible API. The data migration and ``pipeline_create`` both read this module.

Names are msgids: a new installation's rows get them in its ``LANGUAGE_CODE`` (a Russian one
«Клиент», «Поставщик»...), as Bitrix24 does, and "reset" gives an entry back its shipped name
in that language. The salutations' codes carry the language too (``HNR_RU_1``), as Bitrix24's.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

PROCESS, SUCCESS, FAILURE = "process", "success", "failure"
DEAL_STAGE = "DEAL_STAGE"
DEFAULT_COLOR = "#ACB2B8"


@dataclass(frozen=True)
class DefaultEntry:
    code: str  # "{LANG}" stands for the installation's language (HNR_{LANG}_1: HNR_RU_1)
    name: str  # a msgid
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
        _("Company type"),
        entries=_plain(
            ("CUSTOMER", _("Client")),
            ("SUPPLIER", _("Supplier")),
            ("PARTNER", _("Partner")),
            ("COMPETITOR", _("Competitor")),
            ("OTHER", _("Other")),
        ),
    ),
    ListSpec(
        "CONTACT_TYPE",
        _("Contact type"),
        entries=_plain(
            ("CLIENT", _("Client")),
            ("SUPPLIER", _("Supplier")),
            ("PARTNER", _("Partner")),
            ("OTHER", _("Other")),
        ),
    ),
    ListSpec(
        "SOURCE",
        _("Source"),
        entries=_plain(
            ("CALL", _("Call")),
            ("EMAIL", _("E-mail")),
            ("WEB", _("Website")),
            ("ADVERTISING", _("Advertising")),
            ("PARTNER", _("Existing client")),
            ("RECOMMENDATION", _("By recommendation")),
            ("TRADE_SHOW", _("Show/Exhibition")),
            ("WEBFORM", _("CRM form")),
            ("CALLBACK", _("Callback")),
            ("RC_GENERATOR", _("Sales boost")),
            ("STORE", _("Online store")),
            ("OTHER", _("Other")),
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
        _("Industry"),
        entries=_plain(
            ("IT", _("Information Technology")),
            ("TELECOM", _("Telecommunication")),
            ("MANUFACTURING", _("Manufacturing")),
            ("BANKING", _("Banking Services")),
            ("CONSULTING", _("Consulting")),
            ("FINANCE", _("Finance")),
            ("GOVERNMENT", _("Government")),
            ("DELIVERY", _("Delivery")),
            ("ENTERTAINMENT", _("Entertainment")),
            ("NOTPROFIT", _("Non-profit")),
            ("OTHER", _("Other")),
            system={"OTHER"},
        ),
    ),
    ListSpec(
        "EMPLOYEES",
        _("Employees"),
        entries=_plain(
            ("EMPLOYEES_1", _("fewer than 50")),
            ("EMPLOYEES_2", _("50-250")),
            ("EMPLOYEES_3", _("250-500")),
            ("EMPLOYEES_4", _("over 500")),
            system={"EMPLOYEES_1"},
        ),
    ),
    ListSpec(
        "DEAL_TYPE",
        _("Deal type"),
        entries=_plain(
            ("SALE", _("Sales")),
            ("COMPLEX", _("Integrated sales")),
            ("GOODS", _("Merchandise sales")),
            ("SERVICES", _("Services")),
            ("SERVICE", _("After-sales service")),
            system={"SALE"},
        ),
    ),
    ListSpec(
        "HONORIFIC",
        _("Salutation"),
        entries=_plain(("HNR_{LANG}_1", _("Mr.")), ("HNR_{LANG}_2", _("Mrs."))),
    ),
    ListSpec(
        "CALL_LIST",
        _("Call status"),
        entries=_plain(
            ("IN_WORK", _("Scheduled")),
            ("SUCCESS", _("Success")),
            ("WRONG_NUMBER", _("Invalid number")),
            ("STOP_CALLING", _("Do not call")),
            system={"IN_WORK", "SUCCESS", "WRONG_NUMBER", "STOP_CALLING"},
        ),
    ),
    ListSpec(
        "STATUS",
        _("Lead stages"),
        is_stage_list=True,
        entries=_stages(
            ("NEW", _("Unassigned"), PROCESS, "#39A8EF"),
            ("IN_PROCESS", _("In progress"), PROCESS, "#2FC6F6"),
            ("PROCESSED", _("Processed"), PROCESS, "#55D0E0"),
            ("CONVERTED", _("Good lead"), SUCCESS, "#7BD500"),
            ("JUNK", _("Junk lead"), FAILURE, "#FF5752"),
        ),
    ),
    ListSpec(
        DEAL_STAGE,
        _("Deal stages"),
        is_stage_list=True,
        entries=_stages(
            ("NEW", _("New"), PROCESS, "#39A8EF"),
            ("PREPARATION", _("Create papers"), PROCESS, "#2FC6F6"),
            ("PREPAYMENT_INVOICE", pgettext_lazy("deal stage", "Invoice"), PROCESS, "#55D0E0"),
            ("EXECUTING", _("In progress"), PROCESS, "#47E4C2"),
            ("FINAL_INVOICE", _("Final invoice"), PROCESS, "#FFA900"),
            ("WON", _("Deal won"), SUCCESS, "#7BD500"),
            ("LOSE", _("Deal lost"), FAILURE, "#FF5752"),
            ("APOLOGY", _("Analyze failure"), FAILURE, "#FF5752"),
        ),
    ),
    ListSpec(
        "QUOTE_STATUS",
        _("Quote stages"),
        is_stage_list=True,
        entries=_stages(
            ("DRAFT", pgettext_lazy("quote stage", "New"), PROCESS, "#39A8EF"),
            ("SENT", _("Sent to client"), PROCESS, "#2FC6F6"),
            ("APPROVED", _("Accepted"), SUCCESS, "#7BD500"),
            ("DECLAINED", _("Declined"), FAILURE, "#FF5752"),
            ("APOLOGY", _("Analyze decline"), FAILURE, "#FF5752"),
        ),
    ),
    ListSpec(
        "INVOICE_STATUS",
        _("Invoice stages"),
        is_stage_list=True,
        entries=_stages(
            ("N", pgettext_lazy("invoice stage", "New"), PROCESS, "#39A8EF"),
            ("S", pgettext_lazy("invoice stage", "Sent to client"), PROCESS, "#2FC6F6"),
            ("P", pgettext_lazy("invoice stage", "Paid"), SUCCESS, "#7BD500"),
            ("D", pgettext_lazy("invoice stage", "Declined"), FAILURE, "#FF5752"),
        ),
    ),
)

LISTS_BY_CODE = {spec.code: spec for spec in LISTS}
DEFAULT_PIPELINE_NAME = _("General")
SORT_STEP = 10


def installation_code(default: DefaultEntry, language: str | None = None) -> str:
    """The entry's code in an installation of ``language`` (the installation's by default)."""
    return default.code.format(LANG=(language or settings.LANGUAGE_CODE).upper())


def shipped_name(name) -> str:
    """A default name (a msgid) in the installation's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(name)


def shipped_entry(list_code: str, code: str) -> DefaultEntry | None:
    """The default entry an entry's code (without its pipeline's ``C<N>:``) was made from, in an
    installation of any of our languages; None for an entry an admin added."""
    spec = LISTS_BY_CODE.get(list_code)
    for default in spec.entries if spec else ():
        if any(installation_code(default, lang) == code for lang, _name in settings.LANGUAGES):
            return default
    return None


def default_entries(entry_model, spec: ListSpec, pipeline=None, code_prefix: str = "") -> list:
    """Unsaved entries for the shipped values of ``spec``, in order and in the installation's
    language (``code_prefix`` is the ``C<N>:`` of a pipeline other than the default one)."""
    return [
        entry_model(
            list_code=spec.code,
            pipeline=pipeline,
            code=code_prefix + installation_code(default),
            name=shipped_name(default.name),
            original_name=shipped_name(default.name),
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
        name=shipped_name(DEFAULT_PIPELINE_NAME), sort=SORT_STEP, is_default=True
    )
    entry_model.objects.bulk_create(
        entry
        for spec in LISTS
        for entry in default_entries(entry_model, spec, pipeline if spec.per_pipeline else None)
    )
