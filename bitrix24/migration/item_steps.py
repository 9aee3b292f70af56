"""The steps of a kind of CRM items (companies, contacts, deals, leads): the portal's rows
read in slices after the step's cursor and written through the bulk item services of the
type (``crm.services``), as the acting user: rights, validation and history as for any
other door.

A slice is one transaction: the rows translated (``values.Translator``), the new ones
created by one ``items_bulk_create`` (in chunks of ``CHUNK``) and those the mapping knows
changed by one ``items_bulk_change`` (an item deleted here since is made again), the new
pairs of the mapping and the links (``ItemStep.write_links``) written, and the step's cursor
moved past the slice. A row the services refuse is reported with their reason, the others written; a
slice the user's rights refuse as a whole (no right to add such items at all) is rolled
back and each of its rows reported.
"""

import contextlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction

from crm.entities import entity_type
from crm.services import items_bulk_change, items_bulk_create

from ..models import MappingKind
from .report import Outcome
from .source import BATCH
from .values import Refused, Translated, Translator

CLIENT_CHANNELS = ("PHONE", "EMAIL", "WEB")
# Rows of a slice written at once by the bulk services: on PostgreSQL each chunk is written by
# a thread of its own while the next one is validated, so a slice is given in several.
CHUNK = 1250


def _quick_commit() -> None:
    """Make this transaction's commit quick (PostgreSQL): its foreign keys checked as each
    statement runs rather than all at its commit, so that the bulk services' writer thread
    checks a chunk's while the next one is validated (at the commit they were a sixth of a
    run, with nothing else going on), and the commit not waiting for the disk
    (``synchronous_commit`` off for it alone). A crash of the server can then lose the last
    slices committed, never part of one: each carries its cursor, so the next run writes
    them again, as after an interruption; and the run's last commit, flushed, flushes every
    one before it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


@dataclass
class ItemStep:
    """One kind of items: ``entity`` (our registered type, also its ``MappingKind``), the
    portal's ``method`` prefix (``crm.company``) and what its list selects."""

    name: str
    entity: str
    method: str
    select: tuple = ("*", "UF_*")

    @property
    def spec(self):
        return entity_type(self.entity).services.spec

    def run(self, run) -> None:
        translator = Translator(run, self.entity, self.name)
        params = {"select": list(self.select)}
        slices = run.slices(self.name, f"{self.method}.list", params)
        with contextlib.closing(slices):  # closed, its reader stopped, however the run ends
            for rows in slices:
                self._slice(run, translator, self.complete(run, rows))

    def _slice(self, run, translator: Translator, rows: list[dict]) -> None:
        try:
            with transaction.atomic():
                _quick_commit()
                outcome = self.write(run, translator, rows)
                run.save(self.name, cursor=int(rows[-1]["ID"]))
        except PermissionDenied as refusal:
            outcome = Outcome()
            for row in rows:
                outcome.refuse(row.get("ID"), refusal)
            with transaction.atomic():
                run.save(self.name, cursor=int(rows[-1]["ID"]))
        run.report.add(self.name, outcome)

    def complete(self, run, rows: list[dict]) -> list[dict]:
        """What a portal's list does not give of ``rows`` and the step needs, read apart."""
        return rows

    def write(self, run, translator: Translator, rows: list[dict]) -> Outcome:
        outcome = Outcome()
        translated = []
        for row in rows:
            try:
                translated.append(translator.row(row))
            except Refused as refusal:
                outcome.refuse(row.get("ID"), refusal)
        translated = translator.resolve(translated, outcome)
        mappings = run.mappings(MappingKind(self.entity))
        known = mappings.of(one.bitrix_id for one in translated)
        here = set(
            self.spec.model._base_manager.filter(pk__in=sorted(set(known.values())))
            .values_list("pk", flat=True)
        )  # fmt: skip
        new = [one for one in translated if known.get(one.bitrix_id) not in here]
        changed = {known[one.bitrix_id]: one for one in translated
                   if known.get(one.bitrix_id) in here}  # fmt: skip
        self._create(run, new, known, mappings, outcome)
        self._change(run, changed, outcome)
        written = [one for one in translated if one.our_id is not None]
        created = {one.our_id for one in new if one.our_id is not None}
        self.write_links(run, written, created, outcome)
        return outcome

    def _create(self, run, new: list[Translated], known: dict, mappings, outcome) -> None:
        if not new:
            return
        result = items_bulk_create(self.spec, user=run.user, rows=[one.values for one in new],
                                   chunk_size=CHUNK, references=run.references)  # fmt: skip
        for number, pk in result.created.items():
            new[number - 1].our_id = pk
        for rejected in result.rejected:
            outcome.refuse(new[rejected.row - 1].bitrix_id, rejected.reason)
        made = {one.bitrix_id: one.our_id for one in new if one.our_id is not None}
        mappings.record(made, replaced=[pk for pk in made if pk in known])
        outcome.created += len(made)

    def _change(self, run, changed: dict[int, Translated], outcome) -> None:
        if not changed:
            return
        result = items_bulk_change(
            self.spec, user=run.user, ids=list(changed), references=run.references,
            change=lambda item, channels: dict(changed[item.pk].values),
        )  # fmt: skip
        outcome.updated += len(result.updated)
        outcome.unchanged += len(result.unchanged)
        for pk, one in changed.items():
            if pk in result.rejected:
                outcome.refuse(one.bitrix_id, result.rejected[pk])
            else:
                one.our_id = pk

    def write_links(self, run, written: list[Translated], created: set[int], outcome) -> None:
        """The links of the rows written that live apart from the item (``linked``);
        ``created``: our ids of the items this slice made."""

    def linked_lists(self, run, rows: list[dict], field: str, method: str, key: str) -> None:
        """Give each of ``rows`` lacking ``field`` (``COMPANY_IDS``: a real portal's lists
        leave it out) the ids ``method`` (``crm.contact.company.items.get``) lists under
        ``key``, 50 rows a request."""
        lacking = [row for row in rows if field not in row]
        for start in range(0, len(lacking), BATCH):
            part = lacking[start : start + BATCH]
            results, _totals = run.source.batch(
                {f"i{row['ID']}": (method, {"id": row["ID"]}) for row in part}
            )
            for row in part:
                row[field] = [str(link[key]) for link in results.get(f"i{row['ID']}") or []
                              if isinstance(link, dict) and link.get(key)]  # fmt: skip
