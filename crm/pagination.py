from django.core.paginator import Paginator
from django.utils.functional import cached_property

from crm.validators import parse_id

COUNT_LIMIT = 10_000
MAX_PAGE = 1_000_000  # keeps the offset within what a database accepts


class CappedCountPaginator(Paginator):
    """Page numbers without counting a million rows: counts up to COUNT_LIMIT + 1 at most.

    ``count_is_capped`` tells the template to print "more than 10,000" instead of a total.
    """

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: COUNT_LIMIT + 1].count()

    @property
    def count_is_capped(self) -> bool:
        return self.count > COUNT_LIMIT


class PeekPage:
    """One page of a list, found without counting the list: the query asks for one row more
    than a page, and that row tells whether there is a next page."""

    def __init__(self, object_list, number, per_page: int):
        self.number = min(parse_id(number) or 1, MAX_PAGE)
        offset = (self.number - 1) * per_page
        rows = list(object_list[offset : offset + per_page + 1])
        self.has_next = len(rows) > per_page
        self.object_list = rows[:per_page]
        self.has_previous = self.number > 1
        self.per_page = per_page

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def capped_count(queryset) -> tuple[int, bool]:
    """How many rows, counting at most COUNT_LIMIT + 1: (count, whether it was capped)."""
    count = queryset.order_by()[: COUNT_LIMIT + 1].count()
    return min(count, COUNT_LIMIT), count > COUNT_LIMIT
