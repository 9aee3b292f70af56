from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_LIMIT = 10_000


class CappedCountPaginator(Paginator):
    """Page numbers without counting a million rows: counts up to COUNT_LIMIT + 1 at most.

    ``count_is_capped`` tells the template to print "10,000+" instead of a total.
    """

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: COUNT_LIMIT + 1].count()

    @property
    def count_is_capped(self) -> bool:
        return self.count > COUNT_LIMIT
