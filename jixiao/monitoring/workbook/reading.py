"""Reading the report's inputs and the indicator table from the sheet, each value with its cell."""

import re
from collections import defaultdict

from jixiao.monitoring.models import (
    DEVIATION_FIELDS,
    NARRATIVE_FIELDS,
    Likelihood,
    SelfAssessment,
)
from jixiao.monitoring.workbook.layout import (
    DEVIATION_KEYS,
    FOOTER_FIELDS,
    L_CORRECTIVE,
    L_FUNDS_FISCAL,
    L_FUNDS_OTHER,
    L_FUNDS_TOTAL,
    L_INDICATOR_NAME,
    L_NARRATIVE_HEADING,
    L_PROJECTED,
    SELF_ASSESSMENT_HEADER,
)
from jixiao.monitoring.workbook.parsing import (
    PERIOD_LABEL,
    Field,
    Reader,
    Sheet,
    as_date,
    as_money,
    as_text,
    choice_input,
    is_blank,
    norm,
    norm_name,
    number_input,
    text_input,
)
from jixiao.projects.models import Indicator, ValueType


def read_report_fields(reader: Reader, header_row: int | None, month_hint: int) -> list[Field]:
    """The report's own inputs, each with the cell it was read from."""
    sheet = reader.sheet
    fields: list[Field] = []
    limit = header_row

    # Funds: 全年预计执行数 of 财政拨款 / 其他资金, in 万元.
    projected_header = reader.unique(L_PROJECTED, above_row=limit)
    fiscal_label = sheet.find_matching(re.compile(r"^(其中:)?财政拨款$"))
    other_label = [pos for pos in sheet.find(L_FUNDS_OTHER) if limit is None or pos[0] < limit]
    if projected_header is not None:
        column = projected_header[1]
        for label, positions, name in (
            (L_FUNDS_FISCAL, [p for p in fiscal_label if limit is None or p[0] < limit], "projected_fiscal"),
            (L_FUNDS_OTHER, other_label, "projected_other"),
        ):
            if len(positions) != 1:
                reader.error(None, f"找不到资金表的“{label}”行，请使用本系统导出的表格填写。")
                continue
            fields.append(reader.read((positions[0][0], column), name, as_money))
        total = [pos for pos in sheet.find(L_FUNDS_TOTAL) if limit is None or pos[0] < limit]
        if len(total) == 1:
            total_pos = (total[0][0], column)
            fields.append(
                Field("_projected_total", sheet.ref(*total_pos), text_input(sheet.value(*total_pos)))
            )

    # Funds deviation analysis: the labels in one row above the indicator table, each value below it.
    funding_label = str(DEVIATION_FIELDS[0][1])
    rows = sorted({row for row, _col in sheet.find(funding_label) if limit is None or row < limit})
    if len(rows) != 1:
        reader.error(
            None, "找不到资金执行的“偏差原因分析”栏（经费保障、制度保障……），请使用本系统导出的表格填写。"
        )
    else:
        label_row = rows[0]
        for name, label in [*DEVIATION_FIELDS, ("corrective_measures", L_CORRECTIVE)]:
            positions = [pos for pos in sheet.find(str(label)) if pos[0] == label_row]
            if len(positions) != 1:
                reader.error(None, f"找不到资金执行偏差原因分析的“{label}”栏。")
                continue
            fields.append(reader.read(sheet.below(*positions[0]), name, as_text))

    # Goal progress.
    goal = sheet.find_matching(re.compile(PERIOD_LABEL.pattern + "目标完成情况$"))
    if len(goal) != 1:
        reader.error(None, f"找不到“1—{month_hint}月目标完成情况”栏。")
    else:
        fields.append(reader.read(sheet.right_of(*goal[0]), "goal_progress", as_text))

    # Narratives and footer, below the indicator table.
    after = header_row or 0
    for name, label in NARRATIVE_FIELDS:
        position = reader.unique(str(label), below_row=after)
        if position is not None:
            fields.append(reader.read(sheet.right_of(*position), name, as_text))
    for name, label in FOOTER_FIELDS:
        position = reader.unique(label, below_row=after)
        if position is not None:
            fields.append(
                reader.read(sheet.right_of(*position), name, as_date if name == "filled_on" else as_text)
            )
    return [f for f in fields if f is not None]


_TOP_DATE = re.compile(r"^填报日期:(.*)$")


def top_line_date(sheet: Sheet) -> Field | None:
    """The date written after `填报日期：` in the line under the title (people fill it on paper habit)."""
    for text, positions in sheet.labels.items():
        match = _TOP_DATE.match(text)
        if match and positions[0][0] <= 5:
            return Field("filled_on", sheet.ref(*positions[0]), match.group(1))
    return None


def indicator_header(sheet: Sheet, month: int):
    """(header row, first data row, column of each key) of the indicator table, or None."""
    positions = sheet.find(L_INDICATOR_NAME)
    if len(positions) != 1:
        return None
    header_row = positions[0][0]
    keys_by_text = {
        norm("一级指标"): "level1",
        norm("二级指标"): "category",
        norm(L_INDICATOR_NAME): "name",
        norm("年度指标值"): "target",
        norm("全年预计完成值"): "projected",
        norm("完成进度"): "progress",
        norm(L_CORRECTIVE): "corrective_measures",
        norm("备注"): "remark",
        norm("预警"): "warnings",
        **{norm(str(label)): name for name, label in DEVIATION_FIELDS},
    }
    columns: dict[str, list[int]] = defaultdict(list)
    used_second_row = False
    for (row, column), cell in sheet.cells.items():
        if row not in (header_row, header_row + 1) or not isinstance(cell.value, str):
            continue
        text = norm(cell.value)
        key = keys_by_text.get(text)
        if key is None:
            if PERIOD_LABEL.match(text) and text.endswith("实际完成值"):
                key = "actual"
            elif text.startswith(norm("完成目标可能性")):
                key = "likelihood"
            elif text.startswith("自评"):
                key = "self_assessment"
        if key is None:
            continue
        if row == header_row + 1:
            used_second_row = True
        columns[key].append(column)
    first_data_row = header_row + (2 if used_second_row else 1)
    for _r0, _c0, last_row, _c1 in (sheet.extent(header_row, c) for lst in columns.values() for c in lst):
        first_data_row = max(first_data_row, last_row + 1)
    return header_row, first_data_row, columns


INDICATOR_INPUTS = [
    "actual",
    "projected",
    "self_assessment",
    *DEVIATION_KEYS,
    "likelihood",
    "corrective_measures",
    "remark",
]
_COLUMN_TITLES = {
    "name": L_INDICATOR_NAME,
    "actual": "实际完成值",
    "projected": "全年预计完成值",
    "self_assessment": SELF_ASSESSMENT_HEADER,
    "likelihood": "完成目标可能性",
    "corrective_measures": L_CORRECTIVE,
    "remark": "备注",
    **{name: f"偏差原因分析·{label}" for name, label in DEVIATION_FIELDS},
}


def _table_end(sheet: Sheet, header_row: int) -> int:
    """The first row after the indicator table: the narrative heading, a narrative or footer label."""
    stops = [
        L_NARRATIVE_HEADING,
        *(str(label) for _n, label in NARRATIVE_FIELDS),
        *(label for _n, label in FOOTER_FIELDS),
    ]
    rows = [row for label in stops for row, _col in sheet.find(label) if row > header_row]
    return min(rows) if rows else max((row for row, _col in sheet.cells), default=header_row) + 1


def read_indicators(reader: Reader, indicators: list[Indicator], month: int) -> dict[int, list[Field]] | None:
    sheet = reader.sheet
    header = indicator_header(sheet, month)
    if header is None:
        reader.error(None, "找不到绩效指标表（表头“三级指标”），请使用本系统导出的表格填写。")
        return None
    header_row, first_row, columns = header
    missing = [key for key in ("name", *INDICATOR_INPUTS) if len(columns.get(key, [])) != 1]
    for key in missing:
        found = columns.get(key, [])
        if found:
            reader.error(
                sheet.ref(header_row, found[0]), f"绩效指标表的“{_COLUMN_TITLES[key]}”列出现了多次。"
            )
        else:
            reader.error(sheet.ref(header_row, 1), f"绩效指标表缺少“{_COLUMN_TITLES[key]}”列。")
    if missing:
        return None
    column = {key: found[0] for key, found in columns.items()}
    end = _table_end(sheet, header_row)

    names = defaultdict(list)
    for indicator in indicators:
        names[norm_name(indicator.name)].append(indicator)
    seen: dict[int, int] = {}
    rows_by_indicator: dict[int, int] = {}
    for row in range(first_row, end):
        name_value = sheet.value(row, column["name"])
        if is_blank(name_value) or sheet.is_merged_away(row, column["name"]):
            stray = [
                key
                for key in INDICATOR_INPUTS
                if not sheet.is_merged_away(row, column[key]) and not is_blank(sheet.value(row, column[key]))
            ]
            if stray:
                reader.error(
                    sheet.ref(row, column[stray[0]]),
                    f"第{row}行填写了内容，但没有三级指标名称，无法对应到指标。",
                )
            continue
        ref = sheet.ref(row, column["name"])
        candidates = names.get(norm_name(text_input(name_value)), [])
        if len(candidates) > 1:  # the same 三级 name under two 二级: tell them apart by the 二级 column
            category_value = None
            if "category" in column:
                origin = sheet.origin.get((row, column["category"]), (row, column["category"]))
                category_value = norm(text_input(sheet.value(*origin)))
            candidates = [
                i for i in candidates if norm(i.get_category_display()) == category_value
            ] or candidates
        if not candidates:
            reader.error(ref, f"“{text_input(name_value)}”不是本项目的三级指标（请勿修改指标名称）。")
            continue
        if len(candidates) > 1:
            reader.error(ref, f"三级指标“{text_input(name_value)}”无法唯一对应，请保留二级指标栏。")
            continue
        indicator = candidates[0]
        if indicator.pk in seen:
            reader.error(ref, f"三级指标“{indicator.name}”重复出现（第{seen[indicator.pk]}行和第{row}行）。")
            continue
        seen[indicator.pk] = row
        rows_by_indicator[indicator.pk] = row
    for indicator in indicators:
        if indicator.pk not in seen:
            reader.error(None, f"绩效指标表缺少三级指标“{indicator.name}”所在的行。")

    result: dict[int, list[Field]] = {}
    by_pk = {i.pk: i for i in indicators}
    for pk, row in rows_by_indicator.items():
        result[pk] = _read_indicator_row(reader, by_pk[pk], row, column)
    return result


def _read_indicator_row(
    reader: Reader, indicator: Indicator, row: int, column: dict[str, int]
) -> list[Field]:
    sheet = reader.sheet
    value_type = indicator.value_type
    fields: list[Field | None] = []

    def at(key):
        return (row, column[key])

    def not_applicable(key, why):
        position = at(key)
        if sheet.is_merged_away(*position):
            return
        value = sheet.value(*position)
        if not is_blank(value):
            reader.error(sheet.ref(*position), f"{why}，此栏不填（请留空或填“—”）。")

    if value_type in (ValueType.NUMBER, ValueType.PERCENT):
        percent = value_type == ValueType.PERCENT

        def as_number(value, fmt):
            return number_input(value, fmt, percent=percent)

        fields.append(_read_cell(reader, at("actual"), "actual_number", as_number))
        fields.append(_read_cell(reader, at("projected"), "projected_number", as_number))
        not_applicable("self_assessment", "自评仅用于定性指标")
    elif value_type == ValueType.DATE:
        fields.append(_read_cell(reader, at("actual"), "actual_date", as_date))
        fields.append(_read_cell(reader, at("projected"), "projected_date", as_date))
        not_applicable("self_assessment", "自评仅用于定性指标")
    else:
        fields.append(_read_cell(reader, at("actual"), "actual_text", as_text))
        not_applicable("projected", "定性指标没有全年预计完成值")

        def as_assessment(value, _fmt):
            return choice_input(value, SelfAssessment.choices, "自评")

        fields.append(_read_cell(reader, at("self_assessment"), "self_assessment", as_assessment))

    def as_likelihood(value, _fmt):
        return choice_input(value, Likelihood.choices, "完成目标可能性")

    fields.append(_read_cell(reader, at("likelihood"), "likelihood", as_likelihood))
    for key in (*DEVIATION_KEYS, "corrective_measures", "remark"):
        fields.append(_read_cell(reader, at(key), key, as_text))
    return [f for f in fields if f is not None]


def _read_cell(reader: Reader, position, name, convert) -> Field | None:
    if reader.sheet.is_merged_away(*position):
        return Field(name, reader.sheet.ref(*position), "")
    return reader.read(position, name, convert)
