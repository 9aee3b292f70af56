"""Two managers (the default Manager role: they read their own and open items, and change
their own), their companies, and what a test of activities plans on them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accessrights.models import Role
from accessrights.rights import rights_changed
from activities import services
from companies import services as client_services
from tests.factories import UserFactory


def manager_user(first_name: str):
    user = UserFactory(first_name=first_name, last_name="Manager")
    Role.objects.get(name="Manager").users.add(user)
    rights_changed()
    return user


@pytest.fixture
def mia(db):
    return manager_user("Mia")


@pytest.fixture
def max_(db):
    return manager_user("Max")


@pytest.fixture
def mias_company(mia):
    return client_services.company_create(user=mia, name="Mia's Acme", opened=False)


@pytest.fixture
def open_company(max_):
    """Max's, open to everyone: Mia reads it, and may not change it."""
    return client_services.company_create(user=max_, name="Open Globex", opened=True)


@pytest.fixture
def hidden_company(max_):
    """Max's, not open: Mia may not read it."""
    return client_services.company_create(user=max_, name="Hidden Initech", opened=False)


def soon(hours: float = 2):
    return timezone.now() + timedelta(hours=hours)


def plan(user, item, **fields):
    fields.setdefault("kind", "call")
    fields.setdefault("subject", "Call about the offer")
    fields.setdefault("deadline", soon())
    return services.activity_create(user=user, item=item, **fields)
