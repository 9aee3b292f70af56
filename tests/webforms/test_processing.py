"""What a processed submission creates, and what happens when processing fails."""

import pytest
from django.contrib.auth import get_user_model

from companies.models import Company, Contact
from companies.services import contact_create
from deals.models import Deal
from dictionaries.models import Pipeline
from tests.conftest import sales_user
from timeline.models import Event, EventKind
from webforms.models import SubmissionStatus
from webforms.services import Meta, submission_receive, submission_retry, webform_create

from .conftest import CLIENT_FIELDS, DEAL_FIELDS, filled


def receive(form, **data):
    return submission_receive(form, filled(form, **data), Meta())


def test_a_stored_contact_is_reused_and_gets_the_new_phone(client_form, responsible):
    stored = contact_create(user=responsible, last_name="Doe",
                            emails=[{"value": "doe@example.com", "kind": "work"}])  # fmt: skip
    submission = receive(client_form, last_name="Someone Else", email="DOE@example.com",
                         phone="+1 202 555 0143")  # fmt: skip
    assert submission.status == SubmissionStatus.PROCESSED
    assert Contact.objects.count() == 1
    assert submission.created == {"contact": stored.pk}
    stored.refresh_from_db()
    assert stored.last_name == "Doe"  # a visitor does not rename a stored client
    assert [c.normalized for c in stored.communications.filter(channel="phone")] == ["+12025550143"]
    assert stored.communications.filter(channel="email").count() == 1  # not doubled
    # The same submission again changes nothing more.
    receive(client_form, last_name="Doe", email="doe@example.com", phone="(202) 555-0143")
    assert stored.communications.count() == 2
    assert stored.version == 2


def test_a_deal_form_creates_the_deal_linked_to_the_client_with_source_webform(admin, responsible):
    pipeline = Pipeline.objects.get(is_default=True)
    form = webform_create(user=admin, name="Quote request", scheme="deal", fields=DEAL_FIELDS,
                          responsibles=[responsible], pipeline=pipeline)  # fmt: skip
    submission = receive(form, company="Acme", last_name="Doe", email="doe@example.com",
                         budget="1 200,50")  # fmt: skip
    assert submission.status == SubmissionStatus.PROCESSED, submission.error
    deal = Deal.objects.get(pk=submission.created["deal"])
    contact = Contact.objects.get(pk=submission.created["contact"])
    company = Company.objects.get(pk=submission.created["company"])
    assert deal.company == company
    assert list(deal.contacts.all()) == [contact]
    assert list(contact.companies.all()) == [company]
    assert str(deal.amount) == "1200.50"
    assert deal.title == "Quote request: Doe"
    for item in (deal, contact, company):
        assert item.source.code == "WEBFORM"
        assert item.responsible == responsible
        created = Event.objects.of_item(item).get(kind=EventKind.CREATED)
        assert (created.door, created.door_id) == ("webform", form.pk)
        assert created.actor_line() == "by Rita Round via web form “Quote request”"


def test_responsible_people_take_turns_skipping_deactivated_and_deleted(admin, responsible):
    gone, inactive, other = sales_user(), sales_user(), sales_user()
    form = webform_create(user=admin, name="Turns", fields=CLIENT_FIELDS,
                          responsibles=[responsible, gone, inactive, other])  # fmt: skip
    inactive.is_active = False
    inactive.save()
    get_user_model().objects.filter(pk=gone.pk).delete()
    owners = []
    for n in range(4):
        submission = receive(form, last_name=f"Visitor {n}", email=f"v{n}@example.com")
        owners.append(Contact.objects.get(pk=submission.created["contact"]).responsible)
    assert owners == [responsible, other, responsible, other]


def test_a_refused_submission_is_kept_failed_and_a_retry_later_succeeds(admin, responsible):
    form = webform_create(user=admin, name="Refusing", fields=CLIENT_FIELDS,
                          responsibles=[responsible])  # fmt: skip
    # Bad input for the database: the responsible person may no longer add contacts (the
    # service refuses), so processing fails after the submission was stored.
    responsible.crm_roles.clear()
    submission = receive(form, last_name="Doe", email="doe@example.com")
    assert submission.status == SubmissionStatus.FAILED
    assert "right" in submission.error
    assert submission.answer_status == 201  # the visitor's post was taken
    assert not Contact.objects.exists()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.FAILED
    responsible.crm_roles.add(*sales_user().crm_roles.all())
    from accessrights.rights import rights_changed

    rights_changed()
    retried = submission_retry(user=admin, submission=submission)
    assert retried.status == SubmissionStatus.PROCESSED
    assert Contact.objects.get().pk == retried.created["contact"]


def test_a_form_without_active_responsible_fails_its_submissions(admin, responsible):
    form = webform_create(user=admin, name="Alone", fields=CLIENT_FIELDS,
                          responsibles=[responsible])  # fmt: skip
    # Bad input: the only responsible person deleted.
    get_user_model().objects.filter(pk=responsible.pk).delete()
    submission = receive(form, last_name="Doe", email="doe@example.com")
    assert submission.status == SubmissionStatus.FAILED
    assert "responsible" in submission.error
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ([{"name": "x", "target": "contact", "code": "responsible", "label": "x"}], "a user field"),
        ([{"name": "x", "target": "deal", "code": "title", "label": "x"}], "a deal field"),
        ([{"name": "x", "target": "contact", "code": "no_such", "label": "x"}], "an unknown code"),
        ([{"name": "x", "target": "contact", "code": "phones", "label": "x"}], "no name field"),
        ([{"name": "_hp", "target": "company", "code": "name", "label": "x"}], "a reserved name"),
    ],
)
def test_a_form_definition_is_refused_with_the_reason(admin, responsible, fields, bad):
    from django.core.exceptions import ValidationError

    # Bad input: a field the visitor may not fill, named as ``bad``.
    with pytest.raises(ValidationError) as refused:
        webform_create(user=admin, name="Bad", fields=fields, responsibles=[responsible])
    assert "fields" in refused.value.message_dict, bad


def test_forms_need_the_settings_right(responsible):
    from django.core.exceptions import PermissionDenied

    from webforms.models import WebForm

    # Bad input: a sales user without the settings right creating a form.
    with pytest.raises(PermissionDenied):
        webform_create(user=responsible, name="X", fields=CLIENT_FIELDS,
                       responsibles=[responsible])  # fmt: skip
    assert not WebForm.objects.exists()


def test_a_disallowed_origin_list_entry_is_refused(admin, responsible):
    from django.core.exceptions import ValidationError

    # Bad input: a javascript: address among the allowed origins.
    with pytest.raises(ValidationError):
        webform_create(user=admin, name="X", fields=CLIENT_FIELDS, responsibles=[responsible],
                       allowed_origins=["javascript:alert(1)"])  # fmt: skip
