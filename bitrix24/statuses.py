"""``crm.status.*``: our reference lists as Bitrix24's status rows.

A row is an ``Entry``; its ``ENTITY_ID`` is the list's code, except for deal stages, whose
list is ``DEAL_STAGE`` in the default pipeline and ``DEAL_STAGE_<id>`` in pipeline ``<id>``
(whose codes carry the ``C<id>:`` prefix). Reading needs no right beyond the webhook;
every change goes through ``dictionaries.services`` (the settings right, the rules of
system rows and stages), Bitrix24's ``SORT`` becoming a reorder of the list.
"""

import re

from django.utils.translation import gettext as _

from dictionaries import services
from dictionaries.defaults import DEAL_STAGE, LISTS, LISTS_BY_CODE, ListSpec
from dictionaries.models import Entry, Pipeline, Semantics

from .descriptions import described
from .errors import bad_argument, not_found
from .methods import Page, method
from .params import as_map, is_none, item_id, to_int
from .rows import filtered, ordered

_PIPELINE_LIST = re.compile(r"DEAL_STAGE_(\d{1,18})")
_SEMANTICS = {Semantics.SUCCESS: "S", Semantics.FAILURE: "F"}
_SEMANTICS_GIVEN = {"": "", "S": Semantics.SUCCESS, "F": Semantics.FAILURE, "P": ""}
# Bitrix24's entity type ids of the items whose stages a list holds.
_STAGE_OWNERS = {"STATUS": 1, DEAL_STAGE: 2, "INVOICE_STATUS": 5, "QUOTE_STATUS": 7}
COLUMNS = ("ID", "ENTITY_ID", "STATUS_ID", "NAME", "NAME_INIT", "SORT", "SYSTEM", "CATEGORY_ID",
           "COLOR", "SEMANTICS")  # fmt: skip
_NUMERIC = ("ID", "SORT", "CATEGORY_ID")
DEFAULT_SORT = 10  # what Bitrix24 gives a row added without a positive SORT


def category_id(pipeline: Pipeline) -> int:
    """Bitrix24's id of a pipeline: 0 for the default one, its own id for the others (whose
    stage codes are prefixed ``C<id>:``)."""
    return 0 if pipeline.is_default else pipeline.pk


def list_entity_id(list_code: str, pipeline: Pipeline | None) -> str:
    if list_code == DEAL_STAGE and not pipeline.is_default:
        return f"{DEAL_STAGE}_{pipeline.pk}"
    return list_code


def pipeline_of(number: int) -> Pipeline | None:
    """The pipeline Bitrix24 calls ``number`` (0: the default one), or None."""
    found = Pipeline.objects.filter(is_default=True) if number == 0 else (
        Pipeline.objects.filter(pk=number, is_default=False))  # fmt: skip
    return found.first()


def list_of(entity_id, argument: str) -> tuple[ListSpec, Pipeline | None]:
    """The list (and pipeline, for deal stages) an ``ENTITY_ID`` names; a 400 otherwise."""
    code = entity_id.strip().upper() if isinstance(entity_id, str) else ""
    if code == DEAL_STAGE:
        return LISTS_BY_CODE[DEAL_STAGE], pipeline_of(0)
    found = _PIPELINE_LIST.fullmatch(code)
    pipeline = pipeline_of(int(found[1])) if found and int(found[1]) > 0 else None
    if pipeline is not None:
        return LISTS_BY_CODE[DEAL_STAGE], pipeline
    if code in LISTS_BY_CODE:
        return LISTS_BY_CODE[code], None
    raise bad_argument(_("Specified entity type is not supported."), argument)


def _extra_semantics(entry: Entry) -> str:
    if entry.semantics == Semantics.FAILURE and not entry.is_system:
        return "apology"  # a further failure stage, as Bitrix24 tells it from the main one
    return entry.semantics


def row(entry: Entry) -> dict:
    """An entry as ``crm.status.list`` and ``.get`` show it (the list's pipeline loaded)."""
    spec = LISTS_BY_CODE[entry.list_code]
    pipeline = entry.pipeline
    data = {
        "ID": str(entry.pk), "ENTITY_ID": list_entity_id(entry.list_code, pipeline),
        "STATUS_ID": entry.code, "NAME": entry.name,
        "NAME_INIT": entry.original_name if entry.is_system else "",
        "SORT": str(entry.sort), "SYSTEM": "Y" if entry.is_system else "N",
        "CATEGORY_ID": str(pipeline.pk) if pipeline and not pipeline.is_default else None,
        "COLOR": entry.color, "SEMANTICS": _SEMANTICS.get(entry.semantics),
    }  # fmt: skip
    if spec.is_stage_list:
        data["EXTRA"] = {"SEMANTICS": _extra_semantics(entry), "COLOR": entry.color}
    return data


def items_of(spec: ListSpec, pipeline: Pipeline | None) -> list[dict]:
    """A list as ``crm.status.entity.items`` gives it: name, SORT (a number) and code."""
    entries = Entry.objects.of_list(spec.code, pipeline if spec.per_pipeline else None)
    return [{"NAME": e.name, "SORT": e.sort, "STATUS_ID": e.code} for e in entries]


def _entry(params) -> Entry:
    found = Entry.objects.select_related("pipeline").filter(pk=item_id(params)).first()
    if found is None:
        raise not_found(_("Status is not found."))
    return found


def _text(fields: dict, name: str) -> str:
    value = fields.get(name, "")
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise bad_argument(_("The field %s must be text.") % name, f"fields[{name}]")
    return str(value).strip()


def _color(fields: dict) -> str | None:
    if is_none(fields.get("COLOR")):
        return None
    color = _text(fields, "COLOR")
    return color if color.startswith("#") else f"#{color}"


def _sort(fields: dict) -> int | None:
    if is_none(fields.get("SORT")):
        return None
    sort = to_int(fields["SORT"], "fields[SORT]")
    return sort if sort > 0 else DEFAULT_SORT


def _place(user, entry: Entry, sort: int) -> None:
    """Move ``entry`` where ``SORT`` puts it among the others (after those of the same SORT),
    through the service's reorder, which keeps stage lists in order and renumbers them."""
    entries = list(Entry.objects.of_list(entry.list_code, entry.pipeline))
    placed = sorted(entries, key=lambda e: (sort, 1) if e.pk == entry.pk else (e.sort, 0))
    if placed != entries:
        services.entries_reorder(user=user, list_code=entry.list_code, pipeline=entry.pipeline,
                                 ids=[e.pk for e in placed])  # fmt: skip


@method("crm.status.fields", scope="crm")
def status_fields(user, params):
    return {
        "ID": described("integer", "ID", read_only=True),
        "ENTITY_ID": described("string", _("List"), required=True, immutable=True),
        "STATUS_ID": described("string", _("Code"), required=True, immutable=True),
        "SORT": described("integer", _("Sort")),
        "NAME": described("string", _("Name"), required=True),
        "NAME_INIT": described("string", _("Original name"), read_only=True),
        "SYSTEM": described("char", _("System"), read_only=True),
        "CATEGORY_ID": described("integer", _("Pipeline"), immutable=True),
        "COLOR": described("string", _("Colour")),
        "SEMANTICS": described("char", _("Semantics"), immutable=True),
        "EXTRA": described("crm_status_extra", _("Extra")),
    }


@method("crm.status.entity.types", scope="crm")
def status_entity_types(user, params):
    """Every list, and a deal stage list per pipeline, with the stage lists' semantics."""
    found = []
    for spec in LISTS:
        pipelines = Pipeline.objects.order_by("sort", "pk") if spec.per_pipeline else [None]
        for pipeline in pipelines:
            found.append(_entity_type(spec, pipeline))
    return found


def _entity_type(spec: ListSpec, pipeline: Pipeline | None) -> dict:
    entity_id = list_entity_id(spec.code, pipeline)
    name = _(spec.name) if pipeline is None or pipeline.is_default else pipeline.name
    described = {"ID": entity_id, "NAME": name}
    if not spec.is_stage_list:
        return described
    if pipeline is not None:
        number = category_id(pipeline)
        described.update(CATEGORY_ID=number, FIELD_ATTRIBUTE_SCOPE="" if number == 0 else
                         f"category_{number}")  # fmt: skip
        if number:
            described.update(PARENT_ID=DEAL_STAGE, PREFIX=f"C{number}")
    entries = list(Entry.objects.of_list(spec.code, pipeline))
    first = next((e for e in entries if e.semantics == Semantics.PROCESS), None)
    success = next((e for e in entries if e.semantics == Semantics.SUCCESS), None)
    failure = next((e for e in entries if e.semantics == Semantics.FAILURE), None)
    described["ENTITY_TYPE_ID"] = _STAGE_OWNERS[spec.code]
    described["SEMANTIC_INFO"] = {
        "START_FIELD": first.code if first else "",
        "FINAL_SUCCESS_FIELD": success.code if success else "",
        "FINAL_UNSUCCESS_FIELD": failure.code if failure else "",
        "FINAL_SORT": 0,
    }
    return described


@method("crm.status.entity.items", scope="crm")
def status_entity_items(user, params):
    given = next((params[k] for k in ("entityid", "entity_id") if k in params), None)
    spec, pipeline = list_of(given, "entityId")
    return items_of(spec, pipeline)


@method("crm.status.list", scope="crm")
def status_list(user, params):
    """Every row (a list is short: no pages, as in Bitrix24), filtered by exact values of the
    row's columns, ordered by SORT unless ``order`` says otherwise (then by ID)."""
    entries = Entry.objects.select_related("pipeline").order_by("pk")
    rows = filtered([row(entry) for entry in entries], params, COLUMNS)
    return Page(ordered(rows, params, COLUMNS, _NUMERIC, [("SORT", "ASC")]), total=len(rows))


@method("crm.status.get", scope="crm")
def status_get(user, params):
    return row(_entry(params))


@method("crm.status.add", scope="crm")
def status_add(user, params):
    """A new row of a list: ``ENTITY_ID``, ``STATUS_ID`` (``C<id>:`` added for a pipeline's
    stages), ``NAME``, and ``SORT``, ``COLOR``, ``SEMANTICS`` (``F`` a failure stage)."""
    fields = {str(k).upper(): v for k, v in as_map(params, "fields").items()}
    missing = [name for name in ("ENTITY_ID", "STATUS_ID", "NAME") if is_none(fields.get(name))]
    if missing:
        raise bad_argument("\n".join(_("The field %s is required.") % n for n in missing),
                           f"fields[{missing[0]}]")  # fmt: skip
    spec, pipeline = list_of(fields["ENTITY_ID"], "fields[ENTITY_ID]")
    semantics = _text(fields, "SEMANTICS").upper()
    if semantics not in _SEMANTICS_GIVEN:
        raise bad_argument(_("SEMANTICS is S, F or empty."), "fields[SEMANTICS]")
    color = _color(fields)
    entry = services.entry_create(
        user=user, list_code=spec.code, pipeline=pipeline, name=_text(fields, "NAME"),
        code=_text(fields, "STATUS_ID"), semantics=_SEMANTICS_GIVEN[semantics],
        **({"color": color} if color else {}),
    )  # fmt: skip
    sort = _sort(fields)
    if sort is not None:
        _place(user, entry, sort)
    return entry.pk


@method("crm.status.update", scope="crm")
def status_update(user, params):
    """``NAME``, ``COLOR`` and ``SORT`` of a row; what is not given stays (SORT too)."""
    entry = _entry(params)
    fields = {str(k).upper(): v for k, v in as_map(params, "fields").items()}
    name = _text(fields, "NAME") if not is_none(fields.get("NAME")) else None
    entry = services.entry_update(user=user, entry=entry, name=name, color=_color(fields))
    sort = _sort(fields)
    if sort is not None:
        _place(user, entry, sort)
    return True


@method("crm.status.delete", scope="crm")
def status_delete(user, params):
    """A row the rules let go: never a system row (``params[FORCED]`` changes nothing, our
    system rows stay), nor one that items still use."""
    entry = _entry(params)
    if services.entry_usage_count(entry):
        raise bad_argument(_("There are active items in this status."))
    services.entry_delete(user=user, entry=entry)
    return True
