"""Pagination of lists ordered by computed columns."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, Window


class KeysFirstPaginator(Paginator):
    """Pages a QuerySet by its primary keys first, then reads the page's rows.

    A list ordered by a computed column (a case's debt, summed from its employer's
    periods) sorts the whole set before it can cut a page. Asked for whole rows, PostgreSQL
    joins every row of the set to its employer, agent and branch first (the agent's queue:
    3,300 cases joined to 50,000 employers, 61 ms); asked for the keys only, it sorts the
    table's own rows (22 ms), and the page's 25 rows are then read with their joins.
    A row gone between the two reads is left out of the page.

    The keys query also counts the whole set (a window over it, which the sort reads
    anyway), so a page costs two queries, not a count of its own before them; only a page
    past the last one counts apart, to fall back to the last page.

    `keys_order`: the list's order written more cheaply for sorting the keys (the same
    order: a test holds the two equal), when its rows' order needs columns that the sort
    can read in one pass instead of two."""

    def __init__(self, object_list, per_page, *args, keys_order=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.keys_order = keys_order

    def get_page(self, number) -> Page:
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)

    def page(self, number) -> Page:
        number = self._number(number)
        bottom = (number - 1) * self.per_page
        keys_list = self.object_list
        if self.keys_order is not None:
            keys_list = keys_list.order_by(*self.keys_order)
        found = list(
            keys_list.annotate(keys_total=Window(Count("pk"))).values_list("pk", "keys_total")[
                bottom : bottom + self.per_page + self.orphans
            ]
        )
        if found:
            self.__dict__["count"] = found[0][1]  # Paginator.count is a cached_property
        # Nothing found: an empty list, or a page past the last one (counted apart).
        number = self.validate_number(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = [key for key, _total in found[: top - bottom]]
        rows = {row.pk: row for row in self.object_list.filter(pk__in=keys)}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)

    def _number(self, number) -> int:
        """validate_number without the count: an integer of at least 1."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number
