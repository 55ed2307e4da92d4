"""The auditor's log page reads by keyset: the same queries on the first page and the last, filters by action,
text and date, and never scans the log for its list of actions."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from jixiao.audit.models import AuditRecord
from jixiao.audit.selectors import PAGE_SIZE, Cursor, audit_record_list, audit_record_page
from jixiao.audit.services import audit_record


@pytest.fixture
def trail(district):
    """120 records written one after another (the newest is 第119条), alternating two actions."""
    for number in range(120):
        audit_record(
            actor=district.s1_filler,
            action="report.save" if number % 2 else "report.export",
            target=district.project_s1,
            comment=f"第{number}条",
        )
    return audit_record_list().filter(comment__startswith="第")


def _comments(page):
    return [record.comment for record in page.records]


def test_pages_walk_older_then_newer_without_gaps_or_repeats(trail):
    records = trail
    first = audit_record_page(records)
    assert len(first.records) == PAGE_SIZE and first.newer is None and first.older is not None
    second = audit_record_page(records, older_than=first.older)
    third = audit_record_page(records, older_than=second.older)
    seen = _comments(first) + _comments(second) + _comments(third)
    assert seen == [f"第{n}条" for n in range(119, -1, -1)]
    assert third.older is None and len(third.records) == 20
    back = audit_record_page(records, newer_than=third.newer)
    assert _comments(back) == _comments(second)
    assert audit_record_page(records, newer_than=back.newer).records == first.records


def test_records_with_the_same_time_are_paged_by_id(district):
    moment = timezone.now()
    AuditRecord.objects.bulk_create(
        AuditRecord(
            occurred_at=moment, action="report.save", object_type="x", object_id=str(n), object_repr="x"
        )
        for n in range(PAGE_SIZE + 5)
    )
    records = audit_record_list().filter(occurred_at=moment)
    first = audit_record_page(records)
    rest = audit_record_page(records, older_than=first.older)
    ids = [r.pk for r in first.records + rest.records]
    assert len(ids) == len(set(ids)) == PAGE_SIZE + 5


def test_a_broken_cursor_is_the_first_page():
    assert (
        Cursor.parse("nonsense") is None and Cursor.parse("") is None and Cursor.parse("2026-13-01_x") is None
    )


def test_filters_by_action_text_and_date(client, district, trail):
    client.force_login(district.auditor)
    url = reverse("audit:audit_list")
    page = client.get(url, {"action": "report.export"}).content.decode()
    assert "第118条" in page and "第119条" not in page
    page = client.get(url, {"q": "第7条"}).content.decode()
    assert "第7条" in page and "第17条" not in page
    yesterday = (timezone.localdate() - timedelta(days=2)).isoformat()
    assert "第1条" not in client.get(url, {"until": yesterday}).content.decode()


def test_the_action_list_is_every_known_action(client, district):
    client.force_login(district.auditor)
    page = client.get(reverse("audit:audit_list")).content.decode()
    assert 'value="feedback.issue"' in page and 'value="api_token.use"' in page


def test_the_last_page_costs_what_the_first_does(client, district, trail, django_assert_num_queries):
    client.force_login(district.auditor)
    url = reverse("audit:audit_list")
    # The session, the person with their posts (one statement), and the page of records.
    with django_assert_num_queries(3):
        html = client.get(url).content.decode()
    while (older := re.search(r'older=([^"&]+)', html)) is not None:
        with django_assert_num_queries(3):
            html = client.get(f"{url}?older={older.group(1)}").content.decode()
    assert "较新记录" in html and "较早记录" not in html
