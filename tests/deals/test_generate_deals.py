"""The deal benchmark generator writes rows that keep the services' rules: each deal in a stage
of its pipeline, ``closed`` exactly when the stage is a final one, valid amounts and links."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from companies.communications import normalize_email, normalize_phone
from companies.models import Communication, Company
from deals.models import Deal, Lead
from dictionaries import services as dictionary_services
from dictionaries.models import Entry, Pipeline, Semantics
from timeline.models import Event

pytestmark = pytest.mark.django_db

CENT = Decimal("0.01")


def generate(**options) -> str:
    out = StringIO()
    call_command("generate_deals", stdout=out, **{"users": 5, "seed": 1, **options})
    return out.getvalue()


def default_pipeline() -> Pipeline:
    return Pipeline.objects.get(is_default=True)


def assert_stages_consistent(pipeline: Pipeline) -> None:
    """Every deal in a stage of its own pipeline (the one asked for), closed as its stage says;
    every lead in a lead stage, closed as its stage says."""
    for deal in Deal.objects.select_related("stage"):
        assert deal.pipeline_id == pipeline.pk
        assert (deal.stage.list_code, deal.stage.pipeline_id) == ("DEAL_STAGE", pipeline.pk)
        assert deal.closed == (deal.stage.semantics != Semantics.PROCESS), deal.stage
    for lead in Lead.objects.select_related("stage"):
        assert lead.stage.list_code == "STATUS"
        assert lead.closed == (lead.stage.semantics != Semantics.PROCESS), lead.stage


@pytest.fixture
def companies(admin):
    return [Company.objects.create(name=f"Company {n}", responsible=admin) for n in range(5)]


@pytest.fixture
def generated(companies):
    return generate(deals=200, leads=50, batch=70)


def test_counts(generated):
    assert "200/200 deals, 50/50 leads" in generated and "Done" in generated
    assert Deal.objects.count() == 200
    assert Lead.objects.count() == 50
    assert not Event.objects.exists()  # a fixture, not history


def test_deals_stay_in_their_pipeline_and_closed_follows_the_stage(generated):
    assert_stages_consistent(default_pipeline())
    semantics = list(Deal.objects.values_list("stage__semantics", flat=True))
    assert semantics.count(Semantics.PROCESS) > len(semantics) / 2  # most are in progress
    assert set(semantics) == set(Semantics.values)  # won and lost ones too
    assert Deal.objects.values("stage").distinct().count() >= 5
    lead_semantics = set(Lead.objects.values_list("stage__semantics", flat=True))
    assert lead_semantics == set(Semantics.values)


def test_amounts_currencies_and_company_links(generated, companies):
    amounts = list(Deal.objects.values_list("amount", "currency"))
    for amount, currency in amounts:
        assert (amount is None) == (currency == "")
        if amount is not None:
            assert amount > 0 and amount == amount.quantize(CENT)
            assert currency in settings.CRM_CURRENCIES
    with_amount = [amount for amount, _ in amounts if amount is not None]
    assert len(with_amount) > 150 and len(set(with_amount)) > 100
    assert any(amount % 1 for amount in with_amount)  # cents, not only whole amounts
    linked = Deal.objects.filter(company__isnull=False)
    assert 0 < linked.count() < 200
    assert set(linked.values_list("company", flat=True)) <= {c.pk for c in companies}
    for deal in linked.select_related("company")[:20]:
        assert deal.company.name in deal.title


def test_rows_pass_the_model_validation(generated):
    for item in [*Deal.objects.all()[:60], *Lead.objects.all()[:30]]:
        item.full_clean(validate_unique=False)  # stage lists, reference lists, currencies
    for deal in Deal.objects.exclude(close_date=None):
        assert deal.close_date >= deal.begin_date


def test_leads_have_names_and_valid_phones_and_emails(generated):
    for lead in Lead.objects.all():
        assert lead.title and lead.first_name and lead.last_name
    comms = Communication.objects.filter(lead__isnull=False)
    assert comms.filter(channel="phone").exists() and comms.filter(channel="email").exists()
    assert not Communication.objects.filter(lead__isnull=True).exists()
    for comm in comms:
        normalize = normalize_phone if comm.channel == "phone" else normalize_email
        assert normalize(comm.value) == comm.normalized


def test_responsible_people_and_creation_times(generated):
    users = get_user_model().objects.filter(username__startswith="gen_user_")
    assert users.count() == 5
    user_ids = set(users.values_list("pk", flat=True))
    for model in (Deal, Lead):
        assert set(model.objects.values_list("responsible_id", flat=True)) <= user_ids
    now = timezone.now()
    times = sorted(Deal.objects.values_list("created_at", flat=True))
    assert times[0] >= now - timedelta(days=3 * 366) and times[-1] <= now
    assert times[-1] - times[0] > timedelta(days=365)
    by_id = list(Deal.objects.order_by("pk").values_list("created_at", flat=True))
    assert by_id == sorted(by_id)  # creation times grow with the ids
    assert all(d.modified_at >= d.created_at for d in Deal.objects.all())


def test_another_pipeline(admin):
    pipeline = dictionary_services.pipeline_create(user=admin, name="Projects")
    output = generate(deals=60, pipeline=pipeline.pk)
    assert "60/60 deals, 0/0 leads" in output
    assert Deal.objects.count() == 60 and not Lead.objects.exists()
    assert_stages_consistent(pipeline)
    codes = set(Deal.objects.values_list("stage__code", flat=True))
    assert all(code.startswith(f"C{pipeline.pk}:") for code in codes)


def test_no_companies_no_links():
    generate(deals=30)
    assert Deal.objects.count() == 30
    assert not Deal.objects.filter(company__isnull=False).exists()


def test_bulk_create_writes_the_same_kind_of_rows(companies):
    output = generate(deals=40, leads=10, method="orm", batch=15)
    assert "bulk_create" in output
    assert (Deal.objects.count(), Lead.objects.count()) == (40, 10)
    assert_stages_consistent(default_pipeline())
    times = sorted(Deal.objects.values_list("created_at", flat=True))
    assert times[-1] - times[0] > timedelta(days=365)  # given times, not "now"
    assert Communication.objects.filter(lead__isnull=False).exists()


def test_tables_are_analysed_on_postgresql(companies):
    if connection.vendor != "postgresql":
        pytest.skip("ANALYZE is for PostgreSQL")
    with CaptureQueriesContext(connection) as captured:
        generate(deals=10, leads=5)
    analyse = [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith("ANALYZE")]
    assert len(analyse) == 1
    for table in ("deals_deal", "deals_lead", "companies_communication"):
        assert table in analyse[0]


def test_rows_are_added_and_users_reused(generated):
    generate(deals=10, seed=2)
    assert Deal.objects.count() == 210
    assert get_user_model().objects.filter(username__startswith="gen_user_").count() == 5


def test_the_same_seed_gives_the_same_deals():
    generate(deals=20, leads=5, seed=42)
    first = list(Deal.objects.order_by("pk").values_list("title", "stage", "amount"))
    Deal.objects.all().delete()
    generate(deals=20, leads=5, seed=42)
    assert list(Deal.objects.order_by("pk").values_list("title", "stage", "amount")) == first


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"pipeline": 999_999}, "There is no pipeline 999999."),
        ({"deals": -1}, "--deals and --leads must be >= 0"),
        ({"users": 0}, "--users and --batch >= 1"),
    ],
)
def test_bad_options_are_refused(options, message):
    with pytest.raises(CommandError, match=message):
        generate(**options)
    assert not Deal.objects.exists()


def test_a_pipeline_without_stages_is_refused(admin):
    pipeline = dictionary_services.pipeline_create(user=admin, name="Empty")
    Entry.objects.filter(pipeline=pipeline).delete()
    with pytest.raises(CommandError, match="has no stages"):
        generate(deals=5, pipeline=pipeline.pk)
