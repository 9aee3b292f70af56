import time

import pytest

from accessrights.models import Role
from accessrights.rights import rights_changed
from tests.conftest import require, sales_user
from tests.factories import UserFactory
from webforms.services import webform_create
from webforms.spam import token_for

CLIENT_FIELDS = [
    {"name": "company", "target": "company", "code": "name", "label": "Company"},
    {"name": "first_name", "target": "contact", "code": "first_name", "label": "First name"},
    {"name": "last_name", "target": "contact", "code": "last_name", "label": "Last name",
     "required": True},
    {"name": "email", "target": "contact", "code": "emails", "label": "E-mail", "required": True},
    {"name": "phone", "target": "contact", "code": "phones", "label": "Phone"},
    {"name": "birthday", "target": "contact", "code": "birthday", "label": "Birthday"},
]  # fmt: skip
DEAL_FIELDS = [
    *CLIENT_FIELDS,
    {"name": "budget", "target": "deal", "code": "amount", "label": "Budget"},
]


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """The tests post many times from one address; test_ratelimit.py sets its own limits."""
    settings.WEBFORM_RATE_PER_IP = settings.WEBFORM_RATE_PER_FORM = ""


@pytest.fixture
def redis_limits(settings):
    """The limiter (and replay checks) on the test Redis (skipped without one, failed in CI)."""
    require(bool(settings.REDIS_URL), "no Redis configured (set REDIS_URL)")
    settings.WEBFORM_RATE_REDIS_URL = settings.REDIS_URL
    return settings


@pytest.fixture
def responsible(db):
    return sales_user(first_name="Rita", last_name="Round")


@pytest.fixture
def settings_only(db):
    """A user with the settings right who may read no CRM item."""
    user = UserFactory(first_name="Sam", last_name="Settings")
    Role.objects.create(name="Settings only", can_change_settings=True).users.add(user)
    rights_changed()
    return user


@pytest.fixture
def client_form(admin, responsible):
    return webform_create(
        user=admin, name="Contact us", fields=CLIENT_FIELDS, responsibles=[responsible],
        allowed_origins=["https://shop.example.com"], success_message="Thanks!",
    )  # fmt: skip


def filled(form, **data) -> dict:
    """A person's post: a token issued 10 s ago, the honeypot empty."""
    return {"_token": token_for(form, at=time.time() - 10), **data}
