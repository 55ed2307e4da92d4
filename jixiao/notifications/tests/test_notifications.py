"""The notification centre: notifications arrive after commit; reading the page changes nothing, only the
mark-read button (a POST) does."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.notifications.auth import SignedInBackend
from jixiao.notifications.models import Notification
from jixiao.notifications.services import notify
from jixiao.organisations.models import Membership, Organisation, OrganisationKind, Role, User
from jixiao.organisations.selectors import memberships_of, roles_of
from jixiao.organisations.services import membership_grant, organisation_save, user_create, user_deactivate

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


def _fields(instance) -> dict:
    """Each column's value with its type (1 == True: a missed conversion would compare equal)."""
    return {
        f.attname: (getattr(instance, f.attname), type(getattr(instance, f.attname)))
        for f in instance._meta.concrete_fields
    }


def test_the_person_is_read_with_their_memberships_in_one_statement(district):
    """`SignedInBackend` reads each request's person, bell and memberships in one statement; the menu and
    every scope then read the memberships from the person, in the order they were granted."""
    closed = organisation_save(
        organisation=Organisation(
            name="已撤并单位",
            code="closed",
            kind=OrganisationKind.PRIMARY_UNIT,
            counterpart_section=district.p1.counterpart_section,
            is_active=False,
        ),
        acting_user=district.sysadmin,
    )
    for organisation, role in ((district.p1, Role.UNIT_LEADER), (closed, Role.FILLER)):
        membership_grant(
            user=district.s1_leader, organisation=organisation, role=role, acting_user=district.sysadmin
        )
    granted = list(Membership.objects.filter(user=district.s1_leader).order_by("pk"))
    assert len(granted) == 3

    with CaptureQueriesContext(connection) as queries:
        person = SignedInBackend().get_user(str(district.s1_leader.pk))  # as the session keeps it
        memberships = memberships_of(person)
        roles = roles_of(person)
    assert len(queries) == 1
    assert person == district.s1_leader and person.unread_notification_count == 0
    assert _fields(person) == _fields(User.objects.get(pk=district.s1_leader.pk))
    assert [(m.pk, m.organisation_id, m.role) for m in memberships] == [
        (m.pk, m.organisation_id, m.role) for m in granted
    ]
    assert roles == {Role.UNIT_LEADER}  # the closed unit's post (a filler's) counts for nothing
    for read in memberships:
        assert _fields(read.organisation) == _fields(Organisation.objects.get(pk=read.organisation_id))


def test_a_person_without_posts_or_no_longer_active_or_unknown(district):
    backend = SignedInBackend()
    newcomer, _password = user_create(username="newcomer", acting_user=district.sysadmin)
    person = backend.get_user(newcomer.pk)
    assert person == newcomer and memberships_of(person) == [] and roles_of(person) == set()

    user_deactivate(user=newcomer, acting_user=district.sysadmin)
    assert backend.get_user(newcomer.pk) is None
    assert backend.get_user(10**9) is None
    assert backend.get_user("不是编号") is None
