"""Every change to reference lists and pipelines, with their rules.

Pages, Django admin and the API all call these functions, so a rule holds on every door. Each
function checks the settings right, validates, writes in one transaction, and raises
``ValidationError`` (with a field name where there is one) or ``PermissionDenied`` having
changed nothing.
"""

import re
import secrets
import string

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accessrights.rules import check_settings_right
from accessrights.services import permissions_copy, permissions_drop
from crm.items import items_bulk_set

from .defaults import (
    DEAL_STAGE,
    DEFAULT_COLOR,
    LISTS_BY_CODE,
    SORT_STEP,
    ListSpec,
    default_entries,
    shipped_entry,
    shipped_name,
)
from .models import Entry, Pipeline, Semantics
from .signals import stages_changed

CODE_RE = re.compile(r"^[A-Z0-9_]{1,40}$")


def list_spec(list_code: str) -> ListSpec:
    """The definition of a list, or a ValidationError for an unknown list code."""
    try:
        return LISTS_BY_CODE[list_code]
    except KeyError:
        raise ValidationError({"list_code": _("Unknown reference list %s.") % list_code}) from None


# Entries


def _locked_list(list_code: str, pipeline: Pipeline | None) -> list[Entry]:
    """The entries of a list in order, row-locked so concurrent changes queue up behind us.

    Rows are locked in primary-key order: in their list order, two transactions that read the
    order before and after a reorder would lock them in different orders and deadlock.
    """
    entries = Entry.objects.of_list(list_code, pipeline).order_by("pk").select_for_update()
    return sorted(entries, key=lambda entry: (entry.sort, entry.pk))


def _initial_stage(entries: list[Entry]) -> Entry | None:
    return next((e for e in entries if e.semantics == Semantics.PROCESS), None)


def _generate_code(spec: ListSpec, pipeline: Pipeline | None) -> str:
    """A new unused code: ``UC_XXXXXX`` for stages, the next number for other lists (Bitrix24)."""
    taken = set(Entry.objects.filter(list_code=spec.code).values_list("code", flat=True))
    if spec.is_stage_list:
        alphabet = string.ascii_uppercase + string.digits
        while True:
            code = _pipeline_code(
                pipeline, "UC_" + "".join(secrets.choice(alphabet) for _ in "123456")
            )
            if code not in taken:
                return code
    numbers = [int(code) for code in taken if code.isdigit()]
    return str(max(numbers, default=0) + 1)


def _pipeline_code(pipeline: Pipeline | None, code: str) -> str:
    return f"{pipeline.stage_code_prefix}{code}" if pipeline else code


def _clean_code(spec: ListSpec, pipeline: Pipeline | None, code: str) -> str:
    code = code.strip().upper()
    if pipeline and code.startswith(pipeline.stage_code_prefix):
        code = code[len(pipeline.stage_code_prefix) :]
    if not CODE_RE.match(code):
        raise ValidationError(
            {"code": _("A code has 1 to 40 Latin capital letters, digits or underscores.")}
        )
    code = _pipeline_code(pipeline, code)
    if Entry.objects.filter(list_code=spec.code, code=code).exists():
        raise ValidationError({"code": _("The code %s is already used in this list.") % code})
    return code


def _renumber(entries: list[Entry]) -> None:
    for position, entry in enumerate(entries, start=1):
        entry.sort = position * SORT_STEP
    Entry.objects.bulk_update(entries, ["sort"])


def entry_validate(entry: Entry) -> None:
    """Field validation of an entry: name (trimmed, required, at most 100), colour."""
    entry.name = (entry.name or "").strip()
    entry.full_clean(validate_unique=False, validate_constraints=False)


def entry_validate_new(
    *, list_code: str, code: str = "", semantics: str = "", pipeline: Pipeline | None = None
) -> tuple[ListSpec, str, str]:
    """Check where a new entry goes; return its list, its final code and its semantics.

    Deal stages need their pipeline, other lists take none. A new stage is a process or a
    failure stage (a second success stage is refused); other lists have no semantics. A code,
    when given, must be free in its list; without one a new code is generated.
    """
    spec = list_spec(list_code)
    if spec.per_pipeline and pipeline is None:
        raise ValidationError({"pipeline": _("Deal stages belong to a pipeline; choose one.")})
    if not spec.per_pipeline and pipeline is not None:
        raise ValidationError({"pipeline": _("Only deal stages belong to a pipeline.")})
    if spec.is_stage_list:
        semantics = semantics or Semantics.PROCESS
        if semantics == Semantics.SUCCESS:
            raise ValidationError(
                {"semantics": _("A stage list has exactly one success stage; rename it instead.")}
            )
        if semantics not in Semantics.values:
            raise ValidationError({"semantics": _("Choose process or failure.")})
    elif semantics:
        raise ValidationError({"semantics": _("Only stage lists have stage semantics.")})
    code = _clean_code(spec, pipeline, code) if code else _generate_code(spec, pipeline)
    return spec, code, semantics


@transaction.atomic
def entry_create(
    *,
    user,
    list_code: str,
    name: str,
    code: str = "",
    color: str = DEFAULT_COLOR,
    semantics: str = "",
    pipeline: Pipeline | None = None,
) -> Entry:
    """Add an entry to a list (rules in ``entry_validate_new``).

    A new process stage is placed after the last process stage, anything else last.
    """
    check_settings_right(user)
    _locked_list(list_code, pipeline)  # queue behind concurrent changes before reading codes
    spec, code, semantics = entry_validate_new(
        list_code=list_code, code=code, semantics=semantics, pipeline=pipeline
    )
    entries = list(Entry.objects.of_list(spec.code, pipeline))
    entry = Entry(
        list_code=spec.code,
        pipeline=pipeline,
        code=code,
        name=name,
        color=color,
        semantics=semantics,
    )
    entry_validate(entry)
    if semantics == Semantics.PROCESS:
        last_process = max(
            (i for i, e in enumerate(entries) if e.semantics == Semantics.PROCESS), default=-1
        )
        entries.insert(last_process + 1, entry)
    else:
        entries.append(entry)
    entry.sort = (entries.index(entry) + 1) * SORT_STEP
    entry.save()
    _renumber(entries)
    return entry


@transaction.atomic
def entry_update(*, user, entry: Entry, name: str | None = None, color: str | None = None) -> Entry:
    """Rename and/or recolour an entry; any entry may be renamed, system ones included."""
    check_settings_right(user)
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if name is not None:
        entry.name = name
    if color is not None:
        entry.color = color
    entry_validate(entry)
    entry.save(update_fields=["name", "color"])
    return entry


@transaction.atomic
def entry_reset(*, user, entry: Entry) -> Entry:
    """Give a default entry back its shipped name, in the installation's language (which may
    have changed since the entry was made); an entry whose code is no longer a shipped one
    (kept from an older version) gets the original name it was made with."""
    check_settings_right(user)
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if not entry.original_name:
        raise ValidationError(_("Only entries shipped with the CRM can be reset."))
    prefix = entry.pipeline.stage_code_prefix if entry.pipeline_id else ""
    default = shipped_entry(entry.list_code, entry.code.removeprefix(prefix))
    if default is not None:
        entry.original_name = shipped_name(default.name)
    entry.name = entry.original_name
    entry.save(update_fields=["name", "original_name"])
    return entry


def entry_validate_delete(entry: Entry, entries: list[Entry] | None = None) -> None:
    """Raise ValidationError if the rules forbid deleting ``entry``."""
    if entry.is_system:
        raise ValidationError(
            _("“%s” is a system entry: it cannot be deleted, only renamed or reset.") % entry.name
        )
    if not entry.semantics:
        return
    if entries is None:
        entries = list(Entry.objects.of_list(entry.list_code, entry.pipeline))
    if entry.semantics == Semantics.SUCCESS:
        raise ValidationError(_("A stage list always keeps exactly one success stage."))
    initial = _initial_stage(entries)
    if initial is not None and initial.pk == entry.pk:
        raise ValidationError(_("The initial stage cannot be deleted, only renamed."))
    if entry.semantics == Semantics.FAILURE and not any(
        e.semantics == Semantics.FAILURE and e.pk != entry.pk for e in entries
    ):
        raise ValidationError(_("A stage list always keeps at least one failure stage."))


def _usages(entry: Entry) -> list[tuple]:
    """(model, field name, row count) for every table whose rows use ``entry``."""
    usages = []
    for relation in Entry._meta.get_fields(include_hidden=True):
        if not (relation.one_to_many and relation.auto_created):
            continue
        name = relation.field.name
        count = relation.related_model._base_manager.filter(**{name: entry}).count()
        if count:
            usages.append((relation.related_model, name, count))
    return usages


def _move_usages(user, usages, entry: Entry, replacement: Entry) -> None:
    """Point every row using ``entry`` at ``replacement``; CRM items change through the bulk
    item service (version, who and when, the change in their history)."""
    for model, name, _count in usages:
        rows = model._base_manager.filter(**{name: entry})
        if not hasattr(model, "version"):
            rows.update(**{name: replacement})
            continue
        change = [{"field": name, "old": entry.code, "new": replacement.code,
                   "old_label": entry.name, "new_label": replacement.name}]  # fmt: skip
        follow = getattr(model, "follow_entry", None)
        followers = follow(name, replacement) if follow else {}
        items_bulk_set(user=user, queryset=rows, changes=change, **{name: replacement}, **followers)


@transaction.atomic
def entry_delete(*, user, entry: Entry, replacement: Entry | None = None) -> int:
    """Delete an entry the rules allow deleting (see ``entry_validate_delete``).

    When items use it, ``replacement`` (another entry of the same list) is required and the
    items move to it. Returns how many items moved.
    """
    check_settings_right(user)
    entries = _locked_list(entry.list_code, entry.pipeline)
    entry = Entry.objects.get(pk=entry.pk)
    entry_validate_delete(entry, entries)
    usages = _usages(entry)
    moved = sum(count for _model, _name, count in usages)
    if moved and replacement is None:
        raise ValidationError(
            {
                "replacement": _("%(count)d items use “%(name)s”; choose the entry they move to.")
                % {"count": moved, "name": entry.name}
            }
        )
    if moved:
        if (
            replacement.pk == entry.pk
            or replacement.list_code != entry.list_code
            or replacement.pipeline_id != entry.pipeline_id
        ):
            raise ValidationError({"replacement": _("Choose another entry of the same list.")})
        _move_usages(user, usages, entry, replacement)
    entry.delete()
    if list_spec(entry.list_code).is_stage_list:
        stages_changed.send(entry_delete, list_code=entry.list_code, pipeline=entry.pipeline)
    return moved


def entry_usage_count(entry: Entry) -> int:
    """How many items use ``entry`` (to ask for a replacement before deleting it)."""
    return sum(count for _model, _name, count in _usages(entry))


@transaction.atomic
def entries_reorder(
    *, user, list_code: str, ids: list[int], pipeline: Pipeline | None = None
) -> list[Entry]:
    """Put a list in a new order, given as the ids of all its entries.

    Refused unless ``ids`` names every entry of the list exactly once; in a stage list the
    process stages must come before the final (success and failure) stages.
    """
    check_settings_right(user)
    spec = list_spec(list_code)
    if spec.per_pipeline and pipeline is None:
        raise ValidationError({"pipeline": _("Deal stages belong to a pipeline; choose one.")})
    entries = {e.pk: e for e in _locked_list(spec.code, pipeline if spec.per_pipeline else None)}
    _check_whole_order(ids, entries.keys())
    ordered = [entries[pk] for pk in ids]
    if spec.is_stage_list:
        seen_final = False
        for entry in ordered:
            if entry.semantics == Semantics.PROCESS and seen_final:
                raise ValidationError(
                    {"ids": _("Process stages come before the final (success and failure) stages.")}
                )
            seen_final = seen_final or entry.semantics != Semantics.PROCESS
    _renumber(ordered)
    if spec.is_stage_list:
        stages_changed.send(entries_reorder, list_code=spec.code, pipeline=pipeline)
    return ordered


def _check_whole_order(ids: list[int], existing) -> None:
    existing = set(existing)
    if len(set(ids)) != len(ids):
        raise ValidationError({"ids": _("The new order names an item more than once.")})
    unknown = sorted(set(ids) - existing)
    if unknown:
        raise ValidationError(
            {"ids": _("Unknown items: %s.") % ", ".join(str(pk) for pk in unknown)}
        )
    missing = sorted(existing - set(ids))
    if missing:
        raise ValidationError(
            {
                "ids": _("The new order must name every item; missing: %s.")
                % ", ".join(str(pk) for pk in missing)
            }
        )


# Pipelines


def _create_default_stages(pipeline: Pipeline) -> None:
    spec = LISTS_BY_CODE[DEAL_STAGE]
    Entry.objects.bulk_create(default_entries(Entry, spec, pipeline, pipeline.stage_code_prefix))


def _pipeline_validate(pipeline: Pipeline) -> None:
    pipeline.name = (pipeline.name or "").strip()
    pipeline.full_clean(validate_unique=False, validate_constraints=False)


@transaction.atomic
def pipeline_create(*, user, name: str) -> Pipeline:
    """Create a pipeline, placed last, with the default set of deal stages."""
    check_settings_right(user)
    last_sort = Pipeline.objects.select_for_update().aggregate(m=Max("sort"))["m"] or 0
    pipeline = Pipeline(name=name, sort=last_sort + SORT_STEP)
    _pipeline_validate(pipeline)
    pipeline.save()
    _create_default_stages(pipeline)
    # Like Bitrix24: a new pipeline starts with the rights roles have in the default one.
    permissions_copy(
        source=Pipeline.objects.get(is_default=True).access_entity, target=pipeline.access_entity
    )
    return pipeline


@transaction.atomic
def pipeline_update(*, user, pipeline: Pipeline, name: str) -> Pipeline:
    """Rename a pipeline."""
    check_settings_right(user)
    pipeline = Pipeline.objects.select_for_update().get(pk=pipeline.pk)
    pipeline.name = name
    _pipeline_validate(pipeline)
    pipeline.save(update_fields=["name"])
    return pipeline


def pipeline_validate_delete(pipeline: Pipeline) -> None:
    """Raise ValidationError if the rules forbid deleting ``pipeline``."""
    if pipeline.is_default:
        raise ValidationError(_("The default pipeline cannot be deleted."))
    in_use = sum(entry_usage_count(stage) for stage in pipeline.stages.all())
    if in_use:
        raise ValidationError(
            _("%d items are in this pipeline's stages; move them to another pipeline first.")
            % in_use
        )


@transaction.atomic
def pipeline_delete(*, user, pipeline: Pipeline) -> None:
    """Delete a pipeline and its stages."""
    check_settings_right(user)
    pipeline = Pipeline.objects.select_for_update().get(pk=pipeline.pk)
    pipeline_validate_delete(pipeline)
    permissions_drop(entity=pipeline.access_entity)
    pipeline.stages.all().delete()
    pipeline.delete()


@transaction.atomic
def pipelines_reorder(*, user, ids: list[int]) -> list[Pipeline]:
    """Put the pipelines in a new order, given as the ids of all of them."""
    check_settings_right(user)
    pipelines = {p.pk: p for p in Pipeline.objects.order_by("pk").select_for_update()}
    _check_whole_order(ids, pipelines.keys())
    ordered = [pipelines[pk] for pk in ids]
    for position, pipeline in enumerate(ordered, start=1):
        pipeline.sort = position * SORT_STEP
    Pipeline.objects.bulk_update(ordered, ["sort"])
    return ordered
