"""Saving 附件1: who may, what is stored, warnings recomputed, stale tabs refused, readiness listed."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jixiao.audit.models import AuditRecord
from jixiao.monitoring.models import AnalysisReport, IndicatorEntry, ReportWarning
from jixiao.monitoring.selectors import report_readiness
from jixiao.monitoring.services import StaleReport, report_save
from jixiao.projects.models import ProjectMonth

pytestmark = pytest.mark.django_db


def indicator_ids(project):
    return {i.name: i.pk for i in project.current_target.indicators.all()}


def save(district, user=None, revision=0, values=None, entries=None, project=None):
    project = project or district.project_s1
    return report_save(
        project=project,
        cycle=district.cycle,
        values=values or {},
        entries=entries or {},
        expected_revision=revision,
        acting_user=user or district.s1_filler,
    )


def pay(project, month, amount):
    ProjectMonth.objects.create(project=project, month=month, paid_fiscal=Decimal(amount))


def test_first_save_creates_the_report_against_the_current_target(district):
    report = save(district, values={"goal_progress": "进展顺利"})
    assert report.revision == 1
    assert report.target_version_id == district.project_s1.current_target_id
    assert AnalysisReport.objects.get(pk=report.pk).goal_progress == "进展顺利"
    assert AuditRecord.objects.filter(action="report.save", object_id=str(report.pk)).count() == 1


def test_incomplete_draft_saves_and_gets_warnings(district):
    report = save(district)
    codes = set(ReportWarning.objects.filter(report=report).values_list("code", flat=True))
    assert "EXEC_ZERO" in codes  # nothing paid by the end of August
    assert "IND_NO_ACTUAL" in codes
    assert report.level == "red"


def test_entries_are_stored_and_warnings_follow_them(district):
    project = district.project_s1
    pay(project, 8, "666667.00")  # on track with the time progress
    ids = indicator_ids(project)
    entries = {
        ids["培训人数"]: {
            "actual_number": Decimal("340"),
            "projected_number": Decimal("500"),
            "likelihood": "certain",
        },
        ids["验收合格率"]: {
            "actual_number": Decimal("100"),
            "projected_number": Decimal("100"),
            "likelihood": "certain",
        },
        ids["完工时间"]: {"projected_date": None, "likelihood": "certain"},
    }
    report = save(district, values={"projected_fiscal": Decimal("1000000.00")}, entries=entries)
    assert IndicatorEntry.objects.get(report=report, indicator_id=ids["培训人数"]).actual_number == Decimal(
        "340"
    )
    assert report.level == "green"
    assert not ReportWarning.objects.filter(report=report).exclude(level="blue").exists()


def test_stale_revision_is_refused_and_nothing_changes(district):
    first = save(district, values={"goal_progress": "第一次"})
    save(district, revision=1, values={"goal_progress": "第二个标签页"})
    with pytest.raises(StaleReport):
        save(district, revision=1, values={"goal_progress": "过期的标签页"})
    first.refresh_from_db()
    assert first.goal_progress == "第二个标签页"
    assert first.revision == 2


@pytest.mark.parametrize(
    "username", ["p1_leader", "s2_filler_missing", "counterpart_a", "bureau_leader", "sc_filler"]
)
def test_only_the_owning_unit_may_save(district, make_user, username):
    user = district.users.get(username) or make_user(district.s2, "filler")
    with pytest.raises(PermissionDenied):
        save(district, user=user)
    assert not AnalysisReport.objects.exists()


def test_unit_leader_of_owner_may_save(district):
    assert save(district, user=district.s1_leader).revision == 1


def test_indicator_of_another_project_is_refused(district):
    foreign = indicator_ids(district.project_s2)["培训人数"]
    with pytest.raises(ValidationError):
        save(district, entries={foreign: {"actual_number": Decimal("1")}})
    assert not IndicatorEntry.objects.exists()


def test_readiness_lists_every_missing_piece_at_once(district):
    report = save(district)
    problems = [str(p) for p in report_readiness(report)]
    assert "资金执行情况：缺少纠偏措施" in problems
    assert any(p.startswith("指标“培训人数”：缺少偏差原因分析") for p in problems)
    assert any(p.startswith("指标“培训人数”：缺少纠偏措施") for p in problems)


def test_readiness_is_empty_once_every_warned_item_is_explained(district):
    report = save(district)
    warned = set(report.warnings.values_list("indicator_id", flat=True))
    explanation = {"deviation_funding": "资金未到位", "corrective_measures": "加快拨付"}
    save(
        district,
        revision=1,
        values=explanation,
        entries={pk: explanation for pk in warned if pk is not None},
    )
    report.refresh_from_db()
    assert report_readiness(report) == []


def test_form_page_saves_and_shows_warnings(client, district):
    project = district.project_s1
    ids = indicator_ids(project)
    client.force_login(district.s1_filler)
    url = reverse("monitoring:report_edit", args=[district.cycle.pk, project.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "项目预算绩效监控分析表" in page.content.decode()
    data = {
        "revision": "0",
        "projected_fiscal": "85",  # 万元
        f"i{ids['培训人数']}-actual_number": "１,２00",
        f"i{ids['培训人数']}-likelihood": "possible",
        f"i{ids['验收合格率']}-actual_number": "98%",
        f"i{ids['完工时间']}-projected_date": "2026年12月5日",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    report = AnalysisReport.objects.get(project=project)
    assert report.projected_fiscal == Decimal("850000.00")
    entry = IndicatorEntry.objects.get(report=report, indicator_id=ids["培训人数"])
    assert entry.actual_number == Decimal("1200") and entry.likelihood == "possible"
    content = client.get(url).content.decode()
    assert "IND_POSSIBLE" not in content and "有可能" in content
    assert "红色预警" in content


def test_form_page_stale_tab_keeps_typed_text_and_saves_nothing(client, district):
    client.force_login(district.s1_filler)
    url = reverse("monitoring:report_edit", args=[district.cycle.pk, district.project_s1.pk])
    client.post(url, {"revision": "0", "goal_progress": "甲"})
    response = client.post(url, {"revision": "0", "goal_progress": "乙的修改"})
    assert response.status_code == 409
    assert "乙的修改" in response.content.decode()
    assert "其他页面" in response.content.decode()
    assert AnalysisReport.objects.get().goal_progress == "甲"


def test_form_page_bad_number_is_explained_and_nothing_saved(client, district):
    client.force_login(district.s1_filler)
    ids = indicator_ids(district.project_s1)
    url = reverse("monitoring:report_edit", args=[district.cycle.pk, district.project_s1.pk])
    response = client.post(url, {"revision": "0", f"i{ids['培训人数']}-actual_number": "三百"})
    assert response.status_code == 400
    assert "不是有效的数字" in response.content.decode()
    assert not AnalysisReport.objects.exists()


def test_preview_returns_live_warnings_without_saving(client, district):
    client.force_login(district.s1_filler)
    ids = indicator_ids(district.project_s1)
    url = reverse("monitoring:report_preview", args=[district.cycle.pk, district.project_s1.pk])
    response = client.post(url, {"revision": "0", f"i{ids['培训人数']}-likelihood": "impossible"})
    content = response.content.decode()
    assert response.status_code == 200
    assert 'hx-swap-oob="true"' in content and "warnings-panel" in content
    assert not AnalysisReport.objects.exists()


def test_form_is_read_only_for_viewers_and_404_for_outsiders(client, district):
    url = reverse("monitoring:report_edit", args=[district.cycle.pk, district.project_s1.pk])
    client.force_login(district.p1_leader)
    page = client.get(url)
    assert page.status_code == 200
    assert "disabled" in page.content.decode() and 'id="save-report"' not in page.content.decode()
    assert client.post(url, {"revision": "0"}).status_code == 403
    client.force_login(district.s3_filler if "s3_filler" in district.users else district.counterpart_b)
    assert client.get(url).status_code == 404
