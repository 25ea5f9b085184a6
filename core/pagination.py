"""
Pages of a long list without counting all of it.

Django's Paginator counts every row (COUNT(*)) to say "42,000 decisions" and "Page 1 of 1,680": the
count grows with the list (26 ms for the register at 100 times today's volume) while the page shown
does not. CappedPaginator counts at most `cap` rows past the start of the list (a LIMIT in a
subquery), enough for the page asked for and the next: below the cap the count is exact, as before;
above it the page says "more than 1,000" and offers Previous and Next, but no last page number.
"""

import math
from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet

# Rows counted at most; counting goes on in steps of this size as the reader pages further.
COUNT_CAP = 1000


def count_at_most(object_list, limit: int) -> int:
    """How many rows `object_list` has, counting no more than `limit`."""
    counter = getattr(object_list, "count_at_most", None)
    if counter is not None:
        return counter(limit)
    if isinstance(object_list, QuerySet):
        # SELECT COUNT(*) FROM (SELECT ... LIMIT limit): the database stops at `limit` rows.
        return object_list.order_by()[:limit].count()
    return len(object_list[:limit])


# No list is that long; a larger page number asked for (?page=99999999999999999999) is read as this
# one, so that the count's LIMIT stays an integer the database takes (SQLite refused it: a 500).
MAX_PAGE = 1_000_000


def _page_number(number) -> int:
    try:
        return min(max(1, int(number)), MAX_PAGE)
    except (TypeError, ValueError, OverflowError):
        return 1


class CappedPaginator(Paginator):
    """
    A Paginator whose count stops at a multiple of `cap` past the page asked for (get_page()).
    `count_capped` says that there are more rows than `count_shown`; `count` is then one more than
    that (a last, partial page), so that the pages up to the cap all have a Next.
    """

    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap or COUNT_CAP
        self.asked = 1
        self.count_capped = False
        self.count_shown = 0

    def get_page(self, number):
        self.asked = _page_number(number)
        return super().get_page(number)

    @cached_property
    def count(self) -> int:
        # Counted far enough for the page asked for, in whole steps of the cap ("more than 2,000").
        limit = self.cap * max(1, math.ceil(self.asked * self.per_page / self.cap))
        counted = count_at_most(self.object_list, limit + 1)
        self.count_capped = counted > limit
        self.count_shown = limit if self.count_capped else counted
        return counted
