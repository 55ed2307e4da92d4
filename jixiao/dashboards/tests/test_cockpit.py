"""The cockpit: every headline figure against a direct count of the projects, payments and reports; each
role sees only its scope (a section only its units, classified units nowhere, another scope's id 404); the
drill-down, the charts' JSON, the .xlsx exports, and query counts that do not grow with the projects."""

import io
from collections import Counter
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jixiao.adjustments.tests.conftest import fill_report
from jixiao.conftest import create_project, create_user
from jixiao.dashboards.charts import CHARTS
from jixiao.dashboards.cockpit import CockpitFilters, cockpit_build
from jixiao.dashboards.tests.conftest import PAYMENTS_HEADER, today
from jixiao.loads.services import load_file
from jixiao.loads.tests.conftest import csv_bytes
from jixiao.monitoring.models import AnalysisReport, CycleKind, CycleRollup, CycleStatus
from jixiao.monitoring.rollup import cycle_rollup_rebuild
from jixiao.monitoring.services import cycle_open, report_save
from jixiao.organisations.models import Role
from jixiao.projects.models import ZERO, Comparator, Project, budget_of
from jixiao.workflow.services import submission_for, submission_return

pytestmark = pytest.mark.django_db


def direct(district, units) -> dict:
    """The figures of these units counted project by project, payment by payment."""
    cycle = district.cycle
    figures = {"projects": 0, "budget": ZERO, "paid": ZERO, "quantitative": 0, "qualitative": 0}
    levels, level_budgets = Counter(), Counter()
    for project in Project.objects.filter(owner__in=units, year=cycle.year):
        budget = budget_of(
            project.initial_fiscal, project.initial_other, project.adjusted_fiscal, project.adjusted_other
        )
        figures["projects"] += 1
        figures["budget"] += budget
        figures["paid"] += sum(
            (m.paid_fiscal + m.paid_other for m in project.months.filter(month__lte=cycle.period_end_month)),
            ZERO,
        )
        for indicator in project.current_target.indicators.all():
            key = "qualitative" if indicator.comparator == Comparator.QUALITATIVE else "quantitative"
            figures[key] += 1
        report = AnalysisReport.objects.filter(cycle=cycle, project=project).first()
        level = report.level if report else "none"
        levels[level] += 1
        level_budgets[level] += budget
    figures["levels"] = levels
    figures["level_budgets"] = level_budgets
    return figures


def cockpit_of(d, user, **scope):
    return cockpit_build(user=user, filters=CockpitFilters(cycle=d.cycle, **scope))


SCOPES = {
    "bureau_leader": ["town", "p1", "p2", "s1", "s2", "s3"],
    "supervision_staff": ["town", "p1", "p2", "s1", "s2", "s3"],
    "counterpart_a": ["town", "p1", "s1", "s2"],
    "counterpart_b": ["p2", "s3"],
}


@pytest.mark.parametrize("username", SCOPES)
def test_headline_figures_match_a_direct_count(client, round_, username):
    units = [getattr(round_, name) for name in SCOPES[username]]
    expected = direct(round_, units)
    client.force_login(round_.users[username])
    response = client.get(reverse("cockpit:index"))
    assert response.status_code == 200
    totals = response.context["cockpit"].totals
    assert totals.projects == expected["projects"]
    assert totals.budget == expected["budget"]
    assert totals.paid == expected["paid"]
    assert totals.execution_rate == expected["paid"] / expected["budget"]
    assert totals.quantitative == expected["quantitative"]
    assert totals.qualitative == expected["qualitative"]
    assert set(expected["levels"]) <= {"red", "yellow", "green", "none"}  # a project is never blue
    for level in ("red", "yellow", "green", "none"):
        assert totals.level_counts[level] == expected["levels"][level]
        assert totals.level_budgets[level] == expected["level_budgets"][level]
    content = response.content.decode()
    assert f'data-figure="projects">{expected["projects"]}<' in content
    assert "报送完整率" in content and "报送及时率" in content


def test_the_district_counts_no_classified_unit(round_):
    totals = cockpit_of(round_, round_.bureau_leader, district=True).totals
    classified = direct(round_, [round_.sc])
    everything = direct(round_, round_.budget_units)
    assert classified["projects"] == 2
    assert totals.projects == everything["projects"] - classified["projects"]
    assert totals.budget == everything["budget"] - classified["budget"]


def test_completeness_and_timeliness_per_step(client, round_):
    cockpit = cockpit_of(round_, round_.bureau_leader, district=True)
    rates = {rate.step: rate for rate in cockpit.rates}
    # Second-level units S1 (on time, extended), S2 (5 days late), S3 (missing); SC is classified.
    assert (rates[1].expected, rates[1].received, rates[1].on_time) == (3, 2, 1)
    assert rates[1].completeness == Decimal(2) / Decimal(3)
    assert rates[1].timeliness == Decimal(1) / Decimal(3)
    # Towns and first-level units: none sent, not yet due.
    assert (rates[2].expected, rates[2].received, rates[2].on_time) == (3, 0, 0)
    late = {(status.unit.code, status.step): status for status in cockpit.late}
    assert set(late) == {("S2", 1), ("S3", 1)}
    assert late[("S2", 1)].late_days == 5 and late[("S2", 1)].sent_on == today()
    assert late[("S3", 1)].late_days == 5 and late[("S3", 1)].sent_on is None
    by_section = {row.label: row.rates for row in cockpit.rows}
    assert (by_section["预算股A"][1].expected, by_section["预算股A"][1].on_time) == (2, 1)
    assert (by_section["经建股B"][1].expected, by_section["经建股B"][1].received) == (1, 0)
    client.force_login(round_.bureau_leader)
    content = client.get(reverse("cockpit:index")).content.decode()
    assert 'data-figure="completeness-1">66.7%<' in content
    assert 'data-figure="timeliness-1">33.3%<' in content


def test_rectification_and_funding_holds(round_):
    district = cockpit_of(round_, round_.bureau_leader, district=True)
    assert (district.rectification_open, district.rectification_overdue, district.holds) == (2, 1, 1)
    section_b = cockpit_of(round_, round_.counterpart_b, section=round_.section_b)
    assert (section_b.rectification_open, section_b.rectification_overdue, section_b.holds) == (0, 0, 0)
    p1 = cockpit_of(round_, round_.p1_leader, unit=round_.p1)
    assert (p1.rectification_open, p1.holds) == (1, 1)
    assert {row.label: row.holds for row in p1.rows}["第二中学"] == 1


def test_the_roll_up_follows_saves_and_loads_without_a_rebuild(round_):
    before = cockpit_of(round_, round_.bureau_leader, district=True).totals
    fill_report(round_, round_.project_s3, create_user(round_.s3, Role.FILLER))
    load_file(
        kind="payments",
        filename="more.csv",
        data=csv_bytes([PAYMENTS_HEADER, [2026, "2026-S3-01", 6, "40000", "0"]]),
    )
    after = cockpit_of(round_, round_.bureau_leader, district=True).totals
    assert after.level_counts["none"] == before.level_counts["none"] - 1
    assert after.paid == before.paid + Decimal("40000")
    assert after.filled == before.filled + 1


def test_filters_narrow_every_figure(client, round_):
    client.force_login(round_.bureau_leader)
    key = client.get(reverse("cockpit:index"), {"key": "on"}).context["cockpit"].totals
    assert key.projects == 1 and key.budget == Decimal("1250000.00")
    fiscal = client.get(reverse("cockpit:index"), {"type": "fiscal_special"}).context["cockpit"].totals
    assert fiscal.projects == 1 and fiscal.budget == Decimal("2400000.00")
    unfilled = client.get(reverse("cockpit:index"), {"level": "none"}).context["cockpit"].totals
    assert (
        unfilled.projects
        == direct(round_, [getattr(round_, u) for u in SCOPES["bureau_leader"]])["levels"]["none"]
    )


def test_drill_down_district_section_unit_subordinate_project(client, round_):
    client.force_login(round_.bureau_leader)
    district = client.get(reverse("cockpit:index")).context["cockpit"]
    assert [row.label for row in district.rows] == ["预算股A", "经建股B"]
    section = client.get(reverse("cockpit:index") + "?" + district.rows[0].drill).context["cockpit"]
    assert section.title == "预算股A对口单位"
    assert sorted(row.label for row in section.rows) == ["东镇", "区教育局"]
    p1_row = next(row for row in section.rows if row.label == "区教育局")
    unit = client.get(reverse("cockpit:index") + "?" + p1_row.drill)
    cockpit = unit.context["cockpit"]
    assert [row.label for row in cockpit.rows] == ["区教育局（本级）", "第一中学", "第二中学"]
    assert cockpit.totals.projects == direct(round_, [round_.p1, round_.s1, round_.s2])["projects"]
    assert [label for label, _q in cockpit.breadcrumbs] == ["全区", "预算股A", "区教育局"]
    s1_row = cockpit.rows[1]
    s1 = client.get(reverse("cockpit:index") + "?" + s1_row.drill).context["cockpit"]
    assert [label for label, _q in s1.breadcrumbs] == ["全区", "预算股A", "区教育局", "第一中学"]
    projects = client.get(reverse("projects:project_list") + "?" + s1.rows[0].projects_query)
    assert "2026-S1-02" in projects.content.decode()


@pytest.mark.parametrize(
    ("username", "allowed", "refused"),
    [
        ("counterpart_a", {"unit": "p1", "section": "section_a"}, {"unit": "p2", "section": "section_b"}),
        ("counterpart_b", {"unit": "s3", "section": "section_b"}, {"unit": "s1", "section": "section_a"}),
        ("p1_leader", {"unit": "s1"}, {"unit": "p2", "section": "section_a"}),
        ("s1_filler", {"unit": "s1"}, {"unit": "p1"}),
        ("bureau_leader", {"unit": "s3", "section": "section_b"}, {"unit": "sc"}),
    ],
)
def test_each_role_opens_only_its_scope(client, round_, username, allowed, refused):
    client.force_login(round_.users[username])
    for name, attr in allowed.items():
        for url in (reverse("cockpit:index"), reverse("cockpit:chart", args=["levels"])):
            assert client.get(url, {name: getattr(round_, attr).pk}).status_code == 200
    for name, attr in refused.items():
        for url in (
            reverse("cockpit:index"),
            reverse("cockpit:chart", args=["scatter"]),
            reverse("cockpit:export", args=["rows"]),
        ):
            assert client.get(url, {name: getattr(round_, attr).pk}).status_code == 404


def test_a_section_sees_its_units_and_can_widen_to_the_district(client, round_):
    client.force_login(round_.counterpart_b)
    own = client.get(reverse("cockpit:index")).context["cockpit"]
    assert own.title == "经建股B对口单位"
    assert [row.label for row in own.rows] == ["区农业农村局"]
    widened = client.get(reverse("cockpit:index"), {"scope": "district"}).context["cockpit"]
    assert widened.totals.projects == cockpit_of(round_, round_.bureau_leader).totals.projects
    assert [row.label for row in widened.rows] == ["预算股A", "经建股B"]
    scatter = client.get(reverse("cockpit:chart", args=["scatter"])).json()
    assert {row[2] for row in scatter["rows"]} == {"区农业农村局", "农技站"}


@pytest.mark.parametrize("username", ["agency_staff", "auditor", "sysadmin", "nobody", "sc_filler"])
def test_others_have_no_cockpit(client, round_, username):
    client.force_login(round_.users[username])
    assert client.get(reverse("cockpit:index")).status_code in (403, 404)
    assert client.get(reverse("cockpit:chart", args=["levels"])).status_code in (403, 404)


def test_chart_data_is_json_with_its_table(client, round_):
    client.force_login(round_.bureau_leader)
    execution = client.get(reverse("cockpit:chart", args=["execution"])).json()
    assert execution["categories"] == ["预算股A", "经建股B"]
    assert execution["mark"] == {"name": "时间进度", "value": 66.7}
    levels = client.get(reverse("cockpit:chart", args=["levels"])).json()
    assert [s["level"] for s in levels["series"]] == ["red", "yellow", "green", "none"]
    scatter = client.get(reverse("cockpit:chart", args=["scatter"])).json()
    points = [p for s in scatter["series"] for p in s["data"]]
    assert len(points) == len(scatter["rows"]) == 8  # the district's unclassified projects
    s2 = next(p for p in points if p["name"] == round_.project_s2.name)
    assert s2["url"] == reverse("projects:project_detail", args=[round_.project_s2.pk])
    assert s2["value"] == [100.0, 60.0]
    packages = client.get(reverse("cockpit:chart", args=["packages"])).json()
    assert packages["categories"] == ["-1天", "截止日", "+5天"]
    assert [row[1] for row in packages["rows"]] == [1, 0, 1]
    rectification = client.get(reverse("cockpit:chart", args=["rectification"])).json()
    month = timezone.localtime().strftime("%Y-%m")
    assert rectification["rows"] == [[month, 3, 1]]
    assert client.get(reverse("cockpit:chart", args=["unknown"])).status_code == 404


def test_tables_export_to_xlsx_like_the_forms(client, round_):
    client.force_login(round_.counterpart_a)
    response = client.get(reverse("cockpit:export", args=["rows"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value.endswith("预算股A对口单位·监控情况汇总")
    assert "单位：万元" in sheet["A2"].value
    assert sheet["A3"].value == "名称" and sheet["D3"].value == "预算数（万元）"
    rows = {sheet.cell(row=r, column=1).value: r for r in range(4, sheet.max_row + 1)}
    assert set(rows) == {"东镇", "区教育局"}
    p1 = direct(round_, [round_.p1, round_.s1, round_.s2])
    assert sheet.cell(row=rows["区教育局"], column=2).value == p1["projects"]
    assert Decimal(str(sheet.cell(row=rows["区教育局"], column=4).value)) == p1["budget"] / 10000
    assert sheet.cell(row=rows["区教育局"], column=4).number_format == "#,##0.00"
    assert sheet.cell(row=rows["区教育局"], column=4).border.left.style == "thin"
    late = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("cockpit:export", args=["late"])).content)
    ).active
    assert [late.cell(row=4, column=c).value for c in (1, 5)] == ["第二中学", 5]
    chart = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("cockpit:export", args=["scatter"])).content)
    ).active
    assert chart["A3"].value == "项目编码" and chart.max_row == 3 + 5


def _grow(district, count: int) -> None:
    for number in range(count):
        create_project(district.s3, code=f"2026-S3-X{number:03d}")
    cycle_rollup_rebuild(cycle=district.cycle)


def _queries(client, url, params=None) -> tuple[int, int]:
    """Queries of the view that works the figures out, then of the next one, which reads them back."""
    counts = []
    for _view in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params or {}).status_code == 200
        counts.append(len(queries))
    return counts[0], counts[1]


@pytest.mark.parametrize(
    ("username", "params"),
    [
        ("bureau_leader", {}),
        ("bureau_leader", {"section": "section_b"}),
        ("counterpart_b", {"unit": "p2"}),
        ("counterpart_a", {"scope": "district"}),
        ("bureau_leader", {"funding": "normal"}),
    ],
)
def test_query_counts_do_not_grow_with_the_projects(
    client, round_, username, params, django_capture_on_commit_callbacks
):
    client.force_login(round_.users[username])
    params = {
        name: getattr(round_, value).pk if name in ("section", "unit") else value
        for name, value in params.items()
    }
    urls = [reverse("cockpit:index"), reverse("cockpit:export", args=["rows"])]
    urls += [reverse("cockpit:chart", args=[name]) for name in CHARTS]
    small = [_queries(client, url, params) for url in urls]
    with django_capture_on_commit_callbacks(execute=True):  # the figures cached so far no longer hold
        _grow(round_, 25)
    assert CycleRollup.objects.filter(cycle=round_.cycle, organisation=round_.s3).exists()
    assert [_queries(client, url, params) for url in urls] == small


def test_a_second_level_unit_sees_its_due_dates_and_what_was_returned(client, round_):
    package = submission_for(organisation=round_.s2, cycle=round_.cycle)
    submission_return(
        submission=package,
        comment="请补充偏差原因。",
        acting_user=round_.p1_leader,
        projects={round_.project_s2: "执行率偏低的原因未说明"},
    )
    client.force_login(round_.users["s2_filler"])
    response = client.get(reverse("cockpit:index"))
    cockpit = response.context["cockpit"]
    assert cockpit.title == "第二中学"
    assert [label for label, _due in cockpit.deadlines] == ["二级预算单位报送一级预算单位"]
    assert [(s.step, s.late_days) for s in cockpit.own_packages] == [(1, 5)]
    side = response.content.decode().split('id="unit-side"')[1].split("</section>")[0]
    assert "请补充偏差原因。" in side and "执行率偏低的原因未说明" in side
    assert round_.project_s2.code in side
    assert client.get(reverse("cockpit:index"), {"unit": round_.s1.pk}).status_code == 404


def direct_completion(district, units) -> Counter:
    """The filled 附件1's "≥" number and percent indicators by actual ÷ target, counted one by one."""
    buckets = Counter()
    for report in AnalysisReport.objects.filter(cycle=district.cycle, project__owner__in=units):
        entries = {e.indicator_id: e for e in report.entries.all()}
        for indicator in report.target_version.indicators.all():
            if indicator.comparator != Comparator.AT_LEAST or indicator.value_type not in (
                "number",
                "percent",
            ):
                continue
            if not indicator.target_number or indicator.target_number <= 0:
                continue
            entry = entries.get(indicator.pk)
            actual = entry.actual_number if entry else None
            if actual is None:
                buckets["未填报"] += 1
            elif actual >= indicator.target_number:
                buckets["已达到指标值"] += 1
            elif actual >= indicator.target_number * Decimal("0.8"):
                buckets["80%—100%"] += 1
            elif actual >= indicator.target_number * Decimal("0.6"):
                buckets["60%—80%"] += 1
            else:
                buckets["不足60%"] += 1
    return buckets


def test_the_indicator_completion_chart_counts_every_filled_indicator(client, round_):
    entries = {
        i.pk: {"actual_number": value}
        for i, value in zip(
            round_.project_p2.current_target.indicators.order_by("position"), [450, 95, None], strict=True
        )
    }
    report_save(
        project=round_.project_p2,
        cycle=round_.cycle,
        values={},
        entries=entries,
        expected_revision=1,
        acting_user=create_user(round_.p2, Role.FILLER),
    )
    client.force_login(round_.bureau_leader)
    chart = client.get(reverse("cockpit:chart", args=["completion"])).json()
    assert [s["name"] for s in chart["series"]] == [
        "未填报",
        "不足60%",
        "60%—80%",
        "80%—100%",
        "已达到指标值",
    ]
    for row in chart["rows"]:
        units = [
            getattr(round_, u) for u in SCOPES["counterpart_a" if row[0] == "预算股A" else "counterpart_b"]
        ]
        expected = direct_completion(round_, units)
        assert dict(zip([s["name"] for s in chart["series"]], row[1:], strict=True)) == {
            name: expected[name] for name in ["未填报", "不足60%", "60%—80%", "80%—100%", "已达到指标值"]
        }
    assert sum(sum(row[1:]) for row in chart["rows"]) > 0


def test_the_funding_filter_keeps_or_leaves_out_the_projects_on_hold(client, round_):
    client.force_login(round_.bureau_leader)
    everything = direct(round_, [getattr(round_, u) for u in SCOPES["bureau_leader"]])
    held = Project.objects.filter(pk=round_.project_s2.pk)
    held_figures = direct(round_, [round_.s2])
    suspended = client.get(reverse("cockpit:index"), {"funding": "suspended"}).context["cockpit"]
    assert (suspended.totals.projects, suspended.totals.budget) == (1, held.get().initial_fiscal)
    assert suspended.totals.paid == held_figures["paid"] and suspended.holds == 1
    normal = client.get(reverse("cockpit:index"), {"funding": "normal"}).context["cockpit"]
    assert normal.totals.projects == everything["projects"] - 1
    assert normal.totals.budget == everything["budget"] - held.get().initial_fiscal
    assert normal.totals.paid == everything["paid"] - held_figures["paid"]
    assert normal.totals.quantitative == everything["quantitative"] - held_figures["quantitative"]
    assert normal.holds == 0
    stopped = client.get(reverse("cockpit:index"), {"funding": "stopped"}).context["cockpit"]
    assert stopped.totals.projects == 0
    scatter = client.get(reverse("cockpit:chart", args=["scatter"]), {"funding": "suspended"}).json()
    assert [row[0] for row in scatter["rows"]] == [round_.project_s2.code]


def test_a_cycle_is_chosen_by_its_id_and_a_units_own_cycle_has_no_cockpit(client, round_):
    earlier = cycle_open(
        year=round_.cycle.year - 1, acting_user=None, settings={"status": CycleStatus.CLOSED}
    )
    own = cycle_open(
        year=round_.cycle.year, acting_user=None, kind=CycleKind.SELF_INITIATED, organisation=round_.p1
    )
    client.force_login(round_.bureau_leader)

    assert client.get(reverse("cockpit:index")).context["cockpit"].filters.cycle == round_.cycle
    chosen = client.get(reverse("cockpit:index"), {"cycle": earlier.pk})
    assert chosen.context["cockpit"].filters.cycle == earlier
    assert f'<option value="{earlier.pk}" selected>' in chosen.content.decode()
    assert client.get(reverse("cockpit:index"), {"cycle": own.pk}).status_code == 404
    chart = client.get(reverse("cockpit:chart", args=["levels"]), {"cycle": earlier.pk})
    assert chart.status_code == 200
    # A number no cycle could have is a refused filter: the current cycle, with the filter's message.
    for refused in ("0", "99999999999999999999", "-3"):
        page = client.get(reverse("cockpit:index"), {"cycle": refused})
        assert page.status_code == 200 and page.context["cockpit"].filters.cycle == round_.cycle
        assert "筛选条件有误" in page.content.decode()
