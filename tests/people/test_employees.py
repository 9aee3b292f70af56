"""The employees settings: add with a one-time set-password link, departments and roles,
deactivate (no door lets them in; nothing of theirs is lost), reactivate, hand their items
over; pages and ``/api/v1/users/``; nobody raises their own rights."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from rest_framework.authtoken.models import Token

from accessrights.models import Department, Role
from accessrights.rights import rights_changed
from accessrights.services import department_create
from bitrix24.services import webhook_create
from companies.models import Company
from companies.services import company_create, contact_create
from deals.services import deal_create
from people import services
from people.invitations import invitation_path
from people.naming import person_label
from tests.conftest import token_client
from tests.factories import UserFactory
from timeline.models import Event

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "correct horse battery"


@pytest.fixture
def settings_admin(db):
    """A user with the Administrator role (the settings right, all items), no superuser."""
    person = UserFactory(first_name="Sara", last_name="Settings")
    Role.objects.get(name="Administrator").users.add(person)
    rights_changed()
    return person


def link_of(content: str) -> str:
    return re.search(r"http://testserver(/welcome/[^\"<\s]+)", content).group(1)


def test_an_admin_adds_an_employee_who_sets_a_password_once(settings_admin, client):
    client.force_login(settings_admin)
    sales = department_create(user=settings_admin, name="Sales")
    manager_role = Role.objects.get(name="Manager")
    page = client.post(
        "/settings/employees/add/",
        {
            "username": "olga",
            "first_name": "Olga",
            "last_name": "Novak",
            "email": "olga@example.com",
            "departments": [sales.pk],
            "roles": [manager_role.pk],
        },
    )
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    olga = User.objects.get(username="olga")
    assert not olga.has_usable_password()
    assert list(olga.crm_departments.all()) == [sales]
    assert list(olga.crm_roles.all()) == [manager_role]
    # The role's and the department's own history say who was added.
    assert "Olga Novak" in str(Event.objects.of_item(manager_role).first().changes)
    link = link_of(page.content.decode())
    assert not mail.outbox  # no EMAIL_HOST: the link is only shown

    newcomer = Client()
    form = newcomer.get(link, follow=True)
    assert "Your login is “olga”" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    weak = newcomer.post(set_url, {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200 and "too short" in weak.content.decode()
    done = newcomer.post(
        set_url, {"new_password1": "Olga's own 2026!", "new_password2": "Olga's own 2026!"}
    )
    assert done.status_code == 302
    assert newcomer.post("/login/", {"username": "olga", "password": "Olga's own 2026!"}).url == "/"
    # Used once: the same link no longer works.
    again = Client().get(link, follow=True)
    assert "does not work any more" in again.content.decode()


def test_the_link_is_mailed_when_the_installation_sends_mail(settings_admin, settings):
    settings.EMAIL_HOST = "smtp.example.com"
    answer = token_client(settings_admin).post(
        "/api/v1/users/",
        {"username": "piotr", "first_name": "Piotr", "email": "piotr@example.com"},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["mailed"] is True and body["display_name"] == "Piotr"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["piotr@example.com"]
    assert body["set_password_url"] in mail.outbox[0].body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": ""}, "username"),
        ({"username": "has space"}, "username"),
        ({"username": "OLGA"}, "username"),  # taken, whatever its case
        ({"username": "new", "email": "not-an-address"}, "email"),
        ({"username": "new", "roles": [99999]}, "roles"),
    ],
)
def test_bad_employees_are_refused_and_nothing_is_written(settings_admin, body, field):
    """Bad input: an empty or invalid login, a taken one, a bad e-mail, an unknown role."""
    UserFactory(username="olga")
    before = User.objects.count()
    answer = token_client(settings_admin).post("/api/v1/users/", body, format="json")
    assert answer.status_code == 400
    assert field in answer.json()
    assert User.objects.count() == before


def test_every_signed_in_user_reads_the_users_but_only_the_settings_right_writes(
    manager, settings_admin
):
    api = token_client(manager)
    listed = api.get("/api/v1/users/").json()["results"]
    assert {u["username"] for u in listed} >= {manager.username, settings_admin.username}
    assert set(listed[0]) == {
        "id", "username", "first_name", "last_name", "display_name", "is_active"
    }  # fmt: skip
    assert api.get("/api/v1/users/", {"q": "sett"}).json()["results"][0]["id"] == (
        settings_admin.pk
    )
    before = User.objects.count()
    for method, url, body in (
        ("post", "/api/v1/users/", {"username": "sneaky"}),
        ("patch", f"/api/v1/users/{settings_admin.pk}/", {"first_name": "X"}),
        ("post", f"/api/v1/users/{settings_admin.pk}/deactivate/", {}),
        ("post", f"/api/v1/users/{settings_admin.pk}/invitation/", {}),
        ("post", f"/api/v1/users/{settings_admin.pk}/hand-over/", {"to": manager.pk}),
        ("patch", f"/api/v1/users/{manager.pk}/", {"roles": [1]}),
    ):
        assert getattr(api, method)(url, body, format="json").status_code == 403
    settings_admin.refresh_from_db()
    assert settings_admin.is_active and settings_admin.first_name == "Sara"
    assert User.objects.count() == before
    assert not manager.crm_roles.filter(can_change_settings=True).exists()


def test_a_manager_gets_403_on_the_employees_pages(manager, client, settings_admin):
    client.force_login(manager)
    assert client.get("/settings/employees/").status_code == 403
    assert client.get(f"/settings/employees/{settings_admin.pk}/").status_code == 403
    refused = client.post(f"/settings/employees/{settings_admin.pk}/active/", {"active": "0"})
    assert refused.status_code == 403
    settings_admin.refresh_from_db()
    assert settings_admin.is_active


def test_the_settings_right_does_not_reach_superusers_nor_oneself(settings_admin, admin):
    """Bad input: a settings-right holder acting on a superuser and on themselves."""
    api = token_client(settings_admin)
    for url, body in (
        (f"/api/v1/users/{admin.pk}/deactivate/", {}),
        (f"/api/v1/users/{admin.pk}/invitation/", {}),  # would let them take the account
        (f"/api/v1/users/{admin.pk}/", {"email": "mine@example.com"}),
        (f"/api/v1/users/{settings_admin.pk}/deactivate/", {}),
        (f"/api/v1/users/{settings_admin.pk}/invitation/", {}),
    ):
        method = api.patch if url.endswith(f"{admin.pk}/") else api.post
        assert method(url, body, format="json").status_code == 403, url
    answer = api.patch(
        f"/api/v1/users/{settings_admin.pk}/",
        {"is_superuser": True, "is_staff": True, "first_name": "Sara"},
        format="json",
    )
    assert answer.status_code == 200  # rights flags are no keys of an employee: ignored
    admin.refresh_from_db()
    settings_admin.refresh_from_db()
    assert admin.is_active and admin.email != "mine@example.com"
    assert settings_admin.is_active
    assert not settings_admin.is_superuser and not settings_admin.is_staff


def test_a_deactivated_user_cannot_sign_in_by_any_door_and_loses_nothing(settings_admin, client):
    bob = UserFactory(first_name="Bob", last_name="Seller")
    Role.objects.get(name="Manager").users.add(bob)
    company = company_create(user=bob, name="Bob's client")
    token = Token.objects.create(user=bob)
    _webhook, secret = webhook_create(user=bob)
    bobs_session = Client()
    bobs_session.force_login(bob)
    assert bobs_session.get("/companies/").status_code == 200

    services.employee_deactivate(user=settings_admin, employee=bob)

    assert bobs_session.get("/companies/").status_code == 302  # the session no longer works
    login = Client().post("/login/", {"username": bob.username, "password": PASSWORD})
    assert login.status_code == 200  # the form again: refused
    api = Client()
    assert api.get("/api/v1/companies/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 401
    assert Client().get(f"/rest/{bob.pk}/{secret}/server.time").status_code == 401
    # Nothing of theirs is lost: items, roles, history, token row.
    company.refresh_from_db()
    assert company.responsible_id == bob.pk
    assert bob.crm_roles.exists()
    assert Event.objects.of_item(company).exists()
    change = Event.objects.of_item(bob).first()
    assert change.changes == [{"field": "is_active", "old": True, "new": False}]
    assert change.author_id == settings_admin.pk

    services.employee_reactivate(user=settings_admin, employee=bob)
    assert Client().post(
        "/login/", {"username": bob.username, "password": PASSWORD}
    ).status_code == 302  # fmt: skip
    assert api.get("/api/v1/companies/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200


def test_deactivation_ends_a_set_password_link(settings_admin):
    carl = services.employee_create(user=settings_admin, username="carl")
    link = invitation_path(carl)
    services.employee_deactivate(user=settings_admin, employee=carl)
    page = Client().get(link, follow=True)
    assert "does not work any more" in page.content.decode()


def test_hand_over_moves_every_item_with_history(settings_admin, client):
    bob = UserFactory(first_name="Bob", last_name="Seller")
    eve = UserFactory(first_name="Eve", last_name="Closer")
    companies = [company_create(user=settings_admin, name=n, responsible=bob) for n in "ABC"]
    contact = contact_create(user=settings_admin, first_name="Lea", responsible=bob)
    deal = deal_create(user=settings_admin, title="Big one", responsible=bob)
    services.employee_deactivate(user=settings_admin, employee=bob)

    client.force_login(settings_admin)
    page = client.get(f"/settings/employees/{bob.pk}/").content.decode()
    assert "Companies: 3" in page and "Hand over" in page
    answer = token_client(settings_admin).post(
        f"/api/v1/users/{bob.pk}/hand-over/", {"to": eve.pk}, format="json"
    )
    assert answer.status_code == 200
    assert answer.json()["moved"] == {"company": 3, "contact": 1, "deal": 1, "lead": 0,
                                      "quote": 0, "invoice": 0}  # fmt: skip
    for item in (*companies, contact, deal):
        item.refresh_from_db()
        assert item.responsible_id == eve.pk
        change = Event.objects.of_item(item).first()
        assert change.author_id == settings_admin.pk
        assert {"field": "responsible", "old": bob.pk, "new": eve.pk}.items() <= (
            change.changes[0].items()
        )


def test_hand_over_refuses_an_inactive_target_and_leaves_unreachable_items(settings_admin, manager):
    """Bad input: handing over to a deactivated user, and by someone who reaches only some."""
    bob = UserFactory()
    gone = UserFactory(is_active=False)
    company_create(user=settings_admin, name="Bob's", responsible=bob)
    api = token_client(settings_admin)
    refused = api.post(f"/api/v1/users/{bob.pk}/hand-over/", {"to": gone.pk}, format="json")
    assert refused.status_code == 400
    assert Company.objects.get().responsible_id == bob.pk
    # A settings right without item rights moves nothing it cannot reach, and counts nothing.
    settings_only = UserFactory()
    Role.objects.create(name="Settings only", can_change_settings=True).users.add(settings_only)
    rights_changed()
    moved = services.items_hand_over(user=settings_only, employee=bob, to=manager)
    assert moved["company"] == 0
    assert Company.objects.get().responsible_id == bob.pk
    assert services.owned_items(settings_only, bob) == []


def test_the_employees_page_edits_names_departments_and_roles(settings_admin, client):
    client.force_login(settings_admin)
    dana = UserFactory(first_name="Dana", last_name="Old")
    north = Department.objects.create(name="North", path="/")
    supervisor = Role.objects.get(name="Supervisor")
    listing = client.get("/settings/employees/").content.decode()
    assert person_label(dana) in listing
    saved = client.post(
        f"/settings/employees/{dana.pk}/",
        {
            "username": dana.username,
            "first_name": "Dana",
            "last_name": "New",
            "email": "dana@example.com",
            "departments": [north.pk],
            "roles": [supervisor.pk],
        },
    )
    assert saved.status_code == 302
    dana.refresh_from_db()
    assert dana.last_name == "New" and dana.email == "dana@example.com"
    assert list(dana.crm_departments.all()) == [north]
    assert list(dana.crm_roles.all()) == [supervisor]
    history = client.get(f"/settings/employees/{dana.pk}/").content.decode()
    assert "Old" in history and "New" in history
    # Taken away again from the same page.
    client.post(
        f"/settings/employees/{dana.pk}/",
        {"username": dana.username, "first_name": "Dana", "last_name": "New"},
    )
    assert not dana.crm_departments.exists() and not dana.crm_roles.exists()
