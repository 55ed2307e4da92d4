"""The 附件1 sheet's layout contract, shared by the export and the import.

Columns A–Q; the import finds everything by its label, so rows and the order of the indicator columns may
move:

- rows 1–3: title, subtitle `（{Y}年1—{m}月）`, the line 填报单位（盖章） · 填报日期 · 金额单位：万元;
- header block of label/value pairs (项目名称, 项目编码, …), the value to the right of its label;
- funds block: a header row (年初预算数 … 全年预计执行数) over the rows 年度资金总额 / 其中：财政拨款 /
  其他资金; the unit types 全年预计执行数 of 财政拨款 and 其他资金 in 万元 (the total is a formula and is
  never read); below it the funds' 偏差原因分析 (five labelled cells) and 纠偏措施, each value under its label;
- goal block: 年度总体目标 (read only) and 1—m月目标完成情况, value to the right;
- indicator table: a two-row header found by its `三级指标` cell; one row per indicator, matched to the
  project's indicators by the 三级 name; the columns 实际完成值 / 全年预计完成值 / 自评（定性指标） /
  five 偏差原因分析 / 完成目标可能性 / 纠偏措施 / 备注 are read, the others (一级, 二级, 年度指标值,
  完成进度, 预警) are for the reader only; a cell that does not apply to the indicator's type is grey `—`;
- the seven narratives of 第十条 and the footer 单位负责人 · 财务负责人 · 填表人 · 联系电话 · 填报日期,
  value to the right of each label; a last row with the project-level warnings.

A hidden sheet `_jixiao` identifies the workbook: project code, cycle (id, year, month), the target
version and the report revision it was exported from.

Warned figures are filled red (FFC7CE), yellow (FFEB9C) or, for notes, blue (DDEBF7); the 预警 column
lists each indicator's messages, the last row the project-level ones.
"""

from jixiao.monitoring.models import (
    DEVIATION_FIELDS,
)

# ---------------------------------------------------------------------------------------------------
# Layout

SHEET_TITLE = "附件1"
ID_SHEET = "_jixiao"
ID_FORMAT = "jixiao-附件1/1"
LAST_COLUMN = 17  # Q

L_PROJECT_CODE = "项目编码"
L_FUNDS_TOTAL = "年度资金总额"
L_FUNDS_FISCAL = "其中：财政拨款"
L_FUNDS_OTHER = "其他资金"
L_PROJECTED = "全年预计执行数"
L_ANNUAL_GOAL = "年度总体目标"
L_INDICATOR_NAME = "三级指标"
L_CORRECTIVE = "纠偏措施"
L_NARRATIVE_HEADING = "监控分析（第十条）"
L_PROJECT_WARNINGS = "项目整体预警"

FOOTER_FIELDS = [
    ("unit_leader_name", "单位负责人"),
    ("finance_leader_name", "财务负责人"),
    ("filler_name", "填表人"),
    ("contact_phone", "联系电话"),
    ("filled_on", "填报日期"),
]

LIKELIHOOD_HEADER = "完成目标可能性（确定能/有可能/完全不可能）"
SELF_ASSESSMENT_HEADER = "自评（定性指标）"


def indicator_columns(month: int) -> list[tuple[str, str, float]]:
    """(key, header, width) of the indicator table, A–Q; the five deviation columns share a group header."""
    return [
        ("level1", "一级指标", 9),
        ("category", "二级指标", 10),
        ("name", L_INDICATOR_NAME, 16),
        ("target", "年度指标值", 13),
        ("actual", f"1—{month}月实际完成值", 14),
        ("projected", "全年预计完成值", 13),
        ("progress", "完成进度", 9),
        ("self_assessment", SELF_ASSESSMENT_HEADER, 13),
        *((name, str(label), 12) for name, label in DEVIATION_FIELDS),
        ("likelihood", LIKELIHOOD_HEADER, 13),
        ("corrective_measures", L_CORRECTIVE, 16),
        ("remark", "备注", 11),
        ("warnings", "预警", 28),
    ]


DEVIATION_GROUP = "偏差原因分析"
DEVIATION_KEYS = [name for name, _label in DEVIATION_FIELDS]


# Which cells a rule colours: funds rules in the funds block, indicator rules in the indicator's row.
FUNDS_RULE_CELLS = {
    "EXEC_LAG": ("rate",),
    "EXEC_ZERO": ("rate", "paid"),
    "EXEC_OVER": ("rate", "paid"),
    "EXEC_PROJECTED_LOW": ("projected",),
    "NO_BUDGET": ("initial", "adjusted"),
    "OUTPUT_SPEND_MISMATCH": ("rate",),
}
INDICATOR_RULE_CELLS = {
    "IND_IMPOSSIBLE": ("likelihood",),
    "IND_POSSIBLE": ("likelihood",),
    "IND_PROJECTED_MISS": ("projected",),
    "IND_LAG": ("actual", "progress"),
    "IND_SHORTFALL": ("actual", "progress"),
    "IND_EXCESS": ("actual",),
    "IND_LEVEL_MISMATCH": ("actual",),
    "IND_DATE_OVERDUE": ("actual",),
    "IND_NO_ACTUAL": ("actual",),
    "IND_OVER_TARGET": ("actual",),
    "IND_QUAL_PARTLY": ("self_assessment",),
    "IND_QUAL_NOT_MET": ("self_assessment",),
}
