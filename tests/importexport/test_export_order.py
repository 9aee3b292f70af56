"""Exports follow the list's order: its ``ordering`` (any sort key, either way), else newest
first, ties broken by id, the same at once, in a job whose rows come in several chunks and
through the API; an ordering the list does not have is refused."""

import re

import pytest
from django.http import QueryDict

from companies import services as client_services
from crm.models import Job
from deals import services as deal_services
from importexport import export_columns, exports
from tests.companies.helpers import phone
from tests.helpers import refused, tables_snapshot

from .helpers import body, csv_rows
from .test_export import arranged, export
from .test_export_jobs import api_export, downloaded

pytestmark = pytest.mark.django_db

# Created in this order: names tie, and the order they were made in is not theirs.
NAMES = ["Delta", "Alpha", "Charlie", "Bravo", "Charlie", "Echo", "Bravo"]


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rows(admin) -> dict[int, list[str]]:
    """Companies named NAMES, each with a phone of its own, so that a row shows whether its
    phone came with it: their rows in a file of name and phones, by id."""
    made = {}
    for n, name in enumerate(NAMES):
        number = f"+1 202 555 01{n:02}"
        company = client_services.company_create(user=admin, name=name, phones=[phone(number)])
        made[company.pk] = [name, "'" + number]  # a leading + is guarded
    return made


def listed(client, path: str, ordering: str, link: str) -> list[int]:
    """The ids of a list page's rows in its order (all of them on one page)."""
    query = {"per_page": "100", **({"ordering": ordering} if ordering else {})}
    page = client.get(path, query).content.decode()
    return [int(pk) for pk in re.findall(rf'<td><a href="{link}(\d+)/">', page)]


def exported(client, ordering: str) -> list[list[str]]:
    query = f"ordering={ordering}&page=2" if ordering else ""
    return csv_rows(body(export(client, query=query, **arranged(["name", "phones"]))))[1:]


def by_name(rows: dict, descending: bool = False) -> list[list[str]]:
    """The rows by name, ties by id, both the same way."""
    return [rows[pk] for pk in sorted(rows, key=lambda pk: (rows[pk][0], pk), reverse=descending)]


@pytest.mark.parametrize("ordering", ["", "name", "-name", "created", "-modified", "id", "-id"])
def test_the_file_holds_the_rows_in_the_order_of_the_list_page(admin_client, rows, ordering):
    """No bad input: every sort key of the list, both ways, and none (newest first)."""
    order = listed(admin_client, "/companies/", ordering, "/companies/")
    assert sorted(order) == sorted(rows)
    assert exported(admin_client, ordering) == [rows[pk] for pk in order]


def test_equal_names_keep_the_order_of_their_ids_the_way_of_the_sort(admin_client, rows):
    """No bad input: two Bravos and two Charlies, by name (first made first) and by name
    descending (the exact reverse)."""
    assert exported(admin_client, "name") == by_name(rows)
    assert exported(admin_client, "-name") == by_name(rows, descending=True)
    assert exported(admin_client, "")[0] == rows[max(rows)]  # none chosen: newest first


def test_deals_by_amount_with_ties_and_no_amount_follow_the_list(admin_client, admin):
    """No bad input: equal amounts and deals without one, where the database's order of
    empty values decides, in both directions."""
    for title, amount in [("A", None), ("B", "5.00"), ("C", "10.00"), ("D", "5.00"), ("E", None)]:
        deal_services.deal_create(user=admin, title=title, amount=amount, currency="USD")
    for ordering in ("amount", "-amount"):
        order = listed(admin_client, "/deals/list/", ordering, "/deals/")
        titles = dict(deal_services.Deal.objects.values_list("pk", "title"))
        response = export(admin_client, "deal", query=f"ordering={ordering}", **arranged(["title"]))
        assert [row[0] for row in csv_rows(body(response))[1:]] == [titles[pk] for pk in order]


def job_across_chunks(admin, rows, monkeypatch):
    """Seven rows in chunks of three (ties at a chunk's edge), by name descending: the job
    counts them and writes each row with its own phone."""
    monkeypatch.setattr(export_columns, "CHUNK_ROWS", 3)
    parameters = exports.export_parameters(
        user=admin, entity="company", file_format="csv", query=QueryDict("ordering=-name"),
        columns=["name", "phones"],
    )  # fmt: skip
    job = Job.objects.create(kind=exports.KIND, requester=admin, parameters=parameters)
    exports.export_run(job)
    job.refresh_from_db()
    assert (job.total, job.done) == (7, 7)
    assert csv_rows(job.result.read())[1:] == by_name(rows, descending=True)


def test_a_job_writes_the_list_order_across_its_chunks(admin, rows, monkeypatch):
    """No bad input: in a transaction (the test's)."""
    job_across_chunks(admin, rows, monkeypatch)


@pytest.mark.django_db(transaction=True)
def test_a_job_outside_a_transaction_reads_on_past_each_chunks_commit(admin, rows, monkeypatch):
    """No bad input: as the worker runs, each chunk's progress committed while the rows'
    cursor is still being read (PostgreSQL holds it past the commits)."""
    job_across_chunks(admin, rows, monkeypatch)


def test_the_api_takes_the_ordering_in_its_filter(
    admin_api, rows, django_capture_on_commit_callbacks
):
    """No bad input: ``filter.ordering`` as the list API takes it."""
    with django_capture_on_commit_callbacks(execute=True):
        answer = api_export(admin_api, filter={"ordering": "name"}, columns=["name", "phones"])
    content = downloaded(admin_api, f"/api/v1/exports/{answer['id']}/download/")
    assert csv_rows(content)[1:] == by_name(rows)


@pytest.mark.parametrize("ordering", ["password", "responsible", "name;-id", "-", "nam e"])
def test_an_ordering_the_list_does_not_have_is_refused(admin_client, admin_api, ordering):
    """Bad input: a field the list does not sort by, a hidden one, separators it does not
    take, a bare minus, a space; on the page and in the API, a 400 naming it, nothing
    written."""
    before = tables_snapshot()
    response = export(admin_client, query=f"ordering={ordering}")
    assert response.status_code == 400
    assert "filter.ordering" in response.content.decode()
    assert tables_snapshot() == before
    data = {"entity": "company", "format": "csv", "filter": {"ordering": ordering}}
    refused(admin_api, "post", "/api/v1/exports/", 400, data, field="filter.ordering")
