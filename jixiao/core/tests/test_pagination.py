"""Paging by ids from the nearer end of the list gives the pages that paging from the start gives."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from jixiao.conftest import create_organisation
from jixiao.core.pagination import page_by_ids
from jixiao.organisations.models import OrganisationKind
from jixiao.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(district, make_project):
    for n in range(23):
        make_project(district.s1 if n % 3 else district.s2, code=f"P{(n * 7) % 23:03d}")
    return Project.objects.order_by("owner__code", "code", "pk")


def test_every_page_read_from_either_end_is_the_page_in_order(projects):
    in_order = list(projects.values_list("pk", flat=True))
    pages = -(-len(in_order) // 5)
    assert pages >= 5
    for number in range(1, pages + 1):
        page = page_by_ids(projects, number, 5, rows=lambda ids: Project.objects.filter(pk__in=ids))
        assert [p.pk for p in page.object_list] == in_order[(number - 1) * 5 : number * 5]
        assert page.paginator.num_pages == pages


def test_a_page_past_the_middle_counts_its_offset_from_the_end(projects):
    last = -(-projects.count() // 5)
    with CaptureQueriesContext(connection) as queries:
        page_by_ids(projects, last, 5, rows=lambda ids: Project.objects.filter(pk__in=ids))
    id_query = next(q["sql"] for q in queries if "LIMIT" in q["sql"] and "COUNT" not in q["sql"])
    assert "DESC" in id_query
    assert "OFFSET" not in id_query  # the last page is the first one from the end


def test_a_page_number_out_of_range_shows_the_last_page(projects):
    count = projects.count()
    page = page_by_ids(projects, 99, 5, rows=lambda ids: Project.objects.filter(pk__in=ids))
    assert page.number == -(-count // 5)
    assert [p.pk for p in page.object_list] == list(projects.values_list("pk", flat=True))[
        (page.number - 1) * 5 :
    ]


@pytest.mark.parametrize("number", [None, "", "1", 1, "第一页"])
def test_the_first_page_is_read_with_its_count_in_one_statement(projects, number):
    in_order = list(projects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        page = page_by_ids(projects, number, 5, rows=lambda ids: Project.objects.filter(pk__in=ids))
        assert page.paginator.count == len(in_order) and page.paginator.num_pages == -(-len(in_order) // 5)
    assert page.number == 1 and [p.pk for p in page.object_list] == in_order[:5]
    assert len(queries) == 2  # the ids with their count, then the page's rows


def test_a_first_page_of_nothing_counts_nothing(projects):
    page = page_by_ids(projects.none(), 1, 5, rows=lambda ids: Project.objects.filter(pk__in=ids))
    assert page.paginator.count == 0 and list(page.object_list) == []
    empty = projects.filter(code="无此项目")
    page = page_by_ids(empty, 1, 5, rows=lambda ids: Project.objects.filter(pk__in=ids))
    assert page.paginator.count == 0 and page.number == 1 and not page.has_next()


def test_a_number_below_one_shows_the_last_page_as_before(projects):
    last = -(-projects.count() // 5)
    for number in ("0", "-3"):
        page = page_by_ids(projects, number, 5, rows=lambda ids: Project.objects.filter(pk__in=ids))
        assert page.number == last


def test_distinct_rows_are_counted_after_their_repeats_are_removed(district, projects):
    """A join that repeats a row (a project entrusted to two agencies) is made distinct by the caller."""
    first = projects.first()
    agencies = [create_organisation(OrganisationKind.AGENCY, f"第三方机构{n}", code=f"AG{n}") for n in (1, 2)]
    first.agencies.set(agencies)
    joined = projects.filter(Q(agencies__in=agencies) | Q(agencies__isnull=True))
    distinct = set(joined.values_list("pk", flat=True))
    assert joined.count() == len(distinct) + 1  # the first project comes twice
    page = page_by_ids(joined.distinct(), 1, 5, rows=lambda ids: Project.objects.filter(pk__in=ids))
    assert page.paginator.count == len(distinct)
    assert len({p.pk for p in page.object_list}) == len(page.object_list) == 5
