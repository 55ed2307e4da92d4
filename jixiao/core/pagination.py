"""Paginating lists whose rows carry costly figures."""

from collections.abc import Callable, Iterable

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window


class _IdsFromNearerEnd:
    """The ids of an ordered queryset for a Paginator: a slice past the middle is read from the end in the
    reversed order (OFFSET counts from the nearer end, so the last page costs what the first does) and
    turned back. The ordering must be total (end it with the primary key) for the two to agree."""

    def __init__(self, queryset: QuerySet, count: int | None = None):
        self._ids = queryset.values_list("pk", flat=True)
        self._count = count

    def count(self) -> int:
        if self._count is None:
            self._count = self._ids.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list:
        start, stop = index.start or 0, min(index.stop, self.count())
        if start <= self.count() - stop:
            return list(self._ids[start:stop])
        return list(self._ids.reverse()[self.count() - stop : self.count() - start])[::-1]


def _first_page_with_total(queryset: QuerySet, per_page: int) -> tuple[list, int]:
    """The first page's ids and the number of rows, in one statement (the count as a window over the
    same rows): the database reads the matches once, not once to count them and again for the page."""
    rows = list(
        queryset.values_list("pk").annotate(_rows=Window(Count("pk"))).values_list("pk", "_rows")[:per_page]
    )
    return [pk for pk, _rows in rows], rows[0][1] if rows else 0


def _is_first(number) -> bool:
    """Whether `Paginator.get_page(number)` gives the first page whatever the number of rows: page 1, or
    no page number at all (one below 1 gives the last page, as a number past the end does)."""
    try:
        return int(number) == 1
    except (TypeError, ValueError):
        return True


def page_by_ids(queryset: QuerySet, number, per_page: int, *, rows: Callable[[list], Iterable]) -> Page:
    """A page of `queryset` whose OFFSET skips bare primary keys, from the nearer end of the list; only
    the page's own rows are then read with their figures by `rows(ids)` (one query). The first page (the
    one most views and every search open) is read with its count, unless the rows are made distinct: the
    window would count them before DISTINCT removes the repeats.

    `queryset` is filtered and totally ordered; its annotations are left out of the id query unless
    filtered on."""
    if _is_first(number) and not queryset.query.distinct:
        ids, count = _first_page_with_total(queryset, per_page)
        page = Page(ids, 1, Paginator(_IdsFromNearerEnd(queryset, count), per_page))
    else:
        page = Paginator(_IdsFromNearerEnd(queryset), per_page).get_page(number)
        ids = list(page.object_list)
    by_pk = {row.pk: row for row in rows(ids)}
    page.object_list = [by_pk[pk] for pk in ids if pk in by_pk]
    return page


def paged(request, queryset, per_page: int) -> tuple[Page, str]:
    """The requested page of `queryset` and the request's other parameters as a query string, so that
    the page links keep the filters."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
