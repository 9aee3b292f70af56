"""The stage history (``deals.StageMove``): every path that changes a deal's or a lead's stage
writes one move, with who, when and the amount at that moment; the migration fills it for
items older than the table from their history."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from crm.services import items_bulk_change, items_bulk_create, items_bulk_update
from deals import services
from deals.models import Deal, Lead, StageMove
from dictionaries import services as dictionary_services
from dictionaries.models import Entry, Pipeline

pytestmark = pytest.mark.django_db


def stage(code: str) -> Entry:
    return Entry.objects.get(list_code="DEAL_STAGE", code=code)


def lead_stage(code: str) -> Entry:
    return Entry.objects.get(list_code="STATUS", code=code)


def moves(item) -> list[tuple]:
    """``(from code, to code, amount, currency)`` of ``item``'s moves, oldest first."""
    codes = dict(Entry.objects.values_list("pk", "code"))
    key = "deal" if isinstance(item, Deal) else "lead"
    return [
        (codes.get(m.from_stage_id), codes.get(m.to_stage_id), m.amount, m.currency)
        for m in StageMove.objects.filter(**{key: item}).order_by("moved_at", "id")
    ]


def test_create_update_and_kanban_move_write_moves(user):
    deal = services.deal_create(user=user, title="Boiler", amount=Decimal("100"), currency="USD")
    services.deal_update(user=user, deal=deal, amount=Decimal("150"))  # no move: same stage
    services.move_deal_to_stage(user=user, deal=deal, stage=stage("PREPARATION"))
    services.deal_update(user=user, deal=deal, stage=stage("WON"), amount=Decimal("170"))
    assert moves(deal) == [
        (None, "NEW", Decimal("100.00"), "USD"),
        ("NEW", "PREPARATION", Decimal("150.00"), "USD"),
        ("PREPARATION", "WON", Decimal("170.00"), "USD"),
    ]
    last = StageMove.objects.filter(deal=deal).latest("id")
    assert last.moved_by == user
    assert last.pipeline_id == deal.pipeline_id
    assert last.stage_seconds is not None


def test_a_move_to_another_pipeline_is_a_move_into_it(admin):
    projects = dictionary_services.pipeline_create(user=admin, name="Projects")
    deal = services.deal_create(user=admin, title="Site")
    services.deal_update(user=admin, deal=deal, pipeline=projects)
    move = StageMove.objects.filter(deal=deal).latest("id")
    assert (move.from_stage_id, move.pipeline_id) == (stage("NEW").pk, projects.pk)
    assert Entry.objects.get(pk=move.to_stage_id).pipeline == projects


def test_bulk_update_and_bulk_change_write_moves(user):
    deals = [services.deal_create(user=user, title=f"D{n}") for n in range(3)]
    items_bulk_update(user=user, spec=services.DEAL, ids=[d.pk for d in deals[:2]],
                      stage=stage("EXECUTING"))  # fmt: skip
    assert [moves(d)[-1][:2] for d in deals] == [
        ("NEW", "EXECUTING"), ("NEW", "EXECUTING"), (None, "NEW")
    ]  # fmt: skip
    result = items_bulk_change(
        services.DEAL, user=user, ids=[deals[2].pk], change=lambda item, _c: {"stage": "LOSE"}
    )
    assert result.updated == [deals[2].pk]
    assert moves(deals[2])[-1][:2] == ("NEW", "LOSE")


def test_bulk_create_writes_the_creation_moves(user):
    result = items_bulk_create(
        services.DEAL, user=user,
        rows=[{"title": "A", "stage": stage("EXECUTING"), "amount": Decimal("5")},
              {"title": "B"}],
    )  # fmt: skip
    created = Deal.objects.in_bulk(result.ids)
    assert sorted(moves(deal)[0][:3] for deal in created.values()) == [
        (None, "EXECUTING", Decimal("5.00")),
        (None, "NEW", None),
    ]


def test_deleting_a_stage_moves_its_deals_and_records_it(admin):
    deal = services.deal_create(user=admin, title="Boiler", stage=stage("PREPARATION"))
    dictionary_services.entry_delete(
        user=admin, entry=stage("PREPARATION"), replacement=stage("EXECUTING")
    )
    old = moves(deal)[-1]
    assert old[1] == "EXECUTING"
    assert old[0] is None  # the deleted stage's id stays, its code is gone with it
    assert StageMove.objects.filter(deal=deal).count() == 2


def test_lead_conversion_moves_the_lead_and_creates_the_deal(user):
    lead = services.lead_create(user=user, title="Request", first_name="Ann", amount=Decimal(9))
    services.lead_update(user=user, lead=lead, stage=lead_stage("IN_PROCESS"))
    produced = services.lead_convert(
        user=user, lead=lead, contact=True, deal_pipeline=Pipeline.objects.get(is_default=True)
    )
    assert moves(lead) == [
        (None, "NEW", Decimal("9.00"), ""),
        ("NEW", "IN_PROCESS", Decimal("9.00"), ""),
        ("IN_PROCESS", "CONVERTED", Decimal("9.00"), ""),
    ]
    assert moves(produced["deal"]) == [(None, "NEW", Decimal("9.00"), "")]


def test_a_refused_move_writes_nothing(manager, user):
    """Bad input: a manager moving a colleague's deal is refused, and no move is kept."""
    deal = services.deal_create(user=user, title="Theirs")
    with pytest.raises(Exception):  # noqa: B017 (PermissionDenied or DoesNotExist: either refuses)
        services.move_deal_to_stage(user=manager, deal=deal, stage=stage("WON"))
    assert moves(deal) == [(None, "NEW", None, "")]


def test_the_migration_fills_the_history_of_existing_items(user):
    """Moves back and forth, a reopened deal and amount changes, replayed from history."""
    deal = services.deal_create(user=user, title="Boiler", amount=Decimal("10"), currency="EUR")
    services.deal_update(user=user, deal=deal, stage=stage("PREPARATION"), amount=Decimal("20"))
    services.deal_update(user=user, deal=deal, stage=stage("NEW"))
    services.deal_update(user=user, deal=deal, stage=stage("WON"), currency="USD")
    services.deal_update(user=user, deal=deal, stage=stage("EXECUTING"))  # reopened
    lead = services.lead_create(user=user, title="Request")
    services.lead_update(user=user, lead=lead, stage=lead_stage("JUNK"))
    written = {item: moves(item) for item in (deal, lead)}
    StageMove.objects.all().delete()
    migration = importlib.import_module("deals.migrations.0006_stage_moves_from_history")
    migration.backfill(apps, None)
    assert {item: moves(item) for item in (deal, lead)} == written
    assert written[deal] == [
        (None, "NEW", Decimal("10.00"), "EUR"),
        ("NEW", "PREPARATION", Decimal("20.00"), "EUR"),
        ("PREPARATION", "NEW", Decimal("20.00"), "EUR"),
        ("NEW", "WON", Decimal("20.00"), "USD"),
        ("WON", "EXECUTING", Decimal("20.00"), "USD"),
    ]
    assert Lead.objects.count() == 1
