"""In Chromium: the one-line embed on a page of another origin draws the form and posts it
across origins (company, contact and deal made and linked, source WEBFORM, the history
naming the form); the same snippet on a site the form does not allow is refused; the builder
makes a form with a custom field dragged onto it, seen in the live preview."""

import functools
import http.server
import threading

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from companies.models import Company, Contact
from deals.models import Deal
from dictionaries.custom_fields import custom_field_create
from tests.conftest import sales_user
from timeline.models import Event
from webforms.models import Submission, SubmissionStatus, WebForm
from webforms.services import webform_create, webform_update

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FIELDS = [
    {"name": "company", "target": "company", "code": "name", "label": "Company"},
    {"name": "last_name", "target": "contact", "code": "last_name", "label": "Your name",
     "required": True},
    {"name": "email", "target": "contact", "code": "emails", "label": "E-mail", "required": True},
    {"name": "budget", "target": "deal", "code": "amount", "label": "Budget"},
]  # fmt: skip


@pytest.fixture
def host_site(tmp_path):
    """Another site (another port, so another origin) whose page carries a snippet."""
    servers = []

    def serve(snippet: str) -> str:
        folder = tmp_path / f"site{len(servers)}"
        folder.mkdir()
        (folder / "index.html").write_text(
            "<!doctype html><html><head><title>Shop</title></head><body style='font:18px serif'>"
            f"<h1>Our shop</h1>{snippet}</body></html>"
        )
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=folder)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield serve
    for server in servers:
        server.shutdown()


def test_the_embed_posts_across_origins_and_is_refused_elsewhere(
    live_server_db, page, live_server, host_site
):
    admin = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    rita = sales_user(first_name="Rita", last_name="Round")
    form = webform_create(user=admin, name="Quote request", scheme="deal", fields=FIELDS,
                          responsibles=[rita])  # fmt: skip
    snippet = f'<script src="{live_server.url}/f/{form.key}/embed.js" async></script>'
    shop = host_site(snippet)
    form = webform_update(user=admin, form=form, allowed_origins=[shop])

    page.goto(f"{shop}/")
    page.get_by_label("Company").fill("Nordwind <GmbH>")
    page.get_by_label("Your name *").fill("Lindqvist")
    page.get_by_label("E-mail *").fill("not an e-mail")
    page.wait_for_timeout(3200)  # a person takes longer than the token's minimum fill time
    page.get_by_role("button", name="Send").click()
    email = page.get_by_label("E-mail *")
    expect(email).to_have_attribute("aria-invalid", "true")  # the server's error, at its field
    expect(email).to_be_focused()
    email.fill("anna@nordwind.example")
    page.get_by_label("Budget").fill("1200.50")
    page.keyboard.press("Enter")  # keyboard only
    expect(page.get_by_role("status")).to_have_text("Thank you: we have received your message.")

    submission = Submission.objects.get(status=SubmissionStatus.PROCESSED)
    assert submission.origin == shop
    contact = Contact.objects.get(last_name="Lindqvist")
    company = Company.objects.get(name="Nordwind <GmbH>")
    deal = Deal.objects.get(pk=submission.created["deal"])
    assert list(contact.companies.all()) == [company]
    assert deal.company == company and str(deal.amount) == "1200.50"
    assert {item.source.code for item in (company, contact, deal)} == {"WEBFORM"}
    assert deal.responsible == rita
    created = Event.objects.filter(door="webform", door_id=form.pk, kind="created")
    assert created.count() == 3

    # The same snippet on a site the form does not allow: no form, a word why, nothing stored.
    elsewhere = host_site(snippet)
    page.goto(f"{elsewhere}/")
    expect(page.get_by_role("status")).to_have_text("This form cannot be shown on this site.")
    expect(page.get_by_label("Company")).to_have_count(0)
    assert Submission.objects.count() == 2  # the refused and the processed one, nothing more


def test_the_builder_makes_a_form_with_a_dragged_custom_field(signed_in_page, live_server):
    page = signed_in_page
    admin = get_user_model().objects.get(is_superuser=True)
    tier = custom_field_create(user=admin, entity="contact", label="Tier", kind="list",
                               options=[{"label": "Gold"}, {"label": "Silver"}])  # fmt: skip
    page.set_viewport_size({"width": 1280, "height": 1800})
    page.goto(f"{live_server.url}/webforms/new/")
    page.get_by_label("Name", exact=True).fill("Partner sign-up")
    page.get_by_label("Responsible people").select_option(str(admin.pk))
    on_form = page.locator(".builder-on [data-arrange-list]")
    page.locator('li[data-key="contact.last_name"] .arrange-label').drag_to(on_form)
    expect(on_form.locator('li[data-key="contact.last_name"]')).to_have_count(1)
    # The tier dropped on the lower half of the name: after it.
    name_row = on_form.locator('li[data-key="contact.last_name"]')
    low = {"x": 20, "y": name_row.bounding_box()["height"] - 3}
    page.locator(f'li[data-key="contact.{tier.code}"] .arrange-label').drag_to(
        name_row, target_position=low
    )
    expect(on_form.locator("li")).to_have_count(2)
    page.locator(f'li[data-key="contact.{tier.code}"] [data-builder-label]').fill("Your tier")
    preview = page.locator("[data-builder-preview]")
    expect(preview.get_by_label("Your tier")).to_have_count(1)  # the live preview follows
    expect(preview.get_by_label("Your tier").locator("option")).to_have_text(
        ["—", "Gold", "Silver"]
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("The form “Partner sign-up” is saved.")).to_be_visible()
    form = WebForm.objects.get(name="Partner sign-up")
    assert list(form.fields.values_list("code", "label")) == [
        ("last_name", "Last name"), (tier.code, "Your tier")]  # fmt: skip
