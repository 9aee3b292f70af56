"""The company list under access rights at 1,000,000 companies (run on purpose, not in CI).

On a database filled by ``generate_clients`` (1M companies, 500 users ``gen_user_<n>``), this
script builds, inside a transaction that it rolls back at the end (the database is left as it
was): 50 departments in a tree, the 500 users spread over them, a role "own + department" for
companies and contacts given to all of them, and 10,000 per-item shares (django-guardian direct
table) to random users. Then it measures, interleaved in one run, the same pages for a manager
holding that role and for a superuser, and prints p50/p95/max and the ratio of the p95s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python tests/benchmarks/bench_access_rights.py [--runs 40]
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
os.environ.setdefault("DEBUG", "0")

# Load the app the way gunicorn does (crm.wsgi), garbage-collector settings included.
from crm.wsgi import application

assert application is not None

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Permission  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from accessrights.models import Department, Role, RolePermission  # noqa: E402
from accessrights.rights import rights_changed  # noqa: E402
from companies.models import Company, CompanyUserShare  # noqa: E402
from tests.benchmarks.probe import conditions  # noqa: E402

DEPARTMENTS = 50
SHARES = 10_000


class Rollback(Exception):
    """Leaves the benchmark database as it was."""


def build_rights(users) -> None:
    departments = []
    for number in range(DEPARTMENTS):
        parent = departments[number // 5 - 1] if number >= 5 else None  # a tree, 3 levels
        department = Department.objects.create(name=f"Department {number}", parent=parent)
        department.path = f"{parent.path if parent else '/'}{department.pk}/"
        department.save(update_fields=["path"])
        departments.append(department)
    membership = Department.members.through
    membership.objects.bulk_create(
        membership(department=departments[index % DEPARTMENTS], user=user)
        for index, user in enumerate(users)
    )
    role = Role.objects.create(name="Benchmark manager")
    RolePermission.objects.bulk_create(
        RolePermission(role=role, entity=entity, action=action, scope="department")
        for entity in ("company", "contact")
        for action in ("read", "add", "update", "delete")
    )
    role.users.set(users)
    view = Permission.objects.get(codename="view_company")
    company_ids = list(Company.objects.order_by("?").values_list("id", flat=True)[:SHARES])
    CompanyUserShare.objects.bulk_create(
        CompanyUserShare(user=random.choice(users), permission=view, content_object_id=pk)
        for pk in company_ids
    )
    with connection.cursor() as cursor:
        for table in (
            "accessrights_department",
            "accessrights_department_members",
            "accessrights_rolepermission",
            "companies_companyusershare",
        ):
            cursor.execute(f"ANALYZE {table}")
    rights_changed()


def timed(client, url, headers) -> float:
    start = time.perf_counter()
    response = client.get(url, **headers)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def summary(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95, ordered[-1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run this against PostgreSQL (DATABASE_URL).")
    settings.ALLOWED_HOSTS = ["testserver"]
    print(conditions("start"))
    random.seed(7)
    User = get_user_model()
    users = list(User.objects.filter(username__startswith="gen_user_").order_by("id"))
    if len(users) < 500:
        sys.exit("Fill the database with generate_clients first (500 gen_user_ users).")
    admin, _ = User.objects.get_or_create(
        username="bench_admin", defaults={"is_superuser": True, "is_staff": True}
    )
    try:
        with transaction.atomic():
            build_rights(users)
            manager = users[7]
            clients = {}
            for name, user in (("manager", manager), ("superuser", admin)):
                client = Client()
                client.force_login(user)
                token = Token.objects.get_or_create(user=user)[0].key
                clients[name] = (client, {"HTTP_AUTHORIZATION": f"Token {token}"})
            fragment = Company.objects.order_by("-id")[1000].name.split()[0][:5]
            scenarios = [
                ("Company list page, first page", "/companies/", False),
                ("API list, first page", "/api/v1/companies/", True),
                (f"Name search “{fragment}”", f"/companies/?q={fragment}", False),
            ]
            seen = Company.objects.restrict(manager, "read").order_by()[:200_000].count()
            print(
                f"About {Company.objects.order_by().count():,} companies, {len(users)} users in "
                f"{DEPARTMENTS} departments, {SHARES:,} shares; the manager reads {seen:,} "
                f"companies (own + department + shared); {args.runs} runs each, interleaved, "
                "after 3 warm-ups.\n"
            )
            print("| Scenario | manager p50/p95/max ms | superuser p50/p95/max ms | p95 ratio |")
            print("| --- | ---: | ---: | ---: |")
            for title, url, api in scenarios:
                timings = {"manager": [], "superuser": []}
                for client, headers in clients.values():
                    for _ in range(3):
                        timed(client, url, headers if api else {})
                for _ in range(args.runs):
                    for name, (client, headers) in clients.items():
                        timings[name].append(timed(client, url, headers if api else {}))
                manager_stats = summary(timings["manager"])
                admin_stats = summary(timings["superuser"])
                print(
                    f"| {title} | {' / '.join(f'{v:.0f}' for v in manager_stats)} "
                    f"| {' / '.join(f'{v:.0f}' for v in admin_stats)} "
                    f"| {manager_stats[1] / admin_stats[1]:.2f} |"
                )
            raise Rollback
    except Rollback:
        pass
    print(f"\n{conditions('end')}")


if __name__ == "__main__":
    main()
