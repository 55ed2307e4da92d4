"""Paginating lists whose rows carry costly figures."""

from collections.abc import Callable, Iterable

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def page_by_ids(queryset: QuerySet, number, per_page: int, *, rows: Callable[[list], Iterable]) -> Page:
    """A page of `queryset` whose OFFSET skips bare primary keys; only the page's own rows are then read
    with their figures by `rows(ids)` (one query), so the last page costs what the first does.

    `queryset` is filtered and ordered; its annotations are left out of the id query unless filtered on."""
    page = Paginator(queryset.values_list("pk", flat=True), per_page).get_page(number)
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
