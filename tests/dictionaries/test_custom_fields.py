"""Custom field definitions (``dictionaries.custom_fields``): codes, rules, rights, and their
place in the field catalogue."""

import time

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from crm.fields import FieldKind, catalogue, catalogue_field, layout
from dictionaries import custom_fields as custom
from dictionaries.custom_fields import (
    custom_field_create,
    custom_field_delete,
    custom_field_update,
)
from dictionaries.models import CustomField
from tests.factories import UserFactory
from tests.helpers import service_refused

pytestmark = pytest.mark.django_db

GOLD_SILVER = [{"label": "Gold"}, {"label": "Silver"}]


def tier(admin, **extra):
    return custom_field_create(
        user=admin, entity="company", label="Tier", kind="list", options=GOLD_SILVER, **extra
    )


def test_codes_are_bitrix24_style_unique_and_never_given_twice(admin):
    first = tier(admin)
    assert first.code == "UF_CRM_TIER"
    assert [o["id"] for o in first.options] == [1, 2]
    assert tier(admin).code == "UF_CRM_TIER_2"
    russian = custom_field_create(user=admin, entity="company", label="Уровень", kind="string")
    assert russian.code.startswith("UF_CRM_") and russian.code[7:].isdigit()
    accents = custom_field_create(user=admin, entity="company", label="Échéance", kind="date")
    assert accents.code == "UF_CRM_ECHEANCE"
    custom_field_delete(user=admin, field=first)
    assert tier(admin).code == "UF_CRM_TIER_3"  # the deleted field's code stays taken
    other_type = custom_field_create(user=admin, entity="deal", label="Tier", kind="string")
    assert other_type.code == "UF_CRM_TIER"  # codes are unique per item type


def test_only_the_settings_right_defines_fields(admin):
    manager = UserFactory()
    with pytest.raises(PermissionDenied):
        tier(manager)
    assert not CustomField.objects.exists()
    field = tier(admin)
    for call in (
        lambda: custom_field_update(user=manager, field=field, label="Rank"),
        lambda: custom_field_delete(user=manager, field=field),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert CustomField.objects.get().label == "Tier"


@pytest.mark.parametrize(
    ("given", "field", "match"),
    [
        ({"kind": "colour"}, "kind", "not a valid choice"),
        ({"entity": "spaceship"}, "entity", "no item type"),
        ({"kind": "string", "options": GOLD_SILVER}, "options", "Only a list field"),
        ({"kind": "list", "options": []}, "options", "at least one option"),
        ({"kind": "list", "options": [{"label": "A"}, {"label": "a"}]}, "options", "Two options"),
        ({"kind": "list", "options": [{"label": ""}]}, "options", "1 to 255"),
        ({"kind": "list", "options": ["Gold"]}, "options", "1 to 255"),
        ({"kind": "list", "options": [{"id": 9, "label": "Gold"}]}, "options", "no option 9"),
        ({"kind": "string", "label": "x" * 100_000}, "label", "at most 255"),
        ({"kind": "string", "label": "nul\x00"}, "label", ""),
        ({"kind": "boolean", "multiple": True}, "multiple", "one value"),
    ],
)
def test_bad_definitions_are_refused_naming_the_field(admin, given, field, match):
    """Bad input: unknown kinds and item types, options where none belong or none given,
    duplicate, empty or unknown options, a 100,000-character label, a NUL character, several
    yes-or-no values."""
    arguments = {"entity": "company", "label": "Tier", "kind": "list", **given}
    service_refused(lambda: custom_field_create(user=admin, **arguments), field=field, match=match)
    assert not CustomField.objects.exists()


def test_options_keep_their_ids_when_renamed_and_reordered(admin):
    field = tier(admin)
    gold, silver = field.options
    field = custom_field_update(
        user=admin, field=field,
        options=[{"id": silver["id"], "label": "Argent"}, {"label": "Bronze"},
                 {"id": gold["id"], "label": "Or"}],
    )  # fmt: skip
    assert [(o["id"], o["label"]) for o in field.options] == [(2, "Argent"), (3, "Bronze"),
                                                              (1, "Or")]  # fmt: skip


def test_a_kind_never_changes(admin):
    field = tier(admin)
    service_refused(
        lambda: custom_field_update(user=admin, field=field, kind="string"),
        field="kind", match="cannot change",
    )  # fmt: skip
    assert CustomField.objects.get().kind == "list"


def test_fields_join_the_catalogue_and_leave_it_when_deleted(admin):
    field = tier(admin, required=True, help_text="Account size")
    joined = catalogue_field("company", "UF_CRM_TIER")
    assert joined.custom and joined.kind == FieldKind.CHOICE and joined.required
    assert joined.choices == ((1, "Gold"), (2, "Silver"))
    assert joined.label == "Tier" and joined.bitrix24 == "UF_CRM_TIER"
    assert joined.parse("silver") == 2  # an option by its label, as files give it
    assert catalogue("company")[-1].code == "UF_CRM_TIER"  # after the declared fields
    _section, fields = layout("company")[-1]
    assert fields[-1].code == "UF_CRM_TIER"
    assert "UF_CRM_TIER" not in {f.code for f in catalogue("contact")}
    custom_field_delete(user=admin, field=field)
    assert "UF_CRM_TIER" not in {f.code for f in catalogue("company")}


def test_another_process_sees_a_change_within_a_second(admin, monkeypatch):
    tier(admin)
    assert "UF_CRM_TIER" in {f.code for f in catalogue("company")}
    # Another process deletes the field: the row changes and the shared version moves on.
    CustomField.objects.update(deleted_at="2026-01-01T00:00Z")
    custom.definitions.bump()
    monkeypatch.setattr(custom.definitions, "checked", time.monotonic())  # read just now
    assert "UF_CRM_TIER" in {f.code for f in catalogue("company")}  # still kept here
    monkeypatch.setattr(custom.definitions, "checked", 0.0)  # a second later
    assert "UF_CRM_TIER" not in {f.code for f in catalogue("company")}
    assert cache.get(custom.definitions.version_key)


def test_an_option_items_hold_cannot_be_removed(admin):
    from companies.services import company_create

    field = tier(admin)
    company_create(user=admin, name="Acme", custom={"UF_CRM_TIER": 2})
    service_refused(
        lambda: custom_field_update(user=admin, field=field, options=[{"id": 1, "label": "Gold"}]),
        field="options", match="value of 1 items",
    )  # fmt: skip
    kept = custom_field_update(user=admin, field=field, options=[{"id": 2, "label": "Silver"}])
    assert [o["id"] for o in kept.options] == [2]


def test_the_settings_page_adds_edits_and_deletes_fields(client, admin):
    client.force_login(admin)
    page = client.get("/settings/fields/company/")
    assert page.status_code == 200 and "Custom fields" in page.content.decode()
    added = client.post("/settings/fields/company/", {
        "label": "Tier", "kind": "list", "sort": 100, "option_lines": "Gold\nSilver\n",
    })  # fmt: skip
    assert added.status_code == 302
    field = CustomField.objects.get()
    assert field.code == "UF_CRM_TIER" and [o["label"] for o in field.options] == ["Gold", "Silver"]
    edited = client.post(f"/settings/fields/company/{field.pk}/", {
        "label": "Level", "sort": 100, "option_lines": "Or\nArgent\nBronze", "kind": "string",
    })  # fmt: skip
    assert edited.status_code == 302
    field.refresh_from_db()
    assert field.label == "Level" and field.kind == "list"  # the kind is not editable
    assert [(o["id"], o["label"]) for o in field.options] == [(1, "Or"), (2, "Argent"),
                                                              (3, "Bronze")]  # fmt: skip
    bad = client.post("/settings/fields/company/", {"label": "", "kind": "list", "sort": 1})
    assert bad.status_code == 200 and CustomField.objects.count() == 1
    client.post(f"/settings/fields/company/{field.pk}/delete/")
    listed = client.get("/settings/fields/company/").content.decode()
    assert "UF_CRM_TIER" not in listed and "No custom fields yet." in listed
    assert client.get("/settings/fields/spaceship/").status_code == 404


def test_the_settings_page_needs_the_settings_right(client, user):
    client.force_login(user)
    assert client.get("/settings/fields/company/").status_code == 403
    refused = client.post("/settings/fields/company/", {"label": "Tier", "kind": "string",
                                                        "sort": 1})  # fmt: skip
    assert refused.status_code == 403 and not CustomField.objects.exists()


def test_a_deleted_fields_values_are_purged_by_a_job(
    admin, settings, django_capture_on_commit_callbacks
):
    from companies.models import Company
    from companies.services import company_create
    from crm.models import Job

    settings.JOB_CHUNK_SIZE = 2  # three chunks for five companies
    field = tier(admin)
    other = custom_field_create(user=admin, entity="company", label="Seats", kind="integer")
    for number in range(5):
        company_create(user=admin, name=f"C{number}",
                       custom={"UF_CRM_TIER": 1, other.code: number})  # fmt: skip
    company_create(user=admin, name="Without")
    with django_capture_on_commit_callbacks(execute=True):  # the job starts once committed
        custom_field_delete(user=admin, field=field)
    job = Job.objects.get(kind="custom_field.purge")
    assert (job.status, job.done, job.total) == ("done", 5, 5)
    assert all("UF_CRM_TIER" not in c.custom for c in Company.objects.all())
    assert sorted(c.custom.get(other.code) for c in Company.objects.exclude(name="Without")) == [
        0, 1, 2, 3, 4]  # fmt: skip
