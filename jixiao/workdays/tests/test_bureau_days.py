"""The bureau's own days: set and removed by the supervision section only (service and page), each change
audited, and read back as the calendar every working-day deadline uses."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from jixiao.audit.models import AuditRecord
from jixiao.core.errors import ServiceError
from jixiao.workdays.models import BureauDay, DayKind
from jixiao.workdays.selectors import work_calendar
from jixiao.workdays.services import bureau_day_remove, bureau_day_set

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)


def test_supervision_sets_a_rest_day_and_the_calendar_follows(district):
    assert work_calendar().is_working_day(MONDAY)
    day = bureau_day_set(
        day=MONDAY, kind=DayKind.REST, note="区委统一安排放假", acting_user=district.supervision_staff
    )
    calendar = work_calendar()
    assert not calendar.is_working_day(MONDAY)
    assert calendar.add_working_days(date(2026, 2, 27), 1) == date(2026, 2, 28)  # 调休 Saturday
    assert calendar.add_working_days(date(2026, 2, 28), 1) == date(2026, 3, 3)
    record = AuditRecord.objects.get(action="workday.set")
    assert (record.actor, record.object_id, record.comment) == (
        district.supervision_staff,
        str(day.pk),
        "区委统一安排放假",
    )


def test_setting_a_day_again_changes_it(district):
    bureau_day_set(day=MONDAY, kind=DayKind.REST, note="放假", acting_user=district.supervision_staff)
    bureau_day_set(day=MONDAY, kind=DayKind.WORK, note="改为上班", acting_user=district.supervision_staff)
    assert BureauDay.objects.get().kind == DayKind.WORK
    assert work_calendar().is_working_day(MONDAY)


def test_a_note_is_required(district):
    with pytest.raises(ServiceError) as caught:
        bureau_day_set(day=MONDAY, kind=DayKind.REST, note=" ", acting_user=district.supervision_staff)
    assert "note" in caught.value.field_errors
    assert not BureauDay.objects.exists()


@pytest.mark.parametrize("username", ["counterpart_a", "bureau_leader", "s1_filler", "sysadmin"])
def test_nobody_else_may_set_or_remove_a_day(district, username):
    user = district.users[username]
    with pytest.raises(PermissionDenied):
        bureau_day_set(day=MONDAY, kind=DayKind.REST, note="放假", acting_user=user)
    day = bureau_day_set(day=MONDAY, kind=DayKind.REST, note="放假", acting_user=district.supervision_staff)
    with pytest.raises(PermissionDenied):
        bureau_day_remove(bureau_day=day, acting_user=user)
    assert BureauDay.objects.filter(pk=day.pk).exists()


def test_removing_a_day_restores_the_national_calendar(district):
    day = bureau_day_set(day=MONDAY, kind=DayKind.REST, note="放假", acting_user=district.supervision_staff)
    bureau_day_remove(bureau_day=day, acting_user=district.supervision_staff)
    assert work_calendar().is_working_day(MONDAY)
    assert AuditRecord.objects.filter(action="workday.remove").count() == 1


def test_the_page_form_for_supervision_and_a_read_only_list_for_sections(client, district):
    bureau_day_set(
        day=MONDAY, kind=DayKind.REST, note="区委统一安排放假", acting_user=district.supervision_staff
    )
    client.force_login(district.supervision_staff)
    page = client.get(reverse("workdays:index")).content.decode()
    assert 'id="bureau-day-form"' in page and "区委统一安排放假" in page
    client.force_login(district.counterpart_a)
    page = client.get(reverse("workdays:index")).content.decode()
    assert 'id="bureau-day-form"' not in page and "区委统一安排放假" in page
    assert "年的国家节假日安排尚未收录" in page


def test_the_page_posts_through_the_service_both_ways(client, district):
    client.force_login(district.supervision_staff)
    response = client.post(reverse("workdays:set"), {"day": "2026-03-02", "kind": "rest", "note": "放假"})
    assert response.status_code == 302
    day = BureauDay.objects.get()
    client.force_login(district.counterpart_a)
    assert client.post(reverse("workdays:remove", args=[day.pk])).status_code == 403
    client.force_login(district.s1_filler)
    assert client.get(reverse("workdays:index")).status_code == 403
    client.force_login(district.supervision_staff)
    assert client.post(reverse("workdays:remove", args=[day.pk])).status_code == 302
    assert not BureauDay.objects.exists()
