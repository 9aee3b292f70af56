"""Links named in an import's file (``importexport.links``): a contact's company and a deal's
company by name, a deal's contacts by full name, found among what the uploader may read or
created; "linked" in the history of both sides; undo takes the created ones too."""

import pytest

from companies import services as client_services
from companies.models import Company, Contact
from deals.models import Deal
from importexport import imports
from importexport.models import RowOutcome
from timeline.models import Event, EventKind

from .test_imports import importing  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_contacts_are_linked_to_their_company_found_or_created(admin, importing):  # noqa: F811
    acme = client_services.company_create(user=admin, name="ACME Ltd")
    text = (
        "First name;Last name;Company\n"
        "Anna;Smith;acme ltd\n"  # found, whatever its case
        "Boris;Ivanov;Romashka\n"  # made
        "Chloé;Martin;Romashka\n"  # the same one
        "Dan;Brown;\n"
    )
    done = importing(admin, text, entity="contact")
    assert (done.created, done.failed) == (4, 0)
    anna = Contact.objects.get(first_name="Anna")
    assert list(anna.companies.all()) == [acme]
    romashka = Company.objects.get(name="Romashka")
    assert set(romashka.contacts.values_list("first_name", flat=True)) == {"Boris", "Chloé"}
    assert Contact.objects.get(first_name="Dan").companies.count() == 0
    assert done.linked == {"company": [romashka.pk]}
    linked = Event.objects.of_item(acme).get(kind=EventKind.LINKED)
    assert (linked.related_id, linked.door, linked.door_id) == (anna.pk, "import", done.pk)
    assert Event.objects.of_item(anna).filter(kind=EventKind.LINKED, related_id=acme.pk).exists()
    assert imports.import_undo(user=admin, import_job=done) == 5
    assert list(Company.objects.all()) == [acme]
    assert not Contact.objects.exists()


def test_a_company_the_manager_may_not_change_is_not_linked(manager, admin, importing):  # noqa: F811
    """Bad input: a contact naming a company the manager may read (it is open) but not
    change; that row is rejected with the reason, the other is written."""
    client_services.company_create(user=admin, name="Open Co", opened=True)
    text = "First name;Last name;Company\nAnna;Smith;Open Co\nBoris;Ivanov;\n"
    done = importing(manager, text, entity="contact")
    assert (done.created, done.failed) == (1, 1)
    reason = done.rows.get(outcome=RowOutcome.FAILED).reason
    assert "Open Co" in reason and "may not change" in reason
    assert not Contact.objects.filter(first_name="Anna").exists()


def test_deals_are_linked_to_their_company_and_contacts(admin, importing):  # noqa: F811
    acme = client_services.company_create(user=admin, name="Acme")
    anna = client_services.contact_create(user=admin, first_name="Anna", last_name="Smith")
    text = "Deal name;Company;Contact\nBig deal;Acme;Anna Smith, Boris Ivanov\nSmall deal;New Co;\n"
    done = importing(admin, text, entity="deal")
    assert (done.created, done.failed) == (2, 0)
    big = Deal.objects.get(title="Big deal")
    assert big.company == acme
    boris = Contact.objects.get(last_name="Ivanov")
    assert set(big.contacts.all()) == {anna, boris}
    assert Deal.objects.get(title="Small deal").company.name == "New Co"
    assert Event.objects.of_item(acme).filter(kind=EventKind.LINKED, related_id=big.pk).exists()
    assert Event.objects.of_item(boris).filter(kind=EventKind.LINKED, related_id=big.pk).exists()
    assert sorted(done.linked) == ["company", "contact"]


def test_deal_lines_repeated_per_product_make_one_deal(admin, importing):  # noqa: F811
    """Bitrix24's deal export with products: one line per product with the same ID, the
    deal's other values repeated, each line's amount its product's; one deal, the sum."""
    text = (
        "ID;Deal name;Amount;Product;Price;Quantity\n"
        "17;Big deal;200.00;Chair;100;2\n"
        "17;Big deal;150.50;Table;150.50;1\n"
        "18;Small deal;10;Pen;10;1\n"
    )
    done = importing(admin, text, entity="deal")
    assert (done.created, done.failed, done.rows.count()) == (2, 0, 2)
    big = Deal.objects.get(title="Big deal")
    assert str(big.amount) == "350.50"
    assert done.rows.get(line=2).more == [[3, ["17", "Big deal", "150.50", "Table", "150.50", "1"]]]
