"""`manage.py export_analysis` and `manage.py import_analysis`: the operators' batch tools for 附件1."""

import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jixiao.audit.models import AuditRecord
from jixiao.monitoring.models import AnalysisReport, IndicatorEntry, ReportWarning
from jixiao.monitoring.tests.test_workbook import funds_cell, indicator_cell, right_of
from jixiao.monitoring.workbook import export_report_bytes

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def write_filled(district, path, cells=None, project=None):
    """Export a project's blank workbook, type into it and save it at `path`."""
    project = project or district.project_s1
    wb = openpyxl.load_workbook(
        io.BytesIO(export_report_bytes(project=project, cycle=district.cycle, report=None))
    )
    ws = wb["附件1"]
    for (name, header), value in (cells or {}).items():
        indicator_cell(ws, name, header).value = value
    wb.save(path)
    return path


def counts():
    return AnalysisReport.objects.count(), IndicatorEntry.objects.count(), ReportWarning.objects.count()


# ---------------------------------------------------------------------------------------------------
# export_analysis


def test_export_one_project_to_a_file(district, tmp_path):
    target = tmp_path / "out" / "s1.xlsx"
    out, _err, error = run(
        "export_analysis", "--cycle", "2026", "--project", district.project_s1.code, "--out", str(target)
    )
    assert error is None
    assert target.exists() and str(target) in out
    ws = openpyxl.load_workbook(target)["附件1"]
    assert ws["A2"].value == "（2026年1—8月）"
    assert right_of(ws, "项目编码").value == district.project_s1.code


def test_export_one_project_into_an_existing_directory(district, tmp_path):
    _out, _err, error = run(
        "export_analysis", "--cycle", "2026", "--project", district.project_s1.code, "--out", str(tmp_path)
    )
    assert error is None
    assert (tmp_path / f"{district.project_s1.code}_{district.project_s1.name}.xlsx").exists()


def test_export_a_unit_with_its_subordinates_into_a_new_directory(district, tmp_path):
    target = tmp_path / "p1"
    out, _err, error = run("export_analysis", "--cycle", "2026", "--unit", "P1", "--out", str(target))
    assert error is None
    names = sorted(p.name for p in target.iterdir())
    projects = [district.project_p1, district.project_s1, district.project_s2, district.project_sc]
    assert names == sorted(
        f"{p.code}_{p.name}.xlsx" for p in projects
    )  # operators export classified units too
    assert "已导出 4 个文件" in out


def test_export_the_whole_year(district, tmp_path):
    _out, _err, error = run("export_analysis", "--cycle", "2026", "--out", str(tmp_path))
    assert error is None
    assert len(list(tmp_path.iterdir())) == len(district.projects)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--cycle", "2031"], "没有2031年度"),
        (["--cycle", "2026", "--unit", "NOPE"], "没有机构编码"),
        (["--cycle", "2026", "--project", "NOPE"], "没有项目编码"),
    ],
)
def test_export_refuses_what_does_not_exist(district, tmp_path, args, message):
    _out, _err, error = run("export_analysis", *args, "--out", str(tmp_path / "x"))
    assert error is not None and message in str(error)


def test_export_scope_options_are_exclusive(district, tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "export_analysis", "--cycle", "2026", "--unit", "P1", "--project", "X", "--out", str(tmp_path)
        )


# ---------------------------------------------------------------------------------------------------
# import_analysis


def test_import_json_output_shape_and_status_when_one_of_several_files_fails(district, tmp_path):
    good = write_filled(
        district,
        tmp_path / "good.xlsx",
        {("培训人数", "1—8月实际完成值"): 320, ("培训人数", "完成目标可能性"): "有可能"},
    )
    bad = write_filled(
        district,
        tmp_path / "bad.xlsx",
        {("培训人数", "1—8月实际完成值"): "三百"},
        project=district.project_s2,
    )
    missing = tmp_path / "missing.xlsx"
    out, _err, error = run(
        "import_analysis", str(good), str(bad), str(missing), "--json", "--user", "s1_filler"
    )
    assert error is not None  # non-zero exit status
    results = json.loads(out)
    assert [r["file"] for r in results] == [str(good), str(bad), str(missing)]
    for result in results:
        assert set(result) == {"file", "ok", "project", "level", "warnings", "errors", "notes"}
        for warning in result["warnings"]:
            assert set(warning) == {"code", "level", "indicator"}
        for problem in result["errors"]:
            assert set(problem) == {"sheet", "cell", "message"}

    first = results[0]
    assert first["ok"] is True and first["project"] == district.project_s1.code and first["errors"] == []
    assert first["level"] == "red"
    assert {"code": "IND_POSSIBLE", "level": "yellow", "indicator": "培训人数"} in first["warnings"]
    assert {"code": "EXEC_ZERO", "level": "red", "indicator": None} in first["warnings"]

    second = results[1]
    assert second["ok"] is False and second["level"] is None and second["warnings"] == []
    assert second["errors"][0]["sheet"] == "附件1" and second["errors"][0]["cell"] == "K4"
    assert "或您无权填报该项目" in second["errors"][0]["message"]  # s1_filler may not see S2's project
    assert results[2]["ok"] is False and results[2]["errors"][0]["message"] == "文件不存在或无法读取。"

    # The good file is imported even though the others failed.
    report = AnalysisReport.objects.get()
    assert report.project == district.project_s1 and report.level == "red"
    assert IndicatorEntry.objects.get(indicator__name="培训人数").likelihood == "possible"


def test_import_dry_run_writes_nothing_and_tells_the_level(district, tmp_path):
    good = write_filled(district, tmp_path / "good.xlsx", {("培训人数", "完成目标可能性"): "完全不可能"})
    before = counts(), AuditRecord.objects.count()
    out, _err, error = run("import_analysis", str(good), "--dry-run", "--json")
    assert error is None
    [result] = json.loads(out)
    assert result["ok"] is True and result["level"] == "red"
    assert {"code": "IND_IMPOSSIBLE", "level": "red", "indicator": "培训人数"} in result["warnings"]
    assert (counts(), AuditRecord.objects.count()) == before


def test_import_without_user_acts_as_the_owning_units_filler_and_says_so(district, tmp_path):
    good = write_filled(district, tmp_path / "good.xlsx", {("培训人数", "1—8月实际完成值"): "３２０"})
    out, _err, error = run("import_analysis", str(good))
    assert error is None
    assert "代为保存" in out and "s1_filler" in out
    report = AnalysisReport.objects.get()
    assert report.updated_by == district.s1_filler
    record = AuditRecord.objects.get(action="report.import")
    assert "--user" in record.comment and "s1_filler" in record.comment


def test_import_with_a_user_who_may_not_fill_fails(district, tmp_path):
    good = write_filled(district, tmp_path / "good.xlsx")
    _out, err, error = run("import_analysis", str(good), "--user", "p1_leader")
    assert error is not None and "1 个文件导入失败" in str(error)
    assert "只有项目实施单位的填报人或负责人" in err
    assert counts() == (0, 0, 0)


def test_import_unknown_user_or_cycle_is_refused(district, tmp_path):
    good = write_filled(district, tmp_path / "good.xlsx")
    _out, _err, error = run("import_analysis", str(good), "--user", "ghost")
    assert error is not None and "ghost" in str(error)
    _out, _err, error = run("import_analysis", str(good), "--cycle", "2031")
    assert error is not None and "2031" in str(error)
    assert counts() == (0, 0, 0)


def test_import_with_the_matching_cycle(district, tmp_path):
    good = write_filled(district, tmp_path / "good.xlsx")
    out, _err, error = run("import_analysis", str(good), "--cycle", "2026", "--json")
    assert error is None and json.loads(out)[0]["ok"] is True


def test_import_reports_every_cell_error_with_its_address(district, tmp_path):
    bad = write_filled(
        district,
        tmp_path / "bad.xlsx",
        {("培训人数", "1—8月实际完成值"): "三百", ("完工时间", "全年预计完成值"): "明年"},
    )
    out, _err, error = run("import_analysis", str(bad), "--json", "--user", "s1_filler")
    assert error is not None
    [result] = json.loads(out)
    assert [(e["sheet"], e["cell"]) for e in result["errors"]] == [("附件1", "E17"), ("附件1", "F19")]
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize("typed", ["1e30", "99999999999999999999999"])
def test_import_of_a_huge_amount_answers_in_json_with_the_cell(district, tmp_path, typed):
    wb = openpyxl.load_workbook(
        io.BytesIO(export_report_bytes(project=district.project_s1, cycle=district.cycle, report=None))
    )
    cell = funds_cell(wb["附件1"], "其中：财政拨款", "全年预计执行数")
    cell.value = typed
    path = tmp_path / "huge.xlsx"
    wb.save(path)
    out, _err, error = run("import_analysis", str(path), "--json", "--user", "s1_filler")
    assert error is not None
    [result] = json.loads(out)
    [problem] = result["errors"]
    assert (problem["sheet"], problem["cell"]) == ("附件1", cell.coordinate)
    assert "数值过大" in problem["message"]
    assert counts() == (0, 0, 0)
