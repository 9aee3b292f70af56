"""The set-password mail is in the new employee's language (their profile's, else the
installation's), not in the language the administrator reads the CRM in."""

import pytest
from django.core import mail
from django.utils import translation

from people.invitations import invitation_send
from people.services import profile_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_invitation_is_in_the_installation_language(settings, admin):
    settings.EMAIL_HOST, settings.LANGUAGE_CODE = "mail.example.com", "ru"
    employee = UserFactory(email="olga@example.com")
    with translation.override("en"):  # the administrator's page is in English
        assert invitation_send(
            employee=employee, url="https://crm.example/welcome/x/", sender=admin
        )
    assert mail.outbox[0].subject == "Ваша учётная запись в CRM"
    assert (
        "Здравствуйте" in mail.outbox[0].body
        and "https://crm.example/welcome/x/" in mail.outbox[0].body
    )


def test_or_in_the_language_on_their_profile(settings, admin):
    settings.EMAIL_HOST, settings.LANGUAGE_CODE = "mail.example.com", "ru"
    employee = UserFactory(email="john@example.com")
    profile_update(user=employee, language="en")
    invitation_send(employee=employee, url="https://crm.example/welcome/y/", sender=admin)
    assert mail.outbox[0].subject == "Your account in the CRM"
