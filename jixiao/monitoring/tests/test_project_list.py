"""The project list pages by bare ids: the payment totals are computed for the page's 50 rows only, so a
late page costs what the first does."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.projects.models import ProjectMonth


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries]


def test_a_late_page_reads_payments_for_its_own_rows_only(client, district, make_project):
    for _ in range(70):
        project = make_project(district.s2)
        ProjectMonth.objects.create(project=project, month=1, paid_fiscal=Decimal("100.00"))
    client.force_login(district.bureau_leader)
    url = reverse("projects:project_list")
    first, first_sql = _queries(client, url)
    last, last_sql = _queries(client, f"{url}?page=2")
    assert len(first_sql) == len(last_sql) - 1  # the first page's count comes with its ids
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].paginator.count == len(last.context["page"].object_list) + 50
    # The page's ids are read alone (the later page from the end of the list), the payments after.
    for sql_of_page in (first_sql, last_sql):
        id_queries = [sql for sql in sql_of_page if sql.startswith('SELECT "projects_project"."id" AS "pk"')]
        assert id_queries and all("projects_projectmonth" not in sql for sql in id_queries)
    paid = [p.paid_to_date for p in last.context["page"].object_list if p.owner_id == district.s2.pk]
    assert paid and all(amount == Decimal("100.00") for amount in paid)


def test_the_pages_keep_the_list_order(client, district, make_project):
    for n in range(55):
        make_project(district.s2 if n % 2 else district.town)
    client.force_login(district.bureau_leader)
    url = reverse("projects:project_list")
    rows = list(client.get(url).context["page"].object_list)
    rows += list(client.get(f"{url}?page=2").context["page"].object_list)
    keys = [(p.owner.code, p.code) for p in rows]
    assert len(set(keys)) == len(keys) > 55
    assert keys == sorted(keys)
