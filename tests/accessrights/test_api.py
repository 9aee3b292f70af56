"""The REST API of access rights: departments, roles and their grids, shares of single items."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from accessrights import services
from accessrights.models import Action, Department, Role, RolePermission, Scope
from accessrights.rights import rights_changed
from companies import services as company_services
from companies.models import (
    Company,
    CompanyUserShare,
    Contact,
    ContactUserShare,
)
from tests.conftest import token_client
from tests.factories import UserFactory
from tests.helpers import refused
from timeline.models import Event

pytestmark = pytest.mark.django_db

DEPARTMENTS = "/api/v1/departments/"
ROLES = "/api/v1/roles/"
COMPANIES = "/api/v1/companies/"
CONTACTS = "/api/v1/contacts/"


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json() if response.content else None


def own_reader(**fields):
    """A user whose only role reads their own companies."""
    reader = UserFactory(**fields)
    role = Role.objects.create(name=f"Own companies of {reader.username}")
    RolePermission.objects.create(role=role, entity="company", action=Action.READ, scope=Scope.OWN)
    role.users.add(reader)
    rights_changed()
    return reader


def company(user, **fields) -> Company:
    fields.setdefault("name", "Acme")
    return company_services.company_create(user=user, **fields)


def company_names(api) -> list[str]:
    return [c["name"] for c in ok(api.get(COMPANIES))["results"]]


# The settings right guards reading and writing


def test_without_the_settings_right_departments_and_roles_are_refused(user_api, admin):
    top = services.department_create(user=admin, name="Company")
    role = Role.objects.get(name="Manager")
    for url in (DEPARTMENTS, f"{DEPARTMENTS}{top.pk}/", ROLES, f"{ROLES}{role.pk}/"):
        refused(user_api, "get", url, 403, field="detail", match="settings")
    refused(user_api, "get", f"{ROLES}{role.pk}/history/", 403)
    refused(user_api, "post", DEPARTMENTS, 403, {"name": "Sales"})
    refused(user_api, "patch", f"{DEPARTMENTS}{top.pk}/", 403, {"name": "X"})
    refused(user_api, "put", f"{DEPARTMENTS}{top.pk}/", 403, {"name": "X"})
    refused(user_api, "delete", f"{DEPARTMENTS}{top.pk}/", 403)
    refused(user_api, "post", ROLES, 403, {"name": "Mine", "can_change_settings": True})
    refused(user_api, "patch", f"{ROLES}{role.pk}/", 403, {"can_change_settings": True})
    refused(user_api, "put", f"{ROLES}{role.pk}/", 403, {"name": "Manager", "permissions": []})
    refused(user_api, "delete", f"{ROLES}{role.pk}/", 403)


def test_a_role_with_the_settings_right_opens_the_api(admin, user, user_api):
    assert user_api.get(ROLES).status_code == 403
    services.role_update(user=admin, role=Role.objects.get(name="Administrator"), users=[user])
    assert user_api.get(ROLES).status_code == 200


def test_anonymous_clients_are_refused(admin):
    top = services.department_create(user=admin, name="Company")
    role = Role.objects.get(name="Manager")
    acme = company(admin)
    api = APIClient()
    for url in (
        DEPARTMENTS,
        f"{DEPARTMENTS}{top.pk}/",
        ROLES,
        f"{ROLES}{role.pk}/",
        f"{ROLES}{role.pk}/history/",
        f"{COMPANIES}{acme.pk}/shares/",
    ):
        assert api.get(url).status_code == 401, url
    refused(api, "post", DEPARTMENTS, 401, {"name": "X"})
    refused(api, "patch", f"{ROLES}{role.pk}/", 401, {"name": "X"})
    refused(api, "delete", f"{DEPARTMENTS}{top.pk}/", 401)
    refused(api, "post", f"{COMPANIES}{acme.pk}/shares/", 401, {"user": admin.pk})
    refused(api, "delete", f"{COMPANIES}{acme.pk}/shares/{admin.pk}/", 401)


# Departments


def test_department_crud_round_trip(admin_api):
    boss, anna, bob = UserFactory(), UserFactory(), UserFactory()
    top = ok(admin_api.post(DEPARTMENTS, {"name": "Company"}, format="json"), 201)
    assert top == {
        "id": top["id"],
        "name": "Company",
        "parent": None,
        "head": None,
        "members": [],
        "path": f"/{top['id']}/",
    }
    data = {"name": "Sales", "parent": top["id"], "head": boss.pk, "members": [bob.pk, anna.pk]}
    sales = ok(admin_api.post(DEPARTMENTS, data, format="json"), 201)
    url = f"{DEPARTMENTS}{sales['id']}/"
    assert sales["path"] == f"/{top['id']}/{sales['id']}/"
    assert sales["head"] == boss.pk and sales["members"] == sorted([anna.pk, bob.pk])
    assert ok(admin_api.get(url)) == sales
    assert [d["name"] for d in ok(admin_api.get(DEPARTMENTS))] == ["Company", "Sales"]

    patched = ok(admin_api.patch(url, {"name": "Sales EMEA", "members": [anna.pk]}, format="json"))
    assert patched["name"] == "Sales EMEA" and patched["members"] == [anna.pk]
    assert patched["head"] == boss.pk and patched["parent"] == top["id"]  # left out: kept

    put = ok(admin_api.put(url, {"name": "Sales", "parent": None, "head": None}, format="json"))
    assert put["parent"] is None and put["head"] is None and put["path"] == f"/{sales['id']}/"
    assert put["members"] == [anna.pk]

    assert admin_api.delete(url).status_code == 204
    assert admin_api.get(url).status_code == 404
    assert list(Department.objects.values_list("name", flat=True)) == ["Company"]


def test_moving_a_department_moves_its_subtree(admin_api, admin):
    top = services.department_create(user=admin, name="Company")
    sales = services.department_create(user=admin, name="Sales", parent=top)
    east = services.department_create(user=admin, name="East", parent=sales)
    support = services.department_create(user=admin, name="Support", parent=top)
    ok(admin_api.patch(f"{DEPARTMENTS}{sales.pk}/", {"parent": support.pk}, format="json"))
    east_now = ok(admin_api.get(f"{DEPARTMENTS}{east.pk}/"))
    assert east_now["path"] == f"/{top.pk}/{support.pk}/{sales.pk}/{east.pk}/"


def test_a_department_cannot_move_into_its_own_subtree(admin_api, admin):
    top = services.department_create(user=admin, name="Company")
    sales = services.department_create(user=admin, name="Sales", parent=top)
    url = f"{DEPARTMENTS}{top.pk}/"
    refused(admin_api, "patch", url, 400, {"parent": sales.pk}, "parent", "sub-departments")
    refused(admin_api, "patch", url, 400, {"parent": top.pk}, "parent", "sub-departments")


def test_a_department_with_sub_departments_cannot_be_deleted(admin_api, admin):
    top = services.department_create(user=admin, name="Company")
    services.department_create(user=admin, name="Sales", parent=top)
    refused(admin_api, "delete", f"{DEPARTMENTS}{top.pk}/", 400, field="detail", match="sub")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Sales", "parent": 987_654}, "parent"),
        ({"name": "Sales", "head": 987_654}, "head"),
        ({"name": "Sales", "members": [987_654]}, "members"),
        ({"name": ""}, "name"),
        ({"name": "x" * 256}, "name"),
        ({"parent": None}, "name"),
    ],
)
def test_bad_department_input_is_a_400_with_a_field_message(admin_api, data, field):
    refused(admin_api, "post", DEPARTMENTS, 400, data, field)


def test_unknown_ids_on_department_update_are_a_400(admin_api, admin):
    top = services.department_create(user=admin, name="Company")
    url = f"{DEPARTMENTS}{top.pk}/"
    refused(admin_api, "patch", url, 400, {"members": [987_654]}, "members", "987654")
    refused(admin_api, "patch", url, 400, {"head": "boss"}, "head")


# Roles


GRID = [  # in the order of the grid: entities, then actions, as declared
    {"entity": "company", "action": "read", "scope": "all"},
    {"entity": "company", "action": "update", "scope": "own"},
    {"entity": "contact", "action": "read", "scope": "department"},
    {"entity": "lead", "action": "import", "scope": "open"},
    {"entity": "deal", "action": "export", "scope": "subdepartments"},
]


def test_role_crud_round_trip(admin_api, admin):
    anna = UserFactory()
    sales = services.department_create(user=admin, name="Sales")
    data = {
        "name": "Callers",
        "can_change_settings": False,
        "permissions": list(reversed(GRID)),
        "users": [anna.pk],
        "departments": [sales.pk],
    }
    created = ok(admin_api.post(ROLES, data, format="json"), 201)
    url = f"{ROLES}{created['id']}/"
    assert created == {**data, "id": created["id"], "permissions": GRID}  # in grid order
    assert ok(admin_api.get(url)) == created
    assert "Callers" in [r["name"] for r in ok(admin_api.get(ROLES))]

    patched = ok(admin_api.patch(url, {"can_change_settings": True, "users": []}, format="json"))
    assert patched["can_change_settings"] is True and patched["users"] == []
    assert patched["permissions"] == GRID and patched["departments"] == [sales.pk]

    put = ok(admin_api.put(url, {"name": "Cold callers", "departments": []}, format="json"))
    assert put["name"] == "Cold callers" and put["departments"] == []
    assert put["permissions"] == GRID  # left out: kept

    assert admin_api.delete(url).status_code == 204
    assert admin_api.get(url).status_code == 404
    assert not Role.objects.filter(name="Cold callers").exists()
    assert not RolePermission.objects.filter(role_id=created["id"]).exists()


def test_writing_permissions_replaces_the_whole_grid(admin_api, admin):
    role = services.role_create(user=admin, name="Callers", permissions=GRID)
    url = f"{ROLES}{role.pk}/"
    new_grid = [
        {"entity": "company", "action": "read", "scope": "own"},
        {"entity": "contact", "action": "read", "scope": "none"},  # none: not stored
    ]
    patched = ok(admin_api.patch(url, {"permissions": new_grid}, format="json"))
    assert patched["permissions"] == new_grid[:1]
    assert list(role.permissions.values_list("entity", "action", "scope")) == [
        ("company", "read", "own")
    ]
    put = ok(admin_api.put(url, {"name": "Callers", "permissions": []}, format="json"))
    assert put["permissions"] == [] and not role.permissions.exists()


def test_the_default_grids_round_trip(admin_api):
    for role in ok(admin_api.get(ROLES)):
        url = f"{ROLES}{role['id']}/"
        again = ok(admin_api.put(url, role, format="json"))
        assert again == role


@pytest.mark.parametrize(
    ("cell", "match"),
    [
        # An entity no app registers (invoices became one with the quotes app).
        ({"entity": "order", "action": "read", "scope": "all"}, "Item 2, entity: “order”"),
        ({"entity": "company", "action": "fly", "scope": "all"}, "Item 2, action: “fly”"),
        ({"entity": "company", "action": "read", "scope": "mine"}, "Item 2, scope: “mine”"),
        ({"entity": "company", "action": "read"}, "Item 2, scope:"),
        ("company.read", "Item 2, "),
    ],
)
def test_bad_grid_cells_are_a_400_naming_the_item(admin_api, admin, cell, match):
    role = services.role_create(user=admin, name="Callers", permissions=GRID)
    grid = [GRID[0], cell]
    body = refused(admin_api, "patch", f"{ROLES}{role.pk}/", 400, {"permissions": grid})
    assert list(body) == ["permissions"]
    assert any(message.startswith(match) for message in body["permissions"]), body
    refused(admin_api, "post", ROLES, 400, {"name": "Other", "permissions": grid}, "permissions")


def test_unknown_codes_name_the_allowed_ones(admin_api):
    grid = [{"entity": "company", "action": "fly", "scope": "all"}]
    body = refused(admin_api, "post", ROLES, 400, {"name": "Callers", "permissions": grid})
    assert body["permissions"] == [
        "Item 1, action: “fly” is not one of: read, add, update, delete, export, import."
    ]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "manager"}, "name"),  # names are unique, whatever their case
        ({"name": ""}, "name"),
        ({"name": "Callers", "users": [987_654]}, "users"),
        ({"name": "Callers", "departments": [987_654]}, "departments"),
        ({"name": "Callers", "permissions": "all"}, "permissions"),
        ({"name": "Callers", "can_change_settings": "perhaps"}, "can_change_settings"),
    ],
)
def test_bad_role_input_is_a_400_with_a_field_message(admin_api, data, field):
    refused(admin_api, "post", ROLES, 400, data, field)


def test_history_lists_the_changed_cell(admin_api, admin):
    role = services.role_create(user=admin, name="Callers", permissions=GRID)
    url = f"{ROLES}{role.pk}/"
    grid = [dict(cell) for cell in GRID]
    grid[0]["scope"] = "own"
    ok(admin_api.patch(url, {"permissions": grid}, format="json"))
    history = ok(admin_api.get(f"{url}history/"))["results"]
    assert [event["kind"] for event in history] == ["updated", "created"]
    assert history[0]["author"] == admin.pk
    assert history[0]["changes"] == [
        {"field": "company.read", "label": "company.read", "old": "all", "new": "own"}
    ]


def test_history_of_an_unknown_role_is_a_404(admin_api):
    assert admin_api.get(f"{ROLES}987654/history/").status_code == 404


# Shares


def test_sharing_a_company_makes_it_visible_and_unsharing_hides_it(admin_api, admin):
    reader = own_reader()
    reader_api = token_client(reader)
    company(admin, name="Mine", responsible=reader)
    acme = company(admin, name="Acme")
    shares = f"{COMPANIES}{acme.pk}/shares/"
    assert company_names(reader_api) == ["Mine"]
    assert reader_api.get(f"{COMPANIES}{acme.pk}/").status_code == 404
    assert ok(admin_api.get(shares)) == []

    share = ok(admin_api.post(shares, {"user": reader.pk}, format="json"), 201)
    assert share == {"user": reader.pk, "group": None, "actions": ["read"]}
    assert ok(admin_api.get(shares)) == [share]
    assert company_names(reader_api) == ["Acme", "Mine"]
    assert ok(reader_api.get(f"{COMPANIES}{acme.pk}/"))["name"] == "Acme"
    assert Event.objects.of_item(acme)[0].changes[0]["field"] == "shares"

    assert admin_api.delete(f"{shares}{reader.pk}/").status_code == 204
    assert ok(admin_api.get(shares)) == []
    assert company_names(reader_api) == ["Mine"]
    assert not CompanyUserShare.objects.exists()


def test_shares_list_users_and_groups_with_their_actions(admin_api, admin):
    reader, writer = own_reader(), UserFactory()
    reader_api = token_client(reader)
    team = Group.objects.create(name="Team")
    team.user_set.add(reader)
    acme = company(admin)
    shares = f"{COMPANIES}{acme.pk}/shares/"
    ok(admin_api.post(shares, {"user": writer.pk, "actions": ["update"]}, format="json"), 201)
    added = ok(admin_api.post(shares, {"user": writer.pk, "actions": ["read"]}, format="json"), 201)
    assert added == {"user": writer.pk, "group": None, "actions": ["read", "update"]}
    group_share = {"group": team.pk, "actions": ["read", "delete"]}
    ok(admin_api.post(shares, group_share, format="json"), 201)
    assert ok(admin_api.get(shares)) == [
        {"user": writer.pk, "group": None, "actions": ["read", "update"]},
        {"user": None, "group": team.pk, "actions": ["read", "delete"]},
    ]
    assert company_names(reader_api) == ["Acme"]  # through the group

    assert admin_api.delete(f"{shares}groups/{team.pk}/").status_code == 204
    assert company_names(reader_api) == []
    assert ok(admin_api.get(shares)) == [
        {"user": writer.pk, "group": None, "actions": ["read", "update"]}
    ]


def test_contact_shares(admin_api, admin):
    reader = own_reader()
    smith = company_services.contact_create(user=admin, last_name="Smith")
    shares = f"{CONTACTS}{smith.pk}/shares/"
    ok(admin_api.post(shares, {"user": reader.pk, "actions": ["read"]}, format="json"), 201)
    assert ok(admin_api.get(shares)) == [{"user": reader.pk, "group": None, "actions": ["read"]}]
    assert ContactUserShare.objects.filter(user=reader, content_object=smith).exists()
    assert admin_api.delete(f"{shares}{reader.pk}/").status_code == 204
    assert not ContactUserShare.objects.exists()
    assert Contact.objects.count() == 1


def test_sharing_without_the_update_right_is_a_403(admin_api, admin):
    reader, other = own_reader(), UserFactory()
    reader_api = token_client(reader)
    mine = company(admin, name="Mine", responsible=reader)
    shares = f"{COMPANIES}{mine.pk}/shares/"
    # The reader sees their company and its shares, but may not change it.
    assert ok(reader_api.get(shares)) == []
    refused(reader_api, "post", shares, 403, {"user": other.pk}, "detail")
    ok(admin_api.post(shares, {"user": other.pk}, format="json"), 201)
    refused(reader_api, "delete", f"{shares}{other.pk}/", 403, field="detail")


def test_shares_of_an_unreadable_item_are_a_404(admin, user):
    reader, other = own_reader(), UserFactory()
    reader_api = token_client(reader)
    acme = company(admin, name="Acme")
    shares = f"{COMPANIES}{acme.pk}/shares/"
    services.item_share(user=admin, item=acme, target=user)
    refused(reader_api, "get", shares, 404)
    refused(reader_api, "post", shares, 404, {"user": other.pk})
    refused(reader_api, "delete", f"{shares}{user.pk}/", 404)
    refused(reader_api, "get", f"{COMPANIES}987654/shares/", 404)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (lambda other, team: {}, "user"),
        (lambda other, team: {"user": 987_654}, "user"),
        (lambda other, team: {"group": 987_654}, "group"),
        (lambda other, team: {"user": "me"}, "user"),
        (lambda other, team: {"user": other.pk, "group": team.pk}, "user"),
        (lambda other, team: {"user": other.pk, "actions": ["fly"]}, "actions"),
        (lambda other, team: {"user": other.pk, "actions": []}, "actions"),
        (lambda other, team: {"user": other.pk, "actions": "read"}, "actions"),
    ],
)
def test_bad_share_input_is_a_400_with_a_field_message(admin_api, admin, data, field):
    acme = company(admin)
    body = data(UserFactory(), Group.objects.create(name="Team"))
    refused(admin_api, "post", f"{COMPANIES}{acme.pk}/shares/", 400, body, field)


def test_an_inactive_user_cannot_be_shared_with(admin_api, admin):
    gone = UserFactory(is_active=False)
    acme = company(admin)
    refused(admin_api, "post", f"{COMPANIES}{acme.pk}/shares/", 400, {"user": gone.pk}, "user")


def test_unsharing_what_is_not_shared_is_a_404(admin_api, admin, user):
    acme = company(admin)
    group = Group.objects.create(name="Team")
    shares = f"{COMPANIES}{acme.pk}/shares/"
    refused(admin_api, "delete", f"{shares}{user.pk}/", 404)
    refused(admin_api, "delete", f"{shares}987654/", 404)
    refused(admin_api, "delete", f"{shares}groups/{group.pk}/", 404)
