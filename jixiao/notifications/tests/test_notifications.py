"""The notification centre: notifications arrive after commit; reading the page changes nothing, only the
mark-read button (a POST) does."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.notifications.models import Notification
from jixiao.notifications.services import notify

pytestmark = pytest.mark.django_db


def test_opening_the_centre_leaves_notifications_unread_until_marked(
    client, district, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify([district.s1_leader], "材料已退回", "/workflow/")
    client.force_login(district.s1_leader)

    page = client.get(reverse("notifications:index")).content.decode()

    assert "材料已退回" in page and "全部标为已读" in page
    assert Notification.objects.get().read_at is None
    client.post(reverse("notifications:mark_read"))
    assert Notification.objects.get().read_at is not None
    assert "全部标为已读" not in client.get(reverse("notifications:index")).content.decode()


def test_marking_read_needs_a_post_and_touches_only_ones_own(
    client, district, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify([district.s1_leader, district.p1_leader], "已报送", "/workflow/")
    client.force_login(district.s1_leader)

    assert client.get(reverse("notifications:mark_read")).status_code == 405
    client.post(reverse("notifications:mark_read"))

    assert Notification.objects.get(recipient=district.s1_leader).read_at is not None
    assert Notification.objects.get(recipient=district.p1_leader).read_at is None


def test_the_bell_counts_unread_notifications_in_the_statement_that_reads_the_person(
    client, district, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify([district.s1_leader], "材料已退回", "/workflow/")
        notify([district.s1_leader], "附件2已下达", "/review/")
        notify([district.s1_filler], "别人的通知", "/workflow/")
    client.force_login(district.s1_leader)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("notifications:index")).content.decode()
    assert '<span class="badge">2</span>' in page
    notification_reads = [q["sql"] for q in queries if '"notifications_notification"' in q["sql"]]
    person_reads = [sql for sql in notification_reads if '"organisations_user"' in sql]
    assert len(person_reads) == 1  # the person, with the count
    assert [sql for sql in notification_reads if "COUNT" in sql] == person_reads  # no count of its own

    client.post(reverse("notifications:mark_read"))
    assert 'class="badge"' not in client.get(reverse("notifications:index")).content.decode()
