"""Phone numbers typed without a country code are read in the region of the person typing
them (their profile's, else the installation's), shown back as understood, and refused with
an example of their region when they cannot be read."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from companies import communications as comms
from companies.models import Company
from companies.services import company_create
from crm.actors import Door, acting_through
from importexport import imports
from importexport.models import ImportJob, ImportRow
from people.regional import current_phone_region, phone_region
from people.services import profile_update
from tests.conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "region", "stored"),
    [
        ("01 42 00 00 01", "FR", "+33142000001"),
        ("8 (912) 345-67-00", "RU", "+79123456700"),
        ("+1 202 555 0143", "FR", "+12025550143"),  # a country code wins over the region
    ],
)
def test_a_number_is_read_in_the_current_region(typed, region, stored):
    with phone_region(region):
        assert comms.normalize_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "region", "example"),
    [
        # A French national number is no US number: refused, not stored as +10142000001.
        ("01 42 00 00 01", "US", "(201) 555-0123"),
        ("12", "FR", "01 23 45 67 89"),
        ("8 (912) 345-67", "RU", "8 (301) 123-45-67"),
    ],
)
def test_a_number_that_cannot_be_read_is_refused_with_an_example_of_the_region(
    typed, region, example
):
    with phone_region(region), pytest.raises(ValidationError) as refused:
        comms.normalize_phone(typed)
    message = refused.value.messages[0]
    assert "not a phone number" in message
    assert example in message
    assert region in message


def test_the_installation_region_applies_without_a_profile(settings):
    settings.PHONE_DEFAULT_REGION = "FR"
    assert current_phone_region() == "FR"
    assert comms.normalize_phone("01 42 00 00 01") == "+33142000001"


def test_a_page_reads_numbers_in_the_users_region(client, user, settings):
    """Bad input tried: a French number typed by a user of the (US) installation without a
    region is refused with a US example; with FR on their profile it is stored as French and
    the card shows how it was understood."""
    settings.PHONE_DEFAULT_REGION = "US"
    client.force_login(user)
    form = {"name": "Dupont", "phones-0-value": "01 42 00 00 01", "phones-0-kind": "work"}
    form["responsible"] = user.pk
    refused = client.post("/companies/add/", form)
    assert refused.status_code in (200, 400, 422)
    assert "(201) 555-0123" in refused.content.decode()
    assert not Company.objects.exists()

    profile_update(user=user, phone_region="FR")
    created = client.post("/companies/add/", form)
    assert created.status_code == 302
    company = Company.objects.get()
    assert [c.normalized for c in company.communications.all()] == ["+33142000001"]
    card = client.get(f"/companies/{company.pk}/").content.decode()
    assert "01 42 00 00 01" in card and "+33 1 42 00 00 01" in card
    edit = client.get(f"/companies/{company.pk}/edit/").content.decode()
    assert "+33 1 42 00 00 01" in edit  # the form shows how the number is read too


def test_the_api_reads_numbers_in_the_token_users_region(user):
    profile_update(user=user, phone_region="RU")
    api = token_client(user)
    answer = api.post(
        "/api/v1/companies/",
        {"name": "Север", "phones": [{"value": "8 (912) 345-67-00", "kind": "work"}]},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["phones"][0]["normalized"] == "+79123456700"
    refused = api.post(
        "/api/v1/companies/",
        {"name": "Юг", "phones": [{"value": "12", "kind": "work"}]},
        format="json",
    )
    assert refused.status_code == 400
    assert "8 (301) 123-45-67" in str(refused.json())
    assert Company.objects.count() == 1


def test_a_job_acting_for_a_user_reads_numbers_in_their_region(user):
    profile_update(user=user, phone_region="FR")
    with acting_through(Door("import", 3), on_behalf_of=user):
        company = company_create(user=user, phones=[{"value": "01 42 00 00 01"}], name="Import")
        assert current_phone_region() == "FR"
    assert current_phone_region() == "US"
    assert company.communications.get().normalized == "+33142000001"


def test_an_import_reads_numbers_in_its_uploaders_region(admin, django_capture_on_commit_callbacks):
    """Bad input: a national number no French line has is rejected with a French example,
    the others read as French numbers, as the uploader would have typed them."""
    profile_update(user=admin, phone_region="FR")
    text = "Company name;Work phone\nDupont;01 42 00 00 01\nDurand;12\n"
    upload = SimpleUploadedFile("f.csv", text.encode("utf-8-sig"), content_type="text/csv")
    draft = imports.import_upload(user=admin, entity="company", file=upload, name="f.csv")
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_start(user=admin, import_job=draft)
    done = ImportJob.objects.get(pk=draft.pk)
    assert (done.created, done.failed) == (1, 1)
    dupont = Company.objects.get(name="Dupont")
    assert dupont.communications.get().normalized == "+33142000001"
    rejected = ImportRow.objects.get(import_job=done, outcome="failed")
    assert "01 23 45 67 89" in str(rejected.reason)
