"""Every main page in Russian and in French: a few known words, and no text of the page that is
a msgid of the catalogue shown as it is in English (a string that escaped the translation:
left out of the catalogue, or rendered outside the request's language).

The check reads the page's text nodes and the attributes people read (title, aria-label,
placeholder, the buttons' values); a node equal to a msgid whose translation differs from it is
an English string on a Russian or French page. The data made here uses no English word of the
catalogue as a name, so that the data is not taken for untranslated text."""

import html.parser

import pytest
from django.urls import reverse

from accessrights.defaults import DEFAULT_ROLES, default_role_name
from accessrights.models import Role
from companies import services as client_services
from deals import services as deal_services
from dictionaries.defaults import install_defaults
from dictionaries.models import Entry, Pipeline
from webforms.services import webform_create

from .catalogues import LANGUAGES, catalogue_path, read_catalogue

pytestmark = pytest.mark.django_db

READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
KNOWN = {
    "ru": {"companies": "Компании", "kanban": "Сделка успешна", "settings": "Справочники"},
    "fr": {"companies": "Entreprises", "kanban": "Transactions", "settings": "Paramètres"},
}


class _Texts(html.parser.HTMLParser):
    """The text nodes and read attributes of a page, outside script and style, codes (a field's
    code such as ``name`` is no English word) and what says it is in another language (the
    language switch names each language in itself)."""

    def __init__(self):
        super().__init__()
        self.found, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code") or (tag == "option" and dict(attrs).get("lang")):
            self._skip += 1
        attributes = dict(attrs)
        self.found += [value for name, value in attrs if name in READ_ATTRIBUTES and value]
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.found.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code", "option") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.found.append(data)


def texts(body: str) -> set[str]:
    parser = _Texts()
    parser.feed(body)
    return {" ".join(text.split()) for text in parser.found}


def english_left(language: str) -> set[str]:
    """The msgids whose translation differs from them: seen as they are, they are English."""
    left = set()
    for message in read_catalogue(catalogue_path(language)):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and "%" not in ids[0] and "{" not in ids[0] and ids[0] not in strings:
            left.add(" ".join(ids[0].split()))
    return left


@pytest.fixture
def world(admin, settings, request):
    """A fresh installation in the test's language, with one item of each kind."""
    settings.LANGUAGE_CODE = request.getfixturevalue("language")
    Entry.objects.all().delete()
    Pipeline.objects.all().delete()
    install_defaults(Entry, Pipeline)
    for msgid, *_rest in DEFAULT_ROLES:  # the roles the migration wrote in English
        Role.objects.filter(name=msgid).update(name=default_role_name(msgid))
    company = client_services.company_create(user=admin, name="Ромашка Ltd")
    contact = client_services.contact_create(
        user=admin, first_name="Ivan", last_name="Petrov", companies=[company]
    )
    deal = deal_services.deal_create(user=admin, title="Поставка 42", amount="1234567.89",
                                     currency="RUB", company=company)  # fmt: skip
    lead = deal_services.lead_create(user=admin, title="Заявка 7", first_name="Olga")
    form = webform_create(
        user=admin, name="Заявка с сайта", responsibles=[admin],
        fields=[{"name": "email", "target": "contact", "code": "emails", "label": "Почта",
                 "required": True},
                {"name": "name", "target": "contact", "code": "last_name", "label": "Имя"}],
    )  # fmt: skip
    return {"company": company, "contact": contact, "deal": deal, "lead": lead, "form": form}


def main_pages(world) -> dict[str, str]:
    company, deal, form = world["company"], world["deal"], world["form"]
    return {
        "home": "/",
        "companies": reverse("companies:company_list"),
        "company card": reverse("companies:company", args=[company.pk]),
        "company form": reverse("companies:company_edit", args=[company.pk]),
        "contacts": reverse("companies:contact_list"),
        "contact card": reverse("companies:contact", args=[world["contact"].pk]),
        "kanban": reverse("deals:deal_kanban"),
        "deals": reverse("deals:deal_list"),
        "deal card": reverse("deals:deal", args=[deal.pk]),
        "deal form": reverse("deals:deal_add"),
        "leads": reverse("deals:lead_list"),
        "lead card": reverse("deals:lead", args=[world["lead"].pk]),
        "activities": "/activities/",
        "analytics": "/analytics/",
        "settings": reverse("dictionaries:dictionary", args=["COMPANY_TYPE"]),
        "pipelines": reverse("dictionaries:pipeline_list"),
        "custom fields": "/settings/fields/company/",
        "card layout": "/settings/cards/company/",
        "rights": "/settings/rights/",
        "employees": "/settings/employees/",
        "profile": "/profile/",
        "imports": reverse("importexport:imports"),
        "new import": reverse("importexport:import_new") + "?entity=company",
        "exports": reverse("exports:export_list"),
        "new export": reverse("exports:export_new", args=["company"]),
        "web forms": reverse("webforms:form_list"),
        "web form builder": reverse("webforms:form_edit", args=[form.pk]),
        "web form submissions": reverse("webforms:submission_list", args=[form.pk]),
        "call lists": "/call-lists/",
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_main_page_is_in_the_language(admin_client, admin, world, language):
    from people.services import profile_update

    profile_update(user=admin, language=language)
    left = english_left(language)
    assert len(left) > 500  # most of the catalogue (not the placeholders nor the same words)
    found = {}
    for name, url in main_pages(world).items():
        response = admin_client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        body = response.content.decode()
        assert f'<html lang="{language}">' in body, name
        english = sorted(texts(body) & left)
        if english:
            found[name] = english
    assert found == {}, found
    pages = {name: admin_client.get(url).content.decode() for name, url in
             main_pages(world).items() if name in KNOWN[language]}  # fmt: skip
    missing = [name for name, body in pages.items() if KNOWN[language][name] not in body]
    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_public_web_form_is_in_the_visitors_language(client, world, language):
    body = client.get(
        reverse("webforms:page", args=[world["form"].key]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert f'<html lang="{language}">' in body
    assert not texts(body) & english_left(language)
