"""Which counts a report reads (``counts_for``): the period rollups wherever the reader's
rights can be put on them (``analytics.counts.reach_of``): their totals for a calendar month,
quarter or year of the rollups' time zone (``RolledCounts``), their item rows combined with the
moves at the ends for any other period holding a whole month (``ComposedCounts``); the moves
themselves otherwise (``MoveCounts``). The figures are the same whichever is read."""

import operator
from functools import reduce

from django.conf import settings
from django.db.models import Q

from deals.models import DealPeriod, LeadPeriod

from .composed import ComposedCounts, cover
from .counts import MoveCounts, RolledCounts, reach_of
from .parameters import Parameters


def counts_for(key: str, user, params: Parameters):
    """The counts of ``key`` (``deal`` or ``lead``) ``user`` reads for ``params``."""
    items = params.deals(user) if key == "deal" else params.leads(user)
    reach = reach_of(key, user) if getattr(settings, "ANALYTICS_ROLLUPS", True) else None
    blocks = cover(params) if reach is not None else None
    if blocks is None:
        return MoveCounts(key, items, params)
    people = params.people("responsible_id")
    totals, extra, readable = reach
    if readable is None and people:
        readable = (DealPeriod if key == "deal" else LeadPeriod).objects.all()
    if readable is not None:
        readable = readable.filter(people)
    in_blocks = people & reduce(operator.or_, [Q(kind=k, first=f) for k, f in blocks.blocks])
    totals, extra, block_rows = (
        None if rows is None else rows.filter(in_blocks) for rows in (totals, extra, readable)
    )
    rolled = RolledCounts(key, totals, extra, block_rows, params)
    if len(blocks.blocks) == 1 and (blocks.start, blocks.end) == (params.start, params.end):
        return rolled  # a calendar period of the rollups: their totals alone
    return ComposedCounts(key, rolled, readable, blocks, params)
