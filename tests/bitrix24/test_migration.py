"""``import_bitrix24`` against a second instance of our own server playing the portal
(``tests/bitrix24/portal.py``: its own database, gunicorn on loopback, a webhook), read
through fast-bitrix24 over HTTP as a real portal would be. What arrived is compared with what
the portal serves now (read through the same REST), so that the tests do not depend on their
order though some of them change the portal."""

import io
import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from fast_bitrix24 import Bitrix

from bitrix24.migration import clients
from bitrix24.models import MappingKind, Portal, PortalMapping
from companies.models import Communication, Company, Contact
from companies.services import company_create
from deals.models import Deal, Lead
from dictionaries.custom_fields import custom_field_create
from dictionaries.models import CustomField, Entry, Pipeline
from requisites.models import Preset, Requisite
from requisites.services import requisite_create
from tests.factories import UserFactory
from timeline.models import Event, EventKind

from .portal import ROOT, free_port
from .portal import Portal as SecondInstance

COMPANY_SELECT = ["*", "UF_*", "PHONE", "EMAIL", "WEB"]
# fast-bitrix24 warns of every get_all selecting "*", filtered or not.
pytestmark = pytest.mark.filterwarnings("ignore:You are selecting all fields")


def _portal_database(directory):
    """A database for the portal on the tests' own kind of server, and how to drop it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{directory / 'portal.sqlite3'}", lambda: None
    parts = urlsplit(url)
    name = f"portal_{os.getpid()}"
    server = urlunsplit(parts._replace(path="/postgres"))

    def run(sql):
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(sql)

    run(f"DROP DATABASE IF EXISTS {name}")
    run(f"CREATE DATABASE {name}")
    return urlunsplit(parts._replace(path=f"/{name}")), lambda: run(f"DROP DATABASE {name}")


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    url, drop = _portal_database(tmp_path_factory.mktemp("portal"))
    second = SecondInstance(url)
    try:
        yield second.start()
    finally:
        second.stop()
        drop()


@pytest.fixture(scope="module")
def source(portal):
    """fast-bitrix24 on the portal: what it serves now."""
    return Bitrix(portal.url, verbose=False, requests_per_second=1000.0)


@pytest.fixture
def boss(db):
    """Our superuser, and a user of ours with the e-mail of one of the portal's."""
    UserFactory(username="olga.here", email="olga@example.com")
    return UserFactory(username="boss", is_superuser=True, is_staff=True)


def migrate(portal, *args) -> str:
    out = io.StringIO()
    call_command("import_bitrix24", portal.url, "--rate", "1000", *args, stdout=out)
    return out.getvalue()


def ours(kind: str, bitrix_id) -> int | None:
    found = PortalMapping.objects.filter(kind=kind, bitrix_id=str(bitrix_id)).first()
    return found.our_id if found else None


def _companies(source) -> list[dict]:
    """The portal's companies in the order of their ids (fast-bitrix24 gives them in none)."""
    rows = source.get_all("crm.company.list", {"select": COMPANY_SELECT})
    return sorted(rows, key=lambda row: int(row["ID"]))


def _users_by_id(source) -> dict[str, dict]:
    users = [*source.get_all("user.get", {"filter": {"ACTIVE": True}}),
             *source.get_all("user.get", {"filter": {"ACTIVE": False}})]  # fmt: skip
    return {u["ID"]: u for u in users}


def _channels(item, channel: str) -> list[tuple]:
    return [(c.value, c.kind.upper()) for c in item.communications.filter(channel=channel)]


def _theirs(row: dict, code: str) -> list[tuple]:
    kinds = {"FAX": "OTHER", "PAGER": "OTHER", "MAILING": "OTHER"}
    return [(v["VALUE"], kinds.get(v["VALUE_TYPE"], v["VALUE_TYPE"])) for v in row.get(code, [])]


def test_a_whole_portal_arrives_with_its_values_and_links(portal, source, boss, tmp_path):
    failures = tmp_path / "failures.csv"

    out = migrate(portal, "--failures", str(failures))

    # Users: found by e-mail whatever its case, or added inactive without a password.
    users = _users_by_id(source)
    olga = next(u for u in users.values() if u["EMAIL"].casefold() == "olga@example.com")
    assert ours(MappingKind.USER, olga["ID"]) == boss._meta.model.objects.get(
        username="olga.here").pk  # fmt: skip
    added = boss._meta.model.objects.get(email="ivan@portal.example")
    assert not added.is_active and not added.has_usable_password()
    # Reference lists: the portal's entries, names and codes; its pipelines and stages.
    assert Entry.objects.get(list_code="COMPANY_TYPE", code="VIP").name == "VIP client"
    assert Entry.objects.get(list_code="COMPANY_TYPE", code="CUSTOMER").name == "Key client"
    assert Entry.objects.filter(list_code="SOURCE", code="FAIR").exists()
    projects = Pipeline.objects.get(name="Projects")
    stages = {s.code: s.semantics for s in projects.stages.all()}
    prefix = projects.stage_code_prefix
    assert stages[f"{prefix}DESIGN"] == "process" and stages[f"{prefix}PRICE"] == "failure"
    # Custom fields keep the portal's codes.
    assert set(CustomField.objects.values_list("entity", "code")) >= {
        ("company", "UF_CRM_TIER"), ("company", "UF_CRM_CLIENT_SINCE"),
        ("contact", "UF_CRM_HOBBY"), ("deal", "UF_CRM_PRIORITY"), ("deal", "UF_CRM_PARTNER"),
    }  # fmt: skip

    # Companies: the same values, phones, e-mails, custom values and responsible people.
    tiers = {i["ID"]: i["VALUE"] for i in source.call("crm.company.fields", raw=True)["result"][
        "UF_CRM_TIER"]["items"]}  # fmt: skip
    labels = {o["id"]: o["label"] for o in CustomField.objects.get(code="UF_CRM_TIER").options}
    theirs = _companies(source)
    broken = next(row for row in theirs if row["TITLE"] == "Broken mail Ltd")
    assert Company.objects.count() == len(theirs) - 1
    for row in theirs:
        if row is broken:
            continue
        company = Company.objects.get(pk=ours("company", row["ID"]))
        assert company.name == row["TITLE"]
        assert (company.type.code if company.type else None) == row["COMPANY_TYPE"]
        assert (company.source.code if company.source else None) == row["SOURCE_ID"]
        assert str(company.revenue) == row["REVENUE"]
        assert company.address_city == row["ADDRESS_CITY"]
        assert _channels(company, "phone") == _theirs(row, "PHONE")
        assert _channels(company, "email") == _theirs(row, "EMAIL")
        assert labels[company.custom["UF_CRM_TIER"]] == tiers[row["UF_CRM_TIER"]]
        assert company.custom["UF_CRM_CLIENT_SINCE"] == row["UF_CRM_CLIENT_SINCE"][:10]
        responsible = users[row["ASSIGNED_BY_ID"]]["EMAIL"]
        assert company.responsible.email.casefold() == responsible.casefold()
    # The row our validation refuses is reported, the rest written.
    report = failures.read_text()
    assert f"companies,{broken['ID']},emails:" in report and "not an e-mail" in report
    assert f"companies: {len(theirs) - 1} created, 1 refused" in out

    # Contacts and their companies.
    contacts = source.get_all("crm.contact.list", {"select": ["*", "UF_*", "COMPANY_IDS"]})
    assert Contact.objects.count() == len(contacts)
    for row in contacts:
        contact = Contact.objects.get(pk=ours("contact", row["ID"]))
        assert (contact.first_name, contact.last_name) == (row["NAME"], row["LAST_NAME"])
        assert contact.custom["UF_CRM_HOBBY"] == row["UF_CRM_HOBBY"]
        assert set(contact.companies.values_list("pk", flat=True)) == {
            ours("company", pk) for pk in row["COMPANY_IDS"]}  # fmt: skip
    assert any(len(row["COMPANY_IDS"]) == 2 for row in contacts)

    # Deals in both pipelines, their stages, company, contacts and custom values; leads.
    deals = source.get_all("crm.deal.list", {"select": ["*", "UF_*", "CONTACT_IDS"]})
    assert Deal.objects.count() == len(deals)
    for row in deals:
        deal = Deal.objects.select_related("stage", "pipeline").get(pk=ours("deal", row["ID"]))
        assert deal.title == row["TITLE"] and str(deal.amount) == row["OPPORTUNITY"]
        assert deal.stage.code.split(":")[-1] == row["STAGE_ID"].split(":")[-1]
        assert deal.pipeline == (projects if row["CATEGORY_ID"] != "0" else Pipeline.objects.get(
            is_default=True))  # fmt: skip
        assert deal.company_id == ours("company", row["COMPANY_ID"])
        assert set(deal.contacts.values_list("pk", flat=True)) == {
            ours("contact", pk) for pk in row["CONTACT_IDS"]}  # fmt: skip
        assert deal.custom["UF_CRM_PRIORITY"] == int(row["UF_CRM_PRIORITY"])
        assert deal.custom["UF_CRM_PARTNER"] == ours("company", row["UF_CRM_PARTNER"])
    leads = source.get_all("crm.lead.list", {"select": ["*", "PHONE"]})
    assert sorted(Lead.objects.values_list("title", flat=True)) == sorted(r["TITLE"] for r in leads)
    # Requisites, under our preset's codes.
    for row in source.get_all("crm.requisite.list"):
        requisite = Requisite.objects.get(pk=ours("requisite", row["ID"]))
        assert requisite.company_id == ours("company", row["ENTITY_ID"])
        assert requisite.values["inn"] == row["RQ_INN"] and requisite.name == row["NAME"]

    # History names the door: "by boss via migration #N".
    portal_row = Portal.objects.get()
    created = Event.objects.get(kind=EventKind.CREATED, item_id=company.pk,
                                item_type__model="company")  # fmt: skip
    assert (created.door, created.door_id, created.author) == ("migration", portal_row.pk, boss)
    assert created.actor_line() == f"by {boss.get_full_name()} via migration #{portal_row.pk}"
    assert portal_row.finished_at is not None and "The migration is finished." in out


def test_a_second_run_applies_the_portals_changes_and_doubles_nothing(portal, source, boss):
    migrate(portal)
    theirs = {row["TITLE"]: row for row in _companies(source)}
    changed = theirs["Company 010"]
    source.call("crm.company.update", {"id": changed["ID"], "fields": {
        "TITLE": "Company 010 (renamed)", "COMPANY_TYPE": "VIP", "UF_CRM_TIER": "2",
        "PHONE": [{"VALUE": "+33 1 00 00 00 10", "VALUE_TYPE": "HOME"}]}})  # fmt: skip
    added = source.call("crm.company.add", {"fields": {"TITLE": f"Newcomer {free_port()}"}})
    contact = next(r for r in source.get_all("crm.contact.list", {"select": ["ID", "COMPANY_IDS"]})
                   if len(r["COMPANY_IDS"]) == 2)  # fmt: skip
    source.call(
        "crm.contact.company.delete",
        {"id": contact["ID"], "fields": {"COMPANY_ID": contact["COMPANY_IDS"][0]}},
    )
    deal = source.get_all("crm.deal.list", {"filter": {"TITLE": "Deal 3"}})[0]
    source.call("crm.deal.update", {"id": deal["ID"], "fields": {
        "STAGE_ID": f"C{deal['CATEGORY_ID']}:PRICE", "UF_CRM_PRIORITY": 99}})  # fmt: skip
    pair = source.get_all("crm.deal.list", {"filter": {"TITLE": "Deal 4"},
                                            "select": ["ID", "CONTACT_IDS"]})[0]  # fmt: skip
    source.call(
        "crm.deal.contact.delete",
        {"id": pair["ID"], "fields": {"CONTACT_ID": pair["CONTACT_IDS"][0]}},
    )
    companies_before = Company.objects.count()

    out = migrate(portal)

    assert Company.objects.count() == companies_before + 1
    assert PortalMapping.objects.filter(kind="company").count() == Company.objects.count()
    assert Contact.objects.count() == len(source.get_all("crm.contact.list", {"select": ["ID"]}))
    company = Company.objects.get(pk=ours("company", changed["ID"]))
    assert (company.name, company.type.code, company.custom["UF_CRM_TIER"]) == (
        "Company 010 (renamed)", "VIP", 2)  # fmt: skip
    assert ("+33 1 00 00 00 10", "HOME") in _channels(company, "phone")
    assert Company.objects.filter(pk=ours("company", added)).exists()
    relinked = Contact.objects.get(pk=ours("contact", contact["ID"]))
    assert list(relinked.companies.values_list("pk", flat=True)) == [
        ours("company", contact["COMPANY_IDS"][1])]  # fmt: skip
    moved = Deal.objects.get(pk=ours("deal", deal["ID"]))
    assert moved.stage.code.endswith(":PRICE") and moved.closed
    assert moved.custom["UF_CRM_PRIORITY"] == 99
    left = Deal.objects.get(pk=ours("deal", pair["ID"]))
    assert list(left.contacts.values_list("pk", flat=True)) == [
        ours("contact", pk) for pk in pair["CONTACT_IDS"][1:]]  # fmt: skip
    updated = Event.objects.filter(kind=EventKind.UPDATED, item_id=company.pk,
                                   item_type__model="company", door="migration")  # fmt: skip
    assert updated.count() == 1
    assert "companies: 1 created, 1 updated" in out and "contacts: " in out
    assert Event.objects.filter(kind=EventKind.CREATED, door="migration").count() == (
        Company.objects.count() + Contact.objects.count() + Deal.objects.count()
        + Lead.objects.count())  # fmt: skip


def test_a_limit_stops_the_run_and_the_next_one_continues(portal, source, boss):
    out = migrate(portal, "--limit", "70", "--batch", "50")

    assert "Stopped after 70 items" in out
    row = Portal.objects.get()
    assert row.finished_at is None and row.progress["fields"]["done"]
    assert Company.objects.count() == 70 and Contact.objects.count() == 0
    seventieth = _companies(source)[69]
    assert row.progress["companies"]["cursor"] == int(seventieth["ID"])

    out = migrate(portal, "--batch", "50")

    theirs = _companies(source)
    assert Company.objects.count() == len(theirs) - 1  # the broken one refused
    assert Event.objects.filter(kind=EventKind.CREATED, item_id__in=Company.objects.values(
        "pk"), item_type__model="company").count() == Company.objects.count()  # fmt: skip
    assert "The migration is finished." in out
    assert f"companies: {len(theirs) - 71} created" in out


def test_a_crash_mid_slice_loses_and_doubles_nothing(portal, source, boss, monkeypatch):
    calls = []

    def crash_on_the_second_slice(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the machine went down")
        return writer(**kwargs)

    writer = clients.contact_company_links_write
    monkeypatch.setattr(clients, "contact_company_links_write", crash_on_the_second_slice)
    with pytest.raises(RuntimeError, match="went down"):
        migrate(portal, "--batch", "50")
    assert Contact.objects.count() == 50  # the first slice, written whole; the second, not at all
    first = sorted(int(r["ID"]) for r in source.get_all("crm.contact.list", {"select": ["ID"]}))
    assert Portal.objects.get().progress["contacts"]["cursor"] == first[49]
    monkeypatch.setattr(clients, "contact_company_links_write", writer)

    migrate(portal, "--batch", "50")

    contacts = source.get_all("crm.contact.list", {"select": ["ID", "COMPANY_IDS"]})
    assert Contact.objects.count() == len(contacts)
    assert PortalMapping.objects.filter(kind="contact").count() == len(contacts)
    links = Contact.companies.through.objects.count()
    assert links == sum(len(row["COMPANY_IDS"]) for row in contacts)


def test_ctrl_c_stops_with_a_clear_message_and_keeps_what_was_written(portal, boss, monkeypatch):
    writer = clients.contact_company_links_write

    def interrupted(**kwargs):
        writer(**kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(clients, "contact_company_links_write", interrupted)
    with pytest.raises(CommandError, match="Interrupted") as stopped:
        migrate(portal, "--batch", "50")

    assert stopped.value.returncode == 130
    assert Company.objects.exists() and not Contact.objects.exists()  # that slice rolled back
    assert Portal.objects.get().progress["companies"]["done"]


@pytest.mark.parametrize("bad", ["revoked", "wrong secret", "not a webhook", "nobody there"])
def test_a_bad_webhook_is_refused_clearly_and_writes_nothing(portal, boss, bad):
    url = {
        "revoked": portal.revoked,
        "wrong secret": portal.url.rsplit("/", 2)[0] + "/" + "0" * 32 + "/",
        "not a webhook": portal.address + "/crm/",
        "nobody there": f"http://127.0.0.1:{free_port()}/rest/1/{'0' * 32}/",
    }[bad]
    expected = {
        "revoked": "HTTP 401",
        "wrong secret": "HTTP 401",
        "not a webhook": "not a webhook address",
        "nobody there": "cannot be reached",
    }

    with pytest.raises(CommandError, match=expected[bad]) as refused:
        call_command("import_bitrix24", url, stdout=io.StringIO())

    assert url.rsplit("/", 2)[-2] not in str(refused.value) or bad == "not a webhook"
    assert not Portal.objects.exists() and not PortalMapping.objects.exists()


def test_a_revoked_webhook_exits_non_zero_from_the_shell(portal):
    # The command stops before writing anything: run it on the portal's own database.
    done = subprocess.run(
        [sys.executable, "manage.py", "import_bitrix24", portal.revoked],
        cwd=ROOT, env=portal.env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "refused the webhook (HTTP 401)" in done.stderr
    assert portal.revoked.rsplit("/", 2)[-2] not in done.stderr + done.stdout


@pytest.mark.parametrize(
    ("args", "message"), [(["--limit", "0"], "--limit"), (["--as", "nobody"], "no active user")]
)
def test_bad_options_are_refused(portal, boss, args, message):
    with pytest.raises(CommandError, match=message):
        migrate(portal, *args)
    assert not Portal.objects.exists()


def test_as_a_manager_only_what_their_rights_allow_is_written(portal, source, manager):
    # The manager has the portal's Olga's e-mail: her items are the manager's own.
    manager.email = "olga@example.com"
    manager.save()

    out = migrate(portal, "--as", manager.username)

    assert not Entry.objects.filter(code="VIP").exists()  # no settings right: lists refused
    assert not CustomField.objects.exists() and not Pipeline.objects.filter(name="Projects")
    theirs = _companies(source)
    olga = next(
        u["ID"]
        for u in _users_by_id(source).values()
        if u["EMAIL"].casefold() == "olga@example.com"
    )
    own = [row for row in theirs if row["ASSIGNED_BY_ID"] == olga and not row["COMPANY_TYPE"]
           and not row["SOURCE_ID"]]  # fmt: skip
    assert set(Company.objects.values_list("name", flat=True)) == {row["TITLE"] for row in own}
    assert set(Company.objects.values_list("responsible", flat=True)) == {manager.pk}
    refused = len(theirs) - len(own)
    assert f"companies: {len(own)} created, {refused} refused" in out
    assert Communication.objects.filter(company__isnull=False).count() == 3 * len(own)
    event = Event.objects.filter(kind=EventKind.CREATED, door="migration").first()
    assert event.author == manager


# What the migration needs of the facade and the services besides


def test_requisites_list_after_an_id_and_refuses_another_comparison(admin_rest, admin):
    preset = Preset.objects.get(name="Организация (Россия)")
    made = [
        requisite_create(user=admin, owner=company_create(user=admin, name=f"R{n}"),
                         preset=preset, values={"full_name": f"R{n}", "inn": inn})
        for n, inn in enumerate(("7707083893", "7736207543", "7702070139"))
    ]  # fmt: skip

    after = admin_rest.result("crm.requisite.list", filter={">ID": made[0].pk})
    upto = admin_rest.result("crm.requisite.list", filter={"<=ID": made[1].pk})

    assert [row["ID"] for row in after] == [str(r.pk) for r in made[1:]]
    assert [row["ID"] for row in upto] == [str(r.pk) for r in made[:2]]
    # Bad input: a comparison on another column, a cursor that is no number.
    admin_rest.refused("crm.requisite.list", 400, filter={">NAME": "R1"})
    admin_rest.refused("crm.requisite.list", 400, filter={">ID": "many"})


def test_a_crm_field_says_which_kind_of_items_it_links(admin_rest, admin):
    custom_field_create(user=admin, entity="deal", label="Partner", kind="company")

    described = admin_rest.result("crm.deal.fields")["UF_CRM_PARTNER"]

    assert described["type"] == "crm"
    assert described["settings"] == {"LEAD": "N", "CONTACT": "N", "COMPANY": "Y", "DEAL": "N"}


def test_a_custom_field_keeps_a_code_given_only_when_it_is_valid_and_free(admin):
    kept = custom_field_create(user=admin, entity="company", label="Tier", kind="string",
                               code="UF_CRM_64A29A1CD5CC2")  # fmt: skip
    assert kept.code == "UF_CRM_64A29A1CD5CC2"
    # Bad input: the code taken, no UF_CRM_ prefix, other characters, too long.
    for code in ("UF_CRM_64A29A1CD5CC2", "TIER", "UF_CRM_ÉTÉ", "UF_CRM_" + "X" * 50):
        with pytest.raises(ValidationError) as refused:
            custom_field_create(user=admin, entity="company", label="Other", kind="string",
                                code=code)  # fmt: skip
        assert "code" in refused.value.message_dict
    assert CustomField.objects.filter(entity="company").count() == 1
