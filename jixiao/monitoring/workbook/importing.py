"""Importing a filled 附件1 (the round trip of the export), whole or not at all, through `report_save`.

Import rules decided here (see `import_report_workbook` and `parsing.number_input`):
- values go through the web form's own fields, so a workbook stores what the same typing in the form would;
- percent indicators: a number in a `%`-formatted cell is a fraction (0.85 → 85%), text with `%` is as
  written, a bare number is in percentage points but refused as ambiguous when 0 < |x| ≤ 1;
- a cell that does not apply to the indicator's type must be blank or `—`; 完成进度, 预警, 年度指标值 and
  the total row's 全年预计执行数 (a formula) are not read — a number typed over that total must agree
  with 财政拨款 + 其他资金;
- 填报日期 is read from the footer; the title line's `填报日期：…` is used when the footer is blank and
  must agree with it otherwise;
- a number in a `%`-formatted cell of a count or a 万元 amount (Excel's way of storing a typed `85%`) is
  refused: it cannot be meant;
- a file exported from an older revision (or target version) than the stored one is refused as stale;
- the size of what is parsed is bounded before openpyxl sees the file (`REPORT_LIMITS` below).
"""

import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.workbook.workbook import Workbook

from jixiao.core.formatting import TEN_THOUSAND
from jixiao.core.numbers import NotANumber, normalise_text, parse_date, parse_number
from jixiao.core.xlsx_loader import XlsxBudget, XlsxLimits, XlsxRefused, load_xlsx, read_upload
from jixiao.monitoring import plausibility
from jixiao.monitoring.evaluation import indicator_figures
from jixiao.monitoring.forms import EntryForm, ReportForm
from jixiao.monitoring.models import (
    AnalysisReport,
    IndicatorEntry,
    MonitoringCycle,
    ReportWarning,
)
from jixiao.monitoring.selectors import cycle_list
from jixiao.monitoring.services import StaleReport, report_save
from jixiao.monitoring.workbook.export import ordered_indicators
from jixiao.monitoring.workbook.layout import ID_FORMAT, ID_SHEET, L_PROJECT_CODE, SHEET_TITLE
from jixiao.monitoring.workbook.parsing import (
    FORMULA,
    Field,
    ImportResult,
    Reader,
    Sheet,
    is_blank,
    text_input,
)
from jixiao.monitoring.workbook.reading import (
    indicator_header,
    read_indicators,
    read_report_fields,
    top_line_date,
)
from jixiao.organisations.models import Membership, Role
from jixiao.projects.models import Project
from jixiao.projects.selectors import project_visible

# ---------------------------------------------------------------------------------------------------
# Limits of a 附件1 upload. A 附件1 has a few hundred cells in some 30 KB of sheet XML (a few hundred KB
# once Excel has saved it with long texts). These bounds keep every upload, imported or refused, well
# under a second and 100 MB: each is checked before openpyxl parses anything.

REPORT_LIMITS = XlsxLimits(
    upload_bytes=5 * 1024 * 1024,
    zip_entries=200,
    uncompressed_bytes=20 * 1024 * 1024,
    xml_part_bytes=1024 * 1024,
    xml_bytes=4 * 1024 * 1024,
    rows=2000,
    columns=100,
    cells=5_000,
    merged_area=100_000,
    request_cells=15_000,
    request_xml_bytes=8 * 1024 * 1024,
    size_hint="一份监控分析表通常不足 100 KB，请检查是否粘贴了图片或多余内容。",
)


PROJECT_NOT_FOUND = "未找到项目编码为“{code}”的{year}年度项目，或您无权填报该项目。"


def _identification(workbook: Workbook) -> dict[str, str]:
    if ID_SHEET not in workbook.sheetnames:
        return {}
    ws = workbook[ID_SHEET]
    values = {}
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 50), max_col=2, values_only=True):
        key, value = row[0], row[1] if len(row) > 1 else None
        if isinstance(key, str):
            values[key.strip()] = "" if value is None else text_input(value).strip()
    return values if values.get("format") == ID_FORMAT else {}


def _find_sheet(workbook: Workbook, uncached: dict[str, set[str]]) -> Sheet | None:
    candidates = [SHEET_TITLE] + [name for name in workbook.sheetnames if name not in (SHEET_TITLE, ID_SHEET)]
    for name in candidates:
        if name not in workbook.sheetnames:
            continue
        ws = workbook[name]
        if not hasattr(ws, "_cells"):
            continue  # a chart sheet
        sheet = Sheet(ws, uncached.get(name, set()))
        if sheet.find(L_PROJECT_CODE):
            return sheet
    return None


_SUBTITLE = re.compile(r"\((\d{4})年1[-—–~～至到]+(\d{1,2})月\)")


def _resolve_cycle(reader: Reader, ids: dict, cycle: MonitoringCycle | None, user) -> MonitoringCycle | None:
    cycles = MonitoringCycle.objects.all() if user is None else cycle_list(user=user)
    workbook_cycle = None
    if ids.get("cycle_id"):
        try:
            workbook_cycle = cycles.filter(pk=int(ids["cycle_id"])).first()
        except ValueError:
            workbook_cycle = None
        if workbook_cycle is None:
            reader.error(None, "工作簿所属的监控周期不存在或您无权访问，请从系统重新导出。")
            return None
    else:
        for text, positions in reader.sheet.labels.items():
            match = _SUBTITLE.search(text)
            if match and positions[0][0] <= 5:
                year = int(match.group(1))
                workbook_cycle = cycles.filter(kind="annual", year=year).first()
                if workbook_cycle is None and cycle is None:
                    reader.error(reader.sheet.ref(*positions[0]), f"找不到{year}年度的年度监控周期。")
                    return None
                break
    if cycle is not None:
        if workbook_cycle is not None and workbook_cycle.pk != cycle.pk:
            reader.error(
                None,
                f"工作簿属于监控周期“{workbook_cycle.name}”（{workbook_cycle.period_label}），"
                f"不是“{cycle.name}”（{cycle.period_label}）。请导入该周期导出的表格。",
            )
            return None
        return cycle
    if workbook_cycle is None:
        reader.error(
            None, "无法确定工作簿所属的监控周期（缺少系统识别信息），请从系统重新导出，或指定监控周期。"
        )
    return workbook_cycle


def _owner_actor(project: Project):
    """The first active filler (else unit leader) of the project's owning unit."""
    membership = (
        Membership.objects.filter(
            organisation=project.owner,
            organisation__is_active=True,
            role__in=[Role.FILLER, Role.UNIT_LEADER],
            user__is_active=True,
        )
        .select_related("user")
        .annotate(
            role_order=Case(
                When(role=Role.FILLER, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("role_order", "user_id")
        .first()
    )
    return (membership.user, membership.get_role_display()) if membership else (None, None)


def _resolve_project(reader: Reader, code_pos, cycle, user, expected: Project | None) -> Project | None:
    value_pos = reader.sheet.right_of(*code_pos)
    ref = reader.sheet.ref(*value_pos)
    if reader.sheet.has_uncached_formula(*value_pos):
        reader.error(ref, FORMULA)
        return None
    code = normalise_text(text_input(reader.sheet.value(*value_pos)))
    if not code:
        reader.error(ref, "未填写项目编码。")
        return None
    projects = Project.objects.all() if user is None else project_visible(user)
    project = (
        projects.filter(code=code, year=cycle.year)
        .select_related("owner", "owner__parent", "current_target")
        .first()
    )
    if project is None:
        reader.error(ref, PROJECT_NOT_FOUND.format(code=code, year=cycle.year))
        return None
    if expected is not None and project.pk != expected.pk:
        reader.error(
            ref,
            f"工作簿属于项目“{project.code} {project.name}”，不是“{expected.code} {expected.name}”。",
        )
        return None
    return project


def _form_errors(reader: Reader, form, fields: list[Field], subject: str = "") -> None:
    cells = {f.name: f.cell for f in fields}
    for name, messages in form.errors.items():
        label = form.fields[name].label if name in form.fields else name
        for message in messages:
            prefix = f"{subject}{label}：" if label else subject
            reader.error(cells.get(name), f"{prefix}{message}")


def _entry_notes(reader: Reader, form, fields: list[Field], cycle: MonitoringCycle) -> None:
    """The notes the web form shows beside the row, at the row's 实际完成值 cell."""
    figures = indicator_figures(form.indicator, IndicatorEntry(**form.cleaned_data))
    cells = {f.name: f.cell for f in fields}
    cell = cells.get("actual_number") or cells.get("actual_date") or cells.get("projected_number")
    for note in plausibility.entry_notes(figures, year=cycle.year, period_end_month=cycle.period_end_month):
        reader.result.notes.append((reader.sheet.title, cell, f"指标“{form.indicator.name}”：{note}"))


class _DryRun(Exception):
    pass


def import_report_workbook(
    *,
    file_obj_or_path,
    filename: str,
    user,
    cycle: MonitoringCycle | None = None,
    dry_run: bool = False,
    project: Project | None = None,
    act_for_owner: bool = False,
    budget: XlsxBudget | None = None,
) -> ImportResult:
    """Import one filled 附件1 workbook, whole or not at all.

    - The file is checked before parsing (size, zip container, entry count, uncompressed size and
      compression ratio, the size of each XML part, the sheet's declared and real extent and cell count,
      macros, encryption); a file that fails gets one message.
    - The project is found by its 项目编码 among the projects the person may see (the same message for a
      code that does not exist and one the person may not see); the cycle by the workbook's hidden
      identification, else the subtitle's year, and `cycle` when given must match it. `project` (when
      given) is the project the workbook must belong to.
    - Every value is read through the web form's own fields (ReportForm / EntryForm), so the stored values
      are those the same typing in the web form gives; the Excel-only rules (percent cells, formulas)
      are in `number_input` and `FORMULA`.
    - Stale files: the workbook carries the revision it was exported from. It is imported only when that
      is still the stored revision (it is then passed to report_save as expected_revision); a report saved
      since (on the web, by an import, by anyone) makes the file stale and it is refused, to be exported
      again. Importing the same file twice is therefore refused the second time.
    - `user=None` with `act_for_owner=True` (the operator's command only): projects are looked up without
      scoping and the report is saved as the first active filler (else unit leader) of the owning unit;
      the audit trail records that it was done on that person's behalf.
    - With `dry_run` everything is checked and saved inside a transaction that is rolled back, so the
      warnings and level are exactly those a real import would give; nothing is written.
    - `budget`, shared by the files of one request, bounds what they may have parsed together.
    """
    result = ImportResult(filename=filename, dry_run=dry_run)
    if user is None and not act_for_owner:
        raise ValueError("user is required (user=None only with act_for_owner=True)")
    try:
        data = read_upload(file_obj_or_path, REPORT_LIMITS)
        workbook, uncached = load_xlsx(data, budget if budget is not None else XlsxBudget(REPORT_LIMITS))
    except XlsxRefused as rejection:
        result.error(None, None, str(rejection))
        return result

    sheet = _find_sheet(workbook, uncached)
    if sheet is None:
        result.error(None, None, "找不到“附件1”工作表（表中应有“项目编码”栏），请使用本系统导出的表格填写。")
        return result
    reader = Reader(sheet, result)
    ids = _identification(workbook)

    code_pos = reader.unique(L_PROJECT_CODE)
    cycle = _resolve_cycle(reader, ids, cycle, user)
    if code_pos is None or cycle is None:
        return result
    found = _resolve_project(reader, code_pos, cycle, user, project)
    if found is None:
        return result
    project = found
    result.project = project
    if ids.get("project_code") and normalise_text(ids["project_code"]) != project.code:
        reader.error(
            sheet.ref(*sheet.right_of(*code_pos)),
            f"表中项目编码“{project.code}”与工作簿的导出信息（项目“{ids['project_code']}”）不一致，"
            "请从系统导出该项目的表格填写。",
        )
        return result

    acting_user = user
    role_label = None
    if user is None:
        acting_user, role_label = _owner_actor(project)
        if acting_user is None:
            reader.error(
                None,
                f"单位“{project.owner.name}”没有可用的填报人或单位负责人账号，无法代为导入；请用 --user 指定操作人。",
            )
            return result
        result.delegated = True
    result.acting_user = acting_user

    report = (
        AnalysisReport.objects.filter(project=project, cycle=cycle).select_related("target_version").first()
    )
    version = report.target_version if report is not None else project.current_target
    if version is None:
        reader.error(None, "该项目尚未设定绩效目标，不能填报。")
        return result
    current_revision = report.revision if report is not None else 0
    expected_revision = _check_revision(reader, ids, current_revision, version)

    indicators = ordered_indicators(version)
    header = indicator_header(sheet, cycle.period_end_month)
    header_row = header[0] if header else None
    report_fields = read_report_fields(reader, header_row, cycle.period_end_month)
    top_date = top_line_date(sheet)
    entry_fields = read_indicators(reader, indicators, cycle.period_end_month) or {}

    # The report form, fed with what the cells say.
    data = {"revision": str(current_revision)}
    fields_by_name = {f.name: f for f in report_fields}
    total_field = fields_by_name.pop("_projected_total", None)
    report_fields = [f for f in report_fields if f.name != "_projected_total"]
    for f in report_fields:
        data[f.name] = f.text
    if top_date is not None and not is_blank(top_date.text):
        footer_date = fields_by_name.get("filled_on")
        if footer_date is None or is_blank(footer_date.text):
            data["filled_on"] = top_date.text
            report_fields.append(top_date)
    report_form = ReportForm(data, report=report, cycle=cycle)
    report_form.is_valid()
    _form_errors(reader, report_form, report_fields)
    if top_date is not None and "filled_on" not in report_form.errors and not is_blank(top_date.text):
        _check_top_date(reader, top_date, report_form.cleaned_data.get("filled_on"))
    if total_field is not None and not sheet.has_uncached_formula(*coordinate_to_tuple(total_field.cell)):
        _check_projected_total(reader, total_field, report_form)

    entry_forms = []
    by_pk = {i.pk: i for i in indicators}
    for pk, fields in entry_fields.items():
        indicator = by_pk[pk]
        form = EntryForm(
            {f"i{pk}-{f.name}": f.text for f in fields}, indicator=indicator, entry=None, cycle=cycle
        )
        if form.is_valid():
            _entry_notes(reader, form, fields, cycle)
        _form_errors(reader, form, fields, subject=f"指标“{indicator.name}”")
        entry_forms.append(form)

    if result.errors or expected_revision is None:
        return result

    try:
        _save(
            result,
            project,
            cycle,
            report_form,
            entry_forms,
            expected_revision,
            acting_user,
            role_label,
            by_pk,
        )
    except StaleReport as exc:
        reader.error(None, exc.messages[0] + " 请从系统重新导出后再填写。")
    except PermissionDenied as exc:
        reader.error(None, str(exc) or "只有项目实施单位的填报人或负责人可以填报监控分析表。")
    except ValidationError as exc:
        for message in exc.messages:
            reader.error(None, message)
    if result.errors:
        result.ok, result.level, result.warnings, result.revision, result.notes = False, None, [], None, []
    return result


def _check_revision(reader: Reader, ids: dict, current_revision: int, version) -> int | None:
    """The expected revision to save with, or None (with an error) when the file is stale or unverifiable."""
    if not ids:
        if current_revision == 0:
            return 0
        reader.error(
            None,
            "工作簿缺少系统识别信息，无法确认它是否基于最新保存的内容；为避免覆盖他人的修改，请从系统重新导出后再填写。",
        )
        return None
    try:
        file_revision = int(ids.get("revision", ""))
    except ValueError:
        reader.error(None, "工作簿的系统识别信息已损坏，请从系统重新导出后再填写。")
        return None
    if file_revision != current_revision:
        reader.error(
            None,
            f"该表导出后已被保存过（导出时为第 {file_revision} 次保存，现为第 {current_revision} 次保存），"
            "为避免覆盖他人的修改，本次导入未执行。请从系统重新导出最新的表格后再填写。",
        )
        return None
    if ids.get("target_version_id") and ids["target_version_id"] != str(version.pk):
        reader.error(None, "该项目的绩效目标在导出后已调整，请从系统重新导出后再填写。")
        return None
    return current_revision


def _check_top_date(reader: Reader, top_date: Field, footer_value) -> None:
    try:
        top_value = parse_date(top_date.text)
    except NotANumber:
        reader.error(top_date.cell, f"填报日期“{top_date.text}”不是有效的日期，请按 2026-11-30 填写。")
        return
    if footer_value is not None and top_value is not None and top_value != footer_value:
        reader.error(
            top_date.cell,
            f"表头的填报日期（{top_value:%Y-%m-%d}）与表尾的填报日期（{footer_value:%Y-%m-%d}）不一致。",
        )


def _check_projected_total(reader: Reader, total: Field, report_form) -> None:
    """The total row's 全年预计执行数 is the sum of its two parts, which are what is read.

    A total left as exported after the parts were edited offline is not a mistake worth refusing the
    file for: it is noted at its cell, and the parts count."""
    if is_blank(total.text):
        return
    try:
        typed = parse_number(total.text)
    except NotANumber:
        reader.error(total.cell, f"“{total.text}”不是有效的金额（万元）。")
        return
    if "projected_fiscal" in report_form.errors or "projected_other" in report_form.errors:
        return
    fiscal = report_form.cleaned_data.get("projected_fiscal")
    other = report_form.cleaned_data.get("projected_other")
    if fiscal is None and other is None:
        reader.error(
            total.cell,
            "请分别填写“其中：财政拨款”和“其他资金”的全年预计执行数（合计行自动计算，不单独读取）。",
        )
        return
    parts = ((fiscal or 0) + (other or 0)) / TEN_THOUSAND
    if abs(Decimal(typed) - parts) >= Decimal("0.005"):
        reader.result.notes.append(
            (
                reader.sheet.title,
                total.cell,
                f"全年预计执行数合计（{typed}万元）与财政拨款、其他资金之和（{parts:.2f}万元）不一致，"
                "已按两项之和导入（合计行不单独读取）。",
            )
        )


def _save(
    result, project, cycle, report_form, entry_forms, expected_revision, acting_user, role_label, by_pk
):
    comment = f"导入Excel：{result.filename}"
    if result.delegated:
        comment += (
            f"；命令行导入未指定操作人（--user），由系统以单位{role_label}“{acting_user}”的身份代为保存"
        )
    try:
        with transaction.atomic():
            report = report_save(
                project=project,
                cycle=cycle,
                values=report_form.values(),
                entries={form.indicator.pk: form.values() for form in entry_forms},
                expected_revision=expected_revision,
                acting_user=acting_user,
                source="import",
                comment=comment,
            )
            result.level = report.level
            result.revision = report.revision
            result.warnings = [
                (w.code, w.level, by_pk[w.indicator_id].name if w.indicator_id in by_pk else None)
                for w in ReportWarning.objects.filter(report=report).order_by("pk")
            ]
            result.ok = True
            if result.dry_run:
                raise _DryRun
    except _DryRun:
        pass
