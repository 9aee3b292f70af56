"""Django admin applies the pages' reading rules (security issue, item 3): a staff user who
reads every deal and lead but only their own clients never sees a colleague's client named,
in the deal list, the deal form, a converted lead's read-only links or the history admin."""

import re

import pytest
from django.contrib.auth.models import Permission

from accessrights.models import Action, Scope
from companies import services as client_services
from deals import services
from tests.factories import UserFactory
from tests.helpers import every_action, give_role
from timeline.models import Event

pytestmark = pytest.mark.django_db

HIDDEN = "Secret Holdings"
PERSON = "Zebulon"


@pytest.fixture
def staff(client):
    user = UserFactory(is_staff=True)
    codenames = ["view_deal", "change_deal", "view_lead", "change_lead", "view_event"]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    own = {Action.READ: Scope.OWN}
    give_role(user, {"deal": every_action(Scope.ALL), "lead": every_action(Scope.ALL),
                     "company": own, "contact": own})  # fmt: skip
    client.force_login(user)
    return client


@pytest.fixture
def hidden_company(admin):
    return client_services.company_create(user=admin, name=HIDDEN, opened=False)


def test_the_deal_list_and_form_do_not_name_a_hidden_company(staff, admin, hidden_company):
    deal = services.deal_create(user=admin, title="Sale", company=hidden_company)
    services.deal_update(user=admin, deal=deal, title="Sale 2")
    listing = staff.get("/admin/deals/deal/").content.decode()
    assert "Sale 2" in listing and HIDDEN not in listing
    form = staff.get(f"/admin/deals/deal/{deal.pk}/change/").content.decode()
    assert HIDDEN not in form and "an item you may not see" in form
    assert 'name="company"' not in form  # not editable: nothing to carry its id
    # Bad input: a forged POST naming the hidden company's id; it is not a field of this form.
    response = staff.post(
        f"/admin/deals/deal/{deal.pk}/change/",
        {"title": "Sale 3", "stage": deal.stage_id, "pipeline": deal.pipeline_id,
         "company": "", "responsible": admin.pk, "opened": "on", "currency": "USD"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    deal.refresh_from_db()
    assert (deal.title, deal.company) == ("Sale 3", hidden_company)


def test_a_converted_lead_does_not_name_hidden_clients(staff, admin):
    lead = services.lead_create(
        user=admin, title="Hot", first_name=PERSON, company_name=HIDDEN, opened=True
    )
    services.lead_convert(user=admin, lead=lead, contact=True, company=True)
    form = staff.get(f"/admin/deals/lead/{lead.pk}/change/").content.decode()
    assert "Hot" in form
    assert "an item you may not see" in form
    assert HIDDEN not in form.replace(f'value="{HIDDEN}"', "")  # the lead's own company name
    assert "/admin/companies/" not in form and "/admin/companies/contact/" not in form


def test_the_history_admin_does_not_name_hidden_items(staff, admin, hidden_company):
    deal = services.deal_create(user=admin, title="Sale")
    services.deal_update(user=admin, deal=deal, company=hidden_company)
    listing = staff.get("/admin/timeline/event/").content.decode()
    assert f"deal #{deal.pk}" in listing and HIDDEN not in listing
    change = Event.objects.filter(item_id=deal.pk, kind="updated").get()
    page = staff.get(f"/admin/timeline/event/{change.pk}/change/").content.decode()
    assert HIDDEN not in page and "an item you may not see" in page
    # the company's own events (its link to the deal) are not listed at all
    assert (
        not Event.objects.filter(item_id=hidden_company.pk, kind="linked")
        .filter(
            pk__in=[int(pk) for pk in re.findall(r"/admin/timeline/event/(\d+)/change/", listing)]
        )
        .exists()
    )
