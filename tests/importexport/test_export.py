"""Exports from the list pages, downloaded at once (up to EXPORT_INLINE_ROWS rows): CSV with a
BOM and either delimiter, XLSX; headers by label, every value as the import reads it back;
formulas neutralised; the list's filter and the requester's rights; bad input refused."""

import pytest
from django.test import Client

from accessrights.models import Scope
from companies import services as client_services
from companies.models import Company
from crm.models import Job, JobStatus
from deals import services as deal_services
from dictionaries.custom_fields import custom_field_create
from tests.companies.helpers import entry, phone
from tests.factories import UserFactory
from tests.helpers import give_role, tables_snapshot

from .helpers import body, csv_rows, xlsx_cells, xlsx_rows

pytestmark = pytest.mark.django_db

EMAIL = {"kind": "work"}


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def export(client, entity="company", **posted):
    """Post a list's Export menu as the page does (the list's query string, the scope, the
    format and the delimiter): the answer."""
    data = {"query": "", "scope": "filter", "format": "csv", "delimiter": ";", **posted}
    return client.post(f"/exports/new/{entity}/", data)


@pytest.fixture
def rich_company(admin):
    """A company with accents and Cyrillic, two phones, two e-mails, a type, and custom
    values (a list option and a date)."""
    custom_field_create(
        user=admin, entity="company", label="Tier", kind="list",
        options=[{"label": "Gold"}, {"label": "Silver"}],
    )  # fmt: skip
    custom_field_create(user=admin, entity="company", label="Renewal", kind="date")
    admin.first_name, admin.last_name = "Zoë", "Ёлкина"
    admin.save()
    return client_services.company_create(
        user=admin, name="Société Générale «Ёжик»", type=entry("COMPANY_TYPE", "CUSTOMER"),
        phones=[phone("+1 202 555 0143"), phone("+33 7 74 91 84 97", "mobile")],
        emails=[{"value": "info@ёжик.рф", **EMAIL}, {"value": "sales@example.com", **EMAIL}],
        custom={"UF_CRM_TIER": "Silver", "UF_CRM_RENEWAL": "2026-12-31"},
        revenue="1234567.50", currency="EUR",
    )  # fmt: skip


COLUMNS = ["name", "type", "phones", "emails", "responsible", "revenue", "currency",
           "UF_CRM_TIER", "UF_CRM_RENEWAL", "created_at"]  # fmt: skip
HEADERS = ["Name", "Company type", "Phones", "E-mails", "Responsible person", "Annual revenue",
           "Currency", "Tier", "Renewal", "Created"]  # fmt: skip


def arranged(codes) -> dict:
    """The export page's column arrangement: ``codes`` in the file, in this order."""
    data = {"arranged": "1"}
    for position, code in enumerate(codes, 1):
        data[f"place-{code}"], data[f"order-{code}"] = "shown", str(position)
    return data


def expected_row(company) -> list[str]:
    return [
        "Société Générale «Ёжик»", "Client", "'+1 202 555 0143, +33 7 74 91 84 97",
        "info@ёжик.рф, sales@example.com", "Zoë Ёлкина", "1234567.50", "EUR", "Silver",
        "2026-12-31", company.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    ]  # fmt: skip


@pytest.mark.parametrize("delimiter", [";", ","])
def test_csv_downloads_at_once_with_a_bom_headers_by_label_and_every_value(
    admin_client, rich_company, delimiter
):
    """No bad input: Cyrillic, accents, custom fields, every phone and e-mail survive."""
    response = export(admin_client, delimiter=delimiter, **arranged(COLUMNS))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="companies-' in response["Content-Disposition"]
    assert csv_rows(body(response), delimiter) == [HEADERS, expected_row(rich_company)]
    job = Job.objects.get()
    assert (job.kind, job.status, job.total, job.done) == ("export.run", JobStatus.DONE, 1, 1)
    assert job.parameters["columns"] == COLUMNS and job.parameters["inline"] is True


def test_xlsx_downloads_at_once_every_cell_a_string(admin_client, rich_company):
    """No bad input: the same company as an Excel file, every cell text."""
    response = export(admin_client, format="xlsx", **arranged(COLUMNS))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = body(response)
    expected = expected_row(rich_company)
    expected[2] = expected[2].lstrip("'")  # no prefix needed: a cell of text never runs
    assert xlsx_rows(content) == [HEADERS, expected]
    assert {kind for row in xlsx_cells(content) for _value, kind in row} == {"s"}


FORMULAS = ["=1+1", "+7 812 848 6520", "-5", "@SUM(A1:A2)", "\tTabbed", "\rReturned"]


@pytest.fixture
def formula_companies(admin):
    companies = [client_services.company_create(user=admin, name=name) for name in FORMULAS]
    # The services trim names; a tab or CR in front comes from data written otherwise.
    for company, name in zip(companies, FORMULAS, strict=True):
        Company.objects.filter(pk=company.pk).update(name=name)
    return companies


def test_csv_cells_that_would_start_a_formula_get_a_quote(admin_client, formula_companies):
    """Bad input: names that a spreadsheet would run as formulas (=, +, -, @, tab, CR); the
    list's order, newest first."""
    rows = csv_rows(body(export(admin_client, **arranged(["name"]))))
    assert rows == [["Name"], *(["'" + name] for name in reversed(FORMULAS))]


def test_xlsx_cells_that_would_start_a_formula_stay_text(admin_client, formula_companies):
    """Bad input: the same names in XLSX: strings (type "s"), unchanged, never formulas."""
    cells = xlsx_cells(body(export(admin_client, format="xlsx", **arranged(["name"]))))
    assert cells[1:] == [[(name, "s")] for name in reversed(FORMULAS)]


def test_the_list_columns_are_the_default_columns(admin_client, admin, rich_company):
    """No bad input: the menu's quick export has the list's columns (and the name first,
    an amount's currency after it), as the user chose them."""
    admin_client.post("/companies/", {"place-revenue": "shown", "place-type": "shown",
                                      "order-revenue": "1", "order-type": "2"})  # fmt: skip
    header, row = csv_rows(body(export(admin_client)))
    assert header == ["Name", "Annual revenue", "Currency", "Company type"]
    assert row == ["Société Générale «Ёжик»", "1234567.50", "EUR", "Client"]


def test_the_current_filter_or_everything(admin_client, admin):
    """No bad input: the list's filter (its search) chooses the rows; "every item" all; in
    the list's order (newest first)."""
    for name in ("Acme", "Acme North", "Globex"):
        client_services.company_create(user=admin, name=name)
    filtered = csv_rows(body(export(admin_client, query="q=acme&page=3", **arranged(["name"]))))
    assert filtered == [["Name"], ["Acme North"], ["Acme"]]
    everything = export(admin_client, query="q=acme", scope="all", **arranged(["name"]))
    assert csv_rows(body(everything))[1:] == [["Globex"], ["Acme North"], ["Acme"]]
    assert Job.objects.order_by("pk").first().parameters["filter"] == {"q": "acme"}


def test_deals_are_exported_with_their_stage_and_client_by_name(admin_client, admin):
    """No bad input: references, a linked company and linked contacts by name."""
    company = client_services.company_create(user=admin, name="Acme")
    contact = client_services.contact_create(user=admin, first_name="Ann", last_name="Lee")
    deal_services.deal_create(
        user=admin, title="Big one", company=company, contacts=[contact], amount="10.00",
        currency="USD",
    )  # fmt: skip
    columns = ["title", "stage", "amount", "currency", "company", "contacts", "responsible"]
    header, row = csv_rows(body(export(admin_client, "deal", **arranged(columns))))
    assert header == ["Title", "Stage", "Amount", "Currency", "Company", "Contacts",
                      "Responsible person"]  # fmt: skip
    assert row == ["Big one", "New", "10.00", "USD", "Acme", "Ann Lee", admin.get_full_name()]


@pytest.fixture
def manager(db):
    """A manager who reads their own companies and contacts but may export every one: what
    they may not read is never in their file."""
    user = UserFactory()
    give_role(user, {entity: {"read": Scope.OWN, "export": Scope.ALL}
                     for entity in ("company", "contact")})  # fmt: skip
    return user


def test_a_manager_never_exports_what_they_may_not_read(manager, admin):
    """Bad input: a filter naming the hidden items (their responsible person), and a contact
    linked to a company the manager may not read."""
    client_services.company_create(user=admin, name="Hidden Ltd")
    hidden = client_services.company_create(user=admin, name="Hidden Two", opened=False)
    mine = client_services.company_create(user=admin, name="Mine", responsible=manager)
    client_services.contact_create(
        user=admin, last_name="Doe", responsible=manager, companies=[hidden, mine]
    )
    client = Client()
    client.force_login(manager)
    assert csv_rows(body(export(client, **arranged(["name"]))))[1:] == [["Mine"]]
    naming = export(client, query=f"responsible={admin.pk}", **arranged(["name"]))
    assert csv_rows(body(naming)) == [["Name"]]
    contacts = csv_rows(body(export(client, "contact", **arranged(["last_name", "companies"]))))
    assert contacts == [["Last name", "Companies"], ["Doe", "Mine"]]


def test_without_the_export_right_the_menu_is_hidden_and_an_export_is_a_403(admin):
    """Bad input: an export posted by a user whose role reads companies but exports none."""
    reader = UserFactory()
    give_role(reader, {"company": {"read": Scope.ALL}})
    client_services.company_create(user=admin, name="Acme")
    client = Client()
    client.force_login(reader)
    assert b"/exports/new/company/" not in client.get("/companies/").content
    before = tables_snapshot()
    assert export(client).status_code == 403
    assert client.get("/exports/new/company/").status_code == 403
    assert tables_snapshot() == before


@pytest.mark.parametrize(
    ("posted", "reason"),
    [
        ({"query": "shoe_size=42"}, "filter.shoe_size: There is no filter “shoe_size”"),
        ({"query": "type=NO_SUCH_TYPE"}, "filter.type:"),
        ({"place-shoe_size": "shown", "arranged": "1"}, "columns: Choose at least one column"),
        ({"format": "pdf"}, "format: Choose CSV or XLSX."),
        ({"delimiter": "|"}, "delimiter: The delimiter is"),
    ],
)
def test_bad_input_is_a_400_naming_it_and_exports_nothing(admin_client, posted, reason):
    """Bad input: a parameter that is no filter of the list, a value no filter takes, no
    known column, an unknown format, an unknown delimiter."""
    before = tables_snapshot()
    response = export(admin_client, **posted)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert tables_snapshot() == before


def test_an_unknown_item_type_is_a_404(admin_client):
    """Bad input: an item type that does not exist."""
    assert export(admin_client, "spaceship").status_code == 404
    assert admin_client.get("/exports/new/spaceship/").status_code == 404


def test_the_export_page_offers_every_column_with_the_lists_first(admin_client):
    """No bad input: the form lists the list's columns as the file's, the others after."""
    content = admin_client.get("/exports/new/company/?type=CUSTOMER").content.decode()
    assert content.index('name="place-name"') < content.index('name="place-address_city"')
    assert '<input type="hidden" name="query" value="type=CUSTOMER">' in content


def test_exports_are_listed_for_their_requester_and_every_one_for_a_superuser(admin_client, user):
    """Bad input: a user looking for somebody else's exports."""
    export(admin_client, query="q=acme")
    user_client = Client()
    user_client.force_login(user)
    export(user_client)
    mine = user_client.get("/exports/").content.decode()
    assert mine.count("<tr>") == 2  # the header and their one export
    assert "q = acme" not in mine
    everyone = admin_client.get("/exports/").content.decode()
    assert everyone.count("<tr>") == 3 and "q = acme" in everyone
