"""The builder /webforms/new/ and /webforms/<id>/: the settings right, every field a form may
ask for offered (custom ones too), the fields on the form saved in their posted order, and a
refused post shown again with what was typed and every error."""

import pytest

from dictionaries.custom_fields import custom_field_create
from webforms.models import Scheme, WebForm

from .conftest import CLIENT_FIELDS


def posted(responsible, **fields) -> dict:
    """A builder post: options, and each field's place, order and texts by its key."""
    data = {"name": "Quote request", "scheme": Scheme.CLIENT, "responsibles": [responsible.pk],
            "active": "on", "allowed_origins": "https://shop.example.com\n"}  # fmt: skip
    data.update(fields)
    return data


def on_form(key: str, order: int, label: str, *, name: str = "", required=False) -> dict:
    data = {f"place-{key}": "form", f"order-{key}": str(order), f"label-{key}": label,
            f"name-{key}": name or key.replace(".", "-").replace("_", "-")}  # fmt: skip
    if required:
        data[f"required-{key}"] = "on"
    return data


def test_the_builder_needs_the_settings_right(user_client, client_form):
    # Bad input: a sales user (every item right, no settings right) opening and posting both.
    assert user_client.get("/webforms/new/").status_code == 403
    assert user_client.post("/webforms/new/", {"name": "x"}).status_code == 403
    assert user_client.get(f"/webforms/{client_form.pk}/").status_code == 403
    assert user_client.post(f"/webforms/{client_form.pk}/", {"name": "x"}).status_code == 403
    assert WebForm.objects.count() == 1


def test_every_field_a_form_may_ask_for_is_offered(admin, admin_client):
    tier = custom_field_create(user=admin, entity="company", label="Tier", kind="string")
    page = admin_client.get("/webforms/new/").content.decode()
    for key in ("company.name", "contact.last_name", "contact.emails", "deal.amount"):
        assert f'name="place-{key}"' in page
    assert f'name="place-company.{tier.code}"' in page  # custom fields too
    assert 'name="place-company.responsible"' not in page  # a visitor names no user


def test_a_new_form_keeps_its_fields_in_the_dragged_order(admin_client, responsible):
    data = posted(responsible, **on_form("contact.last_name", 2, "Your name", required=True),
                  **on_form("contact.emails", 1, "Your e-mail", name="email"),
                  **on_form("company.name", 3, "Company"))  # fmt: skip
    response = admin_client.post("/webforms/new/", data)
    form = WebForm.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/webforms/{form.pk}/"
    fields = list(form.fields.values_list("name", "code", "label", "required"))
    assert fields == [("email", "emails", "Your e-mail", False),
                      ("contact-last-name", "last_name", "Your name", True),
                      ("company-name", "name", "Company", False)]  # fmt: skip
    assert form.allowed_origins == ["https://shop.example.com"]
    assert list(form.responsibles.all()) == [responsible]
    assert form.source.code == "WEBFORM"


def test_editing_moves_removes_and_adds_fields(admin_client, client_form, responsible):
    page = admin_client.get(f"/webforms/{client_form.pk}/").content.decode()
    assert "Contact us" in page and "/embed.js" in page  # the options, the snippet
    data = posted(responsible, name="Contact us", **on_form("contact.last_name", 1, "Name"),
                  **on_form("company.name", 2, "Firm"))  # fmt: skip
    assert admin_client.post(f"/webforms/{client_form.pk}/", data).status_code == 302
    client_form.refresh_from_db()
    assert list(client_form.fields.values_list("code", "label")) == [
        ("last_name", "Name"), ("name", "Firm")]  # fmt: skip


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"allowed_origins": "javascript:alert(1)"}, "is not a site such as"),
        ({"redirect_url": "ftp://example.com/"}, "Give an http or https address."),
        ({"name": ""}, "This field is required."),
    ],
)
def test_a_refused_post_is_shown_again_with_its_errors(admin_client, responsible, bad, message):
    # Bad input: a script address as an origin, an ftp redirect, no name.
    data = {**posted(responsible, **on_form("contact.last_name", 1, "<b>Name</b>")), **bad}
    response = admin_client.post("/webforms/new/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "&lt;b&gt;Name&lt;/b&gt;" in page and "<b>Name</b>" not in page  # typed, escaped
    assert WebForm.objects.count() == 0


def test_fields_the_rules_refuse_are_said_at_once(admin_client, responsible):
    # Bad input: a deal field on a client form, no contact naming field, two fields posted as
    # the same name.
    data = posted(responsible, **on_form("deal.amount", 1, "Budget", name="x"),
                  **on_form("contact.emails", 2, "E-mail", name="x"))  # fmt: skip
    page = admin_client.post("/webforms/new/", data).content.decode()
    assert "Deal fields need a form that creates deals." in page
    assert "Two fields have the same name." in page
    assert "asks for its first_name or last_name" in page
    assert WebForm.objects.count() == 0


def test_the_list_links_to_the_builder(admin_client, client_form):
    page = admin_client.get("/webforms/").content.decode()
    assert f'href="/webforms/{client_form.pk}/"' in page and 'href="/webforms/new/"' in page


def test_client_fields_conftest_is_what_the_builder_saves(admin_client, client_form):
    # The builder shows a stored form's fields first, in their order, on the form.
    page = admin_client.get(f"/webforms/{client_form.pk}/").content.decode()
    positions = [page.index(f'name="label-{f["target"]}.{f["code"]}"') for f in CLIENT_FIELDS]
    assert positions == sorted(positions)
    assert page.index('name="place-contact.phones"') < page.index("Fields to add")
