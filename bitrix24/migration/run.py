"""One run of a portal's migration: its steps in order, each resuming where the last run of
the portal stopped, as one user through the door "migration N".

A step is small (``users``, ``lists``, ``pipelines``, ``fields``: read whole, written row by
row through the services, marked done at its end; running one again changes nothing that is
already so) or a kind of items (``companies`` ... ``leads``): read in slices after the
step's cursor (``Run.slices``), each slice written and its cursor committed in one
transaction, so a run that stops, however it stops, leaves every slice written whole or not
at all, and the next run starts after the last one written. Rows are read from the portal
in a thread of their own, a slice ahead of the writes.
"""

import queue
import threading
import time
from collections.abc import Callable, Iterator

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from crm.actors import Door, DoorKind, acting_through
from crm.fields import ReferenceCache

from ..models import Portal
from .mapping import Mappings
from .report import Report
from .source import PAGE, Source

DEFAULT_BATCH = 5000  # rows written in one transaction
READERS = 2  # batch requests sent to the portal at once (a gunicorn worker, a PHP process each)


class LimitReached(Exception):
    """``--limit`` rows were done: the run stops as if interrupted."""


class Run:
    """What the steps of one run share: the portal and its source, the user acting, the
    report, the mappings and what was read of them for the run."""

    def __init__(self, source: Source, portal: Portal, user, report: Report, *,
                 batch: int = DEFAULT_BATCH, limit: int | None = None,
                 progress: bool | None = None):  # fmt: skip
        self.source, self.portal, self.user, self.report = source, portal, user, report
        self.batch = max(PAGE, batch)
        self.left = limit  # item rows this run may still do (None: no limit)
        self.progress = progress  # tqdm's ``disable``: None hides the bars off a terminal
        self.references = ReferenceCache()
        self.cache: dict = {}  # what the steps read once for the run (users, entries...)

    def mappings(self, kind: str) -> Mappings:
        return Mappings(self.portal, kind)

    def once(self, key: str, read: Callable):
        """``read()``, once for the run (a step that changes it calls ``forget(key)``)."""
        if key not in self.cache:
            self.cache[key] = read()
        return self.cache[key]

    def forget(self, key: str) -> None:
        self.cache.pop(key, None)

    # Progress

    def state(self, step: str) -> dict:
        return self.portal.progress.get(step, {})

    def save(self, step: str, **state) -> None:
        """Note ``state`` (``cursor``, ``done``) of ``step``, in the caller's transaction."""
        self.portal.progress = {**self.portal.progress,
                                step: {**self.state(step), **state}}  # fmt: skip
        Portal.objects.filter(pk=self.portal.pk).update(progress=self.portal.progress)

    # Reading

    def slices(self, step: str, method: str, params: dict) -> Iterator[list[dict]]:
        """The rows of ``method`` after ``step``'s cursor, in ``ID`` order, by slices of
        ``batch`` rows (fewer at the end, or at the ``--limit``), with a progress bar; the
        caller writes each slice and its cursor (``save``) before asking for the next."""
        after = int(self.state(step).get("cursor") or 0)
        bar = tqdm(desc=step, unit=" rows", disable=self.progress, leave=True)
        reader = _prefetched(lambda: self._pages(method, params, after))
        try:
            pending: list[dict] = []
            for rows, total in reader:
                if total is not None and bar.total is None:
                    bar.total = total
                    bar.refresh()
                pending += rows
                while len(pending) >= self.batch:
                    yield from self._counted(pending[: self.batch], bar)
                    pending = pending[self.batch :]
            if pending:
                yield from self._counted(pending, bar)
        finally:
            reader.close()  # its thread stops
            bar.close()

    def _counted(self, rows: list[dict], bar) -> Iterator[list[dict]]:
        if self.left is not None:
            if self.left <= 0:
                raise LimitReached
            rows = rows[: self.left]
            self.left -= len(rows)
        yield rows
        bar.update(len(rows))
        if self.left is not None and self.left <= 0:
            raise LimitReached

    def _pages(self, method: str, params: dict, after: int):
        """``(rows, total)`` after ``after``, a request at a time, until the last one."""
        while True:
            rows, total = self.source.pages(method, params, after, READERS)
            if not rows:
                return
            yield rows, total
            after = int(rows[-1]["ID"])
            if len(rows) % PAGE:
                return


def _prefetched(produce: Callable[[], Iterator], depth: int = 2) -> Iterator:
    """The items of ``produce()``, made in a thread of its own up to ``depth`` ahead of the
    consumer (the portal's answers read while the last slice is written); its exceptions are
    raised here. The thread stops once the consumer stops asking."""
    found: queue.Queue = queue.Queue(depth)
    stop = threading.Event()

    def put(entry) -> bool:
        while not stop.is_set():
            try:
                found.put(entry, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def work():
        try:
            for item in produce():
                if not put(("item", item)):
                    return
            put(("end", None))
        except BaseException as error:  # raised again in the consumer
            put(("error", error))

    threading.Thread(target=work, name="portal-reader", daemon=True).start()
    try:
        while True:
            kind, value = found.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()


def migrate(source: Source, user, steps, *, report: Report, **options) -> Run:
    """Run ``steps`` (objects with a ``name`` and ``run(run)``) for the portal of ``source``
    as ``user``; the portal's row is made on its first run. After a finished run, this one
    is a new pass over every step. Raises ``LimitReached`` when ``--limit`` stopped it, and
    whatever stopped it otherwise, having kept every slice written."""
    portal, _created = Portal.objects.get_or_create(address=source.address)
    if portal.finished_at is not None:  # a new pass: every step again, updating
        portal.progress, portal.finished_at = {}, None
        portal.save(update_fields=["progress", "finished_at"])
    run = Run(source, portal, user, report, **options)
    with acting_through(Door(DoorKind.MIGRATION, portal.pk), on_behalf_of=user):
        for step in steps:
            if run.state(step.name).get("done"):
                continue
            began = time.monotonic()
            try:
                step.run(run)
            finally:
                report.tally(step.name).seconds += time.monotonic() - began
            with transaction.atomic():
                run.save(step.name, done=True)
    portal.finished_at = timezone.now()
    portal.save(update_fields=["finished_at"])
    return run
