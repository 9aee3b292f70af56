"""Which language a page or an answer of the API is in: the user's profile language, else the
browser's (or the top bar's switch for someone not signed in), else LANGUAGE_CODE; the API in
its request's Accept-Language."""

import pytest
from django.test import Client
from django.utils import translation
from rest_framework.exceptions import NotAuthenticated

from people import services
from people.regional import profile_of
from tests.conftest import token_client

pytestmark = pytest.mark.django_db

LOGIN = {"ru": "Вход", "fr": "Connexion", "en": "Log in"}
HOME_WORD = {"ru": "Сделки", "fr": "Transactions", "en": "Deals"}


def login_heading(response) -> str:
    body = response.content.decode()
    return next(word for lang, word in LOGIN.items() if f"<h1>{word}</h1>" in body)


def chosen(user, language):
    services.profile_update(user=user, language=language)


@pytest.mark.parametrize("language", ["ru", "fr"])
def test_the_browser_language_without_a_profile_choice(client, language):
    header = f"{language}-XX,{language};q=0.9,en;q=0.5"
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE=header)
    assert login_heading(response) == LOGIN[language]
    assert f'<html lang="{language}">' in response.content.decode()


def test_the_installation_language_when_the_browser_asks_for_none_of_ours(client, settings):
    settings.LANGUAGE_CODE = "ru"
    assert login_heading(client.get("/login/", HTTP_ACCEPT_LANGUAGE="de,it;q=0.5")) == "Вход"
    assert login_heading(client.get("/login/")) == "Вход"


def test_the_profile_language_wins_over_the_browser(client, user):
    chosen(user, "ru")
    client.force_login(user)
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert HOME_WORD["ru"] in body and '<html lang="ru">' in body


def test_a_user_without_a_choice_gets_the_browser_language(client, user):
    client.force_login(user)
    assert '<html lang="ru">' in client.get("/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()


def test_the_switch_keeps_an_anonymous_choice_in_a_cookie(client):
    response = client.post("/language/", {"language": "ru", "next": "/login/"})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.cookies["django_language"].value == "ru"
    assert login_heading(client.get("/login/", HTTP_ACCEPT_LANGUAGE="en")) == "Вход"


def test_the_switch_saves_a_signed_in_users_profile(client, user):
    client.force_login(user)
    client.post("/language/", {"language": "ru", "next": "/companies/"})
    assert profile_of(type(user).objects.get(pk=user.pk)).language == "ru"
    # another browser of the same user, asking for French, shows Russian
    other = Client()
    other.force_login(user)
    assert '<html lang="ru">' in other.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()


def test_the_switch_shows_in_the_top_bar_with_its_csrf_token(client, user):
    client.force_login(user)
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    switch = body[body.index('class="language-switch"') :]
    switch = switch[: switch.index("</form>")]
    assert 'name="csrfmiddlewaretoken"' in switch
    assert 'value="ru" lang="ru" selected' in switch and ">Français<" in switch


def test_the_switch_refuses_what_it_does_not_offer(client, user):
    """Bad input: a language code we have no catalogue for, and a foreign next address."""
    client.force_login(user)
    assert client.post("/language/", {"language": "de"}).status_code == 400
    assert profile_of(type(user).objects.get(pk=user.pk)).language == ""
    response = client.post("/language/", {"language": "fr", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_the_switch_needs_its_csrf_token(user):
    """Bad input: a post without the CSRF token (from another site)."""
    client = Client(enforce_csrf_checks=True)
    assert client.post("/language/", {"language": "ru"}).status_code == 403
    assert "django_language" not in client.cookies
    assert client.get("/language/").status_code == 405


def test_the_api_answers_in_the_request_language_over_the_profile(user):
    chosen(user, "fr")
    api = token_client(user)
    asked = api.get("/api/v1/analytics/nope/", HTTP_ACCEPT_LANGUAGE="ru")
    assert asked.status_code == 404 and asked.json()["detail"] == "Такого отчёта нет."
    # without the header, the profile's language
    with translation.override("fr"):
        french = translation.gettext("There is no such report.")
    assert api.get("/api/v1/analytics/nope/").json()["detail"] == french


def test_djangos_and_drfs_own_messages_are_translated(client):
    """Bad input: an API call without credentials; DRF's message comes from DRF's catalogue."""
    answer = client.get("/api/v1/companies/", HTTP_ACCEPT_LANGUAGE="ru")
    with translation.override("ru"):
        expected = str(NotAuthenticated.default_detail)
    with translation.override("en"):
        english = str(NotAuthenticated.default_detail)
    assert answer.json()["detail"] == expected != english
