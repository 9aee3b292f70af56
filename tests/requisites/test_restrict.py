"""One restriction for requisites (security issue, item 5): ``Requisite.objects.restrict()``
reaches the requisites of the companies and contacts the user may read (or change), and the
admin, the API and the card all read through it."""

import pytest
from django.contrib.auth.models import Permission

from accessrights.models import Action, Scope
from companies import services as client_services
from requisites import services
from requisites.models import Preset, Requisite
from tests.conftest import token_client
from tests.factories import UserFactory
from tests.helpers import give_role
from tests.requisites.helpers import INN_10

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(db):
    """Reads their own and open companies, changes only their own."""
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_requisite"))
    give_role(user, {"company": {Action.READ: Scope.OPEN, Action.UPDATE: Scope.OWN}})
    return user


def requisite_of(admin, company, name) -> Requisite:
    preset = Preset.objects.get(country="RU", name__contains="Организация")
    return services.requisite_create(
        user=admin, owner=company, preset=preset, name=name,
        values={"full_name": name, "inn": INN_10},
        allow_duplicate=True,
    )  # fmt: skip


def test_requisites_are_reached_through_their_owner(reader, admin, client):
    hidden = client_services.company_create(user=admin, name="Hidden", opened=False)
    shown = client_services.company_create(user=admin, name="Open", opened=True)
    mine = client_services.company_create(user=admin, name="Mine", responsible=reader)
    secret = requisite_of(admin, hidden, "Secret LLC")
    public = requisite_of(admin, shown, "Public LLC")
    own = requisite_of(admin, mine, "Own LLC")

    assert set(Requisite.objects.restrict(reader, "read")) == {public, own}
    assert set(Requisite.objects.restrict(reader, "update")) == {own}
    assert set(Requisite.objects.restrict(admin, "read")) == {secret, public, own}
    assert not Requisite.objects.restrict(UserFactory(), "read").exists()

    client.force_login(reader)
    listing = client.get("/admin/requisites/requisite/").content.decode()
    assert "Public LLC" in listing and "Secret LLC" not in listing
    assert client.get(f"/admin/requisites/requisite/{secret.pk}/change/").status_code == 302
    api = token_client(reader)
    assert api.get(f"/api/v1/companies/{hidden.pk}/requisites/").status_code == 404
    assert [r["id"] for r in api.get(f"/api/v1/companies/{shown.pk}/requisites/").json()] == [
        public.pk
    ]
    section = client.get(f"/companies/{shown.pk}/requisites/").content.decode()
    assert "Public LLC" in section
