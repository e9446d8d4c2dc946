"""The capped paginator counts up to its cap, and says when there are more."""

from riposte.core.pagination import CappedPaginator
from riposte.directory.models import Service


def _services(n: int) -> None:
    Service.objects.bulk_create(
        [Service(code=f"S{i:03}", name=f"Service {i}", level="direction") for i in range(n)]
    )


def test_under_the_cap_it_is_an_exact_count(db):
    _services(7)
    paginator = CappedPaginator(Service.objects.order_by("code"), 3, cap=10)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (7, False, 3)


def test_over_the_cap_it_stops_counting(db):
    _services(25)
    paginator = CappedPaginator(Service.objects.order_by("code"), 5, cap=10)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (10, True, 2)
    # The pages up to the cap are served whole.
    assert [s.code for s in paginator.page(2)] == ["S005", "S006", "S007", "S008", "S009"]


def test_pages_keep_the_order_and_cost_two_queries(db, django_assert_num_queries):
    _services(30)
    paginator = CappedPaginator(Service.objects.order_by("-code"), 4, cap=20)
    with django_assert_num_queries(2):
        page = paginator.page(2)
        codes = [s.code for s in page]
    assert codes == ["S025", "S024", "S023", "S022"]
    assert page.has_next() and paginator.num_pages == 5
    assert [s.code for s in paginator.page(5)] == ["S013", "S012", "S011", "S010"]


def _nav(page, query_string: str = "") -> str:
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("en"):
        return render_to_string(
            "core/_pagination.html", {"page": page, "query_string": query_string}
        )


def test_the_pages_links_keep_the_filters(db):
    _services(25)
    paginator = CappedPaginator(Service.objects.order_by("code"), 5, cap=10)
    html = _nav(paginator.page(2), "q=eau&sort=name")
    assert 'href="?q=eau&amp;sort=name&amp;page=1"' in html
    assert 'href="?q=eau&amp;sort=name&amp;page=3"' not in html  # capped at 10: two pages
    assert "Page 2</span>" in html  # more than the cap: no total


def test_the_pages_links_without_filters_and_with_a_total(db):
    from django.core.paginator import Paginator

    _services(7)
    html = _nav(Paginator(Service.objects.order_by("code"), 3).page(1))
    assert 'href="?page=2"' in html and "Previous" not in html
    assert "Page 1 of 3" in html
    assert _nav(Paginator(Service.objects.order_by("code"), 10).page(1)).strip() == ""
