"""What a kanban board shows: per stage, the number of items, their amounts, the first cards.

Every number comes from the queryset it is given, which the view builds as
``restrict(user) -> FilterSet``, so the board shows exactly what the list would. One grouped
query counts and sums every column; each column's cards are one indexed query (stage, -id),
and more cards load by "before this id" pages, never by offset.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from companies.models import Company
from dictionaries.models import Entry, Semantics

CARDS_PER_PAGE = 20


@dataclass
class Column:
    stage: Entry
    count: int = 0
    totals: dict[str, Decimal] = field(default_factory=dict)  # currency -> sum of amounts
    cards: list = field(default_factory=list)
    has_more: bool = False

    @property
    def is_final(self) -> bool:
        return self.stage.semantics != Semantics.PROCESS


def column_totals(items: QuerySet) -> dict[int, tuple[int, dict[str, Decimal]]]:
    """Per stage id: how many items, and the sum of their amounts per currency."""
    found: dict[int, tuple[int, dict[str, Decimal]]] = {}
    rows = items.order_by().values("stage_id", "currency").annotate(n=Count("id"), s=Sum("amount"))
    for row in rows:
        count, totals = found.get(row["stage_id"], (0, {}))
        if row["s"] is not None:
            totals[row["currency"]] = row["s"]
        found[row["stage_id"]] = (count + row["n"], totals)
    return found


def column_cards(items: QuerySet, stage: Entry, before: int | None = None) -> tuple[list, bool]:
    """One page of a stage's cards, newest first, and whether more follow."""
    cards = items.filter(stage=stage)
    if before is not None:
        cards = cards.filter(pk__lt=before)
    page = list(cards.order_by("-id")[: CARDS_PER_PAGE + 1])
    return page[:CARDS_PER_PAGE], len(page) > CARDS_PER_PAGE


def board(items: QuerySet, stages) -> list[Column]:
    """Every column of ``stages`` with its numbers and first page of cards."""
    totals = column_totals(items)
    columns = []
    for stage in stages:
        count, sums = totals.get(stage.pk, (0, {}))
        column = Column(stage, count, sums)
        if count:
            column.cards, column.has_more = column_cards(items, stage)
        columns.append(column)
    return columns


def name_readable_companies(user, cards) -> None:
    """Give each card ``readable_company``: its company if ``user`` may read it, else None
    (a card never names a company its reader may not see). One query for all cards."""
    ids = {card.company_id for card in cards if card.company_id}
    readable = Company.objects.restrict(user, "read").filter(pk__in=ids).only("id", "name")
    found = {company.pk: company for company in readable} if ids else {}
    for card in cards:
        card.readable_company = found.get(card.company_id)
