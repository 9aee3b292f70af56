"""The web form scheme "quote + client": a submission creates the client and a quote in the
first quote stage, at once or through the worker's drain (one by one: no bulk writer)."""

import pytest

from companies.models import Company, Contact
from quotes.models import Quote
from timeline.models import Event, EventKind
from webforms.models import SubmissionStatus
from webforms.services import Meta, submission_receive, submissions_drain, webform_create

from .conftest import CLIENT_FIELDS, filled

pytestmark = pytest.mark.django_db


@pytest.fixture
def quote_form(admin, responsible):
    return webform_create(user=admin, name="Price request", scheme="quote",
                          fields=CLIENT_FIELDS, responsibles=[responsible])  # fmt: skip


def test_a_submission_creates_the_client_and_a_quote_in_its_first_stage(quote_form, responsible):
    data = filled(quote_form, company="Acme", last_name="Doe", email="doe@example.com")
    submission = submission_receive(quote_form, data, Meta())
    assert submission.status == SubmissionStatus.PROCESSED, submission.error
    quote = Quote.objects.get(pk=submission.created["quote"])
    company = Company.objects.get(pk=submission.created["company"])
    contact = Contact.objects.get(pk=submission.created["contact"])
    assert (quote.stage.code, quote.closed) == ("DRAFT", False)
    assert quote.company == company and list(quote.contacts.all()) == [contact]
    assert quote.title == "Price request: Doe" and quote.responsible == responsible
    created = Event.objects.of_item(quote).get(kind=EventKind.CREATED)
    assert (created.door, created.door_id) == ("webform", quote_form.pk)


def test_drained_submissions_get_their_quotes_too(quote_form, settings):
    settings.WEBFORM_PROCESS_IN_WORKER = True
    for n in range(3):
        submission_receive(quote_form, filled(quote_form, last_name=f"Doe {n}",
                                              email=f"doe{n}@example.com"), Meta())  # fmt: skip
    assert not Quote.objects.exists()
    assert submissions_drain() == 3
    assert Quote.objects.count() == 3
    assert set(Quote.objects.values_list("contacts__last_name", flat=True)) == {
        "Doe 0", "Doe 1", "Doe 2"}  # fmt: skip
