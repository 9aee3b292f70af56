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
