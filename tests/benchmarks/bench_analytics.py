"""The sales reports and the start page over a large stage history (run on purpose, not in CI).

The issue's targets, on PostgreSQL and 2 cores: with 1,000,000 deals over 3 pipelines and 3
years and 4,000,000 stage moves, each report p95 <= 500 ms for a supervisor (reads every deal)
and for a manager whose role reads their department's deals, and the start page <= 300 ms.

    createdb -h 127.0.0.1 -U postgres crm_bench_analytics
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench_analytics
    .venv/bin/python manage.py migrate
    .venv/bin/python tests/benchmarks/bench_analytics.py --deals 1000000 [--runs 20]

The first run generates the data (``--deals`` deals, about 4 moves each, spread over the last
3 years and 3 pipelines, 60 responsible people in 6 departments) with COPY
(``crm.bulkwrite``) and keeps it; a later run with the same ``--deals`` reuses it. Then it
measures, interleaved, every report for the periods "this month" and "this year" (Django's
test ``Client``, the app loaded as gunicorn loads it: the page, its queries and template) and
the start page, for a superuser and for the department manager, and prints p50/p95/max in
milliseconds with the CPU probe at the start and at the end (the machine is shared).
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
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
from crm import bulkwrite  # noqa: E402
from deals.models import Deal, StageMove  # noqa: E402
from dictionaries import services as dictionary_services  # noqa: E402
from dictionaries.defaults import DEAL_STAGE  # noqa: E402
from dictionaries.models import Entry, Pipeline, Semantics  # noqa: E402
from tests.benchmarks.probe import conditions  # noqa: E402

PREFIX = "bench_analytics_"
DEPARTMENTS, PER_DEPARTMENT = 6, 10
YEARS = 3
CHUNK = 50_000
DEAL_FIELDS = (
    "title", "pipeline_id", "stage_id", "closed", "amount", "currency", "responsible_id",
    "opened", "comments", "created_at", "modified_at", "created_by_id", "modified_by_id",
    "version", "custom",
)  # fmt: skip
MOVE_FIELDS = (
    "deal_id", "pipeline_id", "from_stage_id", "to_stage_id", "moved_at", "moved_by_id",
    "amount", "currency", "stage_seconds", "age_seconds",
)  # fmt: skip


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


def generate(total: int, admin, seed: int = 1) -> float:
    """``total`` deals with their moves, by COPY; seconds taken."""
    started = time.perf_counter()
    rng = random.Random(seed)
    responsible = list(
        get_user_model().objects.filter(username__startswith=PREFIX)
        .exclude(username=f"{PREFIX}admin").values_list("pk", flat=True)
    )  # fmt: skip
    plans = []
    for pipeline in pipelines(admin):
        stages = list(Entry.objects.of_list(DEAL_STAGE, pipeline))
        process = [s for s in stages if s.semantics == Semantics.PROCESS]
        won = next(s for s in stages if s.semantics == Semantics.SUCCESS)
        lost = [s for s in stages if s.semantics == Semantics.FAILURE]
        plans.append((pipeline, process, won, lost))
    now = timezone.now()
    span = YEARS * 365 * 86400
    done = 0
    while done < total:
        count = min(CHUNK, total - done)
        deals, paths = [], []
        for _n in range(count):
            pipeline, process, won, lost = plans[rng.randrange(3)]
            created = now - timedelta(seconds=rng.random() * span)
            amount = Decimal(rng.randrange(100, 100_000))
            currency = "USD" if rng.random() < 0.8 else "EUR"
            ahead = rng.choice((1, 2, 2, 3))  # process stages after New
            path = process[: 1 + ahead]
            final = rng.random()
            if final < 0.35:
                path = [*path, won]
            elif final < 0.8:
                path = [*path, rng.choice(lost)]
            times, moment = [], created
            for _stage in path:
                times.append(moment)
                moment = min(now, moment + timedelta(seconds=rng.expovariate(1 / (7 * 86400))))
            person = rng.choice(responsible)
            last = path[-1]
            deals.append((
                f"Deal {done + len(deals) + 1}", pipeline.pk, last.pk,
                last.semantics != Semantics.PROCESS, amount, currency, person, False, "",
                created, times[-1], person, person, 1, "{}",
            ))  # fmt: skip
            paths.append((pipeline.pk, path, times, amount, currency, person, created))
        with transaction.atomic(), connection.cursor() as cursor:
            ids = bulkwrite.copy_new_rows(cursor, Deal, DEAL_FIELDS, deals)
            bulkwrite.copy_rows(cursor, StageMove, MOVE_FIELDS, (
                (pk, pipeline, path[n - 1].pk if n else None, stage.pk, times[n], person,
                 amount, currency,
                 int((times[n] - times[n - 1]).total_seconds()) if n else None,
                 int((times[n] - created).total_seconds()))
                for pk, (pipeline, path, times, amount, currency, person, created)
                in zip(ids, paths, strict=True)
                for n, stage in enumerate(path)
            ))  # fmt: skip
        done += count
        print(f"  {done:,} deals written", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) deals_deal, deals_stagemove")
    return time.perf_counter() - started


def measure(client: Client, url: str, runs: int, timings: list[float]) -> None:
    for _n in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Run it on PostgreSQL (DATABASE_URL).")
    settings.ALLOWED_HOSTS = ["*"]
    print(conditions("start"))
    admin, head = people()
    existing = Deal.objects.filter(title__startswith="Deal ").count()
    if existing < options.deals:
        print(f"Generating {options.deals - existing:,} deals ...", flush=True)
        seconds = generate(options.deals - existing, admin)
        print(f"  generated in {seconds:.0f} s")
    reach = Deal.objects.restrict(head, "read").count()
    print(f"{Deal.objects.count():,} deals, {StageMove.objects.count():,} stage moves; the "
          f"department manager reads {reach:,} deals")  # fmt: skip
    clients = {}
    for name, user in (("supervisor", admin), ("department manager", head)):
        clients[name] = Client()
        clients[name].force_login(user)
    urls = [(f"{key} {period}", f"/analytics/{key}/?period={period}")
            for key in REPORTS for period in ("month", "year")]  # fmt: skip
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
