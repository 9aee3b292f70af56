"""History, edit conflicts and edit forms never name a client their reader may not read
(security issue, items 2 and 4): each is rendered for its reader.

The attacker reads every deal but only their own companies; the deal's company belongs to a
colleague. They look for its name in the card's history, the API timeline, a 409's
``changes``, the signed ``original`` of the edit form, and in history after it was deleted.
"""

import pytest
from django.core import signing
from django.urls import reverse

from accessrights.models import Action, Scope
from companies import services as client_services
from crm.forms import ORIGINAL_SALT
from deals import services as deal_services
from tests.conftest import token_client
from tests.factories import UserFactory
from tests.helpers import every_action, give_role
from timeline.models import Event

pytestmark = pytest.mark.django_db

HIDDEN = "Secret Holdings"


@pytest.fixture
def reader(db):
    """Works with every deal; reads only their own companies and contacts."""
    user = UserFactory()
    own = {Action.READ: Scope.OWN}
    give_role(user, {"deal": every_action(Scope.ALL), "company": own,
                     "contact": own})  # fmt: skip
    return user


@pytest.fixture
def deal(admin, reader):
    """A deal whose company moved from a readable one to a hidden one (and back again)."""
    mine = client_services.company_create(user=admin, name="Mine Ltd", responsible=reader)
    hidden = client_services.company_create(user=admin, name=HIDDEN, opened=False)
    sale = deal_services.deal_create(user=admin, title="Sale", company=mine)
    sale = deal_services.deal_update(user=admin, deal=sale, company=hidden)
    return sale, mine, hidden


def test_history_does_not_name_a_hidden_company_on_the_card_or_the_api(deal, reader, admin, client):
    sale, _mine, _hidden = deal
    client.force_login(reader)
    card = client.get(f"{reverse('deals:deal', args=[sale.pk])}?tab=history").content.decode()
    assert HIDDEN not in card
    assert "Mine Ltd" in card and "an item you may not see" in card
    timeline = token_client(reader).get(f"/api/v1/deals/{sale.pk}/timeline/").json()
    text = str(timeline)
    assert HIDDEN not in text and "Mine Ltd" in text
    change = next(c for e in timeline["results"] for c in e["changes"] if c["field"] == "company")
    assert change == {"field": "company", "label": "company", "old": "Mine Ltd", "new": "",
                      "new_hidden": True}  # fmt: skip
    # the writer of the change may read both names
    assert HIDDEN in str(token_client(admin).get(f"/api/v1/deals/{sale.pk}/timeline/").json())


def test_a_conflict_does_not_name_a_hidden_company(deal, reader):
    """Bad input: a stale version, after someone moved the deal to a hidden company."""
    sale, _mine, _hidden = deal
    response = token_client(reader).patch(
        f"/api/v1/deals/{sale.pk}/", {"company": None, "version": 1}, format="json"
    )
    assert response.status_code == 409, response.content
    assert HIDDEN not in response.content.decode()
    assert response.json()["changes"]["company"]["current"] == ""


def test_the_edit_form_carries_nothing_hidden_signed_or_not(deal, reader, client):
    sale, _mine, _hidden = deal
    client.force_login(reader)
    response = client.get(reverse("deals:deal_edit", args=[sale.pk]))
    page = response.content.decode()
    assert HIDDEN not in page
    original = response.context["form"].initial["original"]
    assert HIDDEN not in str(signing.loads(original, salt=ORIGINAL_SALT))


def test_a_deleted_hidden_company_stays_unnamed(deal, reader, admin, client):
    sale, _mine, hidden = deal
    hidden_pk = hidden.pk
    client_services.company_delete(user=admin, company=hidden)
    deletion = Event.objects.filter(item_id=hidden_pk, kind="deleted").get()
    assert deletion.reach == {"entity": "company", "owner": admin.pk, "opened": False}
    timeline = str(token_client(reader).get(f"/api/v1/deals/{sale.pk}/timeline/").json())
    assert HIDDEN not in timeline
    # someone who could read it when it was deleted still reads its name
    assert HIDDEN in str(token_client(admin).get(f"/api/v1/deals/{sale.pk}/timeline/").json())


def test_a_deleted_company_the_reader_could_read_keeps_its_name(admin, reader):
    mine = client_services.company_create(user=admin, name="Was Mine", responsible=reader)
    sale = deal_services.deal_create(user=admin, title="Sale")
    deal_services.deal_update(user=admin, deal=sale, company=mine)
    client_services.company_delete(user=admin, company=mine)
    timeline = str(token_client(reader).get(f"/api/v1/deals/{sale.pk}/timeline/").json())
    assert "Was Mine" in timeline


def test_an_old_change_without_ids_is_shown_to_superusers_only(deal, reader, admin):
    """Events written before ids were kept name the company by label alone."""
    sale, _mine, _hidden = deal
    for event in Event.objects.filter(item_id=sale.pk, kind="updated"):
        event.changes = [
            {k: v for k, v in c.items() if k not in ("item", "old_id", "new_id")}
            for c in event.changes
        ]
        event.save()
    assert HIDDEN not in str(token_client(reader).get(f"/api/v1/deals/{sale.pk}/timeline/").json())
    assert HIDDEN in str(token_client(admin).get(f"/api/v1/deals/{sale.pk}/timeline/").json())


def test_the_migration_gives_old_link_changes_their_ids(deal, reader):
    import importlib

    from django.apps import apps

    sale, mine, hidden = deal
    event = Event.objects.filter(item_id=sale.pk, kind="updated").get()
    event.changes = [{"field": "company", "label": "company", "old": "Mine Ltd", "new": HIDDEN}]
    event.save()
    importlib.import_module("timeline.migrations.0003_link_change_ids").add_ids(apps, None)
    event.refresh_from_db()
    assert event.changes[0]["old_id"] == mine.pk and event.changes[0]["new_id"] == hidden.pk
    assert HIDDEN not in str(token_client(reader).get(f"/api/v1/deals/{sale.pk}/timeline/").json())
