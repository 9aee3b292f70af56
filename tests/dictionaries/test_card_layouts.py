"""Card layouts an admin arranges (``dictionaries.card_layouts``): the rules, and cards, forms
and the admin following them."""

import pytest
from django.core.exceptions import PermissionDenied

from companies import services
from companies.models import Company
from crm.fields import layout
from dictionaries.card_layouts import layout_reset, layout_set
from dictionaries.custom_fields import custom_field_create
from dictionaries.models import CardLayout
from tests.factories import UserFactory
from tests.helpers import service_refused

pytestmark = pytest.mark.django_db

ARRANGED = [
    {"name": "Who", "fields": ["name", "phones", "responsible"]},
    {"name": "Money", "fields": ["revenue", "currency", "type"]},
]


def codes(entity="company"):
    return [(str(s.label), [f.code for f in fields]) for s, fields in layout(entity)]


def test_an_arrangement_orders_sections_and_fields_and_hides_some(admin):
    layout_set(user=admin, entity="company", sections=ARRANGED, hidden=["comments", "websites"])
    arranged = codes()
    assert [name for name, _fields in arranged] == ["Who", "Money"]
    assert arranged[0][1] == ["name", "phones", "responsible"]
    money = arranged[1][1]
    assert money[:3] == ["revenue", "currency", "type"]
    # Fields placed nowhere go to the last section; hidden ones nowhere.
    assert "industry" in money and "emails" in money
    assert "comments" not in money and "websites" not in money
    field = custom_field_create(user=admin, entity="company", label="Tier", kind="string")
    assert codes()[-1][1][-1] == field.code  # added later: in the last section
    layout_reset(user=admin, entity="company")
    assert codes()[0][0] == "About the company"


@pytest.mark.parametrize(
    ("sections", "hidden", "field", "match"),
    [
        ([], [], "sections", "1 to 30"),
        ([{"name": "", "fields": []}], [], "sections", "name of 1 to"),
        ([{"name": "A", "fields": ["shoe_size"]}], [], "sections", "shoe_size"),
        ([{"name": "A", "fields": ["name", "name"]}], [], "sections", "one place"),
        ([{"name": "A", "fields": ["comments"]}], ["comments"], "sections", "one place"),
        ([{"name": "A", "fields": []}], ["name"], "hidden", "required"),
        ([{"name": "A", "fields": "name"}], [], "sections", "list of codes"),
        (["A"], [], "sections", "name and its fields"),
        ([{"name": "A", "fields": ["UF_CRM_OF_A_DEAL"]}], [], "sections", "UF_CRM_OF_A_DEAL"),
    ],
)
def test_a_bad_layout_is_refused_with_its_reason(admin, sections, hidden, field, match):
    """Bad input: no sections, a nameless one, unknown fields (one of another item type), a
    field twice or both placed and hidden, a required field hidden, fields not as a list."""
    custom_field_create(user=admin, entity="deal", label="Of a deal", kind="string")
    service_refused(
        lambda: layout_set(user=admin, entity="company", sections=sections, hidden=hidden),
        field=field, match=match,
    )  # fmt: skip
    assert not CardLayout.objects.exists()


def test_layouts_need_the_settings_right(admin):
    manager = UserFactory()
    with pytest.raises(PermissionDenied):
        layout_set(user=manager, entity="company", sections=ARRANGED)
    layout_set(user=admin, entity="company", sections=ARRANGED)
    with pytest.raises(PermissionDenied):
        layout_reset(user=manager, entity="company")
    assert CardLayout.objects.count() == 1


def test_card_and_form_follow_the_layout_and_the_form_never_empties_a_hidden_field(client, admin):
    company = services.company_create(user=admin, name="Acme", comments="Keep me")
    layout_set(user=admin, entity="company", sections=ARRANGED, hidden=["comments"])
    client.force_login(admin)
    card = client.get(company.get_absolute_url()).content.decode()
    assert "<h2>Who</h2>" in card and "<h2>Money</h2>" in card and "Keep me" not in card
    form = client.get(f"/companies/{company.pk}/edit/").content.decode()
    assert "<legend>Who</legend>" in form and 'name="comments"' not in form
    data = {"name": "Acme Corp", "responsible": admin.pk, "version": company.version,
            "confirm_duplicates": "on"}  # fmt: skip
    saved = client.post(f"/companies/{company.pk}/edit/", data)
    assert saved.status_code == 302
    company = Company.objects.get(pk=company.pk)
    assert company.name == "Acme Corp" and company.comments == "Keep me"


def test_the_settings_page_arranges_hides_deletes_sections_and_resets(client, admin, user):
    client.force_login(user)
    assert client.get("/settings/cards/company/").status_code == 403
    client.force_login(admin)
    page = client.get("/settings/cards/company/").content.decode()
    assert 'name="section-0" value="About the company"' in page and 'name="place-name"' in page
    sections = len([s for s, _f in layout("company")]) + 1
    data = {"sections": sections, "section-0": "Main", "section-1": "", "section-2": "",
            "section-3": "", "section-4": "Extra"}  # fmt: skip
    data.update({"place-name": "0", "order-name": "-1", "place-phones": "0", "order-phones": "-2",
                 "place-comments": "hidden", "place-type": "4"})  # fmt: skip
    assert client.post("/settings/cards/company/", data).status_code == 302
    arranged = codes()
    assert [name for name, _fields in arranged] == ["Main", "Extra"]
    assert arranged[0][1][:2] == ["phones", "name"]
    assert arranged[1][1] == ["type"]  # every other field was in a deleted section: first one
    assert "comments" not in str(arranged) and CardLayout.objects.get().hidden == ["comments"]
    refused = client.post("/settings/cards/company/", {**data, "place-name": "hidden"},
                          follow=True)  # fmt: skip
    assert "cannot be hidden" in refused.content.decode()
    assert CardLayout.objects.get().hidden == ["comments"]
    client.post("/settings/cards/company/", {"reset": "1"})
    assert not CardLayout.objects.exists()
