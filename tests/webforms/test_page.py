"""The page of a form of its own: an input per kind, escaped, under a CSP, no cookie."""

import time

from companies.models import Contact
from dictionaries.custom_fields import custom_field_create
from dictionaries.models import Entry
from webforms.models import Submission
from webforms.services import webform_create
from webforms.spam import spam_reason

from .conftest import CLIENT_FIELDS, filled


def test_the_page_has_an_input_per_kind_and_a_csp(client, admin, responsible):
    industry = {"name": "industry", "target": "company", "code": "industry", "label": "Industry"}
    fields = [*CLIENT_FIELDS, industry]
    form = webform_create(
        user=admin, name="<b>Offer</b>", fields=fields, responsibles=[responsible]
    )
    response = client.get(f"/f/{form.key}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;b&gt;Offer&lt;/b&gt;" in html and "<b>Offer</b>" not in html
    assert 'type="date" name="birthday"' in html
    assert 'type="email" name="email"' in html
    industry = Entry.objects.filter(list_code="INDUSTRY").first()
    assert f'<option value="{industry.code}"' in html
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "form-action 'self'" in csp
    assert "Set-Cookie" not in response.headers
    assert 'name="_hp"' in html


def test_the_pages_token_is_not_spam_after_the_minimum_time(client, client_form, monkeypatch):
    html = client.get(f"/f/{client_form.key}/").content.decode()
    token = html.split('name="_token" value="')[1].split('"')[0]
    assert spam_reason(client_form, {"_token": token}) != ""  # just now: too fast
    later = time.time() + 5
    monkeypatch.setattr(time, "time", lambda: later)
    assert spam_reason(client_form, {"_token": token}) == ""


def test_custom_fields_a_consent_checkbox_and_a_list_select(client, admin, responsible):
    consent = custom_field_create(user=admin, entity="contact", label="Consent", kind="boolean")
    tier = custom_field_create(user=admin, entity="contact", label="Tier", kind="list",
                               options=[{"label": "Gold"}, {"label": "Silver"}])  # fmt: skip
    fields = [
        *CLIENT_FIELDS,
        {"name": "consent", "target": "contact", "code": consent.code, "label": "I agree",
         "required": True},
        {"name": "tier", "target": "contact", "code": tier.code, "label": "Tier"},
    ]  # fmt: skip
    form = webform_create(user=admin, name="Custom", fields=fields, responsibles=[responsible])
    html = client.get(f"/f/{form.key}/").content.decode()
    assert '<input type="checkbox" name="consent" value="yes"' in html
    assert '<select id="wf-tier" name="tier"' in html and ">Gold</option>" in html
    url = f"/f/{form.key}/submit"
    # Bad input: the required consent left unticked.
    refused = client.post(url, filled(form, last_name="Doe", email="doe@example.com"))
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"consent"}
    gold = next(str(pk) for pk, label in tier_options(tier) if label == "Gold")
    taken = client.post(url, filled(form, last_name="Doe", email="doe@example.com",
                                    consent="yes", tier=gold))  # fmt: skip
    assert taken.status_code == 201
    contact = Contact.objects.get(pk=Submission.objects.last().created["contact"])
    assert contact.custom == {consent.code: True, tier.code: int(gold)}


def tier_options(field):
    return [(option["id"], option["label"]) for option in field.options]
