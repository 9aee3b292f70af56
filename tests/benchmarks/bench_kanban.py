"""The deal kanban with 50,000 open deals in one pipeline (run on purpose, not in CI).

The issue's targets: the board's first screen (every column, its first cards, counts and sums)
p95 <= 200 ms; a move (drag to another column; the board itself shifts the card's count and
amount between the two columns) p95 <= 50 ms.

    createdb -h 127.0.0.1 -U postgres crm_bench_deals
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench_deals
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_clients --companies 100000 --seed 1
    .venv/bin/python manage.py generate_deals --deals 72000 --seed 1  # ~30% end up closed
    .venv/bin/python tests/benchmarks/bench_kanban.py [--runs 40] [--pipeline ID] [--sql]

After a ``VACUUM (ANALYZE) deals_deal`` (earlier runs leave dead rows behind), inside one
transaction that it rolls back at the end (the database is left as it was), the script gives
a generated user the default "Manager" role (deals: read "open", update "own") and makes them
responsible for one deal in ``--share`` of the pipeline's deals. Then it measures,
interleaved, the same requests for that manager and for a superuser (Django's test ``Client``,
force_login, the app loaded the way gunicorn loads it): the board's first screen
``GET /deals/?pipeline=<id>``, the same board filtered by a title word and by a responsible
person, and moves ``POST /deals/<pk>/move/`` (``Accept: application/json``) of a random open
deal the user may update to another process stage and back, and every fourth run to WON and
back (a close and a reopening). Every move is a real one through ``deals.services`` (row
lock, history event), but inside the outer transaction its own
transaction is a savepoint: the WAL flush of a real commit (0.1-0.3 ms on the machine this
was written on) is not in the numbers. Prints the SQL queries per request once, then p50/p95/max in
milliseconds; ``--sql`` also prints every query of those requests with its time. The machine
is shared: the load average printed at the start and the end tells whether it was quiet.
"""

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
os.environ.setdefault("DEBUG", "0")

# Load the app the way gunicorn does (crm.wsgi), garbage-collector settings included.
from crm.wsgi import application

assert application is not None

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.db.models import Count, F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accessrights.models import Role  # noqa: E402
from accessrights.rights import rights_changed  # noqa: E402
from companies.models import Company  # noqa: E402
from deals.models import Deal  # noqa: E402
from dictionaries.defaults import DEAL_STAGE  # noqa: E402
from dictionaries.models import Entry, Pipeline, Semantics  # noqa: E402
from tests.benchmarks.probe import cpu_probe  # noqa: E402

WARM_UPS = 3
SEARCH_WORD = "Consulting"  # one of generate_deals' products, in about 1 title in 20
MANAGER_ROLE = "Manager"  # the default role: deals read "open", update "own"
CARD_MARK = 'class="kanban-card"'


class Rollback(Exception):
    """Leaves the benchmark database as it was."""


def p95_of(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} / {p95_of(values):.0f} / {max(values):.0f}"


# Requests


def get_board(client: Client, url: str, min_cards: int) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    cards = response.content.decode().count(CARD_MARK)
    assert cards >= min_cards, (url, cards, min_cards)
    return elapsed


def post_move(client: Client, pk: int, code: str, query: str, closed: bool) -> float:
    start = time.perf_counter()
    response = client.post(
        f"/deals/{pk}/move/", {"stage": code, "query": query}, HTTP_ACCEPT="application/json"
    )
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (pk, code, response.status_code, response.content[:300])
    answer = json.loads(response.content)
    assert answer["closed"] is closed and answer["stage"] == code, answer
    return elapsed


def queries_of(request) -> tuple[int, float, list[dict]]:
    """How many SQL queries ``request()`` runs, their time in ms, and the queries."""
    reset_queries()  # CaptureQueriesContext keeps what an earlier capture left in the log
    with CaptureQueriesContext(connection) as captured:
        request()
    queries = list(captured.captured_queries)
    return len(queries), sum(float(q["time"]) for q in queries) * 1000, queries


def print_sql(name: str, title: str, queries: list[dict]) -> None:
    print(f"\n{name}, {title}:")
    for query in queries:
        print(f"  {float(query['time']) * 1000:5.1f} ms  {query['sql'][:2000]}")


# Setup (inside the rolled-back transaction)


def make_manager(pipeline: Pipeline, share: int):
    """A generated user with the default Manager role, responsible for 1 deal in ``share``."""
    User = get_user_model()
    manager = User.objects.filter(username__startswith="gen_user_").order_by("id")[7:8].first()
    if manager is None:
        sys.exit("Fill the database with generate_clients / generate_deals first.")
    role = Role.objects.filter(name=MANAGER_ROLE).first()
    if role is None:
        sys.exit(f"There is no role “{MANAGER_ROLE}” (accessrights.defaults).")
    role.users.add(manager)
    Deal.objects.filter(pipeline=pipeline).alias(rest=F("id") % share).filter(rest=0).update(
        responsible=manager
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE deals_deal")
    rights_changed()
    return manager


def movable(deals, process_codes: dict[int, str]) -> list[tuple[int, str]]:
    """(id, stage code) of open deals in a process stage."""
    rows = deals.filter(closed=False).values_list("id", "stage_id")
    return [(pk, process_codes[stage]) for pk, stage in rows if stage in process_codes]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--pipeline", type=int, default=None, help="default: the default one")
    parser.add_argument("--share", type=int, default=50, help="the manager gets 1 deal in N")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--sql", action="store_true", help="print every query of the requests counted once"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run this against PostgreSQL (DATABASE_URL).")
    settings.ALLOWED_HOSTS = ["testserver"]
    rng = random.Random(args.seed)  # which deals to move

    pipelines = Pipeline.objects.all()
    pipeline = (
        pipelines.filter(pk=args.pipeline) if args.pipeline else pipelines.filter(is_default=True)
    ).first()
    if pipeline is None:
        sys.exit("No such pipeline.")
    stages = list(Entry.objects.of_list(DEAL_STAGE, pipeline))
    process = [s for s in stages if s.semantics == Semantics.PROCESS]
    won = next(s for s in stages if s.semantics == Semantics.SUCCESS)
    in_pipeline = Deal.objects.filter(pipeline=pipeline)
    by_closed = dict(in_pipeline.order_by().values_list("closed").annotate(n=Count("id")))
    open_deals, closed_deals = by_closed.get(False, 0), by_closed.get(True, 0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'deals_deal'")
        all_deals = cursor.fetchone()[0]
    companies = Company.objects.order_by().count()
    users = get_user_model().objects.filter(username__startswith="gen_user_").count()
    print(
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"PostgreSQL {connection.pg_version // 10000}. Pipeline “{pipeline}” (id {pipeline.pk}): "
        f"{open_deals:,} open and {closed_deals:,} closed deals in {len(stages)} stages "
        f"(about {all_deals:,} deals in all); {companies:,} companies; {users} generated users; "
        f"load average {os.getloadavg()[0]:.2f} and CPU probe {cpu_probe():.0f} ms at the start."
    )
    if open_deals < 50_000:
        print(f"WARNING: {open_deals:,} open deals, fewer than the issue's 50,000.")

    with connection.cursor() as cursor:  # what earlier runs rolled back leaves dead rows
        cursor.execute("VACUUM (ANALYZE) deals_deal")
    query = f"pipeline={pipeline.pk}"
    board_url = f"/deals/?{query}"
    process_codes = {s.pk: s.code for s in process}
    try:
        with transaction.atomic():
            admin, _ = get_user_model().objects.get_or_create(
                username="bench_admin", defaults={"is_superuser": True, "is_staff": True}
            )
            manager = make_manager(pipeline, args.share)
            manager_deals = in_pipeline.filter(responsible=manager)
            readable = Deal.objects.restrict(manager, "read").filter(pipeline=pipeline).count()
            print(
                f"The manager ({manager.username}, role “{MANAGER_ROLE}”) is responsible for "
                f"{manager_deals.count():,} deals ({manager_deals.filter(closed=False).count():,}"
                f" open) and reads {readable:,} of the pipeline; {args.runs} runs per case and "
                f"user, interleaved, after {WARM_UPS} warm-ups.\n"
            )
            clients = {}
            for name, user in (("manager", manager), ("superuser", admin)):
                client = Client()
                client.force_login(user)
                deals = manager_deals if user is manager else in_pipeline
                clients[name] = (client, movable(deals, process_codes))

            # Boards: (title, url, at least this many cards on the page)
            boards = [
                ("Board, first screen", board_url, 20 * len(stages)),
                (f"Board, search “{SEARCH_WORD}”", f"{board_url}&q={SEARCH_WORD}", 20),
                ("Board, one responsible", f"{board_url}&responsible={manager.pk}", 20),
            ]
            timings: dict[tuple[str, str], list[float]] = {}

            # SQL queries per request, once (their times are those of a debug cursor)
            counted = [*boards, ("Move to another process stage", None, 0)]
            rows, listings = {}, []
            for name, (client, candidates) in clients.items():
                for title, url, min_cards in counted:
                    if url is not None:
                        found = queries_of(lambda c=client, u=url, m=min_cards: get_board(c, u, m))
                    else:
                        pk, code = candidates[0]
                        other = next(s.code for s in process if s.code != code)
                        found = queries_of(
                            lambda c=client, p=pk, o=other: post_move(c, p, o, query, False)
                        )
                        post_move(client, pk, code, query, closed=False)
                    rows.setdefault(title, []).append(f"{found[0]} / {found[1]:.0f}")
                    listings.append((name, title, found[2]))
            print("| Request | manager: queries / SQL ms | superuser: queries / SQL ms |")
            print("| --- | ---: | ---: |")
            for title, cells in rows.items():
                print(f"| {title} | {' | '.join(cells)} |")
            if args.sql:
                for listing in listings:
                    print_sql(*listing)
            print()

            for title, url, min_cards in boards:
                for client, _ in clients.values():
                    for _ in range(WARM_UPS):
                        get_board(client, url, min_cards)
                for _ in range(args.runs):
                    for name, (client, _) in clients.items():
                        elapsed = get_board(client, url, min_cards)
                        timings.setdefault((title, name), []).append(elapsed)

            step, close = "Move between process stages", "Move to WON and back (reopen)"
            for number in range(WARM_UPS + args.runs):
                for name, (client, candidates) in clients.items():
                    pk, code = rng.choice(candidates)
                    target = rng.choice([s.code for s in process if s.code != code])
                    there = post_move(client, pk, target, query, closed=False)
                    back = post_move(client, pk, code, query, closed=False)
                    if number >= WARM_UPS:
                        timings.setdefault((step, name), []).extend((there, back))
                    if number % 4 == 0:
                        there = post_move(client, pk, won.code, query, closed=True)
                        back = post_move(client, pk, code, query, closed=False)
                        if number >= WARM_UPS:
                            timings.setdefault((close, name), []).extend((there, back))

            print("| Case | target p95 | manager p50/p95/max ms | superuser p50/p95/max ms |")
            print("| --- | ---: | ---: | ---: |")
            for title in [title for title, _, _ in boards] + [step, close]:
                target = 50 if title.startswith("Move") else 200
                cells = []
                for name in clients:
                    values = timings[(title, name)]
                    mark = "" if p95_of(values) <= target else " ✗"
                    cells.append(f"{summary(values)}{mark} (n={len(values)})")
                print(f"| {title} | {target} | {' | '.join(cells)} |")
            print(
                f"\nLoad average {os.getloadavg()[0]:.2f} and CPU probe {cpu_probe():.0f} ms at "
                "the end (the probe, a fixed loop, takes longer when other processes or VMs "
                "share the CPU)."
            )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
