"""The analytics pages, downloads and API: the same table through every door, refusals with a
reason (an unknown report is a 404, bad dates a 400 naming them), and nothing hidden shown."""

import csv
import io
import zipfile
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from deals import services

from .conftest import MARCH, stage

pytestmark = pytest.mark.django_db


def page(client, user, key, **data):
    client.force_login(user)
    return client.get(reverse("analytics:report", args=[key]), {**MARCH, **data})


def test_the_chooser_lists_the_reports(client, history):
    client.force_login(history.mia)
    body = client.get(reverse("analytics:index")).content.decode()
    for title in ("Deal funnel", "Won and lost", "Failure reasons", "Sources", "Managers",
                  "Lead funnel"):  # fmt: skip
        assert title in body


def test_a_report_page_shows_the_chart_data_and_the_table(client, history):
    response = page(client, history.admin, "deal_funnel")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="report-chart"' in body and 'id="report-chart-data"' in body
    assert "vendor/chartjs/chart.umd.min.js" in body
    assert '<th scope="row">Create papers</th>' in body
    assert "350.00 USD; " not in body  # EUR sorts first
    assert "50.00 EUR; 350.00 USD" in body


def test_a_manager_page_names_no_colleague(client, history):
    """The people picker lists every user (as every picker does); the figures name only hers."""
    body = page(client, history.mia, "managers").content.decode()
    table = body.split("<tbody>")[1].split("</tbody>")[0]
    assert "Mia Manager" in table and "Sam Seller" not in table


def test_an_unknown_report_is_a_404(client, history):
    """Bad input: a report name that does not exist."""
    assert page(client, history.admin, "profits").status_code == 404
    client.force_login(history.admin)
    assert client.get(reverse("analytics:download", args=["profits", "csv"])).status_code == 404
    api = APIClient()
    api.force_authenticate(history.admin)
    assert api.get("/api/v1/analytics/profits/").status_code == 404


def test_bad_dates_are_a_400_with_the_reason(client, history):
    """Bad input: a period that ends before it starts, through the page, download and API."""
    bad = {"date_from": "2026-03-31", "date_to": "2026-03-01"}
    response = page(client, history.admin, "won_lost", **bad)
    assert response.status_code == 400
    assert "The period ends before it starts." in response.content.decode()
    url = reverse("analytics:download", args=["won_lost", "csv"])
    refused = client.get(url, {**MARCH, **bad})
    assert refused.status_code == 400 and b"ends before it starts" in refused.content
    api = APIClient()
    api.force_authenticate(history.admin)
    answer = api.get("/api/v1/analytics/won_lost/", {**MARCH, "date_from": "soon"})
    assert answer.status_code == 400
    assert "date_from" in answer.json()


def test_the_api_answers_the_table_as_json(history):
    api = APIClient()
    api.force_authenticate(history.mia)
    data = api.get("/api/v1/analytics/failures/", MARCH).json()
    assert data["report"] == "failures"
    assert [c["key"] for c in data["columns"]] == ["stage", "count", "share", "amount"]
    assert data["rows"] == [
        {"stage": "Deal lost", "count": 1, "share": "100.0", "amount": {"EUR": "50.00"}},
        {"stage": "Analyze failure", "count": 0, "share": "0.0", "amount": {}},
    ]


def test_a_report_says_how_fresh_it_is(client, history):
    """The figures hold every change saved before the moment the page and the API name: a
    deal won just before a read counts in it (the rollups are written with the change)."""
    before = timezone.now()
    api = APIClient()
    api.force_authenticate(history.admin)
    as_of = datetime.fromisoformat(api.get("/api/v1/analytics/won_lost/", MARCH).json()["as_of"])
    assert before <= as_of <= timezone.now()
    body = page(client, history.admin, "won_lost").content.decode()
    assert "Figures as of " in body and "with every change saved before it." in body

    def won_this_month():
        rows = api.get("/api/v1/analytics/won_lost/", {"period": "month"}).json()["rows"]
        return sum(row["won"] for row in rows)

    assert won_this_month() == 0
    services.deal_create(user=history.admin, title="Late", stage=stage("WON"))
    assert won_this_month() == 1


def test_the_api_needs_a_signed_in_caller(history):
    assert APIClient().get("/api/v1/analytics/failures/").status_code in (401, 403)


def test_downloads_as_csv_and_xlsx(client, history):
    client.force_login(history.admin)
    url = reverse("analytics:download", args=["failures", "csv"])
    response = client.get(url, MARCH)
    assert response["Content-Disposition"].endswith('.csv"')
    text = response.content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text), delimiter=";")) == [
        ["Failure stage", "Lost deals", "Share", "Amount"],
        ["Deal lost", "1", "50.0 %", "50.00 EUR"],
        ["Analyze failure", "1", "50.0 %", "200.00 USD"],
    ]
    xlsx = client.get(reverse("analytics:download", args=["failures", "xlsx"]), MARCH)
    sheet = zipfile.ZipFile(io.BytesIO(xlsx.content)).read("xl/worksheets/sheet1.xml").decode()
    assert "Analyze failure" in sheet and "200.00 USD" in sheet
    assert client.get(reverse("analytics:download", args=["failures", "pdf"])).status_code == 404
