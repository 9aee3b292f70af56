"""The access rights pages: settings right, scope grid, holders, departments, history, escaping."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accessrights import services
from accessrights.models import Action, Department, Role, RolePermission
from accessrights.rights import rights_of
from accessrights.rules import can_change_settings
from companies import services as company_services
from companies.models import Company
from people.naming import person_label
from tests.factories import UserFactory
from tests.helpers import entity_keys, tables_snapshot
from timeline.models import Event

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
HOSTILE = '"><script>alert(1)</script>'


def fresh(user):
    """The user as the next request sees them (no rights cached on the object)."""
    return get_user_model().objects.get(pk=user.pk)


def scope_of(role, entity, action):
    permission = RolePermission.objects.filter(role=role, entity=entity, action=action).first()
    return permission.scope if permission else "none"


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/settings/rights/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_users_without_the_settings_right_get_403_and_nothing_changes(admin, user, user_client):
    manager = Role.objects.get(name="Manager")
    top = services.department_create(user=admin, name="Company")
    child = services.department_create(user=admin, name="Sales", parent=top)
    for url in [
        "/settings/rights/",
        f"/settings/rights/roles/{manager.pk}/",
        "/settings/rights/departments/",
        f"/settings/rights/departments/{child.pk}/",
    ]:
        assert user_client.get(url).status_code == 403, url
    before = tables_snapshot()
    for url, data in [
        ("/settings/rights/roles/add/", {"name": "Hacked"}),
        (f"/settings/rights/roles/{manager.pk}/update/", {"name": "Hacked"}),
        (
            f"/settings/rights/roles/{manager.pk}/permission/",
            {"entity": "company", "action": "read", "scope": "all"},
        ),
        (f"/settings/rights/roles/{manager.pk}/assign/", {"users": [user.pk]}),
        (f"/settings/rights/roles/{manager.pk}/delete/", {}),
        ("/settings/rights/departments/add/", {"name": "Hacked"}),
        (f"/settings/rights/departments/{child.pk}/", {"name": "Hacked", "members": [user.pk]}),
        (f"/settings/rights/departments/{child.pk}/delete/", {}),
    ]:
        assert user_client.post(url, data).status_code == 403, url
        assert user_client.post(url, data, **HTMX).status_code == 403, url
    assert tables_snapshot() == before
    assert not can_change_settings(fresh(user))


def test_the_role_page_shows_roles_grid_holders_and_tabs(admin_client):
    response = admin_client.get("/settings/rights/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ["Administrator", "Manager", "Supervisor"]:
        assert name in html
    assert 'id="scope-company-read"' in html and 'id="scope-deal-import"' in html
    assert 'name="can_change_settings"' in html and 'name="users"' in html
    assert 'name="departments"' in html and "hx-confirm" in html
    assert "/settings/rights/departments/" in html
    # The shared settings tabs lead here from the reference lists, and back.
    assert "/settings/dictionaries/COMPANY_TYPE/" in html
    tabs = admin_client.get("/settings/dictionaries/COMPANY_TYPE/").content.decode()
    assert 'href="/settings/rights/"' in tabs
    assert admin_client.get("/settings/rights/roles/999999/").status_code == 404


def test_changing_a_scope_cell_saves_it_and_records_history(admin_client, admin):
    manager = Role.objects.get(name="Manager")
    cells = manager.permissions.count()  # a row per item type and action
    assert cells == len(Action.values) * len(entity_keys())
    response = admin_client.post(
        f"/settings/rights/roles/{manager.pk}/permission/",
        {"entity": "company", "action": "delete", "scope": "all"},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="role-grid"' in html and 'id="role-history"' in html
    assert 'class="alert error"' not in html
    assert 'id="scope-company-delete" name="scope" data-scope="all"' in html
    assert scope_of(manager, "company", "delete") == "all"
    event = Event.objects.of_item(manager).first()
    assert event.author == admin
    assert event.changes == [
        {"field": "company.delete", "label": "company.delete", "old": "own", "new": "all"}
    ]
    # The history names the cell and the scopes as people read them.
    assert "Companies: Delete" in html and "Own" in html
    assert manager.permissions.count() == cells  # changed in place

    admin_client.post(
        f"/settings/rights/roles/{manager.pk}/permission/",
        {"entity": "deal", "action": "import", "scope": "none"},
        **HTMX,
    )
    assert scope_of(manager, "deal", "import") == "none"
    assert manager.permissions.count() == cells - 1  # "none" is no row
    html = admin_client.get(f"/settings/rights/roles/{manager.pk}/").content.decode()
    assert "Deals: Import" in html


def test_a_bad_scope_value_gets_422_and_changes_nothing(admin_client):
    manager = Role.objects.get(name="Manager")
    before = tables_snapshot()
    for data in [
        {"entity": "company", "action": "read", "scope": "everything"},
        {"entity": "order", "action": "read", "scope": "all"},  # no app registers orders
        {"entity": "company", "action": "fly", "scope": "all"},
        {},
    ]:
        response = admin_client.post(
            f"/settings/rights/roles/{manager.pk}/permission/", data, **HTMX
        )
        assert response.status_code == 422
        assert "unknown" in response.content.decode()
    assert tables_snapshot() == before
    # Without htmx the refusal comes back as a message on the role page.
    response = admin_client.post(
        f"/settings/rights/roles/{manager.pk}/permission/",
        {"entity": "company", "action": "read", "scope": "everything"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/settings/rights/roles/{manager.pk}/"
    assert "unknown" in response.content.decode()
    assert tables_snapshot() == before


def test_assigning_a_role_to_a_user_gives_them_its_rights(admin_client, admin):
    acme = company_services.company_create(user=admin, name="Acme")
    newcomer = UserFactory()
    assert not Company.objects.restrict(fresh(newcomer), "read").exists()

    response = admin_client.post("/settings/rights/roles/add/", {"name": "Readers"})
    readers = Role.objects.get(name="Readers")
    assert response.url == f"/settings/rights/roles/{readers.pk}/"
    admin_client.post(
        f"/settings/rights/roles/{readers.pk}/permission/",
        {"entity": "company", "action": "read", "scope": "all"},
        **HTMX,
    )
    response = admin_client.post(
        f"/settings/rights/roles/{readers.pk}/assign/", {"users": [newcomer.pk]}, **HTMX
    )
    assert response.status_code == 200
    assert list(Company.objects.restrict(fresh(newcomer), "read")) == [acme]
    assert rights_of(fresh(newcomer)).scopes_for("company", "read") == {"all"}
    assert not Company.objects.restrict(fresh(newcomer), "update").exists()
    assert not can_change_settings(fresh(newcomer))
    changes = Event.objects.of_item(readers).first().changes
    assert changes == [
        {"field": "users", "label": "users", "old": "", "new": person_label(newcomer)}
    ]

    # Taking the role away takes the rights away.
    admin_client.post(f"/settings/rights/roles/{readers.pk}/assign/", {}, **HTMX)
    assert not Company.objects.restrict(fresh(newcomer), "read").exists()


def test_a_role_given_to_a_department_reaches_members_of_its_sub_departments(admin_client, admin):
    acme = company_services.company_create(user=admin, name="Acme")
    member = UserFactory()
    admin_client.post("/settings/rights/departments/add/", {"name": "Company"}, **HTMX)
    top = Department.objects.get(name="Company")
    admin_client.post(
        "/settings/rights/departments/add/", {"name": "Sales", "parent": top.pk}, **HTMX
    )
    sales = Department.objects.get(name="Sales")
    response = admin_client.post(
        f"/settings/rights/departments/{sales.pk}/", {"name": "Sales", "parent": top.pk,
                                                     "members": [member.pk]}
    )  # fmt: skip
    assert response.status_code == 302
    administrator = Role.objects.get(name="Administrator")
    response = admin_client.post(
        f"/settings/rights/roles/{administrator.pk}/assign/",
        {"users": [admin.pk], "departments": [top.pk]},
        **HTMX,
    )
    assert response.status_code == 200
    assert list(Company.objects.restrict(fresh(member), "delete")) == [acme]
    assert can_change_settings(fresh(member))
    html = admin_client.get("/settings/rights/departments/").content.decode()
    assert f'href="/settings/rights/roles/{administrator.pk}/"' in html


def test_a_bad_assignment_gets_422_and_changes_nothing(admin_client):
    manager = Role.objects.get(name="Manager")
    before = tables_snapshot()
    response = admin_client.post(
        f"/settings/rights/roles/{manager.pk}/assign/",
        {"users": ["999999"], "departments": ["x"]},
        **HTMX,
    )
    assert response.status_code == 422
    assert 'class="alert error"' in response.content.decode()
    assert tables_snapshot() == before


def test_rename_settings_right_add_and_delete_a_role(admin_client):
    holder = UserFactory()
    manager = Role.objects.get(name="Manager")
    manager.users.add(holder)
    response = admin_client.post(
        f"/settings/rights/roles/{manager.pk}/update/",
        {"name": "Sellers", "can_change_settings": "1"},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Sellers"' in html and 'id="role-list"' in html
    manager.refresh_from_db()
    assert manager.name == "Sellers" and manager.can_change_settings
    assert can_change_settings(fresh(holder))
    labels = {c["field"] for c in Event.objects.of_item(manager).first().changes}
    assert labels == {"name", "can_change_settings"}

    before = tables_snapshot()
    response = admin_client.post(
        f"/settings/rights/roles/{manager.pk}/update/",
        {"name": "administrator", "can_change_settings": "1"},
        **HTMX,
    )
    assert response.status_code == 422 and "exists already" in response.content.decode()
    response = admin_client.post(
        f"/settings/rights/roles/{manager.pk}/update/", {"name": "  "}, **HTMX
    )
    assert response.status_code == 422
    assert tables_snapshot() == before

    response = admin_client.post("/settings/rights/roles/add/", {"name": "Sellers"}, follow=True)
    assert "exists already" in response.content.decode()
    assert tables_snapshot() == before

    response = admin_client.post(f"/settings/rights/roles/{manager.pk}/delete/", **HTMX)
    assert response.status_code == 200 and response["HX-Redirect"] == "/settings/rights/"
    assert not Role.objects.filter(pk=manager.pk).exists()
    assert not can_change_settings(fresh(holder))


def test_departments_are_created_moved_and_deleted_through_the_page(admin_client, admin):
    boss = UserFactory(first_name="Ada", last_name="Boss")
    response = admin_client.post(
        "/settings/rights/departments/add/", {"name": "Company", "head": boss.pk}, **HTMX
    )
    assert response.status_code == 200 and 'id="departments"' in response.content.decode()
    top = Department.objects.get(name="Company")
    assert top.head == boss and top.path == f"/{top.pk}/"
    for name, parent in [("Sales", top), ("East", "Sales"), ("Support", top)]:
        parent = parent if isinstance(parent, Department) else Department.objects.get(name=parent)
        admin_client.post(
            "/settings/rights/departments/add/", {"name": name, "parent": parent.pk}, **HTMX
        )
    sales, east, support = (Department.objects.get(name=n) for n in ["Sales", "East", "Support"])
    assert east.path == f"/{top.pk}/{sales.pk}/{east.pk}/"

    html = admin_client.get("/settings/rights/departments/").content.decode()
    assert html.index(">Company<") < html.index(">Sales<") < html.index(">East<")
    assert "--depth: 2" in html and "Ada Boss" in html

    # Move Sales (with East below it) under Support.
    response = admin_client.post(
        f"/settings/rights/departments/{sales.pk}/",
        {"name": "Sales", "parent": support.pk, "head": boss.pk},
    )
    assert response.status_code == 302 and response.url == "/settings/rights/departments/"
    east.refresh_from_db()
    assert east.path == f"/{top.pk}/{support.pk}/{sales.pk}/{east.pk}/"
    html = admin_client.get(f"/settings/rights/departments/{sales.pk}/").content.decode()
    assert "Parent department" in html and "Support" in html

    # A leaf goes; a department with sub-departments stays, with the reason.
    response = admin_client.post(f"/settings/rights/departments/{east.pk}/delete/", **HTMX)
    assert response.status_code == 200
    assert not Department.objects.filter(pk=east.pk).exists()
    before = tables_snapshot()
    response = admin_client.post(f"/settings/rights/departments/{top.pk}/delete/", **HTMX)
    assert response.status_code == 422
    assert "sub-departments first" in response.content.decode()
    response = admin_client.post(f"/settings/rights/departments/{top.pk}/delete/", follow=True)
    assert "sub-departments first" in response.content.decode()
    assert tables_snapshot() == before


def test_moving_a_department_into_its_own_child_is_refused_and_changes_nothing(admin_client, admin):
    top = services.department_create(user=admin, name="Company")
    sales = services.department_create(user=admin, name="Sales", parent=top)
    east = services.department_create(user=admin, name="East", parent=sales)
    before = tables_snapshot()
    for parent in (east, sales):
        response = admin_client.post(
            f"/settings/rights/departments/{sales.pk}/", {"name": "Renamed", "parent": parent.pk}
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert "cannot move into itself or its sub-departments" in html
        assert 'value="Renamed"' in html
    assert tables_snapshot() == before


def test_a_refused_new_department_keeps_what_was_typed(admin_client):
    before = tables_snapshot()
    response = admin_client.post("/settings/rights/departments/add/", {"name": " "}, **HTMX)
    assert response.status_code == 422 and "field-error" in response.content.decode()
    response = admin_client.post(
        "/settings/rights/departments/add/", {"name": "Lost", "parent": "999999"}
    )
    assert response.status_code == 422 and 'value="Lost"' in response.content.decode()
    assert tables_snapshot() == before


def test_hostile_names_are_escaped(admin_client, admin):
    role = services.role_create(user=admin, name=HOSTILE)
    department = services.department_create(user=admin, name=HOSTILE)
    services.role_update(user=admin, role=role, departments=[department])
    services.department_update(user=admin, department=department, name=HOSTILE + "!")
    for url in [
        f"/settings/rights/roles/{role.pk}/",
        "/settings/rights/departments/",
        f"/settings/rights/departments/{department.pk}/",
    ]:
        html = admin_client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
    manager = Role.objects.get(name="Manager")
    response = admin_client.post(
        f"/settings/rights/roles/{manager.pk}/permission/",
        {"entity": "company", "action": "read", "scope": HOSTILE},
        **HTMX,
    )
    assert response.status_code == 422
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_posts_without_a_csrf_token_are_refused(admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    manager = Role.objects.get(name="Manager")
    before = tables_snapshot()
    response = client.post(
        f"/settings/rights/roles/{manager.pk}/permission/",
        {"entity": "company", "action": "read", "scope": "all"},
    )
    assert response.status_code == 403
    assert tables_snapshot() == before
