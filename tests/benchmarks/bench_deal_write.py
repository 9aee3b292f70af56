"""What the period rollups cost a single deal write (run on purpose, not in CI): a title edit
and a stage move through ``deals.services.deal_update``, each in its own transaction as a page
makes it, timed with the rollups kept (``period_rollups.refresh`` rewriting the deal's rows and
adding the difference to the totals) and with that step left out, interleaved, on the
analytics benchmark's database (``bench_analytics.py`` makes it: 1,000,000 deals).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_analytics
    .venv/bin/python tests/benchmarks/bench_deal_write.py [--runs 300]
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from deals import period_rollups, services, stage_moves  # noqa: E402
from deals.models import Deal  # noqa: E402
from dictionaries.defaults import DEAL_STAGE  # noqa: E402
from dictionaries.models import Entry, Semantics  # noqa: E402
from tests.benchmarks.bench_analytics import PREFIX, p95_of  # noqa: E402
from tests.benchmarks.probe import conditions  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    options = parser.parse_args()
    if connection.vendor != "postgresql" or not Deal.objects.exists():
        raise SystemExit("Run it on the analytics benchmark's PostgreSQL database.")
    print(conditions("start"))
    admin = get_user_model().objects.get(username=f"{PREFIX}admin")
    open_ids = list(Deal.objects.filter(closed=False).values_list("pk", flat=True)[:20000])
    process = {}
    for stage in Entry.objects.filter(list_code=DEAL_STAGE, semantics=Semantics.PROCESS):
        process.setdefault(stage.pipeline_id, []).append(stage)
    kept = period_rollups.refresh
    timings, touched = {}, set()
    rng = random.Random(7)
    for run in range(options.runs):
        for rollups in (True, False):
            stage_moves.period_rollups.refresh = kept if rollups else (lambda *a, **k: None)
            deal = Deal.objects.get(pk=rng.choice(open_ids))
            touched.add(deal.pk)
            for what in ("title edit", "stage move"):
                fields = {"title": f"Deal {deal.pk} ({run})"}
                if what == "stage move":
                    fields = {"stage": rng.choice([s for s in process[deal.pipeline_id]
                                                   if s.pk != deal.stage_id])}  # fmt: skip
                started = time.perf_counter()
                with transaction.atomic():
                    deal = services.deal_update(user=admin, deal=deal, **fields)
                elapsed = (time.perf_counter() - started) * 1000
                timings.setdefault((what, rollups), []).append(elapsed)
    stage_moves.period_rollups.refresh = kept
    print(f"{'':32} {'p50':>7} {'p95':>7}  (ms, {options.runs} runs)")
    for (what, rollups), values in timings.items():
        label = f"{what}, {'with' if rollups else 'without'} rollups"
        print(f"{label:32} {statistics.median(values):7.1f} {p95_of(values):7.1f}")
    print(conditions("end"))
    period_rollups.rebuild(Deal, touched)  # the runs without them left their rows behind


if __name__ == "__main__":
    main()
