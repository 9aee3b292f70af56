"""A share passes rights on, it never raises its holder's own (security issue, item 1).

Each test plays the attacker: a user tries to grant themselves (or a colleague) more than their
own role gives them, or to use a share to hand an item out of their reach. Every attempt is
refused and leaves every table as it was.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from accessrights import services
from accessrights.models import Action, Department, Scope
from companies import services as company_services
from companies.models import Company
from tests.conftest import token_client
from tests.factories import UserFactory
from tests.helpers import give_role
from tests.helpers import tables_snapshot as snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    """Reads, adds and changes their own companies; may not delete any."""
    user = UserFactory()
    give_role(user, {"company": {Action.READ: Scope.OWN, Action.ADD: Scope.OWN,
                                      Action.UPDATE: Scope.OWN}})  # fmt: skip
    return user


@pytest.fixture
def own_company(manager):
    return company_services.company_create(user=manager, name="Mine", opened=False)


def assert_refused(call) -> None:
    before = snapshot()
    with pytest.raises(PermissionDenied):
        call()
    assert snapshot() == before


def test_a_user_cannot_share_an_item_with_themselves(manager, own_company):
    """Bad input: target = the caller, for an action their role forbids (delete)."""
    assert_refused(
        lambda: services.item_share(
            user=manager, item=own_company, target=manager, actions=["delete"]
        )
    )
    assert_refused(lambda: company_services.company_delete(user=manager, company=own_company))
    assert Company.objects.filter(pk=own_company.pk).exists()


def test_a_user_cannot_share_with_a_group_they_belong_to(manager, own_company):
    """Bad input: target = a group holding the caller (a self-share in disguise)."""
    group = Group.objects.create(name="Mine too")
    group.user_set.add(manager)
    assert_refused(
        lambda: services.item_share(user=manager, item=own_company, target=group, actions=["read"])
    )


def test_a_user_grants_only_what_their_role_gives_them(manager, own_company):
    """Bad input: sharing with a colleague for delete, which the sharer's role forbids."""
    colleague = UserFactory()
    assert_refused(
        lambda: services.item_share(
            user=manager, item=own_company, target=colleague, actions=["read", "delete"]
        )
    )
    services.item_share(
        user=manager, item=own_company, target=colleague, actions=["read", "update"]
    )
    assert Company.objects.restrict(colleague, "update").filter(pk=own_company.pk).exists()


def test_a_share_held_does_not_count_as_a_right_to_share(admin, manager):
    """Bad input: a user who may update an item only through a share passes it on."""
    company = company_services.company_create(user=admin, name="Theirs", opened=False)
    services.item_share(user=admin, item=company, target=manager, actions=["read", "update"])
    friend = UserFactory()
    assert_refused(
        lambda: services.item_share(user=manager, item=company, target=friend, actions=["read"])
    )
    assert_refused(lambda: services.item_unshare(user=manager, item=company, target=manager))


def test_a_share_does_not_let_its_holder_hand_the_item_over(admin, manager):
    """Bad input: an own-scope manager holding a share for update gives the item to someone
    of another department; the share would keep them in, their role does not."""
    company = company_services.company_create(user=admin, name="Shared", opened=False)
    services.item_share(user=admin, item=company, target=manager, actions=["update"])
    outsider = UserFactory()
    Department.objects.create(name="Elsewhere", path="/99/").members.add(outsider)
    assert_refused(
        lambda: company_services.company_update(user=manager, company=company, responsible=outsider)
    )
    assert_refused(
        lambda: company_services.company_update(user=manager, company=company, opened=True)
    )
    # Changing what does not decide who reaches the item is what the share is for.
    company_services.company_update(user=manager, company=company, name="Renamed")
    assert Company.objects.get(pk=company.pk).name == "Renamed"


def test_the_api_refuses_a_self_share_and_changes_nothing(manager, own_company):
    """Bad input over HTTP: POST shares/ with the caller as the target, for delete."""
    api = token_client(manager)
    before = snapshot()
    url = f"/api/v1/companies/{own_company.pk}/shares/"
    response = api.post(url, {"user": manager.pk, "actions": ["delete"]}, format="json")
    assert response.status_code == 403, response.content
    assert "detail" in response.json()
    assert snapshot() == before
    assert api.delete(f"/api/v1/companies/{own_company.pk}/").status_code == 403
    assert Company.objects.filter(pk=own_company.pk).exists()
