"""Login, logout, lock-out after repeated failures, and the health endpoint."""

import pytest

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_login_and_logout(client, user):
    response = login(client, user.username, PASSWORD)
    assert response.status_code == 302 and response.url == "/"
    assert user.username in client.get("/").content.decode()
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # back to the login page


def test_a_wrong_password_shows_an_error(client, user):
    response = login(client, user.username, "wrong")
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_repeated_failures_lock_the_login_even_with_the_right_password(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, user.username, "wrong")
    response = login(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_navigation_shows_settings_only_with_the_right(client, user, admin):
    client.force_login(user)
    assert "/settings/dictionaries/" not in client.get("/").content.decode()
    client.force_login(admin)
    assert "/settings/dictionaries/" in client.get("/").content.decode()


def test_health(client):
    response = client.get("/health/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
