"""A file exported imports back without loss (hypothesis): names in any script, every phone
and e-mail, a type by its name, an amount, a custom list field; CSV with both delimiters and
XLSX, into a database emptied of the companies."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import QueryDict
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from companies.models import Company
from companies.services import company_bulk_create
from dictionaries.custom_fields import custom_field_create
from importexport import exports, imports
from tests.conftest import examples

pytestmark = pytest.mark.django_db

NAMES = (
    st.text(
        alphabet=st.sampled_from(list("AbcXyzЖжЁёщÉéçüß'\"-=+@ ;,.&«»")), min_size=1, max_size=30
    )
    .map(str.strip)
    .filter(lambda name: (name and not name.startswith(("-", "=", "+", "@"))) or name)
)
PHONES = st.sampled_from(
    ["+7 (812) 848-65-20", "+7 921 000-00-00", "(202) 555-0143", "+33 7 74 91 84 97",
     "+49 30 901820"]
)  # fmt: skip
EMAILS = st.from_regex(r"[a-z]{1,8}@(acme\.com|пример\.рф|mail\.co\.uk)", fullmatch=True)


def company_rows():
    return st.lists(
        st.fixed_dictionaries({
            "name": NAMES,
            "type": st.sampled_from(["Client", "Partner", "Supplier"]),
            "phones": st.lists(PHONES, max_size=3, unique=True),
            "emails": st.lists(EMAILS, max_size=2, unique=True),
            "revenue": st.one_of(st.none(), st.decimals(0, 10**9, places=2)),
            "tier": st.sampled_from(["", "Gold", "Silver"]),
        }),
        min_size=1, max_size=6,
    )  # fmt: skip


def state(tier) -> set:
    """What the companies hold, compared across the round trip."""
    return {
        (
            company.name, company.type.code,
            frozenset(c.normalized for c in company.communications.all()),
            company.revenue, (company.custom or {}).get(tier.code),
        )
        for company in Company.objects.select_related("type").prefetch_related("communications")
    }  # fmt: skip


@pytest.fixture
def tier(admin):
    return custom_field_create(
        user=admin, entity="company", label="Tier", kind="list",
        options=[{"label": "Gold"}, {"label": "Silver"}],
    )  # fmt: skip


@settings(
    deadline=None, max_examples=examples(20),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(rows=company_rows(), form=st.sampled_from([("csv", ";"), ("csv", ","), ("xlsx", ";")]))
@example(  # a text that starts like the quote the export puts before a formula
    rows=[{"name": "'=1+1", "type": "Client", "phones": [], "emails": [], "revenue": None,
           "tier": ""}],
    form=("csv", ";"),
)  # fmt: skip
def test_an_exported_file_imports_back_the_same_companies(
    admin, tier, django_capture_on_commit_callbacks, rows, form
):
    file_format, delimiter = form
    with transaction.atomic():
        given_rows = [
            {
                "name": row["name"], "type": row["type"],
                "phones": [{"value": p} for p in row["phones"]],
                "emails": [{"value": e} for e in row["emails"]],
                "revenue": row["revenue"],
                "custom": {tier.code: row["tier"]} if row["tier"] else {},
            }
            for row in rows
        ]  # fmt: skip
        written = company_bulk_create(user=admin, rows=given_rows)
        assert not written.rejected, written.rejected
        before = state(tier)
        parameters = exports.export_parameters(
            user=admin, entity="company", file_format=file_format, query=QueryDict(""),
            columns=["name", "type", "phones", "emails", "revenue", tier.code],
            delimiter=delimiter,
        )  # fmt: skip
        _job, chunks = exports.export_inline_or_start(user=admin, parameters=parameters)
        content = b"".join(chunks)
        Company.objects.all().delete()
        name = f"companies.{file_format}"
        upload = SimpleUploadedFile(name, io.BytesIO(content).getvalue())
        draft = imports.import_upload(user=admin, entity="company", file=upload, name=name)
        assert "" not in {draft.mapping[h] for h in draft.headers}, draft.mapping
        with django_capture_on_commit_callbacks(execute=True):
            imports.import_start(user=admin, import_job=draft, duplicates="allow")
        draft.refresh_from_db()
        assert (draft.created, draft.failed) == (len(rows), 0), list(
            draft.rows.values_list("line", "reason")
        )
        assert state(tier) == before
        transaction.set_rollback(True)
