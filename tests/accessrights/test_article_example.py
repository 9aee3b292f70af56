"""The companies article: "employees work only with their own companies, while the supervisor
sees all of them" — two managers, their supervisor, and a company shared with a colleague."""

import pytest
from django.core.exceptions import PermissionDenied

from accessrights import services as rights_services
from accessrights.models import Role
from companies import services
from companies.models import Company
from tests.factories import UserFactory
from tests.helpers import tables_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(admin):
    """Sales department with two managers (Manager role) and its head (Supervisor role)."""
    boss, anna, boris = UserFactory(), UserFactory(), UserFactory()
    rights_services.department_create(
        user=admin, name="Sales", head=boss, members=[boss, anna, boris]
    )
    manager = Role.objects.get(name="Manager")
    rights_services.role_update(user=admin, role=manager, users=[anna, boris])
    # "Manager" sees open items too; the article's managers see only their own.
    for entity in ("company", "contact"):
        rights_services.role_set_permission(
            user=admin, role=manager, entity=entity, action="read", scope="own"
        )
    rights_services.role_update(user=admin, role=Role.objects.get(name="Supervisor"), users=[boss])
    return boss, anna, boris


def visible(user) -> set[str]:
    return set(Company.objects.restrict(user, "read").values_list("name", flat=True))


def test_managers_see_their_own_the_supervisor_sees_both(team, client):
    boss, anna, boris = team
    services.company_create(user=anna, name="Anna's client")
    services.company_create(user=boris, name="Boris's client")
    assert visible(anna) == {"Anna's client"}
    assert visible(boris) == {"Boris's client"}
    assert visible(boss) == {"Anna's client", "Boris's client"}

    client.force_login(anna)
    page = client.get("/companies/").content.decode()
    assert "Anna&#x27;s client" in page and "Boris" not in page
    theirs = Company.objects.get(name="Boris's client")
    assert client.get(f"/companies/{theirs.pk}/").status_code == 404
    assert client.get("/api/v1/companies/").json()["results"][0]["name"] == "Anna's client"


def test_a_shared_company_is_visible_to_the_colleague(team):
    _boss, anna, boris = team
    company = services.company_create(user=boris, name="Shared client")
    rights_services.item_share(user=boris, item=company, target=anna)
    assert "Shared client" in visible(anna)
    before = tables_snapshot()
    with pytest.raises(PermissionDenied):  # shared for reading only
        services.company_update(user=anna, company=company, name="Taken")
    assert tables_snapshot() == before
    rights_services.item_unshare(user=boris, item=company, target=anna)
    assert "Shared client" not in visible(anna)


def test_a_manager_cannot_hand_a_company_out_of_reach(team):
    boss, anna, boris = team
    company = services.company_create(user=anna, name="Mine")
    before = tables_snapshot()
    with pytest.raises(PermissionDenied):
        services.company_update(user=anna, company=company, responsible=boris)
    assert tables_snapshot() == before
    services.company_update(user=boss, company=company, responsible=boris)  # the supervisor may
    assert visible(boris) >= {"Mine"}
