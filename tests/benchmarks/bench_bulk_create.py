"""Companies created in bulk through the item services (run on purpose, not in CI).

The issue's target: at least 15,000 companies/s through ``company_bulk_create`` from values as
a person or a file gives them, each with its history event, with a manager's rights, on
PostgreSQL on 2 cores.

    createdb -h 127.0.0.1 -U postgres crm_bench_bulk
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench_bulk
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_clients --companies 100000 --seed 1  # optional: data
    .venv/bin/python tests/benchmarks/bench_bulk_create.py [--companies 100000]
        [--chunk-size 5000] [--profile FILE]

The script first writes ``--companies`` rows as a CSV file in memory, the way an export of
another CRM gives them: a name, two phones typed in varied formats (``+7 (812) 848-65-20``,
``8 812 848 6520``, ``(202) 555-0143``, ``+33 1 42 68 53 00``, ...), an e-mail, the company
type by its NAME ("Client", "Partner", ...), the annual revenue as ``1 234 567,50`` or
``1,234,567.50`` and "available to everyone" as yes/no. Then, timed, inside one transaction
that it rolls back at the end (the database is left as it was; the chunks are savepoints, so
the WAL flush of a real commit is not in the numbers), it reads the file with ``csv``, parses
the values with ``crm.fields`` (``parse_decimal``, ``parse_bool``) and gives the rows to
``companies.services.company_bulk_create`` as a generated user holding the default "Manager"
role ("add: own"), who creates them for themselves; the type names are found through the run's
``crm.fields.ReferenceCache``. Every company gets its phones and e-mail (normalised) and its
CREATED history event.

It prints the machine, the data already in the tables, the load average and a CPU probe (a
fixed pure-Python loop: slower when neighbours share the CPU) at the start and the end,
companies/s overall and for each chunk, where the time goes (the CPU of this process, both
its threads, and of its PostgreSQL backend, read from /proc: PostgreSQL runs on this machine;
their sum above the elapsed time is what overlapped), and the SQL statements of each chunk
(counted with a connection execute_wrapper), listed once. ``--profile FILE`` runs the whole
thing under cProfile (the calling thread: not the one writing the chunks) and prints where the
time goes (the rates are then lower). Django's foreign keys are checked at commit
(``DEFERRABLE INITIALLY DEFERRED``), which a rolled-back run never reaches: ``--check-now``
makes them at each statement so that their cost is in the numbers too.
"""

import argparse
import cProfile
import csv
import io
import os
import platform
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
os.environ.setdefault("DEBUG", "0")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accessrights.models import Role  # noqa: E402
from accessrights.rights import rights_changed  # noqa: E402
from companies.management.commands.generate_clients import phone_number  # noqa: E402
from companies.models import Communication, Company  # noqa: E402
from companies.services import company_bulk_create  # noqa: E402
from crm.fields import ReferenceCache, parse_bool, parse_decimal  # noqa: E402
from tests.benchmarks.probe import cpu_probe  # noqa: E402
from timeline.models import Event  # noqa: E402

MANAGER_ROLE = "Manager"  # the default role: add own
TYPES = ("Client", "Client", "Client", "Partner", "Supplier", "Competitor", "Other")
REGIONS = ("RU", "US", "US", "FR", "DE", "GB")
# Phones typed as people type them, beside those generate_clients draws for five countries;
# national formats only for the default region (PHONE_DEFAULT_REGION, or --region).
TYPED_PHONES = ("+7 (812) 848-65-20", "+1 202-555-0178", "+33 1 42 68 53 00")
TYPED_NATIONAL = {
    "US": ("(202) 555-0143", "202.555.0178"),
    "RU": ("8 812 848 6520", "8 (812) 848-65-20"),
}
WORDS = ("Nord", "Alpha", "Vostok", "Lumière", "Berg", "Atlas", "Sever", "Delta", "Orion")
FORMS = ("LLC", "ООО", "SARL", "GmbH", "Ltd", "Inc.")
COLUMNS = ("Name", "Phone", "Mobile", "E-mail", "Type", "Revenue", "Open")


class Rollback(Exception):
    """Leaves the benchmark database as it was."""


def revenue_text(rng: random.Random) -> str:
    amount = rng.randrange(0, 500_000_000) / 100
    if rng.random() < 0.5:
        return f"{amount:,.2f}"  # 1,234,567.50
    return f"{amount:,.2f}".replace(",", "\u00a0").replace(".", ",")  # 1 234 567,50


def the_file(count: int, seed: int) -> str:
    """``count`` companies as CSV text, as another CRM exports them."""
    rng = random.Random(seed)
    region = settings.PHONE_DEFAULT_REGION
    typed = TYPED_PHONES + TYPED_NATIONAL.get(region, ())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for number in range(count):
        phones = [
            rng.choice(typed) if rng.random() < 0.1 else phone_number(rng, r, region)[0]
            for r in (rng.choice(REGIONS), rng.choice(REGIONS))
        ]
        name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {number} {rng.choice(FORMS)}"
        writer.writerow(
            (
                name,
                *phones,
                f"office{number}@{rng.choice(WORDS).lower()}-example.com",
                rng.choice(TYPES),
                revenue_text(rng),
                rng.choice(("yes", "yes", "no", "да", "oui")),
            )
        )
    return out.getvalue()


def rows_of(text: str):
    """The file's rows as the bulk service takes them: parsed values, phones as typed."""
    for line in csv.DictReader(io.StringIO(text)):
        revenue = line["Revenue"]
        yield {
            "name": line["Name"],
            "type": line["Type"],  # by name, found through the run's ReferenceCache
            "revenue": parse_decimal(
                revenue, decimal_separator="," if "," in revenue[-3:] else "."
            ),
            "currency": "USD",
            "opened": parse_bool(line["Open"]),
            "phones": [
                {"value": line["Phone"], "kind": "work"},
                {"value": line["Mobile"], "kind": "mobile"},
            ],
            "emails": [{"value": line["E-mail"], "kind": "work"}],
        }


class StatementCounter:
    """An execute_wrapper counting the SQL statements (and keeping the last chunk's)."""

    def __init__(self):
        self.count = 0
        self.listed: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        self.listed.append(sql)
        return execute(sql, params, many, context)


def table_rows(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [model._meta.db_table]
        )
        found = cursor.fetchone()
    return max(found[0], 0) if found else 0


def server_cpu() -> float:
    """Seconds of CPU the PostgreSQL backend of this connection has used (it runs on this
    machine: its /proc entry)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def make_manager():
    """A generated user with the default Manager role (add: own)."""
    role = Role.objects.filter(name=MANAGER_ROLE).first()
    if role is None:
        sys.exit(f"There is no role “{MANAGER_ROLE}” (accessrights.defaults).")
    manager, _created = get_user_model().objects.get_or_create(
        username="bench_bulk_manager",
        defaults={"first_name": "Bulk", "last_name": "Manager", "email": "bulk@example.com"},
    )
    role.users.add(manager)
    rights_changed()
    return manager


def run(text: str, chunk_size: int, count: int, check_now: bool):
    counter = StatementCounter()
    chunk_times, chunk_statements, first_listing = [], [], []
    marks = {"time": time.perf_counter(), "statements": 0, "done": 0}

    def progress(result):
        now = time.perf_counter()
        done = len(result.created) + len(result.rejected)
        chunk_times.append((done - marks["done"], now - marks["time"]))
        chunk_statements.append(counter.count - marks["statements"])
        if not first_listing:
            first_listing.extend(counter.listed)
        counter.listed.clear()
        marks.update(time=now, statements=counter.count, done=done)

    try:
        with transaction.atomic():
            if check_now:  # the foreign-key checks a commit would make, made per statement
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            manager = make_manager()
            references = ReferenceCache()
            with connection.execute_wrapper(counter):
                server = server_cpu()
                start, cpu = time.perf_counter(), time.process_time()
                marks["time"], marks["statements"] = start, counter.count
                counter.listed.clear()
                result = company_bulk_create(
                    user=manager,
                    rows=rows_of(text),
                    chunk_size=chunk_size,
                    references=references,
                    progress=progress,
                )
                elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
                server = server_cpu() - server
            created = len(result.created)
            assert created == count, (created, result.rejected[:5])
            assert (
                Company.objects.filter(pk__in=result.ids[-100:], responsible=manager).count() == 100
            )
            assert (
                Event.objects.filter(item_id__in=result.ids[-100:], kind="created").count() == 100
            )
            assert Communication.objects.filter(company_id__in=result.ids[-100:]).count() == 300
            raise Rollback(result, (elapsed, cpu, server), references.queries)
    except Rollback as done:
        result, times, reference_queries = done.args
    return result, times, chunk_times, chunk_statements, first_listing, reference_queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--chunk-size", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--profile", default="", help="write cProfile stats to this file")
    parser.add_argument("--region", default="", help="PHONE_DEFAULT_REGION for this run")
    parser.add_argument(
        "--check-now",
        action="store_true",
        help="SET CONSTRAINTS ALL IMMEDIATE: the deferred foreign-key checks, which a rolled-back "
        "transaction never makes, are made and timed",
    )
    args = parser.parse_args()
    if args.region:
        settings.PHONE_DEFAULT_REGION = args.region
    if connection.vendor != "postgresql":
        sys.exit("Run this against PostgreSQL (DATABASE_URL).")

    with connection.cursor() as cursor:  # what earlier runs rolled back leaves dead rows
        cursor.execute("VACUUM (ANALYZE) companies_company, companies_communication")
        cursor.execute("VACUUM (ANALYZE) timeline_event")
    print(
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"PostgreSQL {connection.pg_version // 10000} on the same machine. Data already there: "
        f"about {table_rows(Company):,} companies, {table_rows(Communication):,} phones, "
        f"e-mails and websites, {table_rows(Event):,} history events. "
        f"Load average {os.getloadavg()[0]:.2f} and CPU probe {cpu_probe():.0f} ms at the start."
    )
    started = time.perf_counter()
    text = the_file(args.companies, args.seed)
    print(
        f"The file: {args.companies:,} companies, {len(text) / 1e6:.1f} MB of CSV, phones "
        f"without a country code in {settings.PHONE_DEFAULT_REGION} "
        f"(written in {time.perf_counter() - started:.1f} s, not timed). Sample rows:"
    )
    for line in text.splitlines()[1:4]:
        print(f"    {line}")

    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    result, (elapsed, cpu, server), chunks, statements, listing, reference_queries = run(
        text, args.chunk_size, args.companies, args.check_now
    )
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)

    rates = [done / seconds for done, seconds in chunks]
    count = len(result.created)
    print(
        f"\n{len(result.created):,} companies (each with 2 phones, 1 e-mail and its CREATED "
        f"event) in {elapsed:.2f} s: {len(result.created) / elapsed:,.0f} companies/s "
        f"(target 15,000), {len(result.rejected)} rows rejected"
        f"{', foreign keys checked per statement' if args.check_now else ''}; "
        f"chunks of {args.chunk_size:,}: "
        f"{len(chunks)}, companies/s per chunk min {min(rates):,.0f}, median "
        f"{statistics.median(rates):,.0f}, max {max(rates):,.0f}."
    )
    print("Per chunk: " + ", ".join(f"{rate:,.0f}" for rate in rates))
    print(
        f"Where the time goes: {cpu:.1f} s of CPU in this Python process (reading the file, "
        f"parsing, validating, normalising, rights, building the COPY rows: "
        f"{cpu / count * 1e6:.0f} µs a company), {server:.1f} s of CPU in its PostgreSQL "
        f"backend (writing the rows and their indexes, the counts: "
        f"{server / count * 1e6:.0f} µs a company); {elapsed:.1f} s in all, so "
        f"{max(cpu + server - elapsed, 0):.1f} s of the two overlapped."
    )
    print(
        f"SQL statements per chunk: {sorted(set(statements))} (the first chunk also reads the "
        f"rights and the reference list: {reference_queries} reference-list query in the run)."
    )
    print("The first chunk's statements:")
    for sql in listing:
        print(f"    {sql[:110]}")
    print(
        f"\nLoad average {os.getloadavg()[0]:.2f} and CPU probe {cpu_probe():.0f} ms at the end "
        "(the probe, a fixed loop, takes longer when other processes or VMs share the CPU)."
    )
    if profiler:
        pstats.Stats(args.profile).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
