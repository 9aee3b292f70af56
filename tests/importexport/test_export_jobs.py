"""Exports larger than EXPORT_INLINE_ROWS run as jobs (in-process here; the real worker in
test_export_worker.py), their file downloadable by the requester and superusers only, until
it expires; the API; a constant number of queries per chunk of rows."""

import os
from datetime import timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accessrights.models import Scope
from accessrights.rights import rights_changed
from companies import services as client_services
from companies.models import Company, Contact
from crm.models import Job, JobStatus
from dictionaries.custom_fields import custom_field_create
from importexport import exports
from importexport.export_columns import ExportReader, export_columns
from tests.companies.helpers import entry, phone
from tests.conftest import token_client
from tests.factories import UserFactory
from tests.helpers import give_role, refused

from .helpers import csv_rows, xlsx_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_inline_limit(settings, tmp_path):
    settings.EXPORT_INLINE_ROWS = 2
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def companies(admin):
    return [
        client_services.company_create(
            user=admin, name=f"Company {n}", phones=[phone(f"+1 202 555 01{n:02}")]
        )
        for n in range(5)
    ]


def downloaded(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def test_a_large_export_is_a_job_whose_page_links_its_file(admin_client, companies, run_jobs):
    """No bad input: five companies when the limit of an export at once is two."""
    with run_jobs(execute=True):
        response = admin_client.post(
            "/exports/new/company/", {"query": "", "format": "csv", "delimiter": ","}
        )
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert (job.status, job.total, job.done) == (JobStatus.DONE, 5, 5)
    page = admin_client.get(response.url).content.decode()
    assert f'href="/exports/{job.pk}/download/"' in page
    rows = csv_rows(downloaded(admin_client, f"/exports/{job.pk}/download/"), ",")
    assert [row[0] for row in rows] == ["Name", *(f"Company {n}" for n in range(4, -1, -1))]
    assert f"/exports/{job.pk}/download/" in admin_client.get("/exports/").content.decode()


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """``with run_jobs(execute=True):`` runs the jobs started inside, as a commit would."""
    return django_capture_on_commit_callbacks


def started(user, parameters, run_jobs) -> Job:
    with run_jobs(execute=True):
        job = exports.export_start(user=user, parameters=parameters)
    job.refresh_from_db()
    return job


@pytest.fixture
def finished_export(admin, companies, run_jobs) -> Job:
    parameters = exports.export_parameters(
        user=admin, entity="company", file_format="xlsx", query=QueryDict(), columns=["name"]
    )
    return started(admin, parameters, run_jobs)


def test_only_the_requester_and_superusers_download_an_export(finished_export, user):
    """Bad input: another user (with every right on companies) asking for the file, and
    for its progress page; both are 404s, as for an export that does not exist."""
    other = Client()
    other.force_login(user)
    assert other.get(f"/exports/{finished_export.pk}/download/").status_code == 404
    assert other.get(f"/jobs/{finished_export.pk}/").status_code == 404
    assert other.get("/exports/999999/download/").status_code == 404
    superuser = Client()
    superuser.force_login(UserFactory(is_superuser=True))
    content = downloaded(superuser, f"/exports/{finished_export.pk}/download/")
    assert xlsx_rows(content)[0] == ["Name"]


def test_an_expired_export_is_a_404_and_its_file_is_purged(admin_client, finished_export):
    """Bad input: a download asked for after EXPORT_TTL_HOURS."""
    url = f"/exports/{finished_export.pk}/download/"
    assert admin_client.get(url).status_code == 200
    finished_export.refresh_from_db()
    stored = finished_export.result.path
    Job.objects.filter(pk=finished_export.pk).update(
        finished_at=timezone.now() - timedelta(hours=24, seconds=1)
    )
    assert admin_client.get(url).status_code == 404
    assert "expired" in admin_client.get("/exports/").content.decode()
    assert exports.exports_purge_expired() == 1
    finished_export.refresh_from_db()
    assert not finished_export.result
    assert not os.path.exists(stored)


def test_the_worker_chooses_the_rows_with_the_rights_of_the_moment(admin, companies, run_jobs):
    """Bad input: an export started by someone who lost the export right before it ran, and
    one whose requester's reach narrowed meanwhile."""
    manager = UserFactory()
    role = give_role(manager, {"company": {"read": Scope.ALL, "export": Scope.ALL}})
    Company.objects.filter(pk=companies[0].pk).update(responsible=manager)
    parameters = exports.export_parameters(
        user=manager, entity="company", file_format="csv", query=QueryDict(), columns=["name"]
    )
    role.permissions.filter(action="read").update(scope=Scope.OWN)
    rights_changed()
    narrowed = started(manager, parameters, run_jobs)
    assert (narrowed.status, narrowed.total) == (JobStatus.DONE, 1)
    role.permissions.filter(action="export").delete()
    rights_changed()
    refused_job = started(manager, parameters, run_jobs)
    assert refused_job.status == JobStatus.FAILED
    assert "right to export" in refused_job.error
    assert not refused_job.result


def test_each_chunk_takes_the_same_queries_whatever_it_holds(admin):
    """No bad input: memory stays flat because rows come a chunk at a time, and what they
    show of other tables is read per chunk, never per row: a chunk of 2 contacts and one of
    8, with phones, e-mails, linked companies, a type, a user and a custom link, cost the
    same queries; references and users already named cost none again."""
    custom_field_create(user=admin, entity="contact", label="Partner", kind="company")
    acme = client_services.company_create(user=admin, name="Acme")
    for n in range(10):
        client_services.contact_create(
            user=admin, last_name=f"Doe {n}", type=entry("CONTACT_TYPE", "CLIENT"),
            phones=[phone("+1 202 555 0143"), phone("+1 202 555 0144", "mobile")],
            emails=[{"value": f"doe{n}@example.com", "kind": "work"}], companies=[acme],
            custom={"UF_CRM_PARTNER": acme.pk},
        )  # fmt: skip
    codes = ["last_name", "type", "phones", "emails", "companies", "responsible",
             "UF_CRM_PARTNER", "created_at"]  # fmt: skip
    reader = ExportReader(Contact, export_columns("contact", codes), admin)
    first = Contact.objects.order_by("pk")[0].pk
    queries = []
    for size in (2, 8):
        items = Contact.objects.filter(pk__lt=first + 10)
        chunks = reader.chunks(items, size=size)
        with CaptureQueriesContext(connection) as captured:
            columns = next(chunks)
        chunks.close()  # its server-side cursor, before the test's transaction ends
        queries.append(len(captured))
        assert len(columns[0]) == size
        assert columns[4] == ["Acme"] * size and columns[6] == ["Acme"] * size
    # the rows; phones and e-mails; links and their companies; the custom link (the type and
    # the user were named in the first chunk already, and are not read again)
    assert queries == [7, 5]


# The API


def api_export(api, status=201, **data):
    body = {"entity": "company", "format": "csv", **data}
    response = api.post("/api/v1/exports/", body, format="json")
    assert response.status_code == status, response.content
    return response.json()


def test_the_api_starts_an_export_and_tells_where_its_file_is(admin_api, companies, run_jobs):
    """No bad input: a filter in the list API's query parameters, columns by code."""
    Company.objects.filter(pk=companies[1].pk).update(type=entry("COMPANY_TYPE", "PARTNER"))
    with run_jobs(execute=True):
        answer = api_export(admin_api, filter={"type": ["PARTNER"]}, columns=["name", "type"],
                            delimiter=",")  # fmt: skip
    assert set(answer) >= {"id", "status"}
    read = admin_api.get(f"/api/v1/exports/{answer['id']}/").json()
    assert (read["status"], read["total"], read["processed"]) == ("done", 1, 1)
    assert read["download_url"].endswith(f"/api/v1/exports/{answer['id']}/download/")
    response = admin_api.get(read["download_url"], HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    rows = csv_rows(b"".join(response.streaming_content), ",")
    assert rows == [["Name", "Company type"], ["Company 1", "Partner"]]


def test_the_api_hides_other_peoples_exports(admin_api, user):
    """Bad input: another user reading an export and its file: 404s."""
    answer = api_export(admin_api)
    other = token_client(user)
    assert other.get(f"/api/v1/exports/{answer['id']}/").status_code == 404
    assert other.get(f"/api/v1/exports/{answer['id']}/download/").status_code == 404


@pytest.mark.parametrize(
    ("data", "field", "match"),
    [
        ({"entity": "spaceship"}, "entity", "not a valid choice"),
        ({"format": "pdf"}, "format", "not a valid choice"),
        ({"columns": ["name", "shoe_size"]}, "columns", "shoe_size"),
        ({"columns": []}, "columns", ""),
        ({"filter": {"shoe_size": "42"}}, "filter.shoe_size", "no filter “shoe_size”"),
        ({"filter": {"type": ["NO_SUCH_TYPE"]}}, "filter.type", ""),
        ({"filter": {"type": {"nested": 1}}}, "filter", "Expected a string"),
        ({"filter": "type=CUSTOMER"}, "filter", ""),
        ({"delimiter": "|"}, "delimiter", ""),
    ],
)
def test_the_api_refuses_bad_input_naming_it(admin_api, data, field, match):
    """Bad input: as each case says (an unknown item type, format, column, filter parameter
    or value, a filter of the wrong shape, a delimiter); a 400 naming it, nothing written."""
    body = {"entity": "company", "format": "csv", **data}
    refused(admin_api, "post", "/api/v1/exports/", 400, body, field=field, match=match)


def test_the_api_refuses_an_export_without_the_right(admin):
    """Bad input: an export asked for by a user who may read companies but not export."""
    reader = UserFactory()
    give_role(reader, {"company": {"read": Scope.ALL}})
    body = {"entity": "company", "format": "xlsx"}
    answer = refused(token_client(reader), "post", "/api/v1/exports/", 403, body)
    assert "right to export" in answer["detail"]
