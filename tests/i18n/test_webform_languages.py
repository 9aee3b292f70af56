"""A public web form speaks its own languages: to each visitor the first of theirs it has,
else its first one; the builder and the API set them."""

import pytest
from django.urls import reverse

from tests.helpers import service_refused
from tests.webforms.conftest import filled
from webforms import services
from webforms.models import WebForm

pytestmark = pytest.mark.django_db

FIELDS = [
    {"name": "email", "target": "contact", "code": "emails", "label": "E-mail", "required": True},
    {"name": "last_name", "target": "contact", "code": "last_name", "label": "Nom"},
]


@pytest.fixture
def french_form(admin):
    return services.webform_create(
        user=admin, name="Salon", fields=FIELDS, responsibles=[admin], languages=["fr", "en"]
    )


def shown_language(client, form, accept: str) -> str:
    response = client.get(reverse("webforms:page", args=[form.key]), HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 200
    return response["Content-Language"]


def test_the_visitors_first_language_the_form_has(client, french_form):
    assert shown_language(client, french_form, "en-GB,en;q=0.9,fr;q=0.8") == "en"
    assert shown_language(client, french_form, "fr-CA,fr;q=0.9") == "fr"
    # Russian is not one of the form's: the next language of the visitor it has, else its first
    assert shown_language(client, french_form, "ru,en;q=0.5") == "en"
    assert shown_language(client, french_form, "ru,de;q=0.5") == "fr"


def test_a_form_without_languages_speaks_every_language(client, admin):
    form = services.webform_create(user=admin, name="All", fields=FIELDS, responsibles=[admin])
    assert form.languages == []
    assert shown_language(client, form, "ru") == "ru"
    body = client.get(reverse("webforms:page", args=[form.key]), HTTP_ACCEPT_LANGUAGE="ru")
    assert '<html lang="ru">' in body.content.decode() and "Отправить" in body.content.decode()


def test_the_submit_answers_in_the_page_language(client, admin):
    """Bad input: a post without the required e-mail; the error is in the visitor's language."""
    form = services.webform_create(user=admin, name="Ru", fields=FIELDS, responsibles=[admin],
                                   languages=["ru"])  # fmt: skip
    answer = client.post(reverse("webforms:submit", args=[form.key]),
                         filled(form, last_name="Petrov"), HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert answer["Content-Language"] == "ru"
    assert answer.status_code == 400 and answer.json()["errors"]["email"] == ["Обязательное поле."]


def test_unknown_languages_are_refused(admin, french_form):
    """Bad input: a code we have no catalogue for, and not a list."""
    service_refused(lambda: services.webform_update(user=admin, form=french_form,
                                                    languages=["de"]),
                    field="languages", match="de")  # fmt: skip
    service_refused(lambda: services.webform_update(user=admin, form=french_form,
                                                    languages="fr"), field="languages")  # fmt: skip
    assert WebForm.objects.get(pk=french_form.pk).languages == ["fr", "en"]


def test_the_builder_and_the_api_set_the_languages(admin_client, admin_api, french_form):
    page = admin_client.get(reverse("webforms:form_edit", args=[french_form.pk])).content.decode()
    assert 'name="languages" value="fr"' in page and 'value="ru"' in page
    answer = admin_api.patch(f"/api/v1/webforms/{french_form.pk}/", {"languages": ["ru"]},
                             format="json")  # fmt: skip
    assert answer.status_code == 200, answer.content
    assert answer.json()["languages"] == ["ru"]
    assert admin_api.patch(f"/api/v1/webforms/{french_form.pk}/", {"languages": ["xx"]},
                           format="json").status_code == 400  # fmt: skip
    assert WebForm.objects.get(pk=french_form.pk).languages == ["ru"]
