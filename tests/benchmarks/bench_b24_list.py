"""fast-bitrix24's ``get_all("crm.company.list")`` over a whole client base, against our
server under gunicorn on loopback (run on purpose, not in CI).

    createdb -h 127.0.0.1 -U postgres crm_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_clients --companies 100000
    .venv/bin/python tests/benchmarks/bench_b24_list.py [--runs 3] [--workers 2] [--select ...]

The script makes a superuser's webhook (revoked at the end), starts ``gunicorn crm.wsgi``
with ``--workers`` processes on a free port, and times ``get_all`` as an integration would
call it: the first page, then the other pages as batches of 50 ``crm.company.list`` commands,
several batches at once. Prints records/s per run, checking that every company came once.
"""

import argparse
import logging
import os
import platform
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from fast_bitrix24 import Bitrix  # noqa: E402

from bitrix24.services import webhook_create, webhook_revoke  # noqa: E402
from companies.models import Company  # noqa: E402
from tests.benchmarks.probe import conditions  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, workers: int, ready_url: str) -> subprocess.Popen:
    """gunicorn serving this checkout, once ``ready_url`` answers."""
    env = {
        **os.environ,
        "ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "crm.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning",
         "--timeout", "300"],  # a batch of 50 pages queued behind others on a busy machine
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            urlopen(f"http://127.0.0.1:{port}/rest/1/x/server.time")
        except OSError as refused:
            if getattr(refused, "code", None):  # an HTTP answer (401): it is up
                return server
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                sys.exit("gunicorn did not start")
            time.sleep(0.3)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--select", default="", help="comma-separated fields (default: all)")
    args = parser.parse_args()
    logging.getLogger("fast_bitrix24").setLevel(logging.WARNING)  # it logs every response
    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL (DATABASE_URL), on a generated client base.")
    print(conditions("start"))
    count = Company.objects.count()
    admin, _ = get_user_model().objects.get_or_create(
        username="b24-bench", defaults={"is_superuser": True, "is_staff": True}
    )
    webhook, secret = webhook_create(user=admin, description="bench_b24_list")
    port = free_port()
    url = f"http://127.0.0.1:{port}/rest/{admin.pk}/{secret}/"
    server = start_gunicorn(port, args.workers, url + "server.time")
    params = {"select": args.select.split(",")} if args.select else {}
    try:
        bitrix = Bitrix(url, verbose=False, requests_per_second=1000.0, request_pool_size=1000)
        for run in range(1, args.runs + 1):
            began = time.perf_counter()
            rows = bitrix.get_all("crm.company.list", params)
            seconds = time.perf_counter() - began
            unique = len({row["ID"] for row in rows})
            assert unique == len(rows) == count, (unique, len(rows), count)
            print(f"run {run}: {len(rows):,} companies in {seconds:.1f} s, "
                  f"{len(rows) / seconds:,.0f} records/s")  # fmt: skip
    finally:
        server.terminate()
        server.wait()
        webhook_revoke(webhook=webhook)
    print(
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"PostgreSQL {connection.pg_version // 10000}; {count:,} companies; "
        f"gunicorn --workers {args.workers}; select {args.select or '* + UF_*'}"
    )
    print(conditions("end"))


if __name__ == "__main__":
    main()
