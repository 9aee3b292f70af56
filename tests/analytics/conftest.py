"""A small sales history made by hand, whose every figure the report tests compute on paper.

March 2026 (UTC), the default pipeline; Mia and Sam are managers, and no item is open to all
(so each reads their own only):

- D1 Mia, CALL: created Mar 2 in New (100 USD), Create papers Mar 4, won Mar 10 at 120 USD.
- D2 Mia, CALL: created Mar 3 (50 EUR), lost ("Deal lost") Mar 5.
- D3 Sam, WEB: created Feb 20, Create papers Mar 1 (200 USD), back to New Mar 6, "Analyze
  failure" Mar 8.
- D4 Sam, WEB: created Mar 2 (10 USD), won Mar 3, reopened (In progress) Mar 5, won again Mar 20
  at 30 USD.
- D5 Sam: created and won in February only.
- D6 Mia, no source: created Mar 15 in New, no amount.
- Leads: L1 CALL Mar 2 New, In progress Mar 3, converted Mar 6; L2 CALL Mar 3, junk Mar 4; L3 no
  source Mar 4, In progress Mar 5; L4 February only.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from accessrights.models import Role
from accessrights.rights import rights_changed
from deals import period_rollups, services
from deals.models import Deal, Lead, StageMove
from dictionaries.models import Entry
from tests.factories import UserFactory

MARCH = {"period": "custom", "date_from": "2026-03-01", "date_to": "2026-03-31"}


def at(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def stage(code: str, list_code: str = "DEAL_STAGE") -> Entry:
    return Entry.objects.get(list_code=list_code, code=code)


def source(code: str | None):
    return Entry.objects.get(list_code="SOURCE", code=code) if code else None


@dataclass
class History:
    admin: object
    mia: object
    sam: object
    deals: dict
    leads: dict


def write_moves(item, steps) -> None:
    """``steps``: ``(when, to stage (its code, or the entry), amount, currency)``, the first
    one the creation."""
    key = "deal" if isinstance(item, Deal) else "lead"
    list_code = "DEAL_STAGE" if key == "deal" else "STATUS"
    previous = None
    for when, code, amount, currency in steps:
        to = code if isinstance(code, Entry) else stage(code, list_code)
        StageMove.objects.create(
            **{key: item},
            pipeline_id=to.pipeline_id,
            from_stage_id=previous[1].pk if previous else None,
            to_stage_id=to.pk,
            moved_at=when,
            amount=None if amount is None else Decimal(amount),
            currency=currency,
            stage_seconds=int((when - previous[0]).total_seconds()) if previous else None,
            age_seconds=int((when - steps[0][0]).total_seconds()),
        )
        previous = (when, to)


@pytest.fixture
def history(admin, manager) -> History:
    mia = manager
    sam = UserFactory(first_name="Sam", last_name="Seller")
    Role.objects.get(name="Manager").users.add(sam)
    rights_changed()

    def deal(name, who, final, amount, currency, source_code, steps):
        item = services.deal_create(
            user=admin, title=name, responsible=who, stage=stage(final), source=source(source_code),
            amount=None if amount is None else Decimal(amount), currency=currency,
        )  # fmt: skip
        Deal.objects.filter(pk=item.pk).update(created_at=steps[0][0], opened=False)
        return item, steps

    deals = {
        "D1": deal("D1", mia, "WON", "120", "USD", "CALL",
                [(at(3, 2), "NEW", "100", "USD"), (at(3, 4), "PREPARATION", "100", "USD"),
                 (at(3, 10), "WON", "120", "USD")]),
        "D2": deal("D2", mia, "LOSE", "50", "EUR", "CALL",
                [(at(3, 3), "NEW", "50", "EUR"), (at(3, 5), "LOSE", "50", "EUR")]),
        "D3": deal("D3", sam, "APOLOGY", "200", "USD", "WEB",
                [(at(2, 20), "NEW", None, "USD"), (at(3, 1), "PREPARATION", "200", "USD"),
                 (at(3, 6), "NEW", "200", "USD"), (at(3, 8), "APOLOGY", "200", "USD")]),
        "D4": deal("D4", sam, "WON", "30", "USD", "WEB",
                [(at(3, 2), "NEW", "10", "USD"), (at(3, 3), "WON", "10", "USD"),
                 (at(3, 5), "EXECUTING", "10", "USD"), (at(3, 20), "WON", "30", "USD")]),
        "D5": deal("D5", sam, "WON", "70", "USD", None,
                [(at(2, 1), "NEW", "70", "USD"), (at(2, 10), "WON", "70", "USD")]),
        "D6": deal("D6", mia, "NEW", None, "", None, [(at(3, 15), "NEW", None, "")]),
    }  # fmt: skip

    def lead(name, final, source_code, steps):
        item = services.lead_create(user=admin, title=name, responsible=mia,
                                    source=source(source_code))  # fmt: skip
        Lead.objects.filter(pk=item.pk).update(
            created_at=steps[0][0],
            stage=stage(final, "STATUS"),
            closed=final != "IN_PROCESS",
            opened=False,
        )
        return item, steps

    leads = {
        "L1": lead("L1", "CONVERTED", "CALL", [(at(3, 2), "NEW", None, ""),
                (at(3, 3), "IN_PROCESS", None, ""), (at(3, 6), "CONVERTED", None, "")]),
        "L2": lead("L2", "JUNK", "CALL", [(at(3, 3), "NEW", None, ""),
                (at(3, 4), "JUNK", None, "")]),
        "L3": lead("L3", "IN_PROCESS", None, [(at(3, 4), "NEW", None, ""),
                (at(3, 5), "IN_PROCESS", None, "")]),
        "L4": lead("L4", "JUNK", None, [(at(2, 1), "NEW", None, ""), (at(2, 2), "JUNK", None, "")]),
    }  # fmt: skip
    StageMove.objects.all().delete()  # the services' own moves are "now": the story replaces them
    for item, steps in [*deals.values(), *leads.values()]:
        write_moves(item, steps)
    # The story was written around the services: its rollups are rebuilt, as a migration does.
    period_rollups.rebuild(Deal)
    period_rollups.rebuild(Lead)
    return History(
        admin, mia, sam,
        {name: item for name, (item, _s) in deals.items()},
        {name: item for name, (item, _s) in leads.items()},
    )  # fmt: skip
