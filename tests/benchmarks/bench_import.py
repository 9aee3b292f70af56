"""An XLSX of companies imported end to end, as the worker does it (run on purpose, not in CI).

    createdb -h 127.0.0.1 -U postgres crm_bench_import
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench_import
    .venv/bin/python manage.py migrate
    .venv/bin/python tests/benchmarks/bench_import.py --rows 100000

The issue's file: N rows of 10 columns (name, type by name, industry by name, two phones as
typed, an e-mail, revenue as typed, city, source, comments), a tenth of them duplicates by
e-mail of companies already there, merged. The script first writes those existing companies
(N/10, through the bulk service), then, timed: the upload (reading the header, detecting the
format), the start, and the job's whole run in this process (staging the rows, chunks through
the bulk create service and the merges through the update service, history for each), as
``import.run`` runs it in a worker. It prints rows/s, the outcome counts, the peak memory of
the process, and the CPU probe at the start and end. Everything it wrote is deleted at the end
(the import's own undo for what it created, then the existing companies).
"""

import argparse
import io
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
os.environ.setdefault("DEBUG", "0")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from companies.models import Company  # noqa: E402
from companies.services import company_bulk_create  # noqa: E402
from crm.celery import app as celery_app  # noqa: E402
from importexport import imports  # noqa: E402
from importexport.models import ImportJob  # noqa: E402
from tests.benchmarks.probe import conditions  # noqa: E402

HEADERS = ["Company name", "Company type", "Industry", "Work phone", "Mobile phone", "Work E-mail",
           "Annual revenue", "City", "Source", "Comment"]  # fmt: skip
TYPES = ["Client", "Partner", "Supplier", "Competitor"]
INDUSTRIES = ["IT", "Manufacturing", "Banking Services", "DELIVERY", "Other"]  # codes or names
SOURCES = ["Call", "E-mail", "Website", "Advertising", "Existing client"]


def phone(rng) -> str:
    digits = f"{rng.randrange(200, 999)}{rng.randrange(1000000, 9999999)}"
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
            rng.choice(INDUSTRIES), phone(rng), phone(rng), email,
            rng.choice(["1 234 567,50", "1,234,567.50", "250000"]), rng.choice(["Berlin", "Lyon"]),
            rng.choice(SOURCES), "",
        ])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    celery_app.conf.task_always_eager = True  # the job runs here, through the same code
    admin, _ = get_user_model().objects.get_or_create(
        username="bench_import_admin", defaults={"is_superuser": True, "is_staff": True}
    )
    existing = company_bulk_create(user=admin, rows=[
        {"name": f"Existing {n}", "emails": [{"value": f"dup{n}@existing.example"}]}
        for n in range(args.rows // 10)
    ])  # fmt: skip
    content = workbook(args.rows, args.seed)
    print(conditions("start"))
    start = time.perf_counter()
    draft = imports.import_upload(
        user=admin, entity="company", name="companies.xlsx",
        file=SimpleUploadedFile("companies.xlsx", content),
    )  # fmt: skip
    started = imports.import_start(user=admin, import_job=draft, duplicates="merge")
    elapsed = time.perf_counter() - start
    done = ImportJob.objects.select_related("job").get(pk=started.pk)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.rows:,} rows ({len(content) / 1e6:.1f} MB of XLSX) in {elapsed:.1f} s: "
          f"{args.rows / elapsed:,.0f} rows/s; created {done.created:,}, updated "
          f"{done.updated:,}, skipped {done.skipped:,}, rejected {done.failed:,}; status "
          f"{done.status}; peak memory {peak:.0f} MB")  # fmt: skip
    print(conditions("end"))
    imports.import_undo(user=admin, import_job=done)
    Company.objects.filter(pk__in=existing.ids).delete()


if __name__ == "__main__":
    main()
