"""The profile page and ``/api/v1/me/``: names, language, time zone, phone region, photo,
password, API token; times shown in the user's time zone."""

import io
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.authtoken.models import Token

from companies.services import company_create
from people.models import Profile
from people.naming import choice_label, names_changed, person_label
from people.services import profile_update
from tests.conftest import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def picture(kind="PNG", size=(800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=kind)
    return out.getvalue()


def test_a_profile_is_made_on_demand_and_keeps_the_defaults_until_then(user_client, user):
    page = user_client.get("/profile/")
    assert page.status_code == 200
    assert "Installation&#x27;s default (UTC)" in page.content.decode()
    assert not Profile.objects.exists()  # reading creates nothing
    saved = user_client.post(
        "/profile/",
        {
            "first_name": "Anne",
            "last_name": "Leclerc",
            "language": "fr",
            "time_zone": "Europe/Paris",
            "phone_region": "FR",
        },
    )
    assert saved.status_code == 302
    profile = Profile.objects.get(user=user)
    assert (profile.language, profile.time_zone, profile.phone_region) == (
        "fr",
        "Europe/Paris",
        "FR",
    )
    user.refresh_from_db()
    assert user.get_full_name() == "Anne Leclerc"


def test_bad_choices_are_refused_and_nothing_is_saved(user_client, user):
    """Bad input: a time zone and a region no one has."""
    refused = user_client.post(
        "/profile/", {"first_name": "X", "time_zone": "Mars/Olympus", "phone_region": "XX"}
    )
    assert refused.status_code == 400
    assert not Profile.objects.exists()
    user.refresh_from_db()
    assert user.first_name != "X"


def test_pages_speak_the_users_language_and_show_times_in_their_zone(user_client, user):
    company = company_create(user=user, name="Acme")
    type(company).objects.filter(pk=company.pk).update(
        created_at=datetime(2026, 1, 15, 23, 30, tzinfo=UTC)
    )
    profile_update(user=user, language="fr", time_zone="Asia/Tokyo")
    answer = user_client.get(f"/companies/{company.pk}/")
    assert answer["Content-Language"] == "fr"
    assert (
        "16/01/2026 08:30" in answer.content.decode()
    )  # 23:30 UTC is 8:30 the next morning in Tokyo


def test_the_api_me_reads_and_changes_ones_own_settings(user):
    api = token_client(user)
    shown = api.get("/api/v1/me/").json()
    assert shown["username"] == user.username
    assert (shown["language"], shown["time_zone"], shown["phone_region"]) == ("", "", "")
    changed = api.patch(
        "/api/v1/me/",
        {"time_zone": "America/New_York", "phone_region": "RU", "first_name": "Ivan"},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["time_zone"] == "America/New_York"
    assert changed.json()["display_name"].startswith("Ivan ")
    assert Profile.objects.get(user=user).phone_region == "RU"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"time_zone": "Europe/Atlantis"}, "time_zone", "not a time zone"),
        ({"phone_region": "ZZ"}, "phone_region", "not a country code"),
        ({"language": "de"}, "language", "not a valid choice"),
        ({"time_zone": 5}, "time_zone", "Expected a string"),
    ],
)
def test_the_api_me_refuses_what_it_cannot_use(user, body, field, message):
    """Bad input: an unknown time zone, region or language, a number for a zone."""
    answer = token_client(user).patch("/api/v1/me/", body, format="json")
    assert answer.status_code == 400
    assert message in " ".join(answer.json()[field])
    assert not Profile.objects.exists()


def test_nobody_raises_their_rights_through_their_profile(manager):
    """Bad input: rights fields sent to /me/ are ignored like any unknown key."""
    answer = token_client(manager).patch(
        "/api/v1/me/",
        {"is_superuser": True, "is_staff": True, "roles": [1], "username": "root"},
        format="json",
    )
    assert answer.status_code == 200
    manager.refresh_from_db()
    assert not manager.is_superuser and not manager.is_staff
    assert manager.username != "root"


def test_a_photo_is_re_encoded_small_and_served_as_a_png(user_client, user, client, settings):
    settings.MEDIA_ROOT = settings.DATA_DIR / "test-media"
    upload = SimpleUploadedFile("me.jpg", picture("JPEG", (1600, 1200)), "image/jpeg")
    assert user_client.post("/profile/", {"photo": upload}).status_code == 302
    profile = Profile.objects.get(user=user)
    assert profile.photo.name.endswith(".png")
    served = user_client.get(f"/people/{user.pk}/photo/")
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    image = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert image.format == "PNG" and max(image.size) == 512
    # Removing it deletes the file once committed.
    stored = profile.photo.name
    user_client.post("/profile/", {"remove_photo": "on"})
    assert not Profile.objects.get(user=user).photo
    assert user_client.get(f"/people/{user.pk}/photo/").status_code == 404
    assert stored


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.png", b"<script>alert(1)</script>", "not a picture"),
        ("fake.png", b"GIF89a" + b"\0" * 20, "not a picture"),
        ("big.png", b"0" * 3_000_000, "at most"),
    ],
)
def test_a_file_that_is_no_small_picture_is_refused(user_client, name, content, message):
    """Bad input: a script named .png, a truncated GIF, a 3 MB file."""
    upload = SimpleUploadedFile(name, content, "image/png")
    refused = user_client.post("/profile/", {"photo": upload})
    assert refused.status_code == 400
    assert message in refused.content.decode()
    assert not Profile.objects.exclude(photo="").exists()


def test_photos_are_for_signed_in_users(client, user):
    assert client.get(f"/people/{user.pk}/photo/").status_code == 302  # to the login


def test_password_change_is_djangos_and_keeps_the_session(user_client, user):
    refused = user_client.post(
        "/profile/password/",
        {"old_password": "wrong", "new_password1": "x", "new_password2": "x"},
    )
    assert refused.status_code == 200  # the form again, with the reasons
    changed = user_client.post(
        "/profile/password/",
        {
            "old_password": "correct horse battery",
            "new_password1": "a much longer secret 42",
            "new_password2": "a much longer secret 42",
        },
    )
    assert changed.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a much longer secret 42")
    assert user_client.get("/profile/").status_code == 200  # still signed in


def test_an_api_token_is_made_shown_once_replaced_and_deleted(user_client, user):
    made = user_client.post("/profile/token/", {"action": "create"})
    key = Token.objects.get(user=user).key
    assert key in made.content.decode()
    assert made["Cache-Control"] == "no-store"
    assert key not in user_client.get("/profile/").content.decode()
    user_client.post("/profile/token/", {"action": "create"})
    assert Token.objects.get(user=user).key != key
    user_client.post("/profile/token/", {"action": "delete"})
    assert not Token.objects.filter(user=user).exists()


def test_the_top_bar_links_the_profile_which_links_the_webhooks(user_client):
    home = user_client.get("/").content.decode()
    assert 'href="/profile/"' in home
    assert 'href="/profile/webhooks/"' in user_client.get("/profile/").content.decode()


def test_names_shared_by_two_active_users_carry_the_login():
    anna = UserFactory(first_name="Anna", last_name="Smith", username="asmith")
    other = UserFactory(first_name="Anna", last_name="Smith", username="anna2")
    alone = UserFactory(first_name="Boris", last_name="Ivanov")
    names_changed()
    assert person_label(anna) == "Anna Smith (asmith)"
    assert person_label(other) == "Anna Smith (anna2)"
    assert person_label(alone) == "Boris Ivanov"
    assert person_label(UserFactory(first_name="", last_name="", username="ops")) == "ops"
    other.is_active = False
    other.save()
    names_changed()
    assert person_label(anna) == "Anna Smith"
    assert choice_label(other) == "Anna Smith · inactive"
