"""Web form submissions against gunicorn on loopback, side by side with a trivial Django view
(run on purpose, not in CI).

    createdb -h 127.0.0.1 -U postgres crm_bench_webforms
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench_webforms
    export REDIS_URL=redis://127.0.0.1:6379/0
    .venv/bin/python manage.py migrate
    .venv/bin/python tests/benchmarks/bench_webforms.py [--rate 300] [--seconds 60] [--workers 8]

The server: gunicorn (``--workers`` sync workers, DEBUG off) and a Celery worker with beat
whose drain processes the submissions (``WEBFORM_PROCESSING=worker``), rate limits in Redis,
client addresses taken from ``X-Forwarded-For`` (one trusted proxy: this client), so that
each simulated visitor has an address of its own. The client: asyncio with aiohttp, open
loop (requests start on a fixed schedule whatever the answers, so that a slow server shows
as latency, not as fewer requests), latency measured from each request's scheduled start.

1. Capacity: as many requests as ``--connections`` connections carry for 10 s, first to
   ``/health/`` (the trivial view: one ``SELECT 1``), then to the submit endpoint; the ratio.
2. Sustained: ``--rate`` submissions/s for ``--seconds`` from distinct addresses (a deal
   form: company, contact with e-mail and phone, deal amount); accepted/s, p50/p99, then the
   seconds from the last answer until every one is processed (a company, a contact and a
   deal each) and visible.
3. Flood: one address posting ``--flood`` submissions/s beside the others' ``--rate`` for
   10 s, its limit ``WEBFORM_RATE_PER_IP``: how many of its posts got 429 and the others' rate.
"""

import argparse
import asyncio
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
os.environ.setdefault("DEBUG", "0")
PER_IP = "20/m"
os.environ["WEBFORM_RATE_PER_IP"] = PER_IP
os.environ["WEBFORM_RATE_PER_FORM"] = "1000000/m"

import aiohttp  # noqa: E402
import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402

from companies.models import Company, Contact  # noqa: E402
from deals.models import Deal  # noqa: E402
from tests.benchmarks.probe import conditions  # noqa: E402
from tests.webforms.conftest import DEAL_FIELDS  # noqa: E402
from webforms.models import Submission, SubmissionStatus, WebForm  # noqa: E402
from webforms.services import webform_create  # noqa: E402
from webforms.spam import token_for  # noqa: E402

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def the_form() -> WebForm:
    """A fresh deal form (the previous run's form, submissions and items deleted)."""
    User = get_user_model()
    admin = User.objects.filter(username="bench-admin").first() or User.objects.create_superuser(
        "bench-admin", "bench@example.com", "bench"
    )
    WebForm.objects.filter(name="Bench").delete()
    Deal.objects.filter(title__startswith="Bench:").delete()
    Contact.objects.filter(last_name__startswith="Bench ").delete()
    Company.objects.filter(name__startswith="Bench ").delete()
    return webform_create(user=admin, name="Bench", scheme="deal", fields=DEAL_FIELDS,
                          responsibles=[admin])  # fmt: skip


def start_servers(workers: int) -> tuple[str, list[subprocess.Popen]]:
    port = free_port()
    env = {**os.environ, "WEBFORM_PROCESSING": "worker", "TRUSTED_PROXY_COUNT": "1",
           "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING"}  # fmt: skip
    web = subprocess.Popen(
        [str(BIN / "gunicorn"), "crm.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning", "--backlog", "4096"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    worker = subprocess.Popen(
        [str(BIN / "celery"), "-A", "crm", "worker", "--beat", "--concurrency=1",
         "--loglevel=warning", "--without-gossip", "--without-mingle",
         f"--schedule={Path(tempfile.mkdtemp()) / 'beat-schedule'}"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline:
                sys.exit("gunicorn did not start")
            time.sleep(0.2)
    return url, [web, worker]


class Visitors:
    """Posts of distinct people from distinct addresses."""

    def __init__(self, form: WebForm):
        self.form = form
        self.number = 0
        self.token = token_for(form, at=time.time() - 10)

    def next(self, address: str | None = None) -> tuple[dict, dict]:
        self.number += 1
        n = self.number
        data = {"_token": self.token, "company": f"Bench {n}", "last_name": f"Bench {n}",
                "email": f"bench{n}@example.com", "phone": f"+1 202 {n // 10000 % 1000:03d} "
                f"{n % 10000:04d}", "budget": str(random.randint(100, 99999))}  # fmt: skip
        ip = address or f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
        return data, {"X-Forwarded-For": ip}


async def capacity(session, url: str, make, connections: int, seconds: float) -> float:
    """Requests/s that ``connections`` closed loops carry for ``seconds``."""
    done = 0
    stop = time.monotonic() + seconds

    async def loop():
        nonlocal done
        while time.monotonic() < stop:
            kwargs = make()
            async with session.request(**kwargs) as answer:
                await answer.read()
                if answer.status < 300:
                    done += 1

    started = time.monotonic()
    await asyncio.gather(*(loop() for _ in range(connections)))
    return done / (time.monotonic() - started)


async def open_loop(session, url, requests, rate: float, seconds: float):
    """``requests(i)`` at ``rate``/s for ``seconds``: (status, latency s) of each, latency
    from its scheduled start."""
    results = []
    start = time.monotonic()
    total = int(rate * seconds)
    tasks = []

    async def one(i, scheduled):
        kwargs = requests(i)
        tag = kwargs.pop("tag", "")
        async with session.request(**kwargs) as answer:
            await answer.read()
            results.append((tag, answer.status, time.monotonic() - scheduled))

    for i in range(total):
        scheduled = start + i / rate
        delay = scheduled - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, scheduled)))
    await asyncio.gather(*tasks)
    return results, time.monotonic() - start


def percentile(values, share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def submit_request(url, form, visitors, address=None, tag=""):
    data, headers = visitors.next(address)
    kwargs = {"method": "POST", "url": f"{url}/f/{form.key}/submit", "json": data,
              "headers": headers}  # fmt: skip
    if tag:
        kwargs["tag"] = tag
    return kwargs


async def run(args, form, url):
    visitors = Visitors(form)
    connector = aiohttp.TCPConnector(limit=args.connections * 4)
    async with aiohttp.ClientSession(connector=connector) as session:
        await capacity(session, url, lambda: {"method": "GET", "url": f"{url}/health/"},
                       4, 2)  # warm every worker  # fmt: skip
        health = await capacity(session, url, lambda: {"method": "GET",
                                                       "url": f"{url}/health/"},
                                args.connections, 10)  # fmt: skip
        submits = await capacity(session, url, lambda: submit_request(url, form, visitors),
                                 args.connections, 10)  # fmt: skip
        print(f"capacity: trivial view {health:,.0f} req/s, submit {submits:,.0f} req/s "
              f"({submits / health:.2f} of the trivial view)")  # fmt: skip
        await wait_processed(form, 120, "the capacity run")

        results, took = await open_loop(
            session, url, lambda i: submit_request(url, form, visitors), args.rate,
            args.seconds,
        )  # fmt: skip
        last_answer = time.monotonic()
        accepted = [latency for _tag, status, latency in results if status == 201]
        print(f"sustained: {len(results):,} posts in {took:.1f} s, {len(accepted):,} "
              f"accepted ({len(accepted) / took:,.0f}/s), p50 "
              f"{percentile(accepted, 0.5) * 1000:.0f} ms, p99 "
              f"{percentile(accepted, 0.99) * 1000:.0f} ms, max "
              f"{max(accepted) * 1000:.0f} ms, other statuses "
              f"{sorted({s for _t, s, _l in results if s != 201})}")  # fmt: skip
        lag = await wait_processed(form, 300, "the sustained run", since=last_answer)
        print(f"processed and visible {lag:.1f} s after the last answer")

        flooder = "192.0.2.1"

        def mixed(i):
            share = args.flood / (args.flood + args.rate)
            if random.random() < share:
                return submit_request(url, form, visitors, flooder, tag="flood")
            return submit_request(url, form, visitors, tag="other")

        results, took = await open_loop(session, url, mixed, args.rate + args.flood, 10)
        flood = [s for tag, s, _l in results if tag == "flood"]
        others = [(s, lat) for tag, s, lat in results if tag == "other"]
        others_ok = [lat for s, lat in others if s == 201]
        print(f"flood: one address {len(flood)} posts, {flood.count(429)} answered 429 "
              f"({flood.count(201)} accepted, its limit {PER_IP}); the others "
              f"{len(others_ok) / took:,.0f} accepted/s of {len(others) / took:,.0f}/s sent, "
              f"p99 {percentile(others_ok, 0.99) * 1000:.0f} ms")  # fmt: skip
        await wait_processed(form, 300, "the flood run")


async def wait_processed(form, timeout: float, what: str, since: float | None = None) -> float:
    since = since or time.monotonic()
    deadline = time.monotonic() + timeout
    waiting = Submission.objects.filter(form=form, status=SubmissionStatus.RECEIVED)
    while await asyncio.to_thread(waiting.exists):
        if time.monotonic() > deadline:
            left = await asyncio.to_thread(waiting.count)
            print(f"{what}: {left} submissions still unprocessed after {timeout} s")
            break
        await asyncio.sleep(0.1)
    failed = await asyncio.to_thread(
        Submission.objects.filter(form=form, status=SubmissionStatus.FAILED).count
    )
    if failed:
        print(f"{what}: {failed} submissions failed")
    return time.monotonic() - since


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=300)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--flood", type=float, default=100)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    form = the_form()
    print(conditions("start"))
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, gunicorn "
          f"{args.workers} sync workers, PostgreSQL {connection.pg_version // 10000}")  # fmt: skip
    url, processes = start_servers(args.workers)
    connection.close()  # the client's threads open their own
    try:
        asyncio.run(run(args, form, url))
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
    print(conditions("end"))


if __name__ == "__main__":
    main()
