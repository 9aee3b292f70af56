"""Creating a company from its page, ours against DjangoCRM's admin add form (run on purpose).

The framework issue: creating a company with two phones and an e-mail must cost under 10
queries and its page POST must be faster than DjangoCRM's admin add form at 100,000 companies,
measured side by side. DjangoCRM is the PyPI package ``django-crm-admin`` (3.1.0: Python 3.12,
Django 6), installed in a virtualenv of its own; it is never copied here, only run.

    # ours
    createdb -h 127.0.0.1 -U postgres crm_bench_create
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench_create
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_clients --companies 100000 --seed 1
    # the peer (installed as the README's "Creating a company: our page against DjangoCRM's
    # admin" says); -P keeps our own crm package (the current folder) off its path
    createdb -h 127.0.0.1 -U postgres djcrm_bench
    export PYTHONPATH=$PWD/tests/benchmarks DJANGO_SETTINGS_MODULE=djangocrm.settings
    /tmp/djcrm312/bin/python -P -m django setupdata      # its migrate, fixtures, superuser
    /tmp/djcrm312/bin/python -P -m djangocrm.generate_companies --companies 100000 --seed 1
    unset PYTHONPATH DJANGO_SETTINGS_MODULE
    # both, side by side
    .venv/bin/python tests/benchmarks/bench_create_vs_djangocrm.py [--runs 60] [--sql] [--profile]

The databases are those two unless ``BENCH_DATABASE_URL`` (ours) or ``DJCRM_DATABASE_URL`` say
otherwise; ``DJCRM_PYTHON`` names the peer's Python (default ``/tmp/djcrm312/bin/python``).

Each side runs in its own Python as a subprocess of this script (``--runner ours`` with our
virtualenv's Python, ``--runner djangocrm`` with the peer's), each app loaded through its own
WSGI module the way gunicorn loads it, requests through Django's test ``Client`` with CSRF
checks on (``force_login``, no network). A round is, per user or form: GET the add form, read
it the way a browser does (every input, select and textarea with its value: the CSRF token,
our hidden ``version``/``original``, the peer's inline management forms), fill in a new company
with two phones and an e-mail, POST it, expect 302, then check outside the timing that the
company is there with its phones and e-mail. Ours is done for a superuser and for a manager
with the default "Manager" role; the peer for its superuser on its CRM site's add form (where
its users add companies, ``/en/123/crm/company/add/``) and on its Django admin's
(``/en/456-admin/crm/company/add/``). After 5 warm-up rounds, ``--runs`` rounds alternate
between the two subprocesses (the side that goes first alternates too). The POST's wall time
and its SQL statements (``connection.execute_wrapper``: every statement the request's thread
sends, savepoints counted apart) are recorded. The writes are real and committed on both
sides (the WAL flush is in the numbers); the companies made are deleted at the end. The
machine is shared: the load average and a CPU probe (a fixed pure-Python loop, the same as
``bench_kanban.py``'s) are printed at the start and the end.
"""

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path

from tests.benchmarks.probe import cpu_probe

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUR_PYTHON = os.environ.get("OUR_PYTHON", str(ROOT / ".venv" / "bin" / "python"))
PEER_PYTHON = os.environ.get("DJCRM_PYTHON", "/tmp/djcrm312/bin/python")  # noqa: S108
OUR_DATABASE = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_bench_create"
)
PEER_DATABASE = os.environ.get(
    "DJCRM_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/djcrm_bench"
)
WARM_UPS = 5
MIN_COMPANIES = 100_000
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"] + ["qua", "xen", "thor", "wyn"]
# Our page looks for likely duplicates (similar names, the same phones or e-mails) before it
# saves; DjangoCRM's add form does not. This target posts "save anyway" to leave that out.
NO_SEARCH = "ours, superuser, no duplicate search"
MAIL_DOMAIN = "benchcreate.example"  # marks what the script made: deleted at start and end
AREA_CODES = (202, 212, 303, 312, 415, 617, 702, 713, 805, 907)  # +1 NPA 555-01XX: fictional


def p95_of(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


# The company of round n (the same on both sides: two phones and an e-mail)


def new_company(run: str, number: int) -> dict:
    """Made-up names: unlike each other and the generated ones (else our page, which looks for
    similar names, would rightly warn of a likely duplicate instead of saving)."""
    rng = random.Random(f"{run}-{number}")
    words = ("".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize() for _ in range(2))
    area = AREA_CODES[number // 50 % len(AREA_CODES)]
    return {
        "name": " ".join(words),
        "phones": [
            f"+1 {area} 555 01{number * 2 % 100:02d}",
            f"({area}) 555-01{(number * 2 + 1) % 100:02d}",
        ],
        "email": f"office.{run}.{number}@{MAIL_DOMAIN}",
    }


# A form read the way a browser reads it


class FormReader(HTMLParser):
    """The successful controls of every <form> of a page: [(name, value), ...] per form."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self.current: list | None = None
        self.select: dict | None = None
        self.option: dict | None = None
        self.textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = []
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input":
            name, kind = attrs.get("name"), (attrs.get("type") or "text").lower()
            if (
                not name
                or "disabled" in attrs
                or kind in ("file", "submit", "button", "image", "reset")
            ):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.current.append((name, attrs.get("value") or "on"))
            else:
                self.current.append((name, attrs.get("value") or ""))
        elif tag == "select" and attrs.get("name") and "disabled" not in attrs:
            self.select = {"name": attrs["name"], "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self.select is not None:
            self.option = {"value": attrs.get("value"), "text": "", "selected": "selected" in attrs}
            self.select["options"].append(self.option)
        elif tag == "textarea" and attrs.get("name") and "disabled" not in attrs:
            self.textarea = {"name": attrs["name"], "text": ""}

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea["text"] += data
        elif self.option is not None:
            self.option["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "option":
            self.option = None
        elif tag == "textarea" and self.textarea is not None:
            text = self.textarea["text"]
            self.current.append(
                (self.textarea["name"], text[1:] if text.startswith("\n") else text)
            )
            self.textarea = None
        elif tag == "select" and self.select is not None:
            options = self.select["options"]
            chosen = [o for o in options if o["selected"]]
            if not chosen and not self.select["multiple"] and options:
                chosen = options[:1]  # a browser submits the first option
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"].strip()
                self.current.append((self.select["name"], value))
            self.select = self.option = None


def read_form(html: str, field: str) -> dict[str, list[str]]:
    """The values a browser would submit from the page's form that has ``field``."""
    reader = FormReader()
    reader.feed(html)
    for controls in reader.forms:
        if any(name == field for name, _ in controls):
            data: dict[str, list[str]] = {}
            for name, value in controls:
                data.setdefault(name, []).append(value)
            return data
    raise AssertionError(f"no form with a field {field!r} on the page")


# The runners (one per side, each in its own Python)


class Statements:
    """Every SQL statement this thread's connection sends while on, with its time
    (execute_wrapper)."""

    def __init__(self):
        self.sql: list[tuple[str, float]] = []
        self.on = False

    def __call__(self, execute, sql, params, many, context):
        if not self.on:
            return execute(sql, params, many, context)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql.append((sql, (time.perf_counter() - started) * 1000))

    def counts(self) -> tuple[int, int, float]:
        savepoints = sum(
            1
            for s, _ in self.sql
            if s.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO"))
        )
        return len(self.sql) - savepoints, savepoints, sum(ms for _, ms in self.sql)


class Runner:
    """One side: its app, its users and forms; one round of GET + POST per target."""

    targets: list[str] = []
    key_field = ""

    def __init__(self):
        from django.db import connection
        from django.test import Client

        self.Client = Client
        self.connection = connection
        self.statements = Statements()
        connection.execute_wrappers.append(self.statements)  # for the process's life
        self.run = uuid.uuid4().hex[:6]
        self.clients = {}

    def client_for(self, user):
        client = self.Client(enforce_csrf_checks=True, SERVER_NAME="localhost")
        client.force_login(user)
        return client

    def fill(self, data: dict, company: dict, target: str) -> None:
        raise NotImplementedError

    def check(self, target: str, company: dict) -> None:
        raise NotImplementedError

    def round(self, number: int, keep_sql: bool) -> list[dict]:
        results = []
        order = self.targets if number % 2 == 0 else self.targets[::-1]
        for index, target in enumerate(order):
            client, url = self.clients[target]
            company = new_company(self.run, number * len(self.targets) + index)
            started = time.perf_counter()
            page = client.get(url)
            got = (time.perf_counter() - started) * 1000
            assert page.status_code == 200, (target, url, page.status_code)
            data = read_form(page.content.decode(), self.key_field)
            self.fill(data, company, target)
            self.statements.sql, self.statements.on = [], True
            started = time.perf_counter()
            response = client.post(url, data)
            posted = (time.perf_counter() - started) * 1000
            self.statements.on = False
            if response.status_code != 302:
                raise AssertionError(f"{target}: POST {url} answered {response.status_code}: "
                                     f"{errors_of(response.content.decode())}")  # fmt: skip
            queries, savepoints, sql_ms = self.statements.counts()
            self.check(target, company)
            result = {"target": target, "get_ms": got, "post_ms": posted, "queries": queries,
                      "savepoints": savepoints, "sql_ms": sql_ms,
                      "statement_ms": [ms for _, ms in self.statements.sql]}  # fmt: skip
            if keep_sql:
                result["sql"] = [sql for sql, _ in self.statements.sql]
            results.append(result)
        return results

    def profile(self) -> str:
        import cProfile
        import io
        import pstats

        target = self.targets[0]
        client, url = self.clients[target]
        company = new_company(self.run, 9_999)
        data = read_form(client.get(url).content.decode(), self.key_field)
        self.fill(data, company, target)
        profiler = cProfile.Profile()
        profiler.enable()
        response = client.post(url, data)
        profiler.disable()
        assert response.status_code == 302, response.status_code
        self.check(target, company)
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(45)
        out.write("\n--- by own time ---\n")
        stats.sort_stats("tottime").print_stats(25)
        return out.getvalue()


def errors_of(html: str) -> str:
    import re

    found = re.findall(
        r'class="(?:errorlist|errornote|alert[^"]*)"[^>]*>(.*?)</(?:ul|p|div)>', html, re.S
    )
    return " | ".join(re.sub(r"<[^>]+>", " ", f).strip() for f in found)[:800] or html[:400]


class Ours(Runner):
    targets = ["ours, superuser", "ours, manager", NO_SEARCH]
    key_field = "name"

    def __init__(self):
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
        os.environ["DEBUG"] = "0"
        os.environ["DATABASE_URL"] = OUR_DATABASE
        from crm.wsgi import application  # the way gunicorn loads it (gc.freeze() included)

        assert application is not None
        super().__init__()
        from django.contrib.auth import get_user_model

        from accessrights.models import Role
        from accessrights.rights import rights_changed
        from companies.models import Company

        self.Company = Company
        User = get_user_model()
        admin, _ = User.objects.get_or_create(
            username="bench_create_admin", defaults={"is_superuser": True, "is_staff": True}
        )
        manager, _ = User.objects.get_or_create(
            username="bench_create_manager",
            defaults={"first_name": "Bench", "last_name": "Manager"},
        )
        role = Role.objects.filter(name="Manager").first()
        if role is None:
            sys.exit("There is no role “Manager” (accessrights.defaults).")
        role.users.add(manager)
        rights_changed()
        self.clients = {
            "ours, superuser": (self.client_for(admin), "/companies/add/"),
            "ours, manager": (self.client_for(manager), "/companies/add/"),
        }
        self.clients[NO_SEARCH] = self.clients["ours, superuser"]
        self.companies = Company.objects.order_by().count()

    def fill(self, data, company, target):
        phone, mobile = company["phones"]
        data.update({
            "name": [company["name"]],
            "phones-0-value": [phone], "phones-0-kind": ["work"],
            "phones-1-value": [mobile], "phones-1-kind": ["mobile"],
            "emails-0-value": [company["email"]], "emails-0-kind": ["work"],
        })  # fmt: skip
        if target == NO_SEARCH:  # as after the warning: "save anyway" skips the search
            data["confirm_duplicates"] = ["on"]

    def check(self, target, company):
        made = self.Company.objects.get(name=company["name"])
        values = sorted(made.communications.values_list("value", flat=True))
        assert values == sorted([*company["phones"], company["email"]]), values

    def clean_up(self) -> int:
        made = self.Company.objects.filter(communications__value__endswith=f"@{MAIL_DOMAIN}")
        deleted = self.Company.objects.filter(pk__in=list(made.values_list("pk", flat=True)))
        return deleted.delete()[1].get("companies.Company", 0)


class Peer(Runner):
    targets = ["DjangoCRM, CRM site", "DjangoCRM, Django admin"]
    key_field = "full_name"

    def __init__(self):
        sys.path.insert(0, str(HERE))  # djangocrm.settings
        os.environ["DJANGO_SETTINGS_MODULE"] = "djangocrm.settings"
        os.environ["DJCRM_DATABASE_URL"] = PEER_DATABASE
        from webcrm.wsgi import application

        assert application is not None
        super().__init__()
        from django.contrib.auth.models import User
        from django.urls import reverse
        from django.utils import translation

        from crm.models import Company

        self.Company = Company
        admin = User.objects.filter(is_superuser=True).order_by("id").first()
        if admin is None:
            sys.exit("DjangoCRM has no superuser: run its setupdata first.")
        with translation.override("en"):
            site_url = reverse("site:crm_company_add")
            admin_url = reverse("admin:crm_company_add")
        client = self.client_for(admin)
        self.clients = {
            "DjangoCRM, CRM site": (client, site_url),
            "DjangoCRM, Django admin": (client, admin_url),
        }
        self.companies = Company.objects.order_by().count()

    def fill(self, data, company, target):
        # One phone field and one e-mail field; several values go comma-separated (its help
        # text says so for e-mails), which is how DjangoCRM keeps two phones of a company.
        data.update({
            "full_name": [company["name"]],
            "phone": [", ".join(company["phones"])],
            "email": [company["email"]],
            "_save": ["Save"],
        })  # fmt: skip

    def check(self, target, company):
        made = self.Company.objects.get(full_name=company["name"])
        assert made.phone == ", ".join(company["phones"]) and made.email == company["email"]

    def clean_up(self) -> int:
        made = self.Company.objects.filter(email__endswith=f"@{MAIL_DOMAIN}")
        return made.delete()[1].get("crm.Company", 0)


def serve(side: str) -> None:
    """The runner's loop: one JSON line in, one JSON line out."""
    protocol = sys.stdout
    sys.stdout = sys.stderr  # anything the apps print stays off the protocol
    runner = Ours() if side == "ours" else Peer()
    runner.clean_up()  # what an interrupted run left
    import django
    from django.db import connection

    hello = {
        "side": side, "python": platform.python_version(), "django": django.get_version(),
        "postgresql": connection.pg_version, "companies": runner.companies,
        "targets": runner.targets,
    }  # fmt: skip
    print(json.dumps(hello), file=protocol, flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        if command["do"] == "round":
            answer = runner.round(command["number"], command.get("sql", False))
        elif command["do"] == "profile":
            answer = runner.profile()
        elif command["do"] == "finish":
            print(json.dumps({"deleted": runner.clean_up()}), file=protocol, flush=True)
            return
        print(json.dumps(answer), file=protocol, flush=True)


# The conductor


class Side:
    def __init__(self, side: str, python: str):
        env = dict(os.environ)
        if side != "ours":
            # Our PYTHONPATH (a worktree's checkout) would put our crm package before the peer's.
            env.pop("PYTHONPATH", None)
        self.process = subprocess.Popen(
            [python, str(Path(__file__).resolve()), "--runner", side],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=str(ROOT), env=env,
        )  # fmt: skip
        self.hello = self.receive()

    def receive(self):
        line = self.process.stdout.readline()
        if not line:
            sys.exit(f"a runner stopped (exit code {self.process.wait()}); its errors are above")
        return json.loads(line)

    def ask(self, **command):
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return self.receive()


def span(counts: list[int]) -> str:
    low, high = min(counts), max(counts)
    return str(low) if low == high else f"{low}-{high}"


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} / {p95_of(values):.0f} / {max(values):.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--sql", action="store_true", help="print each target's statements once")
    parser.add_argument("--profile", action="store_true", help="cProfile one POST of ours")
    parser.add_argument("--runner", choices=("ours", "djangocrm"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.runner:
        return serve(args.runner)

    with open("/proc/meminfo") as meminfo:
        memory = int(meminfo.readline().split()[1]) / 1024**2
    print(
        f"{time.strftime('%Y-%m-%d %H:%M')}. Machine: {platform.processor() or platform.machine()}"
        f", {os.cpu_count()} cores, {memory:.0f} GiB; load average {os.getloadavg()[0]:.2f} and "
        f"CPU probe {cpu_probe():.0f} ms at the start."
    )
    sides = [Side("ours", OUR_PYTHON), Side("djangocrm", PEER_PYTHON)]
    for side in sides:
        hello = side.hello
        print(
            f"{hello['side']}: Python {hello['python']}, Django {hello['django']}, PostgreSQL "
            f"{hello['postgresql'] // 10000}, {hello['companies']:,} companies"
        )
        if hello["companies"] < MIN_COMPANIES:
            print(f"WARNING: {hello['side']} has fewer than {MIN_COMPANIES:,} companies.")
    print(f"{WARM_UPS} warm-up rounds, then {args.runs} rounds, interleaved.\n")

    timings: dict[str, dict[str, list]] = {}
    listings: dict[str, list[str]] = {}
    for number in range(WARM_UPS + args.runs):
        measured = number >= WARM_UPS
        for side in sides if number % 2 == 0 else sides[::-1]:
            for result in side.ask(do="round", number=number, sql=args.sql and number == WARM_UPS):
                if "sql" in result:
                    listings[result["target"]] = result["sql"]
                if measured:
                    found = timings.setdefault(result["target"], {})
                    for key in ("get_ms", "post_ms", "queries", "savepoints", "sql_ms"):
                        found.setdefault(key, []).append(result[key])
                    found.setdefault("statement_ms", []).append(result["statement_ms"])

    print("| Target | POST p50 / p95 / max ms | queries per POST (+ savepoint statements) | "
          "SQL ms per POST, p50 | GET form p50 ms |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: |")
    order = [t for side in sides for t in side.hello["targets"]]
    timings = {target: timings[target] for target in order}
    for target, found in timings.items():
        print(
            f"| {target} | {summary(found['post_ms'])} (n={len(found['post_ms'])}) | "
            f"{span(found['queries'])} (+ {span(found['savepoints'])}) | "
            f"{statistics.median(found['sql_ms']):.1f} | {statistics.median(found['get_ms']):.0f} |"
        )
    ours = [t for t in timings if t.startswith("ours")]
    peers = [t for t in timings if not t.startswith("ours")]
    print()
    for mine in ours:
        for peer in peers:
            a, b = timings[mine]["post_ms"], timings[peer]["post_ms"]
            print(
                f"{mine} / {peer}: p50 {statistics.median(a) / statistics.median(b):.2f}, "
                f"p95 {p95_of(a) / p95_of(b):.2f} (below 1: ours is faster)"
            )
    for target, sql in sorted(listings.items(), key=lambda item: order.index(item[0])):
        runs = [ms for ms in timings[target]["statement_ms"] if len(ms) == len(sql)]
        medians = [statistics.median(column) for column in zip(*runs, strict=True)]
        print(f"\n-- {target}: {len(sql)} statements, median ms of each over {len(runs)} POSTs")
        for statement, ms in zip(sql, medians, strict=True):
            print(f"   {ms:5.2f}  {statement[:200]}")
    if args.profile:
        for side in sides:
            print(f"\n-- cProfile of one POST: {side.hello['targets'][0]} --")
            print(side.ask(do="profile"))
    for side in sides:
        print(
            f"{side.hello['side']}: {side.ask(do='finish')['deleted']} benchmark companies deleted"
        )
        side.process.wait()
    print(
        f"\nLoad average {os.getloadavg()[0]:.2f} and CPU probe {cpu_probe():.0f} ms at the end "
        "(the probe, a fixed loop, takes longer when other processes or VMs share the CPU)."
    )


if __name__ == "__main__":
    main()
