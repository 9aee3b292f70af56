"""Imports (``importexport.imports``): mapping from headers, duplicate control in its four
modes, rights, history through the import's door, rejected rows with their reasons, undo."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from companies import services as client_services
from companies.models import Company, Contact
from importexport import imports
from importexport.models import ImportJob, RowOutcome
from tests.factories import UserFactory
from tests.helpers import service_refused
from timeline.models import Event, EventKind

pytestmark = pytest.mark.django_db

HEADER = "Название компании;Тип компании;Рабочий телефон;Мобильный телефон;Рабочий e-mail\n"


def csv_file(text: str, name="companies.csv", encoding="utf-8-sig") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def run(user, text: str, capture, entity="company", **options):
    draft = imports.import_upload(user=user, entity=entity, file=csv_file(text), name="f.csv")
    with capture(execute=True):
        started = imports.import_start(user=user, import_job=draft, **options)
    return ImportJob.objects.select_related("job").get(pk=started.pk)


@pytest.fixture
def importing(django_capture_on_commit_callbacks):
    def go(user, text, **options):
        return run(user, text, django_capture_on_commit_callbacks, **options)

    return go


def test_russian_headers_map_and_rows_become_companies_with_their_phones(admin, importing):
    text = HEADER + (
        'ООО "Ромашка";Client;+7 (812) 848-65-20;+7 921 000-00-00;info@romashka.ru\n'
        "Société Générale;SUPPLIER;+33 1 42 14 20 00;;contact@sg.fr\n"
    )
    draft = imports.import_upload(user=admin, entity="company", file=csv_file(text), name="f.csv")
    assert draft.mapping == {
        "Название компании": "name", "Тип компании": "type", "Рабочий телефон": "phones",
        "Мобильный телефон": "phones", "Рабочий e-mail": "emails",
    }  # fmt: skip
    assert (draft.encoding.replace("_", "-").lower().startswith("utf-8"), draft.delimiter) == (
        True, ";",
    )  # fmt: skip
    done = importing(admin, text)
    assert (done.status, done.created, done.failed) == ("done", 2, 0)
    romashka = Company.objects.get(name='ООО "Ромашка"')
    assert romashka.type.code == "CUSTOMER"
    phones = {c.normalized: c.kind for c in romashka.communications.filter(channel="phone")}
    assert phones == {"+78128486520": "work", "+79210000000": "mobile"}
    event = Event.objects.of_item(romashka).get(kind=EventKind.CREATED)
    assert (event.door, event.door_id) == ("import", done.pk)


@pytest.mark.parametrize(
    ("mode", "name", "phones", "outcome"),
    [
        ("skip", "Acme", {"+78128486520"}, "skipped"),
        ("merge", "Acme", {"+78128486520", "+79210000000"}, "updated"),
        ("replace", "Acme Renamed", {"+79210000000"}, "updated"),
    ],
)
def test_a_duplicate_by_e_mail_is_skipped_merged_or_replaced(admin, importing, mode, name,
                                                             phones, outcome):  # fmt: skip
    acme = client_services.company_create(
        user=admin, name="Acme", phones=[{"value": "+7 812 848 65 20"}],
        emails=[{"value": "info@acme.example"}],
    )  # fmt: skip
    text = "Name;Mobile phone;E-mail\nAcme Renamed;+7 921 000 00 00;INFO@acme.example\n"
    done = importing(admin, text, duplicates=mode)
    assert Company.objects.count() == 1
    acme.refresh_from_db()
    row = done.rows.get()
    assert (row.outcome, row.item_id) == (outcome, acme.pk)
    if mode == "merge":
        assert acme.name == "Acme"  # merge never overwrites a filled field
    else:
        assert acme.name == name
    stored = set(acme.communications.filter(channel="phone").values_list("normalized", flat=True))
    assert stored == phones


def test_allow_creates_anyway_and_repeated_rows_in_one_file_make_one_item(admin, importing):
    text = "Name;E-mail\nAcme;a@acme.example\nAcme again;A@ACME.example\nGlobex;g@globex.example\n"
    done = importing(admin, text, duplicates="skip")
    assert (done.created, done.skipped) == (2, 1)
    assert done.rows.get(line=3).reason == "repeats line 2"
    again = importing(admin, text, duplicates="allow")
    assert again.created == 3
    assert Company.objects.count() == 5


def test_rows_duplicating_one_item_are_merged_one_after_the_other(admin, importing):
    """Two rows of a chunk duplicate the same company: both merge into it (its phones from
    both), in turn, and both rows say so; the history has one event per merge."""
    acme = client_services.company_create(
        user=admin, name="Acme", emails=[{"value": "info@acme.example"}]
    )
    text = (
        "Name;Mobile phone;E-mail;City\n"
        "Acme;+7 921 000 00 00;info@acme.example;\n"
        "Acme;+7 921 000 00 01;info@acme.example;Lyon\n"
    )
    done = importing(admin, text, duplicates="merge")
    assert (done.created, done.updated, done.failed) == (0, 2, 0)
    acme.refresh_from_db()
    stored = set(acme.communications.filter(channel="phone").values_list("normalized", flat=True))
    assert stored == {"+79210000000", "+79210000001"}
    assert (acme.address_city, acme.version) == ("Lyon", 3)
    events = Event.objects.of_item(acme).filter(kind=EventKind.UPDATED).order_by("item_version")
    assert [(e.item_version, e.door_id) for e in events] == [(2, done.pk), (3, done.pk)]


def test_rows_out_of_a_managers_reach_are_rejected_with_the_reason(manager, admin, importing):
    """Bad input: a row naming another responsible (the Manager role adds only its own), and a
    duplicate of a company the manager may read but not change."""
    other = UserFactory(username="olga")
    theirs = client_services.company_create(
        user=admin, name="Open Co", emails=[{"value": "open@co.example"}], opened=True
    )
    text = (
        "Name;Responsible;E-mail;Phone\n"
        "Mine;;mine@co.example;\n"
        "Not mine;olga;notmine@co.example;\n"
        "Open Co;;open@co.example;+7 812 848 65 20\n"
    )
    done = importing(manager, text, duplicates="merge")
    assert (done.created, done.failed) == (1, 2)
    reasons = dict(done.rows.filter(outcome=RowOutcome.FAILED).values_list("line", "reason"))
    assert "out of your reach" in reasons[3]
    assert "right" in reasons[4]
    assert not Company.objects.filter(name="Not mine").exists()
    theirs.refresh_from_db()
    assert theirs.version == 1
    assert other.pk  # named by login in the file
    headers, rows = imports.rejected_rows(done)
    assert headers[-1] == "Reason"
    assert [row[0] for row in rows] == ["Not mine", "Open Co"]


def test_bad_values_and_ragged_rows_are_rejected_and_the_others_written(admin, importing):
    """Bad input: an unknown company type, a phone that is none, a row with more cells than
    the header, a row with fewer (allowed: the missing cells are empty)."""
    text = (
        "Name;Type;Phone\n"
        "Good;Client;+7 812 848 65 20\n"
        "Typo;Clientt;\n"
        "Bad phone;;call me maybe\n"
        "Too wide;;;extra\n"
        "Short\n"
    )
    done = importing(admin, text)
    assert (done.created, done.failed) == (2, 3)
    reasons = dict(done.rows.filter(outcome=RowOutcome.FAILED).values_list("line", "reason"))
    assert "Clientt" in reasons[3]
    assert "call me maybe" in reasons[4]
    assert "4 cells" in reasons[5]
    assert set(Company.objects.values_list("name", flat=True)) == {"Good", "Short"}


def test_a_mapping_that_cannot_work_is_refused_and_nothing_starts(admin):
    """Bad input: the required name unmapped, a field two columns fill, an unknown field, an
    unknown column, a default that is no company type, a duplicate mode that does not exist."""
    draft = imports.import_upload(
        user=admin, entity="company", file=csv_file("Name;Title;Type\nA;B;Client\n"), name="f.csv"
    )
    cases = [
        ({"mapping": {"Name": ""}}, "mapping", "Map a column to"),
        ({"mapping": {"Title": "name"}}, "mapping", "Several columns fill name"),
        ({"mapping": {"Type": "shoe_size"}}, "mapping", "shoe_size"),
        ({"mapping": {"Nope": "name"}}, "mapping", "Nope"),
        ({"defaults": {"type": "Martian"}}, "defaults", "Martian"),
        ({"duplicates": "explode"}, "duplicates", "explode"),
    ]
    for options, field, match in cases:
        service_refused(
            lambda options=options: imports.import_start(user=admin, import_job=draft, **options),
            field=field, match=match,
        )  # fmt: skip
    draft.refresh_from_db()
    assert draft.job_id is None


def test_the_import_right_is_needed(db):
    nobody = UserFactory()
    with pytest.raises(PermissionDenied):
        imports.import_upload(user=nobody, entity="company", file=csv_file("Name\nA\n"), name="f")


def test_defaults_fill_unmapped_fields_and_custom_fields_import(admin, importing):
    from dictionaries.custom_fields import custom_field_create

    tier = custom_field_create(
        user=admin, entity="company", label="Tier", kind="list",
        options=[{"label": "Gold"}, {"label": "Silver"}],
    )  # fmt: skip
    done = importing(admin, f"Name;{tier.code}\nAcme;Gold\nGlobex;\n", defaults={"type": "Partner"})
    assert done.created == 2
    acme = Company.objects.get(name="Acme")
    assert acme.custom == {tier.code: tier.options[0]["id"]}
    assert acme.type.code == "PARTNER"
    assert Company.objects.get(name="Globex").custom == {}


def test_contacts_import_and_match_by_name(admin, importing):
    client_services.contact_create(user=admin, first_name="Anna", last_name="Lee")
    text = "First name;Last name;E-mail\nANNA;lee;anna@lee.example\nBoris;Ivanov;b@i.example\n"
    done = importing(admin, text, entity="contact", match_by=["name"], duplicates="merge")
    assert (done.created, done.updated) == (1, 1)
    anna = Contact.objects.get(first_name="Anna")
    assert list(anna.communications.values_list("value", flat=True)) == ["anna@lee.example"]


def test_undo_deletes_what_the_import_created_unless_changed_since(admin, importing):
    done = importing(admin, "Name\nAcme\nGlobex\n")
    assert imports.import_undo(user=admin, import_job=done) == 2
    assert not Company.objects.exists()
    service_refused(lambda: imports.import_undo(user=admin, import_job=done), match="already")
    again = importing(admin, "Name\nAcme\nGlobex\n")
    acme = Company.objects.get(name="Acme")
    client_services.company_update(user=admin, company=acme, name="Acme Ltd")
    with pytest.raises(ValidationError, match="changed since"):
        imports.import_undo(user=admin, import_job=again)
    assert Company.objects.count() == 2


def test_a_file_with_a_header_and_no_rows_is_refused_at_the_upload(admin):
    """Bad input: a header-only file; refused with the reason, no draft kept."""
    with pytest.raises(ValidationError, match="no row"):
        imports.import_upload(user=admin, entity="company", file=csv_file("Name;Phone\n"),
                              name="f.csv")  # fmt: skip
    assert not ImportJob.objects.exists()


def test_the_api_uploads_starts_follows_and_undoes_an_import(
    admin_api, admin, django_capture_on_commit_callbacks
):
    text = "Name;E-mail;Type\nAcme;a@acme.example;Client\nBad;;Clientt\n"
    upload = csv_file(text)
    response = admin_api.post("/api/v1/imports/", {"file": upload, "entity": "company"},
                              format="multipart")  # fmt: skip
    assert response.status_code == 201, response.content
    draft = response.json()
    assert draft["status"] == "draft"
    assert draft["columns"][0] == {"header": "Name", "field": "name", "samples": ["Acme", "Bad"]}
    with django_capture_on_commit_callbacks(execute=True):
        started = admin_api.post(f"/api/v1/imports/{draft['id']}/start/",
                                 {"duplicates": "merge"}, format="json")  # fmt: skip
    assert started.status_code == 200, started.content
    shown = admin_api.get(f"/api/v1/imports/{draft['id']}/").json()
    assert (shown["status"], shown["created"], shown["failed"], shown["total"]) == (
        "done", 1, 1, 2,
    )  # fmt: skip
    rejected = admin_api.get(f"/api/v1/imports/{draft['id']}/errors/").json()["results"]
    assert [(r["line"], r["cells"][0]) for r in rejected] == [(3, "Bad")]
    undone = admin_api.post(f"/api/v1/imports/{draft['id']}/undo/")
    assert undone.status_code == 200, undone.content
    assert not Company.objects.exists()


def test_the_api_refuses_bad_uploads_and_hides_other_users_imports(admin_api, user_api, admin):
    """Bad input: no file, an unknown item type, mapping that is not JSON, an unknown mode;
    and another user's import, which is a 404 (not a 403)."""
    for data, field in (
        ({"entity": "company"}, "file"),
        ({"entity": "ships", "file": csv_file("Name\nA\n")}, "entity"),
        ({"entity": "company", "file": csv_file("Name\nA\n"), "mapping": "{not json"}, "mapping"),
        ({"entity": "company", "file": csv_file("Name\nA\n"), "duplicates": "explode"},
         "duplicates"),
    ):  # fmt: skip
        response = admin_api.post("/api/v1/imports/", data, format="multipart")
        assert response.status_code == 400, response.content
        assert field in response.json(), response.json()
    mine = admin_api.post("/api/v1/imports/", {"entity": "company", "file": csv_file("Name\nA\n")},
                          format="multipart").json()  # fmt: skip
    assert user_api.get(f"/api/v1/imports/{mine['id']}/").status_code == 404
    assert (
        user_api.post(f"/api/v1/imports/{mine['id']}/start/", {}, format="json").status_code == 404
    )
