"""Deal pipelines as Bitrix24 shows them: the legacy ``crm.dealcategory.*`` (UPPER names,
the default pipeline apart as ``default.get``/``default.set``) and ``crm.category.*`` with
``entityTypeId`` 2 (camelCase, the default pipeline among the others as id 0).

Every change goes through ``dictionaries.services`` (the settings right; a new pipeline gets
the default stages, prefixed ``C<id>:``; the default pipeline and one holding deals are never
deleted). A ``sort`` becomes a reorder of the pipelines, which the service renumbers.
"""

from django.utils.translation import gettext as _

from dictionaries import services
from dictionaries.defaults import DEAL_STAGE, LISTS_BY_CODE
from dictionaries.models import Pipeline

from . import entity_types
from .descriptions import described
from .errors import RestError, bad_argument, not_found
from .methods import Page, method
from .params import as_map, is_none, item_id, to_bool, to_int
from .rows import filtered, ordered
from .statuses import category_id, items_of, list_entity_id, pipeline_of

LEGACY_COLUMNS = ("ID", "CREATED_DATE", "NAME", "IS_LOCKED", "SORT")
NEW_PIPELINE_SORT = 500  # crm.category.add's default, as Bitrix24's


def _number(value, name: str) -> int:
    number = to_int(value, name)
    if number < 0:
        raise bad_argument(_("Parameter '%s' must not be negative.") % name, name)
    return number


def _pipeline(number: int) -> Pipeline:
    found = pipeline_of(number)
    if found is None:
        raise not_found()
    return found


def _name(fields: dict, key: str) -> str:
    value = fields.get(key)
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise bad_argument(_("The field %s is required.") % key, f"fields[{key}]")
    return str(value)


def _place(user, pipeline: Pipeline, sort: int) -> None:
    """Put ``pipeline`` where ``sort`` puts it among the others (after those of the same
    sort), through the service's reorder."""
    pipelines = list(Pipeline.objects.order_by("sort", "pk"))
    key = {p.pk: (sort, 1) if p.pk == pipeline.pk else (p.sort, 0) for p in pipelines}
    placed = sorted(pipelines, key=lambda p: key[p.pk])
    if placed != pipelines:
        services.pipelines_reorder(user=user, ids=[p.pk for p in placed])


def _write(user, pipeline: Pipeline | None, name, sort) -> Pipeline:
    """Create (``pipeline`` None) or change a pipeline: its name, then its place."""
    if pipeline is None:
        pipeline = services.pipeline_create(user=user, name=name)
    elif name is not None:
        pipeline = services.pipeline_update(user=user, pipeline=pipeline, name=name)
    if sort is not None:
        _place(user, pipeline, sort)
        pipeline.refresh_from_db()
    return pipeline


# crm.dealcategory.*


def _legacy_row(pipeline: Pipeline) -> dict:
    return {"ID": str(pipeline.pk), "CREATED_DATE": None, "NAME": pipeline.name,
            "IS_LOCKED": "N", "SORT": str(pipeline.sort)}  # fmt: skip


def _legacy_fields(params) -> tuple[str | None, int | None]:
    fields = {str(k).upper(): v for k, v in as_map(params, "fields").items()}
    name = None if is_none(fields.get("NAME")) else _name(fields, "NAME")
    sort = None if is_none(fields.get("SORT")) else _number(fields["SORT"], "fields[SORT]")
    return name, sort


@method("crm.dealcategory.fields", scope="crm")
def dealcategory_fields(user, params):
    return {
        "ID": described("integer", "ID", read_only=True),
        "CREATED_DATE": described("date", _("Created"), read_only=True),
        "NAME": described("string", _("Name"), required=True),
        "IS_LOCKED": described("char", _("Locked"), read_only=True),
        "SORT": described("integer", _("Sort")),
    }


@method("crm.dealcategory.list", scope="crm")
def dealcategory_list(user, params):
    """The pipelines other than the default one (which ``default.get`` shows), all at once."""
    rows = [_legacy_row(p) for p in Pipeline.objects.filter(is_default=False)]
    rows = ordered(filtered(rows, params, LEGACY_COLUMNS), params, LEGACY_COLUMNS,
                   ("ID", "SORT"), [("SORT", "ASC"), ("ID", "ASC")])  # fmt: skip
    return Page(rows, total=len(rows))


def _legacy_pipeline(params) -> Pipeline:
    return _pipeline(item_id(params))  # id 0 is the default pipeline: never one of these


@method("crm.dealcategory.get", scope="crm")
def dealcategory_get(user, params):
    return _legacy_row(_legacy_pipeline(params))


@method("crm.dealcategory.add", scope="crm")
def dealcategory_add(user, params):
    name, sort = _legacy_fields(params)
    if name is None:
        raise bad_argument(_("The field %s is required.") % "NAME", "fields[NAME]")
    return _write(user, None, name, sort).pk


@method("crm.dealcategory.update", scope="crm")
def dealcategory_update(user, params):
    _write(user, _legacy_pipeline(params), *_legacy_fields(params))
    return True


@method("crm.dealcategory.delete", scope="crm")
def dealcategory_delete(user, params):
    services.pipeline_delete(user=user, pipeline=_legacy_pipeline(params))
    return True


def _given_pipeline(params) -> Pipeline | None:
    """The pipeline of ``id``, 0 or nothing meaning the default one; None for no pipeline."""
    given = params.get("id")
    return pipeline_of(0 if is_none(given) else _number(given, "id"))


@method("crm.dealcategory.status", scope="crm")
def dealcategory_status(user, params):
    """The ``ENTITY_ID`` of a pipeline's stage list (``DEAL_STAGE_<id>``)."""
    pipeline = _given_pipeline(params)
    if pipeline is None:
        raise not_found()
    return list_entity_id(DEAL_STAGE, pipeline)


@method("crm.dealcategory.stage.list", scope="crm")
def dealcategory_stage_list(user, params):
    """A pipeline's stages as ``crm.status.entity.items`` gives them; none for no pipeline."""
    pipeline = _given_pipeline(params)
    return items_of(LISTS_BY_CODE[DEAL_STAGE], pipeline) if pipeline else []


@method("crm.dealcategory.default.get", scope="crm")
def dealcategory_default_get(user, params):
    return {"ID": 0, "NAME": pipeline_of(0).name}


@method("crm.dealcategory.default.set", scope="crm")
def dealcategory_default_set(user, params):
    """Rename the default pipeline (``name``)."""
    if is_none(params.get("name")):
        raise bad_argument(_("The field %s is required.") % "name", "name")
    _write(user, pipeline_of(0), _name(params, "name"), None)
    return True


# crm.category.* (entityTypeId 2)


def _category(pipeline: Pipeline) -> dict:
    number = category_id(pipeline)
    data = {"id": number, "name": pipeline.name, "sort": pipeline.sort,
            "entityTypeId": entity_types.DEAL,
            "isDefault": "Y" if number == 0 else "N"}  # fmt: skip
    if number:
        data.update(originId="", originatorId="")
    return data


def _deals_only(params) -> None:
    """Pipelines are of deals here: another ``entityTypeId`` is refused as Bitrix24 refuses
    one without categories."""
    given = params.get("entitytypeid")
    if is_none(given):
        raise bad_argument(_("The parameter %s is required.") % "entityTypeId", "entityTypeId")
    if to_int(given, "entityTypeId") != entity_types.DEAL:
        raise RestError("ENTITY_TYPE_NOT_SUPPORTED", _("Entity type %s is not supported.")
                        % given)  # fmt: skip


def _category_fields(params) -> tuple[str | None, int | None]:
    fields = as_map(params, "fields")
    if "isDefault" in fields and to_bool(fields["isDefault"], "fields[isDefault]"):
        raise bad_argument(_("The default pipeline cannot be changed."), "fields[isDefault]")
    name = None if is_none(fields.get("name")) else _name(fields, "name")
    sort = None if is_none(fields.get("sort")) else max(to_int(fields["sort"], "fields[sort]"), 0)
    return name, sort


def _category_of(params) -> Pipeline:
    _deals_only(params)
    return _pipeline(_number(params.get("id"), "id"))


@method("crm.category.fields", scope="crm")
def category_fields(user, params):
    _deals_only(params)
    return {"fields": {
        "id": described("integer", "ID", upper="ID", read_only=True),
        "name": described("string", _("Name"), upper="NAME", required=True),
        "sort": described("integer", _("Sort"), upper="SORT"),
        "entityTypeId": described("integer", _("Type"), upper="ENTITY_TYPE_ID", read_only=True),
        "isDefault": described("boolean", _("Default"), upper="IS_DEFAULT"),
        "originId": described("string", _("Origin id"), upper="ORIGIN_ID"),
        "originatorId": described("string", _("Originator id"), upper="ORIGINATOR_ID"),
    }}  # fmt: skip


@method("crm.category.list", scope="crm")
def category_list(user, params):
    _deals_only(params)
    categories = [_category(p) for p in Pipeline.objects.order_by("sort", "pk")]
    return Page({"categories": categories}, total=len(categories))


@method("crm.category.get", scope="crm")
def category_get(user, params):
    return {"category": _category(_category_of(params))}


@method("crm.category.add", scope="crm")
def category_add(user, params):
    _deals_only(params)
    name, sort = _category_fields(params)
    if name is None:
        raise bad_argument(_("The field %s is required.") % "name", "fields[name]")
    pipeline = _write(user, None, name, NEW_PIPELINE_SORT if sort is None else sort)
    return {"category": _category(pipeline)}


@method("crm.category.update", scope="crm")
def category_update(user, params):
    pipeline = _write(user, _category_of(params), *_category_fields(params))
    return {"category": _category(pipeline)}


@method("crm.category.delete", scope="crm")
def category_delete(user, params):
    services.pipeline_delete(user=user, pipeline=_category_of(params))
    return None
