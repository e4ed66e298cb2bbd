"""Pagination that does not count a whole city's rows for every page.

A list of a district or the city can hold a million rows; COUNT(*) over them costs more than
the page itself (88 ms for 250,000 asset cards on PostgreSQL against 2 ms for the page,
bench/assets_list.py). People page through the first few hundred rows and narrow the filters
for the rest, so the count stops at COUNT_CAP: up to it the count is exact; beyond it the list
says "more than 10,000" and offers the pages up to the cap. The list page (django-tables2) and
the API (DRF) use the same paginator.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    cap = COUNT_CAP

    @cached_property
    def _capped_count(self):
        qs, holder = self.object_list, None
        # django-tables2 pages its rows, which wrap its data, which wraps the queryset; a table
        # is paginated twice (when made and when configured), so the data keeps the count.
        while not hasattr(qs, "query") and hasattr(qs, "data"):
            holder, qs = qs, qs.data
        if not hasattr(qs, "query"):  # a list: its length is free
            return len(self.object_list), False
        known = getattr(holder, "_capped_count", None)
        if known is not None and known[0] == self.cap:
            return known[1]
        # COUNT(*) over a LIMITed subquery of ids: reads at most cap + 1 index entries.
        n = qs.order_by().values("pk")[: self.cap + 1].count()
        result = (min(n, self.cap), n > self.cap)
        if holder is not None:
            holder._capped_count = (self.cap, result)
        return result

    @cached_property
    def count(self):
        return self._capped_count[0]

    @property
    def capped(self):
        """True when there are more rows than the count says."""
        return self._capped_count[1]
