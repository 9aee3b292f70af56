"""Server-side timings of the client base on a big database (run on purpose, not in CI).

    createdb -h 127.0.0.1 -U postgres crm_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_clients --companies 1000000
    .venv/bin/python tests/benchmarks/bench_client_base.py [--runs 40] [--only "Custom|first page"]

The first run also adds a custom list field "Tier" to companies and fills it for the whole
table (1% Gold, 9% Silver, 30% Bronze) for the custom-field scenarios.

Each scenario is a full Django request through the test client (URL routing, middleware,
session, queries, template or JSON rendering), timed in the process: no network, no browser.
Prints p50/p95/max in milliseconds as a Markdown table for the README.
"""

import argparse
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
os.environ.setdefault("DEBUG", "0")

# Load the app the way gunicorn does (crm.wsgi), garbage-collector settings included.
from crm.wsgi import application

assert application is not None

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from companies.models import Communication, Company  # noqa: E402
from dictionaries.models import Entry  # noqa: E402
from tests.benchmarks.probe import conditions  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(client: Client, url: str, runs: int, **headers) -> list[float]:
    for _ in range(3):  # warm caches and connections
        assert client.get(url, **headers).status_code == 200, url
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, **headers)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    return timings


def sample_phone() -> Communication:
    """A phone typed with spaces or brackets, of a company in the middle of the table."""
    middle = Company.objects.order_by("-id").values_list("id", flat=True)[250_000:][:200]
    return (
        Communication.objects.filter(channel="phone", company_id__in=list(middle))
        .filter(value__contains=" ")
        .first()
    )


TIERS = (("Gold", 1), ("Silver", 9), ("Bronze", 30))  # % of the companies; 60% have none


def tier_field(admin):
    """A custom list field "Tier" on companies, filled once for the whole table in one UPDATE
    (1% Gold, 9% Silver, 30% Bronze, the rest without a value), then analysed."""
    from dictionaries.custom_fields import custom_field_create
    from dictionaries.models import CustomField

    field = CustomField.objects.filter(entity="company", code="UF_CRM_TIER").first()
    if field is None:
        field = custom_field_create(
            user=admin, entity="company", label="Tier", kind="list",
            options=[{"label": label} for label, _share in TIERS],
        )  # fmt: skip
    ids = {o["label"]: o["id"] for o in field.options}
    gold, silver, bronze = (ids[label] for label, _share in TIERS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM companies_company WHERE custom ? %s", [field.code])
        if cursor.fetchone()[0] == 0:
            started = time.perf_counter()
            cursor.execute(
                """UPDATE companies_company SET custom = custom || jsonb_build_object(%s,
                       CASE WHEN id %% 100 = 0 THEN %s WHEN id %% 100 < 10 THEN %s
                            WHEN id %% 100 < 40 THEN %s END)
                   WHERE id %% 100 < 40""",
                [field.code, gold, silver, bronze],
            )
            cursor.execute("VACUUM ANALYZE companies_company")  # fresh statistics and map
            print(f"Filled {field.code} in {time.perf_counter() - started:.0f} s.")
    return field, ids


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--only", default="", help="only the scenarios whose title matches")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run this against PostgreSQL (DATABASE_URL).")
    settings.ALLOWED_HOSTS = ["testserver"]
    print(conditions("start"))

    admin, _ = get_user_model().objects.get_or_create(
        username="bench_admin", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(admin)
    token = Token.objects.get_or_create(user=admin)[0].key
    api = {"HTTP_AUTHORIZATION": f"Token {token}"}

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'companies_company'")
        companies = cursor.fetchone()[0]
    customer = Entry.objects.get(list_code="COMPANY_TYPE", code="CUSTOMER")
    responsible = (
        Company.objects.filter(type=customer)
        .order_by("-id")
        .values_list("responsible", flat=True)[:1][0]
    )
    fragment = Company.objects.order_by("-id")[1000].name.split()[0][:5]
    phone = sample_phone()
    national = phone.value  # as it was typed, with spaces and brackets
    digits = phone.normalized.lstrip("+")

    tier, tiers = tier_field(admin)
    scenarios = [
        ("Company list page, first page", "/companies/", {}),
        ("API list, first page", "/api/v1/companies/", api),
        (
            "List filtered by type and responsible",
            f"/companies/?type=CUSTOMER&responsible={responsible}",
            {},
        ),
        (
            "API filtered by type and responsible",
            f"/api/v1/companies/?type=CUSTOMER&responsible={responsible}",
            api,
        ),
        (f"Search by name fragment “{fragment}”", f"/companies/?q={fragment}", {}),
        (f"Search by phone as typed “{national}”", f"/companies/?q={national}", {}),
        (f"Search by phone in E.164 “{phone.normalized}”", f"/companies/?q={phone.normalized}", {}),
        (f"Search by phone digits fragment “{digits[-7:]}”", f"/companies/?q={digits[-7:]}", {}),
        ("Custom list field, a value 1% hold", f"/companies/?{tier.code}={tiers['Gold']}", {}),
        ("Custom list field, a value 30% hold", f"/companies/?{tier.code}={tiers['Bronze']}", {}),
        (
            "API, custom list field, a value 1% hold",
            f"/api/v1/companies/?{tier.code}={tiers['Gold']}",
            api,
        ),
        (
            "Custom list field and type",
            f"/companies/?{tier.code}={tiers['Silver']}&type=CUSTOMER",
            {},
        ),
    ]
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"PostgreSQL {connection.pg_version // 10000}; about {companies:,} companies; "
          f"{args.runs} runs each after 3 warm-ups.\n")  # fmt: skip
    print("| Scenario | p50 ms | p95 ms | max ms |")
    print("| --- | ---: | ---: | ---: |")
    for title, url, headers in scenarios:
        if args.only and not re.search(args.only, title):
            continue
        path, _, query = url.partition("?")
        safe_url = path + ("?" + quote(query, safe="=&") if query else "")
        timings = measure(client, safe_url, args.runs, **headers)
        print(
            f"| {title} | {statistics.median(timings):.0f} | {percentile(timings, 0.95):.0f} "
            f"| {max(timings):.0f} |"
        )
    print(f"\n{conditions('end')}")


if __name__ == "__main__":
    main()
