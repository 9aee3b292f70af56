"""Error pages are the product's own, in its layout with a way back, and the quick start's
default is safe: DEBUG is off unless asked for, so nobody sees Django's list of every URL."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client, RequestFactory
from django.views.defaults import server_error

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_debug_is_off_unless_asked_for():
    environment = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    environment["DJANGO_SETTINGS_MODULE"] = "crm.settings"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); "
         "from django.conf import settings; print(settings.DEBUG)"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_an_unknown_address_is_our_404_with_a_way_back(client, admin):
    # Bad input: an address no route answers, signed in and not.
    for reader in (None, admin):
        if reader:
            client.force_login(reader)
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        page = response.content.decode()
        assert "Not found" in page and 'class="topbar"' in page
        assert "Back to the start page" in page
        assert "URLconf" not in page and "company_list" not in page


def test_a_server_error_is_our_500_in_the_layout():
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page and "Nothing you saved before is lost" in page
    assert 'class="topbar"' in page and "Back to the start page" in page


def test_an_expired_form_is_explained_in_the_layout(admin):
    # Bad input: a post without the CSRF token (a form kept open past its cookie).
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    response = client.post("/companies/add/", {"name": "Nordwind"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "The form has expired" in page and 'class="topbar"' in page
    assert "CSRF verification failed" not in page


def test_static_files_and_the_favicon_are_served_without_debug(client, admin):
    client.force_login(admin)
    page = client.get("/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
    assert finders.find("favicon.svg")
    for path in ("/static/favicon.svg", "/static/css/crm.css", "/static/js/crm.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        b"".join(response.streaming_content)
