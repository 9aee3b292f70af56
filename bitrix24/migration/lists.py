"""The portal's reference lists (``crm.status.list``: company types, sources, industries,
lead stages, ...) as our lists, through ``dictionaries.services`` (the settings right, the
rules of system entries and stages).

An entry is found here by the mapping, else by its code in the list (Bitrix24's
``STATUS_ID`` is our code), else a stage list's success stage by its semantics (a list has
exactly one), else it is added with the portal's code; a changed name or colour is written
over ours. The list is then ordered as the portal orders it, entries of ours the portal
lacks after its own. Deal stages are the ``pipelines`` step's (``sync_entries``); lists we
do not have (smart processes, invoices) are counted as left out.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from dictionaries import services
from dictionaries.defaults import DEAL_STAGE, LISTS_BY_CODE
from dictionaries.models import Entry, Pipeline, Semantics

from ..models import MappingKind
from .report import Outcome

_SEMANTICS = {"S": Semantics.SUCCESS, "F": Semantics.FAILURE}
REFUSALS = (ValidationError, PermissionDenied)


def statuses(run) -> dict[str, list[dict]]:
    """Every row of ``crm.status.list``, by ``ENTITY_ID``, each list in the portal's order."""

    def read():
        by_list: dict[str, list[dict]] = {}
        for row in run.source.everything("crm.status.list"):
            by_list.setdefault(str(row.get("ENTITY_ID") or "").upper(), []).append(row)
        for rows in by_list.values():
            rows.sort(key=lambda row: (_number(row.get("SORT")), _number(row.get("ID"))))
        return by_list

    return run.once("statuses", read)


def _number(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def reason(error) -> str:
    """A service's refusal in words."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _color(value) -> str | None:
    """The portal's colour as ours (``#39A8EF``), or None for one we cannot read."""
    color = str(value or "").strip()
    color = color if color.startswith("#") else f"#{color}"
    valid = len(color) == 7 and all(c in "0123456789abcdefABCDEF" for c in color[1:])
    return color if valid else None


def _their_prefix(entity_id: str) -> str:
    """What the portal's codes of the list ``entity_id`` start with: ``C3:`` for the stages
    of its pipeline 3 (``DEAL_STAGE_3``), nothing otherwise."""
    number = entity_id.removeprefix(f"{DEAL_STAGE}_")
    return f"C{number}:" if number != entity_id else ""


def sync_entries(run, outcome: Outcome, entity_id: str, rows: list[dict], list_code: str,
                 pipeline: Pipeline | None = None, *, created: bool = False) -> None:  # fmt: skip
    """The portal's ``rows`` of the list ``entity_id`` as our list ``list_code`` (of
    ``pipeline`` for deal stages, whose codes get its ``C<id>:`` prefix instead of the
    portal's); ``created``: the pipeline was just made with the default stages, and those
    the portal does not have are removed (when the rules let them go)."""
    spec = LISTS_BY_CODE[list_code]
    mappings = run.mappings(MappingKind.ENTRY)
    known = mappings.all()
    entries = {e.pk: e for e in Entry.objects.of_list(list_code, pipeline)}
    by_code = {e.code: e for e in entries.values()}
    theirs, ours = _their_prefix(entity_id), pipeline.stage_code_prefix if pipeline else ""
    pairs, placed = {}, []
    for row in rows:
        key = f"{entity_id}:{row.get('STATUS_ID')}"
        code = str(row.get("STATUS_ID") or "").removeprefix(theirs)
        semantics = _SEMANTICS.get(str(row.get("SEMANTICS") or "").upper(), Semantics.PROCESS)
        entry = entries.get(known.get(key)) or by_code.get(ours + code)
        if entry is None and spec.is_stage_list and semantics == Semantics.SUCCESS:
            entry = next((e for e in entries.values() if e.semantics == Semantics.SUCCESS), None)
        name, color = str(row.get("NAME") or "").strip()[:100], _color(row.get("COLOR"))
        try:
            with transaction.atomic():
                if entry is None:
                    entry = services.entry_create(
                        user=run.user, list_code=list_code, pipeline=pipeline, name=name,
                        code=code if services.CODE_RE.match(code) else "",
                        semantics=semantics if spec.is_stage_list else "",
                        **({"color": color} if color else {}),
                    )  # fmt: skip
                    outcome.created += 1
                elif entry.name != name or (color and entry.color.upper() != color.upper()):
                    entry = services.entry_update(user=run.user, entry=entry, name=name,
                                                  color=color)  # fmt: skip
                    outcome.updated += 1
                else:
                    outcome.kept(mapped=key in known)
        except REFUSALS as error:
            outcome.refuse(key, reason(error))
            continue
        pairs[key] = entry.pk
        entries[entry.pk] = entry
        placed.append(entry.pk)
    changed = {key: pk for key, pk in pairs.items() if known.get(key) != pk}
    mappings.record(changed, replaced=[key for key in changed if key in known])
    if created:
        _drop_unused(run, [e for pk, e in entries.items() if pk not in placed])
    _order(run, outcome, list_code, pipeline, placed)
    run.forget("entries")


def _drop_unused(run, extra: list[Entry]) -> None:
    """Remove the default stages of a pipeline just made that the portal's lacks."""
    for entry in extra:
        try:
            with transaction.atomic():
                services.entry_validate_delete(entry)
                services.entry_delete(user=run.user, entry=entry)
        except REFUSALS:
            continue  # a system stage stays (the first, the success, the main failure)


def _order(run, outcome: Outcome, list_code: str, pipeline, placed: list[int]) -> None:
    """The list in the portal's order (``placed``), ours the portal lacks after its own;
    a stage list keeps its process stages before the final ones."""
    entries = list(Entry.objects.of_list(list_code, pipeline))
    position = {pk: n for n, pk in enumerate(placed)}
    wanted = sorted(entries, key=lambda e: (
        e.semantics not in ("", Semantics.PROCESS), e.pk not in position,
        position.get(e.pk, 0), e.sort, e.pk))  # fmt: skip
    if wanted == entries:
        return
    try:
        services.entries_reorder(user=run.user, list_code=list_code, pipeline=pipeline,
                                 ids=[e.pk for e in wanted])  # fmt: skip
    except REFUSALS as error:
        outcome.refuse(list_code, reason(error))


class ListsStep:
    name = "lists"

    def run(self, run) -> None:
        outcome = Outcome()
        tally = run.report.tally(self.name)
        for entity_id, rows in statuses(run).items():
            if entity_id == DEAL_STAGE or entity_id.startswith(f"{DEAL_STAGE}_"):
                continue  # the pipelines step's
            if entity_id not in LISTS_BY_CODE:
                tally.left_out[entity_id] += len(rows)
                continue
            sync_entries(run, outcome, entity_id, rows, entity_id)
        run.report.add(self.name, outcome)
