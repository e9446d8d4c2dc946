"""A paginator for long filtered lists: one query reads the ids of the first `cap` rows (the
count comes with them), a second one the rows of the page, by primary key.

Django's paginator runs the filtered query twice, once to count every row and once for the page;
on a large table both are heavy, and "more than 1,000" tells a reader as much as "97,412"
(bench/README.md).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Pages through the first `cap` rows at most (take a cap that is a multiple of the page
    size); `capped` says there are more, for the page to suggest filtering. Given a QuerySet."""

    def __init__(self, object_list: Any, per_page: int, cap: int = 1000, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _ids(self) -> list[Any]:
        rows: Any = self.object_list
        return list(rows.values_list("pk", flat=True)[: self.cap + 1])

    @cached_property
    def count(self) -> int:
        return min(len(self._ids), self.cap)

    @property
    def capped(self) -> bool:
        return len(self._ids) > self.cap

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = self._ids[bottom : min(bottom + self.per_page, self.cap)]
        rows: Any = self.object_list
        found = {row.pk: row for row in rows.filter(pk__in=ids)}
        return Page([found[pk] for pk in ids if pk in found], number, self)
