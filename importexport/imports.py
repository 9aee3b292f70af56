"""Imports: a file's columns mapped to catalogue fields, its rows written as its uploader.

The life of an import (``ImportJob``): ``import_upload`` reads the file's header (and checks
the ``import`` right), proposes a mapping from the headers (the catalogue's aliases in
English, Russian, French and German, Bitrix24's captions and raw codes such as ``TITLE``,
``PHONE_WORK``, ``UF_CRM_TIER``); ``import_configure`` takes the mapping, the defaults and the
duplicate control, refusing a mapping that cannot work; ``import_start`` hands it to the job
spine. In the worker, ``import_run`` stages the file's rows in the database once (all of them
or none), then works through them in chunks (``crm.jobs.run_in_chunks``): each chunk's rows
parsed by the catalogue, matched against the clients the uploader may read and against the
file's earlier rows, created through the bulk item services or merged/replaced through the
one-item services, and their outcomes committed with the job's cursor, so a worker killed
midway resumes after the last chunk it finished and no row is written twice.
"""

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accessrights.restriction import check
from companies.matching import ClientFacts, Signal, match_each, name_key
from crm.actors import Door, DoorKind, acting_through
from crm.bulkwrite import insert_objects, update_objects
from crm.entities import entity_type, entity_type_of, entity_types
from crm.fields import (
    LIST_KINDS,
    CatalogueField,
    FieldKind,
    ReferenceCache,
    catalogue,
    field_for_header,
)
from crm.jobs import job_start, run_in_chunks
from crm.services import items_bulk_change, items_bulk_create, items_bulk_delete
from requisites.services import requisites_bulk_add

from .links import Linker, names_in, write_links
from .models import DuplicateMode, ImportJob, ImportRow, RowOutcome
from .readers import read_table
from .requisite_columns import PREFIX, RequisiteColumns, requisite_codes, requisite_fields

CLIENTS = ("company", "contact")  # the item types whose duplicates the client matcher finds
MATCH_SIGNALS = {"name": Signal.EXACT_NAME, "phone": Signal.PHONE, "email": Signal.EMAIL,
                 "tax_id": Signal.TAX_ID}  # fmt: skip
DEFAULT_MATCH_BY = ["phone", "email"]
PREVIEW_ROWS = 5


def importable() -> list[str]:
    """The item types that import: every registered one whose services have a bulk spec."""
    return [t.key for t in entity_types() if t.services is not None and t.services.spec]


def _entity(key: str):
    if key not in importable():
        raise ValidationError({"entity": _("“%s” is not an item type that imports.") % key})
    return entity_type(key)


def import_fields(entity_key: str) -> list[CatalogueField]:
    """What a column of an import into ``entity_key`` may fill: the catalogue's fields and,
    for companies and contacts, the requisites' (``importexport.requisite_columns``)."""
    return [*catalogue(entity_key), *requisite_fields(entity_key)]


def _fields(entity_key: str) -> dict[str, CatalogueField]:
    return {field.code: field for field in import_fields(entity_key)}


def auto_mapping(entity_key: str, headers: list[str]) -> dict[str, str]:
    """The field each header names ("" for none): a field is taken once, except phones,
    e-mails and websites, which several columns may fill (one per kind)."""
    mapping, taken = {}, set()
    requisites = requisite_codes(entity_key, headers)
    for header in headers:
        if header in requisites:
            mapping[header] = requisites[header]
            continue
        field = field_for_header(entity_key, header)
        if field is None or (field.code in taken and field.kind not in LIST_KINDS):
            mapping[header] = ""
            continue
        mapping[header] = field.code
        taken.add(field.code)
    return mapping


@transaction.atomic
def import_upload(*, user, entity: str, file, name: str, encoding: str = "",
                  delimiter: str = "") -> ImportJob:  # fmt: skip
    """A draft import of ``file`` into ``entity``: its format, encoding and delimiter
    (detected unless given), its headers and the mapping proposed for them. A file that
    cannot be read is refused with the reason (nothing is kept)."""
    item_type = _entity(entity)
    check(user, "import", model=item_type.model)
    table = read_table(file, name=name, encoding=encoding, delimiter=delimiter,
                       max_bytes=settings.IMPORT_MAX_BYTES)  # fmt: skip
    if not any(header.strip() for header in table.headers):
        raise ValidationError(_("The file has no header row."))
    file.seek(0)
    job = ImportJob(
        entity=entity, requester=user, file_name=name[:255], file_format=table.file_format,
        encoding=table.encoding, delimiter=table.delimiter, headers=table.headers,
        mapping=auto_mapping(entity, table.headers), match_by=DEFAULT_MATCH_BY,
    )  # fmt: skip
    job.file.save(name[-100:] or "import", file, save=False)
    job.save()
    return job


def preview(import_job: ImportJob, count: int = PREVIEW_ROWS) -> list[list[str]]:
    """The first rows of the file as read with the import's encoding and delimiter."""
    with import_job.file.open("rb") as stored:
        table = _table(import_job, stored)
        rows = []
        for row in table.rows:
            rows.append(row.cells)
            if len(rows) == count:
                break
    return rows


def _table(import_job: ImportJob, stored):
    return read_table(
        stored, name=import_job.file_name, encoding=import_job.encoding,
        delimiter=import_job.delimiter, max_bytes=settings.IMPORT_MAX_BYTES,
    )  # fmt: skip


def import_configure(*, user, import_job: ImportJob, mapping=None, duplicates=None,
                     match_by=None, defaults=None) -> ImportJob:  # fmt: skip
    """Set the draft's options: ``mapping`` ``{header: field code or ""}`` (headers left out
    keep theirs), ``duplicates`` (skip/merge/replace/allow), ``match_by`` (name, phone,
    email), ``defaults`` ``{field code: value as typed}`` for fields no column gives. Refused
    with the reason, nothing changed: an unknown header or field, a field two columns fill, a
    required field neither mapped nor defaulted, a default that is not a valid value."""
    _own_draft(user, import_job)
    fields = _fields(import_job.entity)
    errors: dict[str, list[str]] = {}
    chosen = dict(import_job.mapping)
    for header, code in (mapping or {}).items():
        if header not in import_job.headers:
            errors.setdefault("mapping", []).append(_("The file has no column “%s”.") % header)
        elif code and code not in fields:
            errors.setdefault("mapping", []).append(
                _("“%(code)s” is not a field of these items (column “%(header)s”).")
                % {"code": code, "header": header}
            )
        else:
            chosen[header] = code or ""
    mapped = [code for code in chosen.values() if code]
    twice = sorted({c for c in mapped if mapped.count(c) > 1 and fields[c].kind not in LIST_KINDS})
    if twice:
        errors.setdefault("mapping", []).append(
            _("Several columns fill %s: keep one.") % ", ".join(twice)
        )
    given_defaults = dict(import_job.defaults if defaults is None else defaults)
    references = ReferenceCache()
    for code, value in given_defaults.items():
        field = fields.get(code)
        if field is None:
            message = _("“%s” is not a field of these items.") % code
            errors.setdefault("defaults", []).append(message)
            continue
        try:
            _parse(field, value, references, "")
        except ValidationError as error:
            errors.setdefault("defaults", []).extend(_messages(error))
    missing = [
        str(field.label) for field in fields.values()
        if field.required and field.code not in mapped and field.code not in given_defaults
        and field.default is None
    ]  # fmt: skip
    if missing:
        errors.setdefault("mapping", []).append(
            _("Map a column to, or give a default for: %s.") % ", ".join(missing)
        )
    duplicates = duplicates or import_job.duplicates
    if duplicates not in DuplicateMode.values:
        errors["duplicates"] = [_("“%s” is not a way to handle duplicates.") % duplicates]
    match_by = list(import_job.match_by if match_by is None else match_by)
    unknown = [m for m in match_by if m not in MATCH_SIGNALS]
    if unknown:
        errors["match_by"] = [_("Duplicates cannot be found by %s.") % ", ".join(map(str, unknown))]
    if errors:
        raise ValidationError(errors)
    import_job.mapping, import_job.defaults = chosen, given_defaults
    import_job.duplicates, import_job.match_by = duplicates, match_by
    import_job.save(update_fields=["mapping", "defaults", "duplicates", "match_by"])
    return import_job


def _own_draft(user, import_job: ImportJob) -> None:
    if import_job.requester_id != user.pk and not user.is_superuser:
        raise PermissionDenied(_("This import is someone else's."))
    if import_job.job_id is not None:
        raise ValidationError(_("This import has started already."))


@transaction.atomic
def import_start(*, user, import_job: ImportJob, **options) -> ImportJob:
    """Configure the draft (``options`` as ``import_configure`` takes them) and queue it."""
    locked = ImportJob.objects.select_for_update().get(pk=import_job.pk)
    import_configure(user=user, import_job=locked, **options)
    check(user, "import", model=entity_type(locked.entity).model)
    locked.job = job_start(user=user, kind="import.run", parameters={"import": locked.pk})
    locked.save(update_fields=["job"])
    return locked


# In the worker


def import_run(job) -> None:
    """Kind ``import.run``: stage the rows once, then write them chunk by chunk as the
    uploader, through the door "import #N" (history says "by Anna via import #N")."""
    import_job = ImportJob.objects.select_related("requester").get(job=job)
    _stage(import_job)
    runner = _Runner(import_job)
    with acting_through(Door(DoorKind.IMPORT, import_job.pk), on_behalf_of=import_job.requester):
        run_in_chunks(job, import_job.rows.all(), runner.chunk,
                      chunk_size=settings.IMPORT_CHUNK_SIZE)  # fmt: skip


@transaction.atomic
def _stage(import_job: ImportJob) -> None:
    """Read the whole file into ``ImportRow`` rows, once: a file that turns out bad halfway
    leaves no row (the job fails with the reason). A line that continues the row above (its
    further requisites, a deal's further products) is kept with that row (``more``)."""
    locked = ImportJob.objects.select_for_update().get(pk=import_job.pk)
    if locked.staged:
        return
    continues = _continuation_rule(locked)
    batch, current = [], None
    with locked.file.open("rb") as stored:
        for row in _table(locked, stored).rows:
            if current is not None and continues(current.cells, row.cells):
                current.more.append([row.line, row.cells])
                continue
            if current is not None:
                batch.append(current)
            current = ImportRow(import_job=locked, line=row.line, cells=row.cells, more=[])
            if len(batch) == 5000:
                insert_objects(ImportRow, batch)
                batch = []
    insert_objects(ImportRow, [*batch, *([current] if current is not None else [])])
    if not locked.rows.exists():
        raise ValidationError(_("The file has a header but no rows."))
    locked.staged = True
    locked.save(update_fields=["staged"])
    import_job.staged = True


def _continuation_rule(import_job: ImportJob):
    """Whether a line continues the row above it, as Bitrix24 writes its files: a line
    whose item columns are all empty but which gives requisites (its "Export details"), or,
    in a deal or lead file, a line with the same ``ID`` as the one above (one line per
    product of the deal)."""
    mapped = [(n, import_job.mapping.get(h, "")) for n, h in enumerate(import_job.headers)]
    own = [n for n, code in mapped if code and not code.startswith(PREFIX)]
    requisites = [n for n, code in mapped if code.startswith(PREFIX)]
    key = next((n for n, header in enumerate(import_job.headers)
                if header.strip().upper() == "ID" and not import_job.mapping.get(header)),
               None) if import_job.entity in ("deal", "lead") else None  # fmt: skip

    def cell(cells, n):
        return str(cells[n]).strip() if n < len(cells) else ""

    def continues(above, cells) -> bool:
        if key is not None and cell(cells, key) and cell(cells, key) == cell(above, key):
            return True
        return (
            bool(requisites)
            and not any(cell(cells, n) for n in own)
            and any(cell(cells, n) for n in requisites)
        )

    return continues


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{code}: {' '.join(messages)}" for code, messages in error.message_dict.items()]
    return error.messages


def _parse(field: CatalogueField, text, references, kind):
    if field.custom:
        return text  # the services read custom values as typed (crm.custom_values)
    return field.parse(text, references, kind=kind)


@dataclass
class _Parsed:
    row: ImportRow
    values: dict  # as the item services take them
    facts: ClientFacts | None = None
    names: dict = dataclass_field(default_factory=dict)  # link field code -> names in the row
    links: dict = dataclass_field(default_factory=dict)  # many-to-many code -> rows to link
    requisites: list = dataclass_field(default_factory=list)  # unsaved, checked by presets


class _Runner:
    """What one run of an import keeps from chunk to chunk: the columns, the defaults parsed
    once, the reference lists read once."""

    def __init__(self, import_job: ImportJob):
        self.import_job = import_job
        self.user = import_job.requester
        self.item_type = entity_type(import_job.entity)
        self.spec = self.item_type.services.spec
        fields = _fields(import_job.entity)
        self.references = ReferenceCache()
        columns = [
            (index, fields[code], fields[code].kind_for_header(header))
            for index, header in enumerate(import_job.headers)
            if (code := import_job.mapping.get(header)) and code in fields
        ]
        self.requisites = RequisiteColumns.of([(index, field.code.removeprefix(PREFIX))
                                               for index, field, _kind in columns
                                               if field.code.startswith(PREFIX)])  # fmt: skip
        columns = [c for c in columns if not c[1].code.startswith(PREFIX)]
        self.columns = [c for c in columns if c[1].kind != FieldKind.ITEM_LINK]
        self.amount_column = next((c for c in self.columns if c[1].code == "amount"), None)
        self.link_columns = [(index, field) for index, field, _kind in columns
                             if field.kind == FieldKind.ITEM_LINK]  # fmt: skip
        self.linker = Linker(import_job.entity, self.user, self.references,
                             created=import_job.linked)  # fmt: skip
        self.defaults = {
            fields[code]: _parse(fields[code], text, self.references, "")
            for code, text in import_job.defaults.items()
        }
        self.mode = import_job.duplicates
        self.signals = {MATCH_SIGNALS[m] for m in import_job.match_by}
        self.matching = (
            import_job.entity in CLIENTS and self.mode != DuplicateMode.ALLOW and self.signals
        )

    def parse(self, row: ImportRow) -> dict:
        values: dict = {}
        custom: dict = {}
        errors: dict[str, list[str]] = {}
        width = len(self.import_job.headers)
        if len(row.cells) > width and any(c.strip() for c in row.cells[width:]):
            raise ValidationError(
                _("The row has %(cells)d cells, the header %(columns)d.")
                % {"cells": len(row.cells), "columns": width}
            )
        for index, field, kind in self.columns:
            text = row.cells[index] if index < len(row.cells) else ""
            try:
                value = _parse(field, text, self.references, kind)
            except ValidationError as error:
                errors.setdefault(field.code, []).extend(
                    error.message_dict.get(field.code, error.messages)
                    if hasattr(error, "error_dict") else error.messages
                )  # fmt: skip
                continue
            if field.custom:
                if str(text).strip():
                    custom[field.code] = value
            elif field.kind in LIST_KINDS:
                values.setdefault(field.code, []).extend(value)
            elif value not in (None, [], ""):
                values[field.code] = value
        if errors:
            raise ValidationError(errors)
        for field, value in self.defaults.items():
            (custom if field.custom else values).setdefault(field.code, value)
        if custom:
            values["custom"] = custom
        if row.more and self.amount_column is not None and "amount" in values:
            values["amount"] = self._total(row, values["amount"])
        return values

    def _total(self, row: ImportRow, first):
        """A deal's (or lead's) amount when the file gives it once per product line, as
        Bitrix24 does (each line's amount is its product's price times quantity): their sum.
        The product lines themselves are not kept: deals have no product lines yet."""
        index, field, kind = self.amount_column
        total = first
        for _line, cells in row.more:
            amount = _parse(field, cells[index] if index < len(cells) else "", self.references,
                            kind)  # fmt: skip
            total += amount or 0
        return total

    def requisites_of(self, row: ImportRow) -> list:
        """The requisites the row's line and the lines continuing it give."""
        built = []
        for line, cells in [(row.line, row.cells), *row.more]:
            given = self.requisites.given(cells) if self.requisites.columns else {}
            if given:
                built.append(self.requisites.build(given, line))
        return built

    def facts(self, values: dict, requisites: list) -> ClientFacts:
        texts = {name: [one["value"] for one in values.get(name, ())]
                 for name in ("phones", "emails")}  # fmt: skip
        return ClientFacts.build(
            self.import_job.entity,
            name=str(values.get("name", "")),
            first_name=str(values.get("first_name", "")),
            last_name=str(values.get("last_name", "")),
            phones=texts["phones"],
            emails=texts["emails"],
            tax_id=next((r.tax_id for r in requisites if r.tax_id), ""),
        )

    def chunk(self, rows: list[ImportRow]) -> dict[int, str]:
        """Do one chunk; the rows that failed as ``{pk: reason}`` (the job counts them)."""
        parsed, failed = [], {}
        for row in rows:
            try:
                parsed.append(_Parsed(row, self.parse(row), names=self.names(row),
                                      requisites=self.requisites_of(row)))  # fmt: skip
            except ValidationError as error:
                failed[row.pk] = "; ".join(_messages(error))
        parsed = self._link(parsed, failed)
        targets = self._duplicates(parsed) if self.matching else [None] * len(parsed)
        new = [p for p, target in zip(parsed, targets, strict=True) if target is None]
        result = items_bulk_create(self.spec, user=self.user, rows=[p.values for p in new],
                                   references=self.references)  # fmt: skip
        for number, pk in result.created.items():
            new[number - 1].row.outcome, new[number - 1].row.item_id = RowOutcome.CREATED, pk
        for rejected in result.rejected:
            failed[new[rejected.row - 1].row.pk] = rejected.reason
        pending = []
        for one, target in zip(parsed, targets, strict=True):
            if isinstance(target, _Parsed):  # repeats a row of this chunk
                one.row.reason = _("repeats line %d") % target.row.line
                if target.row.item_id is None:  # which was not written
                    one.row.outcome = RowOutcome.SKIPPED
                    continue
                target = target.row.item_id
            if target is None:
                continue
            if self.mode == DuplicateMode.SKIP:
                one.row.outcome, one.row.item_id = RowOutcome.SKIPPED, target
            else:
                pending.append((one, target))
        self._merge(pending, failed)
        written = [p for p in parsed if p.row.pk not in failed and p.row.item_id is not None]
        items = self.item_type.model.objects.in_bulk(
            [p.row.item_id for p in written if p.links or p.names or p.requisites]
        )
        self._write_links(written, items)
        self._write_requisites(written, items)
        return self._record(rows, failed)

    def names(self, row: ImportRow) -> dict[str, list[str]]:
        """The names of linked items the row gives, by link field."""
        found = {}
        for index, field in self.link_columns:
            names = names_in(field, row.cells[index] if index < len(row.cells) else "")
            if names:
                found.setdefault(field.code, []).extend(names)
        return found

    def _link(self, parsed: list[_Parsed], failed: dict) -> list[_Parsed]:
        """Find or create the items the chunk's rows name; a single link (a deal's company)
        becomes the row's value, several (its contacts) wait for the item to be written. A
        row naming an item that could not be created fails with the reason."""
        if not self.link_columns:
            return parsed
        fields = {field.code: field for _index, field in self.link_columns}
        wanted: dict[str, set[str]] = {}
        for one in parsed:
            for code, names in one.names.items():
                kind = entity_type_of(fields[code].related_model).key
                wanted.setdefault(kind, set()).update(names)
        self.linker.resolve(wanted)
        kept = []
        for one in parsed:
            try:
                for code, names in one.names.items():
                    rows = self.linker.items(fields[code], names)
                    if fields[code].multiple:
                        one.links[code] = rows
                    else:
                        one.values[code] = rows[0]
            except ValueError as error:
                failed[one.row.pk] = str(error)
                continue
            kept.append(one)
        return kept

    def _write_links(self, written: list[_Parsed], items: dict) -> None:
        """The links of the rows written: each item's many-to-many links, and the deal's
        company's "linked" line for a new deal."""
        pairs: dict[str, list[tuple]] = {}
        for one in written:
            if not (one.links or one.names):
                continue
            item = items[one.row.item_id]
            for code, rows in one.links.items():
                pairs.setdefault(code, []).extend((item, other) for other in rows)
            if one.row.outcome == RowOutcome.CREATED:  # a single link was one of its values
                for code in one.names.keys() - one.links.keys():
                    pairs.setdefault(code, []).append((item, one.values[code]))
        if pairs:
            write_links(self.import_job.entity, pairs, self.user)

    def _write_requisites(self, written: list[_Parsed], items: dict) -> None:
        """The requisites of the rows written: a new item's as part of its creation, those
        an updated item lacks with a line in its history."""
        for outcome, record in ((RowOutcome.CREATED, False), (RowOutcome.UPDATED, True)):
            pairs = [(items[p.row.item_id], requisite) for p in written
                     if p.row.outcome == outcome for requisite in p.requisites]  # fmt: skip
            requisites_bulk_add(user=self.user, pairs=pairs, record=record)

    def _duplicates(self, parsed: list[_Parsed]) -> list:
        """For each row, None (a new item), the id of the item it duplicates, or the
        ``_Parsed`` of the earlier row of this chunk it repeats (its item made below)."""
        for one in parsed:
            one.facts = self.facts(one.values, one.requisites)
        kind = self.import_job.entity
        stored = match_each(kind, [p.facts for p in parsed], self.signals, user=self.user)
        # Only items the uploader may read are duplicates of theirs; one they may read but
        # not change makes a rejected row (the update service says why).
        seen: dict = {}
        targets = []
        for one, found in zip(parsed, stored, strict=True):
            keys = self._keys(one.facts)
            earlier = next((seen[k] for k in keys if k in seen), None)
            targets.append(found if found is not None else earlier)
            if found is None and earlier is None:
                for key in keys:
                    seen[key] = one
        return targets

    def _keys(self, facts: ClientFacts) -> list:
        keys = []
        if Signal.PHONE in self.signals:
            keys += [("phone", p) for p in facts.phones]
        if Signal.EMAIL in self.signals:
            keys += [("email", e) for e in facts.emails]
        if Signal.EXACT_NAME in self.signals:
            key = name_key(self.import_job.entity, facts)
            if key is not None:
                keys.append(("name", key))
        if Signal.TAX_ID in self.signals and facts.tax_id:
            keys.append(("tax_id", facts.tax_id))
        return keys

    def _merge(self, pending: list[tuple[_Parsed, int]], failed: dict) -> None:
        """Merge or replace each row into the item it duplicates, through the bulk change
        service, in rounds: an item that several rows of the chunk duplicate takes them one
        round after the other, each merged into what the one before left."""
        while pending:
            this_round: dict[int, _Parsed] = {}
            later = []
            for one, pk in pending:
                if pk in this_round:
                    later.append((one, pk))
                else:
                    this_round[pk] = one
            result = items_bulk_change(
                self.spec, user=self.user, ids=list(this_round), references=self.references,
                change=lambda item, channels, rows=this_round: self._changes(
                    item, rows[item.pk].values, channels),
            )  # fmt: skip
            for pk, one in this_round.items():
                if pk in result.rejected:
                    failed[one.row.pk] = result.rejected[pk]
                    continue
                one.row.item_id = pk
                one.row.outcome = RowOutcome.UPDATED
                if pk in result.unchanged:
                    one.row.outcome = RowOutcome.SKIPPED
                    one.row.reason = one.row.reason or _("nothing new for the item it duplicates")
            pending = later

    def _changes(self, item, values: dict, channels: dict) -> dict:
        """What a duplicate row writes on its item: in merge mode only the item's empty
        fields and the phones and e-mails it lacks (nothing blanked), in replace mode every
        field the row gives."""
        changes = {}
        for code, value in values.items():
            if code == "custom":
                current = item.custom or {}
                given = {c: v for c, v in value.items()
                         if self.mode == DuplicateMode.REPLACE or c not in current}  # fmt: skip
                if given:
                    changes["custom"] = given
            elif code in ("phones", "emails", "websites"):
                stored = channels[code]
                if self.mode == DuplicateMode.REPLACE:
                    changes[code] = value
                else:
                    known = {one["value"].casefold() for one in stored}
                    added = [one for one in value if one["value"].casefold() not in known]
                    if added:
                        changes[code] = stored + added
            elif self.mode == DuplicateMode.REPLACE or getattr(item, code, None) in (None, ""):
                changes[code] = value
        return changes

    def _record(self, rows: list[ImportRow], failed: dict[int, str]) -> dict[int, str]:
        counts = dict.fromkeys(RowOutcome.values, 0)
        for row in rows:
            if row.pk in failed:
                row.outcome, row.reason, row.item_id = RowOutcome.FAILED, failed[row.pk], None
            counts[row.outcome] += 1
        update_objects(ImportRow, rows, ["outcome", "reason", "item_id"])
        ImportJob.objects.filter(pk=self.import_job.pk).update(
            linked=self.linker.created,
            created=F("created") + counts[RowOutcome.CREATED],
            updated=F("updated") + counts[RowOutcome.UPDATED],
            skipped=F("skipped") + counts[RowOutcome.SKIPPED],
            failed=F("failed") + counts[RowOutcome.FAILED],
        )
        return failed


# Afterwards


def rejected_rows(import_job: ImportJob):
    """The rejected rows as read, each with its reason and followed by the lines that
    continue it: ``(headers + ["Reason"], rows)``."""
    rows = import_job.rows.filter(outcome=RowOutcome.FAILED).order_by("pk")
    return [*import_job.headers, _("Reason")], (
        line
        for row in rows.iterator(chunk_size=2000)
        for line in ([*row.cells, row.reason], *([*cells, ""] for _line, cells in row.more))
    )


@transaction.atomic
def import_undo(*, user, import_job: ImportJob) -> int:
    """Delete the items the import created, its rows' and those it made for the names rows
    gave (through the bulk delete service, with the user's rights); refused, deleting
    nothing, when one of them changed since the import."""
    import_job = ImportJob.objects.select_for_update().get(pk=import_job.pk)
    if import_job.requester_id != user.pk and not user.is_superuser:
        raise PermissionDenied(_("This import is someone else's."))
    if import_job.undone_at is not None:
        raise ValidationError(_("This import was undone already."))
    if not import_job.is_finished:
        raise ValidationError(_("Undo an import once it has finished."))
    ids = list(import_job.rows.filter(outcome=RowOutcome.CREATED).values_list("item_id", flat=True))
    # The rows' items first, then the items made because rows named them (their companies).
    created = [(import_job.entity, ids), *import_job.linked.items()]
    changed = sum(
        entity_type(kind).model._base_manager.filter(pk__in=pks, version__gt=1).count()
        for kind, pks in created if pks
    )  # fmt: skip
    if changed:
        raise ValidationError(
            _("%d of the items it created changed since: undo would lose those changes.") % changed
        )
    deleted = 0
    for kind, pks in created:
        item_type = entity_type(kind)
        existing = list(
            item_type.model._base_manager.filter(pk__in=pks).values_list("pk", flat=True)
        )
        if existing:
            items_bulk_delete(user=user, spec=item_type.services.spec, ids=existing)
        deleted += len(existing)
    import_job.undone_at = timezone.now()
    import_job.save(update_fields=["undone_at"])
    return deleted
