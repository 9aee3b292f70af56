"""The page of a form of its own: an input per kind, escaped, under a CSP, no cookie."""

from dictionaries.models import Entry
from webforms.services import webform_create
from webforms.spam import spam_reason

from .conftest import CLIENT_FIELDS


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
    import time

    html = client.get(f"/f/{client_form.key}/").content.decode()
    token = html.split('name="_token" value="')[1].split('"')[0]
    assert spam_reason(client_form, {"_token": token}) != ""  # just now: too fast
    later = time.time() + 5
    monkeypatch.setattr(time, "time", lambda: later)
    assert spam_reason(client_form, {"_token": token}) == ""
