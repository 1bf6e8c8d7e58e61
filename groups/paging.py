"""Pages of long lists that count no further than they need.

Counting 50,000 contacts or 100,000 actions costs more than showing a page of them, and nobody
pages that far: they search or filter. A list says how many rows it holds up to COUNT_LIMIT,
"more than COUNT_LIMIT" beyond, and its pages reach as far as that.
"""

import math

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_LIMIT = 1000


class CappedPaginator(Paginator):
    """Django's Paginator over a queryset, counting at most `limit` + 1 rows (an unordered
    LIMIT subquery, which stops early) instead of the whole table."""

    def __init__(self, object_list, per_page, limit=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.limit = COUNT_LIMIT if limit is None else limit

    @cached_property
    def count(self):
        return self.object_list.order_by()[: self.limit + 1].count()

    @property
    def capped(self):
        """True when the list holds more rows than it counted."""
        return self.count > self.limit

    @cached_property
    def num_pages(self):
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        return math.ceil(max(1, min(self.count, self.limit) - self.orphans) / self.per_page)


def page_of(request, queryset, per_page):
    """The requested page (`?page=`) of a queryset, and the query string without `page`."""
    query = request.GET.copy()
    query.pop("page", None)
    return CappedPaginator(queryset, per_page).get_page(request.GET.get("page")), query.urlencode()
