"""The documented column set of each loader, with the header names budget-system exports use for them.

A header is compared after `header_key`: full-width to ASCII, no spaces or punctuation, no “其中”, and the
money unit taken off — a header that names 万元 scales its figures by 10,000, any other money is in 元.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from jixiao.loads.models import LoadKind

TEXT, MONEY, INTEGER, FLAG, DATE, MONTH = "text", "money", "integer", "flag", "date", "month"


@dataclass(frozen=True)
class Column:
    field: str
    label: str  # the template's header
    kind: str = TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""
    names: frozenset = field(init=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "names", frozenset(header_key(n)[0] for n in (self.label, *self.aliases)))

    @property
    def template_label(self) -> str:
        return f"{self.label}（元）" if self.kind == MONEY else self.label


_UNIT = re.compile(r"[(（\[【]?(万元|元)[)）\]】]?$")
_NOISE = re.compile(r"[\s·・•\-—_:：()（）\[\]【】/、*＊]|其中")


def header_key(header) -> tuple[str, bool]:
    """(comparable header, whether its money is in 万元)."""
    text = unicodedata.normalize("NFKC", str(header or "")).strip()
    in_wan = False
    match = _UNIT.search(text)
    if match:
        in_wan = match.group(1) == "万元"
        text = text[: match.start()]
    return _NOISE.sub("", text), in_wan


def signature_of(headers: list[str]) -> str:
    """What identifies a source's header row, for remembering its mapping."""
    joined = "\x1f".join(header_key(h)[0] for h in headers)
    return hashlib.sha256(joined.encode()).hexdigest()


YEAR = Column("year", "预算年度", INTEGER, True, ("年度", "预算年份", "年份"))
PROJECT_CODE = Column("code", "项目编码", TEXT, True, ("项目代码", "项目编号", "项目编码号"))

PROJECT_COLUMNS = [
    YEAR,
    PROJECT_CODE,
    Column("name", "项目名称", TEXT, True, ("项目全称",)),
    Column(
        "unit_code",
        "单位编码",
        TEXT,
        True,
        ("预算单位代码", "预算单位编码", "单位代码", "实施单位编码", "单位编号"),
        "实施单位的机构编码（镇、一级或二级预算单位）",
    ),
    Column("project_type", "项目类型", TEXT, True, ("项目类别",), "部门预算专项 或 财政专项资金"),
    Column("responsible_person", "项目负责人", TEXT, False, ("负责人",)),
    Column("responsible_phone", "联系电话", TEXT, False, ("负责人电话", "联系方式", "负责人联系电话")),
    Column("start_date", "实施开始日期", DATE, False, ("开始日期", "项目开始日期", "实施期限起")),
    Column("end_date", "实施结束日期", DATE, False, ("结束日期", "项目结束日期", "实施期限止")),
    Column("is_key_project", "重点项目", FLAG, False, ("是否重点项目", "重点项目标识"), "是 或 否"),
    Column(
        "initial_fiscal",
        "年初预算·财政拨款",
        MONEY,
        True,
        ("年初预算数财政拨款", "年初数财政拨款", "年初财政拨款", "年初预算数", "年初数"),
    ),
    Column("initial_other", "年初预算·其他资金", MONEY, False, ("年初预算数其他资金", "年初数其他资金")),
    Column(
        "adjusted_fiscal",
        "调整后预算·财政拨款",
        MONEY,
        False,
        ("调整后预算数财政拨款", "调整数财政拨款", "调整后财政拨款", "调整后预算数"),
        "未调整的留空",
    ),
    Column("adjusted_other", "调整后预算·其他资金", MONEY, False, ("调整后预算数其他资金", "调整数其他资金")),
]

PAYMENT_COLUMNS = [
    YEAR,
    PROJECT_CODE,
    Column("month", "月份", MONTH, True, ("支付月份", "期间", "会计期间"), "1—12，也可写 8月 或 2026-08"),
    Column(
        "paid_fiscal", "支付数·财政拨款", MONEY, False, ("支付金额财政拨款", "财政拨款支付数", "支付金额")
    ),
    Column("paid_other", "支付数·其他资金", MONEY, False, ("支付金额其他资金", "其他资金支付数")),
    Column("planned", "用款计划", MONEY, False, ("用款计划数", "月度用款计划", "计划数")),
    Column(
        "planned_fiscal",
        "用款计划·财政拨款",
        MONEY,
        False,
        ("用款计划数财政拨款", "财政拨款用款计划"),
        "分项给出用款计划时使用，与“用款计划”列二选一，系统存其合计",
    ),
    Column("planned_other", "用款计划·其他资金", MONEY, False, ("用款计划数其他资金", "其他资金用款计划")),
]

TARGET_COLUMNS = [
    YEAR,
    PROJECT_CODE,
    Column(
        "annual_goal",
        "年度总体目标",
        TEXT,
        False,
        ("年度目标", "总体目标", "年度绩效目标"),
        "每个项目填一次即可",
    ),
    Column("level1", "一级指标", TEXT, False, ()),
    Column("category", "二级指标", TEXT, True, ()),
    Column("name", "三级指标", TEXT, True, ("指标名称", "三级指标名称")),
    Column(
        "target",
        "指标值",
        TEXT,
        True,
        ("目标值", "年度指标值", "指标值及比较"),
        "如 ≥500人、≤20万元、=100%、≤2026-11-30；定性指标直接写文字",
    ),
    Column("unit", "计量单位", TEXT, False, ("单位", "度量单位")),
    Column(
        "progress_type",
        "进度类型",
        TEXT,
        False,
        ("指标类型",),
        "累计型 或 水平型；留空时按二级指标和单位推定",
    ),
]

ORGANISATION_COLUMNS = [
    Column("code", "机构编码", TEXT, True, ("单位编码", "预算单位代码", "单位代码", "机构代码")),
    Column("name", "机构名称", TEXT, True, ("单位名称", "预算单位名称")),
    Column(
        "kind",
        "机构类型",
        TEXT,
        True,
        ("单位类型", "单位级次"),
        "区财政局、对口服务股室、财政监督与绩效管理股、镇、一级预算单位、二级预算单位、第三方机构",
    ),
    Column("parent_code", "上级机构编码", TEXT, False, ("上级单位编码", "上级单位代码", "主管部门编码")),
    Column("counterpart_code", "对口服务股室编码", TEXT, False, ("对口股室编码", "归口股室编码")),
    Column("is_classified", "涉密单位", FLAG, False, ("是否涉密",), "是 或 否"),
]

ACCOUNT_COLUMNS = [
    Column(
        "unit_code",
        "单位编码",
        TEXT,
        True,
        ("机构编码", "单位代码", "机构代码", "预算单位代码"),
        "所在机构的机构编码",
    ),
    Column("full_name", "姓名", TEXT, True, ("人员姓名", "真实姓名")),
    Column("username", "用户名", TEXT, True, ("账号", "登录名", "登录账号", "用户账号")),
    Column(
        "role",
        "角色",
        TEXT,
        True,
        ("岗位", "用户角色"),
        "填报人、单位负责人、对口股室工作人员、监督与绩效管理股工作人员、局领导、第三方机构人员、数据管理、"
        "系统管理员、审计管理员；一人担任多个岗位时每个岗位一行",
    ),
    Column("phone", "手机", TEXT, False, ("手机号", "手机号码", "联系电话", "电话")),
    Column("email", "邮箱", TEXT, False, ("电子邮箱", "电子邮件", "email")),
]

COLUMNS = {
    LoadKind.PROJECTS: PROJECT_COLUMNS,
    LoadKind.PAYMENTS: PAYMENT_COLUMNS,
    LoadKind.TARGETS: TARGET_COLUMNS,
    LoadKind.ORGANISATIONS: ORGANISATION_COLUMNS,
    LoadKind.ACCOUNTS: ACCOUNT_COLUMNS,
}

NOTES = {
    LoadKind.PROJECTS: "按“预算年度 + 项目编码”新增或更新项目；金额单位为元（表头写明“万元”的列按万元）。",
    LoadKind.PAYMENTS: "按“项目 + 月份”新增或更新；文件中没有的金额列、留空的金额保持不变；用款计划可按财政拨款、其他资金分列，系统存其合计。金额单位为元（表头写明“万元”的列按万元）。",
    LoadKind.TARGETS: "每行一个三级指标；文件中的项目以文件所列指标为准，变化时新增一版绩效目标。",
    LoadKind.ORGANISATIONS: "按机构编码新增或更新；上级机构、对口服务股室须已存在或在本文件中列出。",
    LoadKind.ACCOUNTS: "按用户名新增或更新账号；文件所列岗位即该人的全部岗位；新账号生成一次性密码，确认加载后只显示一次，"
    "本人首次登录须修改密码；已有账号的密码不变，手机、邮箱留空的保持不变。",
}
