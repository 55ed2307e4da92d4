"""Good practice (第十条(七)): the supervision section marks a sent 附件1's or 书面说明材料's 创新做法与可推广经验
as worth promoting and unmarks it (allowed and refused by actor and state, each step in its 办理记录 and the
audit trail); the list per cycle, filtered and exported, for the bureau; the unit sees the mark."""

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.audit.models import AuditRecord
from jixiao.monitoring.models import AnalysisReport
from jixiao.monitoring.services import report_save
from jixiao.notifications.models import Notification
from jixiao.organisations.models import Role
from jixiao.practices.models import Practice, PracticeSource, PracticeState
from jixiao.practices.selectors import PracticeFilters, practice_list
from jixiao.practices.services import practice_mark, practice_unmark
from jixiao.workflow.services import (
    submission_for,
    submission_save_explanation,
    submission_save_overall_report,
    submission_submit,
)
from jixiao.workflow.tests.test_services import EXPLANATION

pytestmark = pytest.mark.django_db

INNOVATION = "推行“资金拨付与进度挂钩”机制，按月通报执行进度。"


def fill(district, project, user, innovation: str = INNOVATION) -> AnalysisReport:
    """A 附件1 ready to send (warned items explained) that describes an innovative practice."""
    explained = {"deviation_funding": "资金拨付滞后", "corrective_measures": "加快拨付"}
    report_save(
        project=project,
        cycle=district.cycle,
        values=explained | {"narrative_innovation": innovation},
        entries={i.pk: explained for i in project.current_target.indicators.all()},
        expected_revision=0,
        acting_user=user,
    )
    return AnalysisReport.objects.get(project=project, cycle=district.cycle)


def send_to_bureau(district, make_user, attr: str, innovation: str = INNOVATION) -> AnalysisReport:
    """The 附件1 of the unit `district.<attr>` sent with its package to the bureau (so locked)."""
    unit = getattr(district, attr)
    leader = make_user(unit, Role.UNIT_LEADER)
    report = fill(district, district.projects[attr], leader, innovation)
    package = submission_for(organisation=unit, cycle=district.cycle)
    submission_save_overall_report(submission=package, text="整体报告", acting_user=leader)
    submission_submit(submission=package, acting_user=leader, confirmed=True)
    report.refresh_from_db()
    return report


@pytest.fixture
def town_report(district, make_user):
    return send_to_bureau(district, make_user, "town")


def mark(district, report, note="可在各镇推广"):
    return practice_mark(report=report, note=note, acting_user=district.supervision_staff)


def steps(practice) -> list[tuple[str, str, str]]:
    return list(practice.transitions.order_by("at", "id").values_list("action", "from_state", "to_state"))


# ---------------------------------------------------------------------------------------------------
# Services


def test_the_supervision_section_marks_a_sent_report(
    district, town_report, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        practice = mark(district, town_report)
    assert (practice.state, practice.source, practice.organisation, practice.cycle) == (
        PracticeState.PROMOTED,
        PracticeSource.REPORT,
        district.town,
        district.cycle,
    )
    assert (practice.text, practice.note, practice.marked_by) == (
        INNOVATION,
        "可在各镇推广",
        district.supervision_staff,
    )
    assert steps(practice) == [("practice.mark", "", "promoted")]
    assert AuditRecord.objects.filter(action="practice.mark", object_id=str(practice.pk)).count() == 1
    notice = Notification.objects.get(recipient=district.town_filler)
    assert "可推广经验" in notice.message
    assert notice.url == reverse("monitoring:report_edit", args=[district.cycle.pk, district.project_town.pk])


@pytest.mark.parametrize("user", ["counterpart_a", "bureau_leader", "town_filler", "sysadmin"])
def test_nobody_else_marks(district, town_report, user):
    with pytest.raises(PermissionDenied):
        practice_mark(report=town_report, note="", acting_user=getattr(district, user))
    assert not Practice.objects.exists()


def test_a_draft_or_an_empty_text_is_not_marked(district):
    draft = fill(district, district.project_town, district.town_filler)
    with pytest.raises(ValidationError, match="尚未报送"):
        mark(district, draft)
    blank = fill(district, district.project_s1, district.s1_filler, innovation="")
    AnalysisReport.objects.filter(pk=blank.pk).update(locked=True)
    with pytest.raises(ValidationError, match="未填写"):
        mark(district, AnalysisReport.objects.get(pk=blank.pk))
    assert not Practice.objects.exists()


def test_unmark_and_mark_again_keep_one_row_and_its_history(district, town_report):
    practice = mark(district, town_report)
    with pytest.raises(ValidationError, match="已列为"):
        mark(district, town_report)
    with pytest.raises(PermissionDenied):
        practice_unmark(practice=practice, acting_user=district.counterpart_a)
    practice = practice_unmark(
        practice=practice, comment="经复核不具推广价值", acting_user=district.supervision_staff
    )
    assert practice.state == PracticeState.WITHDRAWN
    with pytest.raises(ValidationError):
        practice_unmark(practice=practice, acting_user=district.supervision_staff)
    again = mark(district, town_report, note="补充推荐")
    assert again.pk == practice.pk and Practice.objects.count() == 1
    assert steps(again) == [
        ("practice.mark", "", "promoted"),
        ("practice.unmark", "promoted", "withdrawn"),
        ("practice.mark", "withdrawn", "promoted"),
    ]


def test_a_second_level_units_written_explanation_is_marked(client, district):
    fill(district, district.project_s1, district.s1_filler)
    package = submission_for(organisation=district.s1, cycle=district.cycle)
    explanation = EXPLANATION | {"narrative_innovation": "建立校级绩效自评小组"}
    package = submission_save_explanation(
        submission=package, values=explanation, acting_user=district.s1_filler
    )
    with pytest.raises(ValidationError, match="尚未报送"):
        practice_mark(submission=package, note="", acting_user=district.supervision_staff)
    package = submission_submit(submission=package, acting_user=district.s1_leader)
    practice = practice_mark(submission=package, note="", acting_user=district.supervision_staff)
    assert (practice.source, practice.text, practice.organisation) == (
        PracticeSource.EXPLANATION,
        "建立校级绩效自评小组",
        district.s1,
    )
    client.force_login(district.s1_filler)
    page = client.get(reverse("workflow:package", args=[district.cycle.pk, district.s1.pk])).content.decode()
    assert 'id="promoted-practice"' in page


# ---------------------------------------------------------------------------------------------------
# The list, its filters and export


@pytest.fixture
def two_sections(district, make_user, town_report):
    """The town (section A) and P2 (section B) each have a promoted practice."""
    p2_report = send_to_bureau(district, make_user, "p2", innovation="农技服务“包村到户”")
    return mark(district, town_report), mark(district, p2_report)


def test_the_list_by_cycle_section_and_unit(district, two_sections):
    town, p2 = two_sections
    everything = PracticeFilters()
    assert set(practice_list(user=district.bureau_leader, cycle=district.cycle, filters=everything)) == {
        town,
        p2,
    }
    by_section = PracticeFilters(section=district.section_b.pk)
    assert list(practice_list(user=district.supervision_staff, cycle=district.cycle, filters=by_section)) == [
        p2
    ]
    by_unit = PracticeFilters(unit=district.town.pk)
    assert list(practice_list(user=district.supervision_staff, cycle=district.cycle, filters=by_unit)) == [
        town
    ]
    # A counterpart section sees its own units' practices only; a unit has no list.
    assert list(practice_list(user=district.counterpart_b, cycle=district.cycle, filters=everything)) == [p2]
    assert not practice_list(user=district.town_filler, cycle=district.cycle, filters=everything).exists()
    practice_unmark(practice=town, acting_user=district.supervision_staff)
    assert list(practice_list(user=district.bureau_leader, cycle=district.cycle, filters=everything)) == [p2]


def test_the_pages_and_who_opens_them(client, district, two_sections):
    town, p2 = two_sections
    for user in ("supervision_staff", "bureau_leader", "counterpart_a"):
        client.force_login(getattr(district, user))
        page = client.get(reverse("practices:index"))
        assert page.status_code == 200 and "可推广经验" in client.get(reverse("home")).content.decode()
        assert (town.text in page.content.decode()) and (
            (p2.text in page.content.decode()) == (user != "counterpart_a")
        )
    for user in ("town_filler", "agency_staff", "sysadmin", "auditor"):
        client.force_login(getattr(district, user))
        assert client.get(reverse("practices:index")).status_code == 403
        assert reverse("practices:index") not in client.get(reverse("home")).content.decode()
    # Another section's practice is not there for it: 404 on its id.
    client.force_login(district.counterpart_a)
    assert client.post(reverse("practices:unmark", args=[p2.pk])).status_code == 404
    assert client.post(reverse("practices:unmark", args=[town.pk])).status_code == 403
    town.refresh_from_db()
    assert town.state == PracticeState.PROMOTED  # refused: a counterpart section does not unmark


def test_the_export_has_a_title_borders_and_the_filtered_rows(client, district, two_sections):
    client.force_login(district.supervision_staff)
    response = client.get(
        reverse("practices:export", args=[district.cycle.pk]), {"section": district.section_a.pk}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "创新做法与可推广经验" in sheet["A1"].value
    assert sheet["A3"].border.top.style == "thin"
    assert [sheet.cell(row=4, column=c).value for c in (2, 5, 6)] == [
        district.town.name,
        INNOVATION,
        "可在各镇推广",
    ]
    assert sheet["B5"].value is None
    assert AuditRecord.objects.filter(action="practice.export", comment__contains="1 条").exists()
    client.force_login(district.town_filler)
    assert client.get(reverse("practices:export", args=[district.cycle.pk])).status_code == 403


def test_marking_from_the_candidates_page(client, district, town_report):
    client.force_login(district.supervision_staff)
    candidates = reverse("practices:candidates", args=[district.cycle.pk])
    page = client.get(candidates).content.decode()
    assert INNOVATION in page and "列为可推广经验" in page
    response = client.post(
        reverse("practices:mark_report", args=[town_report.pk]), {"note": "值得推广", "next": candidates}
    )
    assert response.status_code == 302 and response["Location"] == candidates
    assert Practice.objects.get().note == "值得推广"
    assert "已列为可推广经验" in client.get(candidates).content.decode()
    client.force_login(district.counterpart_b)  # not its unit: the report is not there for it
    assert client.post(reverse("practices:mark_report", args=[town_report.pk])).status_code == 404


def test_the_unit_sees_the_mark_on_its_report(client, district, town_report):
    url = reverse("monitoring:report_edit", args=[district.cycle.pk, district.project_town.pk])
    client.force_login(district.town_filler)
    assert 'id="promoted-practice"' not in client.get(url).content.decode()
    practice = mark(district, town_report, note="可在各镇推广")
    page = client.get(url).content.decode()
    assert 'id="promoted-practice"' in page and "可在各镇推广" in page
    practice_unmark(practice=practice, acting_user=district.supervision_staff)
    assert 'id="promoted-practice"' not in client.get(url).content.decode()


def _list_queries(client, district) -> int:
    client.force_login(district.supervision_staff)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("practices:cycle", args=[district.cycle.pk])).status_code == 200
    return len(queries)


def test_the_list_takes_the_same_number_of_queries_for_more_practices(
    client, district, make_user, town_report
):
    mark(district, town_report)
    few = _list_queries(client, district)
    for attr in ("p1", "p2"):
        mark(district, send_to_bureau(district, make_user, attr))
    assert _list_queries(client, district) == few


def test_the_candidates_take_the_same_number_of_queries_for_more_reports(
    client, district, make_user, town_report
):
    url = reverse("practices:candidates", args=[district.cycle.pk])
    client.force_login(district.supervision_staff)
    mark(district, town_report)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    mark(district, send_to_bureau(district, make_user, "p1"))
    send_to_bureau(district, make_user, "p2")
    assert queries() == few
