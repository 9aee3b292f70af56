"""``import_bitrix24`` pulling a whole client base from a second instance of our server on
PostgreSQL (run on purpose, not in CI).

    createdb -h 127.0.0.1 -U postgres crm_bench_portal
    .venv/bin/python tests/benchmarks/bench_b24_migrate.py --companies 100000 \\
        --portal postgres://postgres@127.0.0.1:5432/crm_bench_portal \\
        --target postgres://postgres@127.0.0.1:5432/crm_bench_target [--runs 1] [--workers 2]

The portal's database is migrated and given ``--companies`` companies by ``generate_clients``
(each with two contacts linked to it, two phones; each contact a mobile phone and an e-mail)
when it has fewer; a superuser's webhook is made there, and the portal is served by
``gunicorn`` with ``--workers`` processes on loopback (``tests/bitrix24/portal.py``). Each run
gets a fresh target database (copied from a migrated template) and times ``manage.py
import_bitrix24 <webhook> --rate 10000`` in a process of its own, from its start to its
summary: every step, users to leads. It prints the companies a second over the whole run,
each step's time from the command's summary, the CPU seconds of the command's process and of
the portal's workers, and checks that every company, contact and link arrived once; the CPU
probe at the start and the end.
"""

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.probe import conditions  # noqa: E402
from tests.bitrix24.portal import Portal  # noqa: E402

WEBHOOK = """
from django.contrib.auth import get_user_model
from bitrix24.services import webhook_create
user, _ = get_user_model().objects.get_or_create(
    username="b24-bench", defaults={"is_superuser": True, "is_staff": True})
webhook, secret = webhook_create(user=user, description="bench_b24_migrate")
print(f"WEBHOOK /rest/{user.pk}/{secret}/")
"""
BOSS = """
from django.contrib.auth import get_user_model
get_user_model().objects.create_superuser("boss", "boss@bench.example", None)
"""


def _server(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _sql(url: str, query: str, *params):
    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute(query, params).fetchall() if query.startswith("SELECT") else (
            connection.execute(query, params))  # fmt: skip


def _count(url: str, table: str) -> int:
    return _sql(url, f"SELECT count(*) FROM {table}")[0][0]  # noqa: S608 - our table names


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a live process (``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def prepare_portal(portal: Portal, companies: int) -> None:
    portal.manage("migrate", "--no-input", "-v", "0")
    have = _count(portal.database_url, "companies_company")
    if have < companies:
        print(f"generating {companies - have:,} companies in the portal...", flush=True)
        portal.manage("generate_clients", "--companies", str(companies - have), "--seed", "1")


def fresh_target(target: str) -> None:
    """The target database, empty but migrated, from a template made once."""
    server, name = _server(target), _name(target)
    template = f"{name}_template"
    if not _sql(server, "SELECT 1 FROM pg_database WHERE datname = %s", template):
        _sql(server, f"CREATE DATABASE {template}")
        made = Portal(urlunsplit(urlsplit(target)._replace(path=f"/{template}")))
        made.manage("migrate", "--no-input", "-v", "0")
        made.manage("shell", "-c", BOSS)
    _sql(server, f"DROP DATABASE IF EXISTS {name}")
    _sql(server, f"CREATE DATABASE {name} TEMPLATE {template}")


def run_once(portal: Portal, target: str) -> dict:
    fresh_target(target)
    env = {**portal.env, "DATABASE_URL": target}
    serving = workers(portal.server.pid)
    portal_cpu = sum(cpu_seconds(pid) for pid in serving)
    began = time.perf_counter()
    command = subprocess.Popen(
        [sys.executable, "manage.py", "import_bitrix24", portal.url, "--rate", "10000", "-v", "0"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    out, err = command.communicate()  # reaped: its CPU is in this process's children's times
    seconds = time.perf_counter() - began
    if command.returncode:
        sys.exit(f"import_bitrix24 failed:\n{out}\n{err}")
    return {
        "seconds": seconds,
        "out": out,
        "portal_cpu": sum(cpu_seconds(pid) for pid in serving) - portal_cpu,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--portal", required=True, help="the portal's database URL")
    parser.add_argument("--target", required=True, help="the target's database URL (remade)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(conditions("start"), flush=True)
    portal = Portal(args.portal, workers=args.workers)
    prepare_portal(portal, args.companies)
    companies = _count(args.portal, "companies_company")
    contacts = _count(args.portal, "companies_contact")
    links = _count(args.portal, "companies_contact_companies")
    made = portal.manage("shell", "-c", WEBHOOK)
    portal.serve(re.search(r"WEBHOOK (\S+)", made.stdout)[1])
    try:
        for number in range(1, args.runs + 1):
            before = os.times()
            result = run_once(portal, args.target)
            after = os.times()
            command_cpu = (after.children_user - before.children_user) + (
                after.children_system - before.children_system)  # fmt: skip
            arrived = (_count(args.target, "companies_company"),
                       _count(args.target, "companies_contact"),
                       _count(args.target, "companies_contact_companies"))  # fmt: skip
            assert arrived == (companies, contacts, links), (arrived, companies, contacts, links)
            steps = re.findall(r"^(\w+): .*?\(([\d.]+) s\)$", result["out"], re.MULTILINE)
            took = ", ".join(f"{name} {float(t):.1f} s" for name, t in steps if float(t) >= 0.1)
            print(
                f"run {number}: {companies:,} companies, {contacts:,} contacts, {links:,} links "
                f"in {result['seconds']:.1f} s: {companies / result['seconds']:,.0f} companies/s; "
                f"CPU: the command {command_cpu:.1f} s, the portal's workers "
                f"{result['portal_cpu']:.1f} s; steps: {took}",
                flush=True,
            )
    finally:
        portal.stop()
    with psycopg.connect(args.portal) as connection:
        version = connection.info.server_version // 10000
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"PostgreSQL {version}; gunicorn --workers {args.workers}")  # fmt: skip
    print(conditions("end"))


if __name__ == "__main__":
    main()
