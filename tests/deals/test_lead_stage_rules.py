"""A lead reaches its success stage only by conversion, on create as on update (security
issue, item 9)."""

import pytest

from deals import services
from deals.models import Lead
from dictionaries.models import Entry, Semantics
from tests.helpers import tables_snapshot as snapshot

pytestmark = pytest.mark.django_db

LEADS = "/api/v1/leads/"


def success_stage() -> Entry:
    return Entry.objects.of_list(services.LEAD_STAGE).get(semantics=Semantics.SUCCESS)


def test_a_lead_cannot_be_created_in_its_success_stage_through_the_api(admin_api):
    """Bad input: POST a new lead straight into "CONVERTED", which no conversion produced."""
    before = snapshot()
    response = admin_api.post(
        LEADS, {"title": "Shortcut", "stage": success_stage().code}, format="json"
    )
    assert response.status_code == 400, response.content
    assert "stage" in response.json()
    assert snapshot() == before


def test_a_lead_created_in_a_process_stage_can_still_be_converted(admin, admin_api):
    response = admin_api.post(LEADS, {"title": "Proper", "first_name": "Ann"}, format="json")
    assert response.status_code == 201, response.content
    lead = Lead.objects.get(pk=response.json()["id"])
    produced = services.lead_convert(user=admin, lead=lead, contact=True)
    assert produced["contact"] is not None
    assert Lead.objects.get(pk=lead.pk).stage == success_stage()
