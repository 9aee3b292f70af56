"""Rights through every door of quotes and invoices: a Manager (reads their own and open
documents, changes only their own) never sees a colleague's closed one on any page, print
view, PDF, list, board, API or admin page, and a hidden one is a 404 like a missing one."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from pypdf import PdfReader

from companies import services as client_services
from dictionaries.models import Entry
from quotes import services
from quotes.models import Quote
from tests.helpers import tables_snapshot
from timeline.models import Event, EventKind

from .helpers import line, quote

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin, manager):
    hidden = quote(admin, title="Secret offer", opened=False, lines=[line(name="Secret item")])
    return {
        "hidden": hidden,
        "hidden_invoice": services.invoice_from_quote(user=admin, quote=hidden),
        "open": quote(admin, title="Open offer"),
        "own": quote(manager, title="My offer"),
    }


@pytest.fixture
def manager_client(client, manager):
    manager.is_staff = True  # the admin too, without the superuser flag
    manager.save()
    manager.user_permissions.set(
        Permission.objects.filter(
            codename__in=[f"{verb}_quote" for verb in ("view", "add", "change", "delete")]
        )
    )
    client.force_login(manager)
    return client


DOORS = ["quote", "quote_edit", "quote_delete", "quote_print", "quote_pdf"]


@pytest.mark.parametrize("door", DOORS)
def test_a_hidden_quote_is_a_404_like_a_missing_one(manager_client, world, door):
    hidden = manager_client.get(reverse(f"quotes:{door}", args=[world["hidden"].pk]))
    missing = manager_client.get(reverse(f"quotes:{door}", args=[999_999]))
    assert hidden.status_code == missing.status_code == 404
    assert b"Secret" not in hidden.content


@pytest.mark.parametrize("door", ["invoice", "invoice_print", "invoice_pdf"])
def test_a_hidden_invoice_is_a_404(manager_client, world, door):
    pk = world["hidden_invoice"].pk
    assert manager_client.get(reverse(f"quotes:{door}", args=[pk])).status_code == 404


def test_lists_and_boards_show_only_what_the_manager_may_read(manager_client, world):
    for name in ("quotes:quote_list", "quotes:quote_kanban"):
        page = manager_client.get(reverse(name)).text
        assert "Open offer" in page and "My offer" in page and "Secret" not in page
    assert "Secret" not in manager_client.get(reverse("quotes:invoice_list")).text


def test_writes_are_refused_and_change_nothing(manager_client, world):
    before = tables_snapshot()
    open_pk, hidden_pk = world["open"].pk, world["hidden"].pk
    assert manager_client.post(reverse("quotes:quote_edit", args=[open_pk]),
                               {"title": "Taken"}).status_code == 403  # fmt: skip
    moved = manager_client.post(
        reverse("quotes:quote_move", args=[hidden_pk]),
        {"stage": "APPROVED"},
        headers={"accept": "application/json"},
    )
    assert moved.status_code == 404
    made = manager_client.post(reverse("quotes:invoice_from_quote", args=[hidden_pk]))
    assert made.status_code == 404
    assert tables_snapshot() == before


def test_the_manager_prints_what_they_may_read(manager_client, world, pdf_rendering):
    assert (
        manager_client.get(reverse("quotes:quote_print", args=[world["open"].pk])).status_code
        == 200
    )
    pdf = manager_client.get(reverse("quotes:quote_pdf", args=[world["own"].pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_the_admin_lists_and_opens_only_readable_documents(manager_client, world):
    changelist = manager_client.get("/admin/quotes/quote/")
    assert changelist.status_code == 200
    assert "Open offer" in changelist.text and "Secret" not in changelist.text
    hidden = manager_client.get(f"/admin/quotes/quote/{world['hidden'].pk}/change/")
    assert hidden.status_code in (302, 404) and b"Secret" not in hidden.content


def test_settings_of_our_company_need_the_settings_right(manager_client, manager):
    """Bad input: a Manager posting our company's details."""
    response = manager_client.post(reverse("quotes:seller"), {"name": "Mine", "details": ""})
    assert response.status_code == 403
    from quotes.models import Seller

    assert not Seller.objects.exists()


def test_the_admin_saves_through_the_services(admin_client, admin):
    assert admin_client.get("/admin/quotes/quote/add/").status_code == 200
    draft = Entry.objects.get(list_code="QUOTE_STATUS", code="DRAFT")
    response = admin_client.post("/admin/quotes/quote/add/", {
        "title": "From the admin", "currency": "USD", "responsible": admin.pk,
        "stage": draft.pk, "language": "en", "opened": "on",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Quote.objects.get(title="From the admin")
    assert document.number == str(document.pk)  # numbered by the service
    assert Event.objects.of_item(document).get(kind=EventKind.CREATED).door == "admin"
    page = admin_client.get(f"/admin/quotes/quote/{document.pk}/change/")
    assert page.status_code == 200
    response = admin_client.post(f"/admin/quotes/quote/{document.pk}/change/", {
        "title": "Renamed", "currency": "USD", "responsible": admin.pk, "stage": draft.pk,
        "language": "en", "opened": "on", "number": document.number,
    })  # fmt: skip
    assert response.status_code == 302
    assert Quote.objects.get(pk=document.pk).title == "Renamed"


def test_a_readable_document_never_names_a_hidden_client(manager_client, admin, pdf_rendering):
    hidden = client_services.company_create(user=admin, name="Hidden Client Ltd", opened=False)
    document = quote(admin, title="Open offer to a hidden client", company=hidden)
    for name in ("quote", "quote_print"):
        page = manager_client.get(reverse(f"quotes:{name}", args=[document.pk]))
        assert page.status_code == 200 and "Hidden Client" not in page.text, name
    pdf = manager_client.get(reverse("quotes:quote_pdf", args=[document.pk]))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Open offer" in text and "Hidden Client" not in text
