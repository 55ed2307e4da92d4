"""Who may fill 附件1, import workbooks and manage cycles: one predicate each, the page and service alike."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jixiao.monitoring.models import CycleStatus
from jixiao.monitoring.policy import CYCLE_CLOSED, can_fill, can_import, can_manage_cycles
from jixiao.monitoring.services import cycle_update, report_save

pytestmark = pytest.mark.django_db


def close(cycle):
    cycle_update(cycle=cycle, values={"status": CycleStatus.CLOSED}, acting_user=None)
    cycle.refresh_from_db()


def test_only_the_owning_units_people_fill_its_report(district):
    project = district.project_s1
    assert can_fill(district.s1_filler, project, cycle=district.cycle, report=None)
    assert can_fill(district.s1_leader, project, cycle=district.cycle, report=None)
    for outsider in (district.p1_leader, district.counterpart_a, district.supervision_staff):
        verdict = can_fill(outsider, project, cycle=district.cycle, report=None)
        assert not verdict and verdict.forbidden
        with pytest.raises(PermissionDenied):
            verdict.enforce()


def test_a_closed_cycle_is_refused_by_the_predicate_the_service_and_the_page(client, district):
    close(district.cycle)
    verdict = can_fill(district.s1_filler, district.project_s1, cycle=district.cycle, report=None)
    assert (bool(verdict), verdict.forbidden, verdict.reason) == (False, False, CYCLE_CLOSED)
    assert not can_import(district.s1_filler, district.cycle)
    with pytest.raises(ValidationError) as exc:
        report_save(
            project=district.project_s1,
            cycle=district.cycle,
            values={},
            entries={},
            expected_revision=0,
            acting_user=district.s1_filler,
        )
    assert exc.value.messages == [CYCLE_CLOSED]
    client.force_login(district.s1_filler)
    page = client.get(reverse("monitoring:report_edit", args=[district.cycle.pk, district.project_s1.pk]))
    assert 'id="save-report"' not in page.content.decode()
    cycle_page = client.get(reverse("monitoring:cycle_detail", args=[district.cycle.pk])).content.decode()
    assert reverse("monitoring:report_import", args=[district.cycle.pk]) not in cycle_page


def test_the_sysadmin_and_the_system_manage_cycles(district):
    assert can_manage_cycles(district.sysadmin)
    assert can_manage_cycles(None)
    assert can_manage_cycles(district.supervision_staff).forbidden
