"""The one-line embed: /f/<key>/embed.js carries the form's fields and our addresses, safe as
a script whatever the labels hold; its token and the post follow the form's origin rules."""

import json
import re

from webforms.services import webform_update

ALLOWED = "https://shop.example.com"


def config_of(script: str) -> dict:
    return json.loads(re.search(r"\}\)\((\{.*\})\);\s*$", script, re.S).group(1))


def test_the_script_carries_the_fields_and_our_addresses(client, client_form):
    response = client.get(f"/f/{client_form.key}/embed.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "Set-Cookie" not in response.headers
    config = config_of(response.content.decode())
    assert config["submit"] == f"http://testserver/f/{client_form.key}/submit"
    assert config["token"] == f"http://testserver/f/{client_form.key}/token"
    assert config["challenge"] == "" and config["solver"] == ""
    fields = {field["name"]: field for field in config["fields"]}
    assert list(fields) == ["company", "first_name", "last_name", "email", "phone", "birthday"]
    assert fields["email"]["type"] == "email" and fields["email"]["required"] is True
    assert fields["birthday"]["type"] == "date"


def test_labels_cannot_break_out_of_the_script(client, admin, client_form):
    # Bad input: a label closing the script tag and opening a comment, and line separators.
    label = "</script><script>alert(1)</script><!-- \u2028"
    fields = [{"name": "last_name", "target": "contact", "code": "last_name", "label": label}]
    webform_update(user=admin, form=client_form, fields=fields)
    script = client.get(f"/f/{client_form.key}/embed.js").content.decode()
    assert "</script" not in script and "<!--" not in script and "\u2028" not in script
    assert config_of(script)["fields"][0]["label"] == label  # still the label, as typed


def test_unknown_and_deactivated_forms_have_no_script(client, admin, client_form):
    # Bad input: a made-up key, a deactivated form.
    assert client.get("/f/nosuchform/embed.js").status_code == 404
    webform_update(user=admin, form=client_form, active=False)
    assert client.get(f"/f/{client_form.key}/embed.js").status_code == 404


def test_the_token_is_refused_to_a_site_the_form_does_not_allow(client, client_form):
    # Bad input: the embed on a site not in the form's allowed origins.
    allowed = client.get(f"/f/{client_form.key}/token", headers={"Origin": ALLOWED})
    assert allowed.status_code == 200 and allowed["Access-Control-Allow-Origin"] == ALLOWED
    refused = client.get(f"/f/{client_form.key}/token", headers={"Origin": "https://evil.test"})
    assert refused.status_code == 403
    assert "Access-Control-Allow-Origin" not in refused  # the browser hides the answer too


def test_the_preflight_of_the_embed_post_is_answered(client, client_form):
    response = client.options(
        f"/f/{client_form.key}/submit",
        headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type, idempotency-key"},
    )  # fmt: skip
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert "Idempotency-Key" in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response
