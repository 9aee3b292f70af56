"""An XLSX of companies imported end to end, as the worker does it, and by django-import-export
side by side (run on purpose, not in CI).

    createdb -h 127.0.0.1 -U postgres crm_bench_import
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench_import
    .venv/bin/pip install -e '.[bench]'    # django-import-export, for the peer
    .venv/bin/python manage.py migrate
    REDIS_URL=redis://127.0.0.1:6379/0 \
    .venv/bin/python tests/benchmarks/bench_import.py --rows 100000 [--sides ours worker peer]

The issue's file: N rows of 10 columns (name, type by name, industry by code or name, two
phones as typed, an e-mail, revenue as typed, city, source, comments), a tenth of them
duplicates by e-mail of companies already there, merged. No two rows share a phone, so
the duplicates are the same whichever way a side looks for them.

Each side in turn (ours, the worker, then the peer) gets the same existing companies (N/10, written
through the bulk service before its run) and imports the same file in a process of its own,
so that its peak memory (VmHWM) is its own. Timed in that process, from the file's bytes to
the last row written:

* ours: the upload (reading the header, detecting the format), the start, and the job's
  whole run (staging the rows, chunks through the bulk create service, the merges through
  the update service, history for each, rights checked), as ``import.run`` runs it in a
  worker (Celery in eager mode: the same code, in this process);
* worker: the same import with the job in a real Celery worker on Redis, started for the
  run (ready before the clock starts), timed until the job is finished; its peak memory is
  the worker's;
* the peer: django-import-export 4.4.3 in its fastest documented bulk mode
  (``tests/benchmarks/import_peer.py`` says what it does and does not do).

After each run this process checks what the side wrote (companies, their references,
revenue and city, the existing companies' names kept, phones, e-mails, history events)
against what the file must give, then deletes it (ours through the import's undo). It prints
for each side rows, seconds, rows/s, CPU seconds of its process, created/updated counts and
peak memory, then how many times faster ours was, with the CPU probe at the start and end.
"""

import argparse
import io
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
os.environ.setdefault("DEBUG", "0")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db.models import Count, Max, Q, Sum  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from companies import communications as comms  # noqa: E402
from companies.models import Communication, Company  # noqa: E402
from companies.services import company_bulk_create  # noqa: E402
from crm.celery import app as celery_app  # noqa: E402
from importexport import imports  # noqa: E402
from importexport.models import ImportJob  # noqa: E402
from tests.benchmarks.probe import conditions  # noqa: E402
from timeline.models import Event  # noqa: E402

HEADERS = ["Company name", "Company type", "Industry", "Work phone", "Mobile phone", "Work E-mail",
           "Annual revenue", "City", "Source", "Comment"]  # fmt: skip
TYPES = ["Client", "Partner", "Supplier", "Competitor"]
INDUSTRIES = ["IT", "Manufacturing", "Banking Services", "DELIVERY", "Other"]  # codes or names
SOURCES = ["Call", "E-mail", "Website", "Advertising", "Existing client"]
ADMIN = "bench_import_admin"


def phone(rng, serial: int) -> str:
    digits = f"{rng.randrange(200, 999)}{1_000_000 + serial}"  # a serial: no two rows match
    return rng.choice([f"+1 ({digits[:3]}) {digits[3:6]}-{digits[6:]}", f"+1{digits}",
                       f"+7 {digits[:3]} {digits[3:6]}-{digits[6:8]}-{digits[8:]}"])  # fmt: skip


def workbook(rows: int, seed: int) -> bytes:
    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Companies")
    sheet.append(HEADERS)
    for n in range(rows):
        email = f"dup{n // 10}@existing.example" if n % 10 == 0 else f"c{n}@import.example"
        sheet.append([
            f"Company {n} {rng.choice(['Ltd', 'GmbH', 'ООО', 'SARL'])}", rng.choice(TYPES),
            rng.choice(INDUSTRIES), phone(rng, 2 * n), phone(rng, 2 * n + 1), email,
            rng.choice(["1 234 567,50", "1,234,567.50", "250000"]), rng.choice(["Berlin", "Lyon"]),
            rng.choice(SOURCES), "",
        ])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def peak_memory(pid: str = "self") -> float:
    """The peak resident memory of a process in MB (VmHWM of /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def import_ours(path: Path, user) -> dict:
    celery_app.conf.task_always_eager = True  # the job runs here, through the same code
    return _outcome(_start_ours(path, user))


def _start_ours(path: Path, user) -> ImportJob:
    draft = imports.import_upload(
        user=user, entity="company", name=path.name,
        file=SimpleUploadedFile(path.name, path.read_bytes()),
    )  # fmt: skip
    return imports.import_start(user=user, import_job=draft, duplicates="merge")


def _outcome(started: ImportJob) -> dict:
    done = ImportJob.objects.get(pk=started.pk)
    return {"created": done.created, "updated": done.updated,
            "rejected": done.skipped + done.failed, "job": done.pk}  # fmt: skip


def import_in_worker(path: Path, user) -> dict:
    """Ours as it runs in production: the upload and start here, the job in a real Celery
    worker (Redis, ``REDIS_URL``) started for it and ready before the clock starts; timed until
    the job is finished; the peak memory is the worker's (its solo pool works in its own
    process)."""
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("The worker side needs REDIS_URL (redis://127.0.0.1:6379/0).")
    queue = f"bench-import-{os.getpid()}"
    worker = subprocess.Popen(
        [str(Path(sys.executable).with_name("celery")), "-A", "crm", "worker", "--pool=solo",
         "--concurrency=1", "--loglevel=warning", "--without-gossip", "--without-mingle",
         f"--queues={queue}", f"--hostname={queue}@bench"],
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    try:
        while not celery_app.control.ping(destination=[f"{queue}@bench"], timeout=1):
            time.sleep(0.5)
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = False, queue
        start = time.perf_counter()
        started = _start_ours(path, user)
        while not ImportJob.objects.select_related("job").get(pk=started.pk).is_finished:
            time.sleep(0.2)
        seconds = time.perf_counter() - start
        return _outcome(started) | {"seconds": seconds, "peak": peak_memory(str(worker.pid))}
    finally:
        worker.terminate()
        worker.wait()


def import_peer(path: Path, user) -> dict:
    from tests.benchmarks.import_peer import peer_import

    totals = peer_import(path, user=user).totals
    return {"created": totals["new"], "updated": totals["update"],
            "rejected": totals["skip"] + totals["invalid"] + totals["error"]}  # fmt: skip


SIDES = {"ours": import_ours, "worker": import_in_worker, "peer": import_peer}


def run_one(side: str, path: Path) -> None:
    """Import the file once in this process; its figures as a line of JSON."""
    user = get_user_model().objects.get(username=ADMIN)
    cpu, start = time.process_time(), time.perf_counter()
    outcome = SIDES[side](path, user)
    outcome.setdefault("seconds", time.perf_counter() - start)
    outcome["cpu"] = time.process_time() - cpu
    outcome.setdefault("peak", peak_memory())
    print(json.dumps(outcome), flush=True)


def written(baseline: int, events: int) -> dict:
    """What is in the tables for the companies after ``baseline`` (their id), with their
    history events after ``events`` (theirs)."""
    companies = Company.objects.filter(pk__gt=baseline)
    found = companies.aggregate(
        companies=Count("pk"), types=Count("type"), industries=Count("industry"),
        sources=Count("source"), revenues=Count("revenue"),
        cities=Count("pk", Q(address_city__gt="")),
        kept=Count("pk", Q(name__startswith="Existing ")), revenue_sum=Sum("revenue"),
    )  # fmt: skip
    found["revenue_sum"] = str(found["revenue_sum"])
    channels = Communication.objects.filter(company__in=companies)
    found |= channels.aggregate(phones=Count("pk", Q(channel=comms.PHONE)),
                                emails=Count("pk", Q(channel=comms.EMAIL)))  # fmt: skip
    found["events"] = Event.objects.filter(
        pk__gt=events, item_type=ContentType.objects.get_for_model(Company), item_id__gt=baseline
    ).count()
    return found


def expected(rows: int, history: bool) -> dict:
    """What the file must leave: each row a company (a tenth of them the existing ones, which
    keep their names), with its references, revenue and city, 2 phones and an e-mail; the
    existing companies' creation events, and with ``history`` one per row."""
    existing = rows // 10
    every = dict.fromkeys(
        ("companies", "types", "industries", "sources", "revenues", "cities"), rows
    )
    return every | {"kept": existing, "phones": 2 * rows, "emails": rows,
                    "events": existing + (rows if history else 0)}  # fmt: skip


def report(side: str, rows: int, outcome: dict, found: dict) -> None:
    """The side's figures, and whether what it wrote is what the file must give."""
    wrong = {k: (v, found[k]) for k, v in expected(rows, side != "peer").items() if found[k] != v}
    counts = {"created": rows - rows // 10, "updated": rows // 10, "rejected": 0}
    wrong |= {k: (v, outcome[k]) for k, v in counts.items() if outcome[k] != v}
    print(f"{side}: {rows:,} rows in {outcome['seconds']:.1f} s = "
          f"{rows / outcome['seconds']:,.0f} rows/s (CPU of its process {outcome['cpu']:.1f} s); "
          f"created {outcome['created']:,}, updated {outcome['updated']:,}, rejected "
          f"{outcome['rejected']:,}; peak memory (VmHWM) {outcome['peak']:.0f} MB; written "
          f"{found['companies']:,} companies, {found['phones']:,} phones, {found['emails']:,} "
          f"e-mails, {found['events']:,} history events, revenue {found['revenue_sum']}; "
          + ("correct" if not wrong else f"WRONG (expected, found): {wrong}"))  # fmt: skip


def run_side(side: str, path: Path, rows: int, admin) -> dict:
    """Existing companies, the side's import in a process of its own, the check, the undo."""
    baseline = Company.objects.aggregate(last=Max("pk"))["last"] or 0
    events = Event.objects.aggregate(last=Max("pk"))["last"] or 0
    company_bulk_create(user=admin, rows=[
        {"name": f"Existing {n}", "emails": [{"value": f"dup{n}@existing.example"}]}
        for n in range(rows // 10)
    ])  # fmt: skip
    command = [sys.executable, __file__, "--one", side, "--file", str(path)]
    outcome = {}
    try:
        lines = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
        outcome = json.loads(lines.splitlines()[-1])
        report(side, rows, outcome, written(baseline, events))
    finally:  # the next side, or the next run, starts from the same companies
        if "job" in outcome:
            imports.import_undo(user=admin, import_job=ImportJob.objects.get(pk=outcome["job"]))
        Company.objects.filter(pk__gt=baseline).delete()
    return outcome


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="a multiple of 10")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--sides", nargs="+", default=list(SIDES), choices=list(SIDES))
    parser.add_argument("--one", choices=list(SIDES), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_one(args.one, args.file)
        return
    if args.rows % 10:
        parser.error("--rows must be a multiple of 10 (a tenth of the rows are duplicates)")
    admin, _ = get_user_model().objects.get_or_create(
        username=ADMIN, defaults={"is_superuser": True, "is_staff": True}
    )
    content = workbook(args.rows, args.seed)
    print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{args.rows:,} rows, {len(content) / 1e6:.1f} MB of XLSX")  # fmt: skip
    print(conditions("start"), flush=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "companies.xlsx"
        path.write_bytes(content)
        seconds = {side: run_side(side, path, args.rows, admin)["seconds"] for side in args.sides}
    for side in ("ours", "worker"):
        if side in seconds and "peer" in seconds:
            print(f"{side} is {seconds['peer'] / seconds[side]:.1f} times as fast as the peer")
    print(conditions("end"))


if __name__ == "__main__":
    main()
