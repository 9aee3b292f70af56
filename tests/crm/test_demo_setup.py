"""The quick start's demo data: a login that works and a client base to look at."""

import pytest
from django.core.management import call_command
from django.test import Client

from companies.models import Company, Contact
from deals.models import Deal, Lead
from requisites.models import Requisite

pytestmark = pytest.mark.django_db


def test_demo_setup_creates_the_login_and_data_once(client):
    call_command("demo_setup")
    call_command("demo_setup")  # a second run changes nothing
    assert Company.objects.count() == 4
    assert Contact.objects.count() == 3
    assert Requisite.objects.count() == 3
    assert (Deal.objects.count(), Deal.objects.filter(closed=True).count()) == (5, 1)
    assert Lead.objects.count() == 2
    response = client.post("/login/", {"username": "demo", "password": "demo"})
    assert response.status_code == 302
    assert "Nordwind Logistik GmbH" in client.get("/companies/").content.decode()
    assert "40 pallets a month" in client.get("/deals/").content.decode()


def test_every_demo_user_signs_in_with_the_printed_password(capsys):
    call_command("demo_setup")
    printed = capsys.readouterr().out
    for login, password, what in (
        ("demo", "demo", "administrator"),
        ("manager", "manager", "Manager role"),
        ("supervisor", "supervisor", "Supervisor role"),
    ):
        assert f"{login} / {password}  ({what})" in printed
        session = Client()
        assert session.post("/login/", {"username": login, "password": password}).url == "/"
    # The manager has clients of her own; the supervisor heads her department.
    assert set(Company.objects.filter(responsible__username="manager").values_list(
        "name", flat=True
    )) == {"Nordwind Logistik GmbH", "Boulangerie Dupont SARL"}  # fmt: skip
    call_command("demo_setup")
    assert "existing account, password unchanged" in capsys.readouterr().out
