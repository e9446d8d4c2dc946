"""A paginator that stops counting: "more than 1,000" is as useful to a reader as "97,412", and
counting a large filtered table is the slowest part of a list page (bench/README.md)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Pages through the first `cap` rows at most (take a cap that is a multiple of the page
    size); `capped` says there are more, for the page to suggest filtering."""

    def __init__(self, object_list: Any, per_page: int, cap: int = 1000, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _seen(self) -> int:
        rows: Any = self.object_list  # a QuerySet: the only kind this paginator is given
        return rows.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._seen, self.cap)

    @property
    def capped(self) -> bool:
        return self._seen > self.cap
