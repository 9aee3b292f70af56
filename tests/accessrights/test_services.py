"""Departments, roles and shares at the service level: rules, history, scopes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accessrights import services
from accessrights.models import Department, Role
from accessrights.rights import rights_of
from accessrights.rules import can_change_settings
from companies import services as company_services
from companies.models import Company
from crm.history import render_for_reader
from tests.factories import UserFactory
from tests.helpers import service_refused
from timeline.models import Event

pytestmark = pytest.mark.django_db


def test_default_roles_exist():
    grid = {
        role.name: {(p.entity, p.action): p.scope for p in role.permissions.all()}
        for role in Role.objects.all()
    }
    assert grid["Administrator"][("company", "delete")] == "all"
    assert grid["Manager"][("company", "read")] == "open"
    assert grid["Manager"][("deal", "update")] == "own"
    assert grid["Supervisor"][("contact", "export")] == "subdepartments"
    assert Role.objects.get(name="Administrator").can_change_settings


def test_department_paths_follow_moves(admin):
    top = services.department_create(user=admin, name="Company")
    sales = services.department_create(user=admin, name="Sales", parent=top)
    east = services.department_create(user=admin, name="East", parent=sales)
    other = services.department_create(user=admin, name="Support", parent=top)
    assert east.path == f"/{top.pk}/{sales.pk}/{east.pk}/"
    services.department_update(user=admin, department=sales, parent=other)
    east.refresh_from_db()
    assert east.path == f"/{top.pk}/{other.pk}/{sales.pk}/{east.pk}/"
    assert Event.objects.of_item(sales)[0].changes[0]["new"] == "Support"


def test_a_department_cannot_move_under_itself(admin):
    top = services.department_create(user=admin, name="Company")
    child = services.department_create(user=admin, name="Sales", parent=top)
    error = service_refused(
        lambda: services.department_update(user=admin, department=top, parent=child)
    )
    assert "parent" in error.message_dict
    service_refused(lambda: services.department_update(user=admin, department=top, parent=top))


def test_a_department_with_children_cannot_be_deleted(admin):
    top = services.department_create(user=admin, name="Company")
    services.department_create(user=admin, name="Sales", parent=top)
    service_refused(lambda: services.department_delete(user=admin, department=top))


@pytest.mark.parametrize("name", ["", "x" * 10_000])
def test_bad_names_are_refused(admin, name):
    service_refused(lambda: services.department_create(user=admin, name=name))
    service_refused(lambda: services.role_create(user=admin, name=name))


def test_role_grid_validation_and_history(admin):
    role = services.role_create(
        user=admin,
        name="Callers",
        permissions=[{"entity": "company", "action": "read", "scope": "all"}],
    )
    error = service_refused(
        lambda: services.role_update(
            user=admin,
            role=role,
            permissions=[{"entity": "company", "action": "fly", "scope": "all"}],
        )
    )
    assert "permissions" in error.message_dict
    service_refused(lambda: services.role_create(user=admin, name="callers"))  # names are unique
    services.role_set_permission(
        user=admin, role=role, entity="company", action="read", scope="own"
    )
    change = Event.objects.of_item(role)[0].changes[0]
    assert (change["field"], change["old"], change["new"]) == ("company.read", "all", "own")


def test_only_the_settings_right_changes_rights(user, admin):
    role = Role.objects.get(name="Manager")
    service_refused(lambda: services.role_create(user=user, name="X"), PermissionDenied)
    service_refused(lambda: services.role_update(user=user, role=role, name="X"), PermissionDenied)
    service_refused(lambda: services.department_create(user=user, name="X"), PermissionDenied)
    services.role_update(user=admin, role=Role.objects.get(name="Administrator"), users=[user])
    assert can_change_settings(user)  # a role can give the settings right


def test_roles_of_a_department_reach_its_sub_departments(admin):
    anna = UserFactory()
    top = services.department_create(user=admin, name="Company")
    services.department_create(user=admin, name="Sales", parent=top, members=[anna])
    services.role_update(user=admin, role=Role.objects.get(name="Manager"), departments=[top])
    assert rights_of(anna).scopes_for("company", "read") == {"open"}


def test_department_and_subdepartment_scopes(admin):
    boss, anna, bob = UserFactory(), UserFactory(), UserFactory()
    top = services.department_create(user=admin, name="Sales", members=[boss])
    services.department_create(user=admin, name="East", parent=top, members=[anna])
    services.department_create(user=admin, name="West", parent=top, members=[bob])
    role = services.role_create(
        user=admin,
        name="Heads",
        users=[boss],
        permissions=[{"entity": "company", "action": "read", "scope": "department"}],
    )
    for owner in (boss, anna, bob):
        company_services.company_create(
            user=admin, name=owner.username, responsible=owner, opened=False
        )

    def seen():
        return set(Company.objects.restrict(boss, "read").values_list("name", flat=True))

    assert seen() == {boss.username}
    services.role_set_permission(
        user=admin, role=role, entity="company", action="read", scope="subdepartments"
    )
    assert seen() == {boss.username, anna.username, bob.username}


def test_sharing_needs_the_update_right_and_valid_actions(user, admin):
    company = company_services.company_create(user=admin, name="Acme")
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        services.item_share(user=stranger, item=company, target=user)
    with pytest.raises(ValidationError):
        services.item_share(user=admin, item=company, target=stranger, actions=["fly"])
    services.item_share(user=admin, item=company, target=stranger, actions=["read", "update"])
    assert Company.objects.restrict(stranger, "update").filter(pk=company.pk).exists()
    assert not Company.objects.restrict(stranger, "delete").filter(pk=company.pk).exists()
    assert Event.objects.of_item(company)[0].changes[0]["field"] == "shares"


def test_users_without_any_role_see_nothing(admin):
    company_services.company_create(user=admin, name="Acme")
    nobody = UserFactory()
    assert not Company.objects.restrict(nobody, "read").exists()
    with pytest.raises(PermissionDenied):
        company_services.company_create(user=nobody, name="Mine")


def test_a_stale_parent_object_cannot_make_a_cycle(admin):
    """Bad input: a parent object read before it was itself moved under the department (its
    in-memory path is outdated); the move must be judged on the stored tree."""
    first = services.department_create(user=admin, name="First")
    second = services.department_create(user=admin, name="Second")
    stale_second = Department.objects.get(pk=second.pk)
    services.department_update(user=admin, department=second, parent=first)
    service_refused(
        lambda: services.department_update(user=admin, department=first, parent=stale_second)
    )
    first.refresh_from_db()
    assert first.parent is None and first.path == f"/{first.pk}/"


def test_a_share_for_update_lets_the_user_read_the_item_too(admin):
    """A change right on something one may not see would be a blind write: any share reads."""
    stranger = UserFactory()
    company = company_services.company_create(user=admin, name="Shared", opened=False)
    assert not Company.objects.restrict(stranger, "read").exists()
    services.item_share(user=admin, item=company, target=stranger, actions=["update"])
    assert list(Company.objects.restrict(stranger, "read")) == [company]
    assert list(Company.objects.restrict(stranger, "update")) == [company]
    assert not Company.objects.restrict(stranger, "delete").exists()


def test_a_share_is_kept_in_history_as_ids_and_shown_in_the_readers_language(admin):
    """History keeps whom an item was shared with by id: a renamed user shows their name of
    today, a deleted one is not guessed, and the actions are rendered at read time."""
    company = company_services.company_create(user=admin, name="Acme")
    anna = UserFactory(first_name="Anna", last_name="Old")
    gone = UserFactory()
    services.item_share(user=admin, item=company, target=anna, actions=["read", "update"])
    services.item_share(user=admin, item=company, target=gone)
    services.item_unshare(user=admin, item=company, target=anna)
    stored = [e.changes[0] for e in Event.objects.of_item(company) if e.changes]
    assert stored[-1] == {"field": "shares", "old": None,
                          "new": {"user": anna.pk, "actions": ["read", "update"]}}  # fmt: skip
    assert stored[0] == {"field": "shares", "old": {"user": anna.pk}, "new": None}
    anna.last_name = "New"
    anna.save()
    gone.delete()
    events = [e for e in Event.objects.of_item(company) if e.changes]
    with translation.override("en"):
        english = [e.changes[0] for e in render_for_reader(events, admin)]
    assert english[0]["old"] == "Anna New" and english[0]["new"] == ""
    assert english[2]["new"] == "Anna New (read, update)"
    assert english[1]["new"] == "a deleted user or group (read)"
    assert english[2]["label"] == "shared with"
