"""A Bitrix24 portal for the migration tests: a second instance of our own server, with a
database of its own, under gunicorn on loopback, filled by ``seed()`` (run in that instance's
environment) and reached through its webhook, as ``import_bitrix24`` reaches a real portal.

``seed()`` writes through the services, as people would have: users (one whose e-mail a
user of the target has, in other letters' case; an inactive one), list entries (a company
type, a source, a renamed system entry), a second pipeline with a stage and a failure stage
of its own, custom fields of five kinds, companies with two phones and an e-mail, contacts
linked to one or two companies, requisites, deals in both pipelines with contacts and custom
values, leads; and one row our services refuse (a company whose e-mail is none, written
past them). It prints the paths of a live and of a revoked webhook.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[2]
COMPANIES, CONTACTS, DEALS, LEADS = 130, 120, 60, 25


def seed() -> None:
    from django.contrib.auth import get_user_model

    from bitrix24.services import webhook_create, webhook_revoke
    from companies.models import Communication, Contact
    from companies.services import company_create, contact_create, contact_link
    from deals.services import deal_create, lead_create
    from dictionaries import services as lists
    from dictionaries.custom_fields import custom_field_create
    from dictionaries.models import Entry
    from requisites.models import Preset
    from requisites.services import requisite_create

    users = get_user_model().objects
    admin = users.create_superuser("portal-admin", "admin@portal.example", "x", first_name="Anna")
    olga = users.create_user("olga", "Olga@Example.com", "x", first_name="Olga",
                             last_name="Ivanova")  # fmt: skip
    gone = users.create_user("ivan", "ivan@portal.example", "x", first_name="Ivan",
                             is_active=False)  # fmt: skip
    vip = lists.entry_create(user=admin, list_code="COMPANY_TYPE", name="VIP client", code="VIP")
    customer = Entry.objects.get(list_code="COMPANY_TYPE", code="CUSTOMER")
    lists.entry_update(user=admin, entry=customer, name="Key client")
    fair = lists.entry_create(user=admin, list_code="SOURCE", name="Fair 2026", code="FAIR")
    projects = lists.pipeline_create(user=admin, name="Projects")
    design = lists.entry_create(user=admin, list_code="DEAL_STAGE", pipeline=projects,
                                name="Design", code="DESIGN")  # fmt: skip
    lists.entry_create(user=admin, list_code="DEAL_STAGE", pipeline=projects,
                       name="Too expensive", code="PRICE", semantics="failure")  # fmt: skip
    tier = custom_field_create(user=admin, entity="company", label="Tier", kind="list",
                               options=[{"label": "Gold"}, {"label": "Silver"}])  # fmt: skip
    since = custom_field_create(user=admin, entity="company", label="Client since", kind="date")
    hobby = custom_field_create(user=admin, entity="contact", label="Hobby", kind="string")
    priority = custom_field_create(user=admin, entity="deal", label="Priority", kind="integer")
    partner = custom_field_create(user=admin, entity="deal", label="Partner", kind="company")
    companies = [
        company_create(
            user=admin, name=f"Company {n:03}", type=vip if n % 3 == 0 else None,
            source=fair if n % 5 == 0 else None, responsible=olga if n % 2 else admin,
            revenue=n * 1000, address_city="Paris" if n % 2 else "Moscow",
            phones=[{"value": f"+33 1 42 68 {n // 100:02} {n % 100:02}", "kind": "work"},
                    {"value": f"+7 495 123-{n // 100:02}-{n % 100:02}", "kind": "mobile"}],
            emails=[{"value": f"office{n}@company{n}.example", "kind": "work"}],
            custom={tier.code: 1 + n % 2, since.code: f"2020-01-{1 + n % 28:02}"},
        )
        for n in range(1, COMPANIES + 1)
    ]  # fmt: skip
    for n in range(1, CONTACTS + 1):
        contact = contact_create(
            user=admin, first_name=f"First{n}", last_name=f"Last{n}",
            responsible=gone if n == 7 else admin,
            phones=[{"value": f"+7 812 555-{n // 100:02}-{n % 100:02}", "kind": "mobile"}],
            emails=[{"value": f"person{n}@mail.example", "kind": "work"}],
            custom={hobby.code: f"hobby {n}"}, companies=[companies[n % COMPANIES]],
        )  # fmt: skip
        if n % 10 == 0:
            contact_link(user=admin, contact=contact, company=companies[(n + 1) % COMPANIES])
    bad = company_create(user=admin, name="Broken mail Ltd")
    Communication.objects.create(company=bad, channel="email", kind="work",
                                 value="not an e-mail", normalized="not an e-mail")  # fmt: skip
    ru = Preset.objects.get(country="RU", name__startswith="Организация")
    requisite_create(user=admin, owner=companies[0], preset=ru, name="Main",
                     values={"full_name": "ООО «Первая»", "short_name": "ООО Первая",
                             "inn": "7707083893", "kpp": "773601001"})  # fmt: skip
    requisite_create(user=admin, owner=companies[1], preset=ru, name="Main",
                     values={"full_name": "ООО «Вторая»", "inn": "7736207543"})  # fmt: skip
    contacts = list(Contact.objects.order_by("pk"))
    for n in range(1, DEALS + 1):
        deal_create(
            user=admin, title=f"Deal {n}", company=companies[n],
            contacts=[contacts[n]] + ([contacts[n + 1]] if n % 4 == 0 else []),
            amount=n * 10, **({"stage": design} if n % 2 else {}),
            custom={priority.code: n, partner.code: companies[n + 1].pk},
        )  # fmt: skip
    for n in range(1, LEADS + 1):
        lead_create(user=admin, title=f"Lead {n}", first_name=f"Lead{n}",
                    company_name=f"Lead company {n}",
                    phones=[{"value": f"+7 903 100-00-{n:02}", "kind": "mobile"}])  # fmt: skip
    _webhook, secret = webhook_create(user=admin, description="migration")
    revoked, old = webhook_create(user=admin, description="revoked")
    webhook_revoke(webhook=revoked)
    print(f"WEBHOOK /rest/{admin.pk}/{secret}/")
    print(f"REVOKED /rest/{admin.pk}/{old}/")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Portal:
    """The second instance: ``start()`` makes its database (``database_url``), seeds it and
    serves it; ``url`` is its webhook, ``revoked`` a revoked one, ``address`` the site."""

    def __init__(self, database_url: str, workers: int = 2):
        self.database_url, self.workers = database_url, workers
        self.env = {
            **os.environ, "DATABASE_URL": database_url, "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1", "BITRIX24_RATE_BURST": "0", "REDIS_URL": "",
            "CELERY_BROKER_URL": "",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }  # fmt: skip
        self.server = None

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, check=check)  # fmt: skip

    def start(self) -> "Portal":
        """Make the database, seed it (``seed()``) and serve it."""
        self.manage("migrate", "--no-input", "-v", "0")
        made = self.manage("shell", "-c", "from tests.bitrix24.portal import seed; seed()")
        paths = dict(line.split(" ", 1) for line in made.stdout.splitlines() if " /rest/" in line)
        return self.serve(paths["WEBHOOK"], paths["REVOKED"])

    def serve(self, webhook: str, revoked: str = "") -> "Portal":
        """gunicorn on a free port, once it answers through ``webhook`` (a path)."""
        port = free_port()
        self.address = f"http://127.0.0.1:{port}"
        self.url, self.revoked = self.address + webhook, self.address + revoked
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.server = subprocess.Popen(
            [str(gunicorn), "crm.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(self.workers), "--log-level", "warning", "--timeout", "300"],
            cwd=ROOT, env=self.env,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while True:
            try:
                urlopen(self.url + "server.time", timeout=60)  # noqa: S310 - our loopback
                return self
            except OSError as error:  # refused while it starts (URLError), or slow to answer
                if getattr(error, "code", None) or time.monotonic() > deadline:
                    raise
                if self.server.poll() is not None:
                    raise RuntimeError("the portal's gunicorn stopped") from error
                time.sleep(0.3)

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)
