"""The benchmark data generator writes valid, varied rows that satisfy every model rule."""

import re
from datetime import timedelta
from io import StringIO

import phonenumbers
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from companies.communications import normalize_email, normalize_phone
from companies.models import Communication, Company, Contact
from dictionaries.models import Entry
from timeline.models import Event

pytestmark = pytest.mark.django_db

CYRILLIC = re.compile("[А-Яа-яЁё]")
LATIN = re.compile("[A-Za-z]")


def generate(**options) -> str:
    out = StringIO()
    call_command("generate_clients", stdout=out, **{"users": 5, "seed": 1, **options})
    return out.getvalue()


def ids_of(list_code: str) -> set[int]:
    return set(Entry.objects.filter(list_code=list_code).values_list("pk", flat=True))


@pytest.fixture
def generated():
    output = generate(companies=20, batch=7)
    return output


def test_counts_and_links(generated):
    assert "20/20 companies" in generated and "companies/s" in generated
    assert Company.objects.count() == 20
    assert Contact.objects.count() == 40
    per_company = Company.objects.annotate(n=Count("contacts")).values_list("n", flat=True)
    assert set(per_company) == {2}
    assert set(Contact.objects.annotate(n=Count("companies")).values_list("n", flat=True)) == {1}
    assert Communication.objects.filter(company__isnull=False).count() == 40
    assert Communication.objects.filter(contact__isnull=False).count() == 80
    assert not Event.objects.exists()  # a fixture, not history


def test_every_company_has_two_valid_phones(generated):
    phones = Communication.objects.filter(company__isnull=False)
    assert set(phones.values_list("channel", flat=True)) == {"phone"}
    per_company = phones.values("company").annotate(n=Count("id")).values_list("n", flat=True)
    assert set(per_company) == {2}
    for phone in phones:
        assert re.fullmatch(r"\+\d{8,15}", phone.normalized)
        assert phonenumbers.is_valid_number(phonenumbers.parse(phone.normalized))
        assert normalize_phone(phone.value) == phone.normalized
    # several countries, several ways of writing a number
    assert len({p.normalized[:3] for p in phones}) > 1
    assert len({re.sub(r"\d", "9", p.value) for p in phones}) > 3


def test_contact_phones_and_emails_are_normalised(generated):
    for comm in Communication.objects.filter(contact__isnull=False):
        normalize = normalize_phone if comm.channel == "phone" else normalize_email
        assert comm.channel in ("phone", "email")
        assert normalize(comm.value) == comm.normalized


def test_names_in_more_than_one_script(generated):
    names = [*Company.objects.values_list("name", flat=True)]
    names += [str(contact) for contact in Contact.objects.all()]
    assert any(CYRILLIC.search(name) for name in names)
    assert any(LATIN.search(name) for name in names)
    assert all(c.first_name or c.last_name for c in Contact.objects.all())


def test_reference_values_come_from_their_lists(generated):
    lists = {
        "type": "COMPANY_TYPE",
        "industry": "INDUSTRY",
        "employees": "EMPLOYEES",
        "source": "SOURCE",
    }
    for field, list_code in lists.items():
        used = set(Company.objects.values_list(f"{field}_id", flat=True)) - {None}
        assert used and used <= ids_of(list_code), field
    assert set(Contact.objects.values_list("type_id", flat=True)) - {None} <= ids_of("CONTACT_TYPE")
    assert set(Contact.objects.values_list("honorific_id", flat=True)) - {None} <= ids_of(
        "HONORIFIC"
    )


def test_responsible_people_are_generated_users(generated):
    users = get_user_model().objects.filter(username__startswith="gen_user_")
    assert sorted(users.values_list("username", flat=True)) == [
        f"gen_user_{n}" for n in range(1, 6)
    ]
    assert not any(user.has_usable_password() for user in users)
    responsible = set(Company.objects.values_list("responsible_id", flat=True))
    assert responsible <= set(users.values_list("pk", flat=True))


def test_creation_times_spread_over_three_years(generated):
    now = timezone.now()
    times = sorted(Company.objects.values_list("created_at", flat=True))
    assert times[0] >= now - timedelta(days=3 * 366)
    assert times[-1] <= now
    assert times[-1] - times[0] > timedelta(days=365)
    assert all(c.modified_at >= c.created_at for c in Company.objects.all())


def test_users_are_reused_and_rows_added(generated):
    generate(companies=3, seed=2)
    assert get_user_model().objects.filter(username__startswith="gen_user_").count() == 5
    assert Company.objects.count() == 23
    assert Contact.objects.count() == 46


def test_the_same_seed_gives_the_same_names():
    generate(companies=5, seed=42)
    first = list(Company.objects.order_by("pk").values_list("name", flat=True))
    Company.objects.all().delete()
    generate(companies=5, seed=42)
    assert list(Company.objects.order_by("pk").values_list("name", flat=True)) == first
