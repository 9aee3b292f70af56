"""The sales reports and the start page over a large stage history (run on purpose, not in CI).

The issue's targets, on PostgreSQL and 2 cores: with 1,000,000 deals over 3 pipelines and 3
years and 4,000,000 stage moves, each report p95 <= 500 ms for a supervisor (reads every deal)
and for a manager whose role reads their department's deals, and the start page <= 300 ms.

    createdb -h 127.0.0.1 -U postgres bench_analytics
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_analytics
    .venv/bin/python manage.py migrate
    .venv/bin/python tests/benchmarks/bench_analytics.py --deals 1000000 [--runs 20]

The first run generates the data (``--deals`` deals, about 4 moves each, spread over the last
3 years and 3 pipelines, 60 responsible people in 6 departments) in SQL (``generate_series``:
about 5 minutes for 1,000,000 deals), then their period rollups (``deals.period_rollups``:
the rows were written around the services), and keeps it; a later run with the same
``--deals`` reuses it. Then it measures, interleaved, every report for the periods "this
month", "this quarter", "this year" and custom dates: the last 30, 90 and 365 days (``--periods``;
with ``--zone``, the readers read in that time zone: their periods are not the rollups') (Django's
test ``Client``, the app loaded as gunicorn loads it: the page, its queries and template) and
the start page, for a superuser and for the department manager, and prints p50/p95/max in
milliseconds with the CPU probe at the start and at the end (the machine is shared).
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
os.environ.setdefault("DEBUG", "0")

from crm.wsgi import application

assert application is not None

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accessrights.models import Action, Department, Role, RolePermission, Scope  # noqa: E402
from accessrights.rights import rights_changed  # noqa: E402
from analytics.reports import REPORTS  # noqa: E402
from deals import period_rollups  # noqa: E402
from deals.models import Deal, DealPeriod, StageMove  # noqa: E402
from dictionaries import services as dictionary_services  # noqa: E402
from dictionaries.defaults import DEAL_STAGE  # noqa: E402
from dictionaries.models import Entry, Pipeline, Semantics  # noqa: E402
from people.models import Profile  # noqa: E402
from tests.benchmarks.probe import conditions  # noqa: E402

PREFIX = "bench_analytics_"
DEPARTMENTS, PER_DEPARTMENT = 6, 10
YEARS = 3


def p95_of(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def people() -> tuple[object, object]:
    """The superuser and the department manager, with 60 responsible people in 6
    departments under one root (created once)."""
    users = get_user_model().objects
    admin, _new = users.get_or_create(
        username=f"{PREFIX}admin", defaults={"is_superuser": True, "is_staff": True}
    )
    root, _new = Department.objects.get_or_create(name=f"{PREFIX}Sales")
    if root.path == "/":
        root.path = f"/{root.pk}/"
        root.save()
    for number in range(DEPARTMENTS):
        team, created = Department.objects.get_or_create(name=f"{PREFIX}team {number}",
                                                         parent=root)  # fmt: skip
        if created:
            team.path = f"{root.path}{team.pk}/"
            team.save()
            for member in range(PER_DEPARTMENT):
                person = users.create(
                    username=f"{PREFIX}{number}_{member}",
                    first_name=f"Seller {member}",
                    last_name=f"Team {number}",
                )
                team.members.add(person)
    head = users.get(username=f"{PREFIX}0_0")
    role, _new = Role.objects.get_or_create(name=f"{PREFIX}department reader")
    for entity in [*(p.access_entity for p in Pipeline.objects.all()), "lead"]:
        RolePermission.objects.get_or_create(role=role, entity=entity, action=Action.READ,
                                             defaults={"scope": Scope.DEPARTMENT})  # fmt: skip
    role.users.add(head)
    rights_changed()
    return admin, head


def pipelines(admin) -> list[Pipeline]:
    found = list(Pipeline.objects.order_by("sort", "pk"))
    while len(found) < 3:
        found.append(dictionary_services.pipeline_create(user=admin, name=f"Pipeline {len(found)}"))
    return found[:3]


def generate(total: int, admin, seed: float = 0.42) -> float:
    """``total`` deals with their moves, in SQL (``generate_series``, one statement for the
    deals and one for their moves): each deal in one of 3 pipelines, created at a random moment
    of the last 3 years, moved through 2 to 4 process stages (New first) a few days apart, then
    won (35%), lost in a random failure stage (45%) or still open; seconds taken."""
    started = time.perf_counter()
    responsible = list(
        get_user_model().objects.filter(username__startswith=PREFIX)
        .exclude(username=f"{PREFIX}admin").values_list("pk", flat=True)
    )  # fmt: skip
    plans = []
    for number, pipeline in enumerate(pipelines(admin)):
        stages = list(Entry.objects.of_list(DEAL_STAGE, pipeline))
        process = [s.pk for s in stages if s.semantics == Semantics.PROCESS][:4]
        won = next(s.pk for s in stages if s.semantics == Semantics.SUCCESS)
        lost = [s.pk for s in stages if s.semantics == Semantics.FAILURE]
        assert len(process) == 4, f"{pipeline}: 4 process stages expected"
        plans.append((number, pipeline.pk, process, won, lost))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed])
        cursor.execute(
            "CREATE TEMP TABLE bench_plan (number int, pipeline_id bigint, process bigint[],"
            " won bigint, lost bigint[]) ON COMMIT DROP"
        )
        cursor.executemany("INSERT INTO bench_plan VALUES (%s, %s, %s, %s, %s)", plans)
        # One row per deal: its id (from the sequence, in the order of creation, as a real
        # database numbers them), pipeline, person, amount and path.
        cursor.execute(
            """CREATE TEMP TABLE bench_deal ON COMMIT DROP AS
            SELECT nextval(pg_get_serial_sequence('deals_deal', 'id')) AS id, d.* FROM (
                SELECT g, floor(random() * 3)::int AS number,
                       now() - random() * %s * interval '1 year' AS created,
                       (100 + floor(random() * 99900))::numeric(15, 2) AS amount,
                       CASE WHEN random() < 0.8 THEN 'USD' ELSE 'EUR' END AS currency,
                       (%s::int[])[1 + floor(random() * %s)::int] AS person,
                       1 + (ARRAY[1, 2, 2, 3])[1 + floor(random() * 4)::int] AS steps,
                       random() AS ending, random() AS pick
                FROM generate_series(1, %s) AS g ORDER BY created) AS d""",
            [YEARS, responsible, len(responsible), total],
        )
        # One row per move: the stage of each step and when (exponential gaps, mean a week).
        cursor.execute(
            """CREATE TEMP TABLE bench_move ON COMMIT DROP AS
            SELECT d.id, d.created, d.amount, d.currency, d.person, p.pipeline_id, s.step,
                   CASE WHEN s.step <= d.steps THEN p.process[s.step]
                        WHEN d.ending < 0.35 THEN p.won
                        ELSE p.lost[1 + floor(d.pick * cardinality(p.lost))::int] END AS stage,
                   least(now(), d.created + sum(CASE WHEN s.step = 1 THEN 0
                         ELSE -ln(1 - random()) END) OVER (PARTITION BY d.id ORDER BY s.step)
                         * interval '7 days') AS moment
            FROM bench_deal d JOIN bench_plan p USING (number)
            CROSS JOIN LATERAL generate_series(
                1, d.steps + CASE WHEN d.ending < 0.8 THEN 1 ELSE 0 END) AS s(step)"""
        )
        cursor.execute(
            """INSERT INTO deals_deal (id, title, pipeline_id, stage_id, closed, amount,
                currency, responsible_id, opened, comments, created_at, modified_at,
                created_by_id, modified_by_id, version, custom)
            SELECT DISTINCT ON (m.id) m.id, 'Deal ' || m.id, m.pipeline_id, m.stage,
                m.step > d.steps, m.amount, m.currency, m.person, false, '', m.created,
                m.moment, m.person, m.person, 1, '{}'
            FROM bench_move m JOIN bench_deal d USING (id) ORDER BY m.id, m.step DESC"""
        )
        cursor.execute(
            """INSERT INTO deals_stagemove (deal_id, pipeline_id, from_stage_id, to_stage_id,
                moved_at, moved_by_id, amount, currency, stage_seconds, age_seconds)
            SELECT id, pipeline_id, lag(stage) OVER w, stage, moment, person, amount,
                currency, extract(epoch FROM moment - lag(moment) OVER w)::bigint,
                extract(epoch FROM moment - created)::bigint
            FROM bench_move WINDOW w AS (PARTITION BY id ORDER BY step)
            ORDER BY moment"""
        )
    print(f"  {total:,} deals written in {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) deals_deal, deals_stagemove")
    return time.perf_counter() - started


def measure(client: Client, url: str, runs: int, timings: list[float]) -> None:
    for _n in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)


def query_of(period: str) -> str:
    """A period's query: a named one, or ``N days`` (custom dates: the last N days)."""
    if not period.endswith("days"):
        return f"period={period}"
    today = timezone.localdate()
    first = today - timedelta(days=int(period.split()[0]) - 1)
    return f"period=custom&date_from={first.isoformat()}&date_to={today.isoformat()}"


def reader_in_zone(user, zone: str):
    """``user`` reading in time zone ``zone`` (their profile's; empty: the installation's)."""
    Profile.objects.update_or_create(user=user, defaults={"time_zone": zone})
    return user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--periods",
        default="month,quarter,year,30 days,90 days,365 days",
        help="named periods, or 'N days' for custom dates (the last N days)",
    )
    parser.add_argument("--zone", default="", help="the readers' time zone (their profiles')")
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Run it on PostgreSQL (DATABASE_URL).")
    settings.ALLOWED_HOSTS = ["*"]
    print(conditions("start"))
    admin, head = people()
    existing = Deal.objects.filter(title__startswith="Deal ").count()
    generated = existing < options.deals
    if generated:
        print(f"Generating {options.deals - existing:,} deals ...", flush=True)
        seconds = generate(options.deals - existing, admin)
        print(f"  generated in {seconds:.0f} s")
    if generated or not DealPeriod.objects.exists():  # rows written around the services
        started = time.perf_counter()
        period_rollups.rebuild(Deal)
        with connection.cursor() as cursor:  # what autovacuum gives a running database
            cursor.execute("VACUUM (ANALYZE) deals_dealperiod, deals_periodtotal")
        print(f"  rollups rebuilt in {time.perf_counter() - started:.0f} s", flush=True)
    reach = Deal.objects.restrict(head, "read").count()
    print(f"{Deal.objects.count():,} deals, {StageMove.objects.count():,} stage moves, "
          f"{DealPeriod.objects.count():,} rollup rows; the department manager reads "
          f"{reach:,} deals")  # fmt: skip
    clients = {}
    suffix = f" ({options.zone})" if options.zone else ""  # their profiles' zone, or none
    readers = [(f"{name}{suffix}", reader_in_zone(user, options.zone))
               for name, user in (("supervisor", admin), ("department manager", head))]  # fmt: skip
    for name, user in readers:
        clients[name] = Client()
        clients[name].force_login(user)
    urls = [(f"{key} {period}", f"/analytics/{key}/?{query_of(period)}")
            for key in REPORTS for period in options.periods.split(",")]  # fmt: skip
    urls.append(("start page", "/"))
    results = {}
    for _warm in range(2):
        for client in clients.values():
            for _label, url in urls:
                client.get(url)
    for _round in range(options.runs):
        for who, client in clients.items():
            for label, url in urls:
                measure(client, url, 1, results.setdefault((who, label), []))
    print(f"{'':44} {'p50':>8} {'p95':>8} {'max':>8}  (ms)")
    for (who, label), timings in results.items():
        print(f"{who + ': ' + label:44} {statistics.median(timings):8.0f} "
              f"{p95_of(timings):8.0f} {max(timings):8.0f}")  # fmt: skip
    print(conditions("end"))


if __name__ == "__main__":
    main()
