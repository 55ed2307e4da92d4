"""The loads at province scale, for `manage.py bench_loads`: the files a province's systems export
(organisations, projects, targets, monthly payments), generated from one seed, and the same rows as the
tables store them, for the PostgreSQL COPY that is each load's floor."""

import csv
import io
import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from jixiao.core.xlsx import put_value
from jixiao.loads.columns import COLUMNS
from jixiao.loads.models import LoadKind
from jixiao.loads.plans import infer_progress_type, parse_target
from jixiao.organisations.models import Organisation
from jixiao.projects.models import Project, TargetVersion

UNITS = 200
TOWNS = 20
# (一级指标, 二级指标, 三级指标, 指标值, 计量单位); every project has the first seven, every other one the eighth
# too, so that a district of 1,200 projects has 9,000 indicators.
INDICATORS = [
    ("产出指标", "数量指标", "培训人数", "≥{count}人", "人"),
    ("产出指标", "质量指标", "验收合格率", "=100%", "%"),
    ("产出指标", "时效指标", "完工时间", "≤{year}-11-30", ""),
    ("产出指标", "成本指标", "单位成本", "≤{cost}万元", "万元"),
    ("效益指标", "社会效益指标", "受益人数", "≥{count}人", "人"),
    ("效益指标", "可持续影响指标", "长效机制", "定性：建立长效管护机制", ""),
    ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "%"),
    ("效益指标", "经济效益指标", "带动社会投资", "≥{cost}万元", "万元"),
]
CATEGORY_OF = {"数量指标": "quantity", "质量指标": "quality", "时效指标": "timeliness", "成本指标": "cost",
               "社会效益指标": "social", "可持续影响指标": "sustainability",
               "服务对象满意度指标": "beneficiary_satisfaction", "经济效益指标": "economic"}  # fmt: skip


def unit_code(number: int) -> str:
    return f"LB{number:04d}"


def project_code(year: int, number: int) -> str:
    return f"LB{year}-{number:06d}"


@dataclass(frozen=True)
class Scale:
    """A generated province: `projects` projects of `year`, spread over the generated units."""

    projects: int
    year: int
    seed: int = 11

    def _random(self, salt: str) -> random.Random:
        return random.Random(f"{self.seed}-{self.year}-{salt}")

    # ----- the files ----------------------------------------------------------------------------------

    def organisations_rows(self):
        yield ["机构编码", "机构名称", "机构类型", "上级机构编码"]
        for number in range(1, TOWNS + 1):
            yield [unit_code(number), f"基准镇{number}", "镇", ""]
        for number in range(TOWNS + 1, UNITS + 1):
            yield [unit_code(number), f"基准单位{number}", "一级预算单位", ""]

    def project_rows(self):
        """(file row, stored values) of each project."""
        draw = self._random("projects")
        for number in range(1, self.projects + 1):
            fiscal = Decimal(draw.randrange(50_000, 5_000_000, 100))
            other = Decimal(draw.randrange(0, 500_000, 100)) if number % 4 == 0 else Decimal(0)
            adjusted = fiscal + Decimal(draw.randrange(0, 200_000, 100)) if number % 5 == 0 else None
            start, end = date(self.year, 1 + number % 3, 1), date(self.year, 10 + number % 3, 28)
            values = {
                "code": project_code(self.year, number),
                "name": f"基准项目{number}",
                "year": self.year,
                "unit": unit_code(1 + number % UNITS),
                "project_type": "department_special" if number % 3 else "fiscal_special",
                "responsible_person": f"负责人{number % 997}",
                "responsible_phone": f"0571-{80000000 + number}",
                "start_date": start,
                "end_date": end,
                "is_key_project": number % 50 == 0,
                "initial_fiscal": fiscal,
                "initial_other": other,
                "adjusted_fiscal": adjusted,
                "adjusted_other": None,
            }
            row = [
                self.year,
                values["code"],
                values["name"],
                values["unit"],
                "部门预算专项" if number % 3 else "财政专项资金",
                values["responsible_person"],
                values["responsible_phone"],
                start.isoformat(),
                end.isoformat(),
                "是" if values["is_key_project"] else "否",
                f"{fiscal}",
                f"{other}",
                "" if adjusted is None else f"{adjusted}",
                "",
            ]
            yield row, values

    PROJECT_HEADER = [c.template_label for c in COLUMNS[LoadKind.PROJECTS]]

    def target_rows(self):
        """(code, goal, [(file row, indicator values)]) of each project."""
        draw = self._random("targets")
        for number in range(1, self.projects + 1):
            code = project_code(self.year, number)
            goal = f"完成基准项目{number}的年度建设任务，服务群众。"
            indicators = []
            for position, (level1, category, name, pattern, unit) in enumerate(
                INDICATORS[: 8 if number % 2 else 7], start=1
            ):
                text = pattern.format(
                    count=draw.randrange(100, 5000), cost=draw.randrange(1, 90), year=self.year
                )
                target = parse_target(text)
                if unit:
                    target["unit"] = unit if target["value_type"] != "percent" else "%"
                values = {
                    "position": position,
                    "category": CATEGORY_OF[category],
                    "name": name,
                    "unit": target.get("unit", ""),
                    "comparator": target["comparator"],
                    "value_type": target["value_type"],
                    "target_number": target.get("target_number"),
                    "target_date": target.get("target_date"),
                    "target_text": target.get("target_text", ""),
                }
                values["progress_type"] = infer_progress_type(
                    values["category"], name, values["unit"], values["value_type"]
                )
                row = [self.year, code, goal if position == 1 else "", level1, category, name, text, unit]
                indicators.append((row, values))
            yield code, goal, indicators

    TARGET_HEADER = [
        "预算年度",
        "项目编码",
        "年度总体目标",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "计量单位",
    ]
    PAYMENT_HEADER = [
        "预算年度",
        "项目编码",
        "月份",
        "支付数·财政拨款（元）",
        "支付数·其他资金（元）",
        "用款计划（元）",
    ]

    def payment_rows(self):
        """(file row, code, month, paid fiscal, paid other, planned) of each project month."""
        draw = self._random("payments")
        for number in range(1, self.projects + 1):
            code = project_code(self.year, number)
            for month in range(1, 13):
                fiscal = Decimal(draw.randrange(0, 400_000)) / 100
                other = Decimal(draw.randrange(0, 40_000)) / 100 if number % 4 == 0 else Decimal("0.00")
                planned = Decimal(draw.randrange(0, 500_000)) / 100
                row = [self.year, code, month, f"{fiscal:.2f}", f"{other:.2f}", f"{planned:.2f}"]
                yield row, code, month, fiscal, other, planned

    def write_csv(self, path, header, rows) -> None:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)

    def write_files(self, folder) -> dict:
        """The four files of the province, written once per scale and reused."""
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{self.year}-{self.projects}-{self.seed}"
        paths = {
            LoadKind.ORGANISATIONS: folder / "organisations.csv",
            LoadKind.PROJECTS: folder / f"projects-{stem}.csv",
            LoadKind.TARGETS: folder / f"targets-{stem}.csv",
            LoadKind.PAYMENTS: folder / f"payments-{stem}.csv",
        }
        makers = {
            LoadKind.ORGANISATIONS: (None, self.organisations_rows),
            LoadKind.PROJECTS: (self.PROJECT_HEADER, lambda: (row for row, _v in self.project_rows())),
            LoadKind.TARGETS: (
                self.TARGET_HEADER,
                lambda: (row for _c, _g, items in self.target_rows() for row, _v in items),
            ),
            LoadKind.PAYMENTS: (self.PAYMENT_HEADER, lambda: (item[0] for item in self.payment_rows())),
        }
        for kind, path in paths.items():
            if not path.exists():
                header, rows = makers[kind]
                partial = path.with_suffix(".part")
                if header is None:
                    rows_iter = rows()
                    self.write_csv(partial, next(rows_iter), rows_iter)
                else:
                    self.write_csv(partial, header, rows())
                partial.rename(path)
        return paths

    def write_workbook(self, source, path) -> None:
        """The CSV at `source` as the .xlsx a data manager uploads (years and whole yuan as numbers)."""
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("导出")
        with open(source, encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                sheet.append(
                    [int(cell) if cell.isdigit() else put_value(WriteOnlyCell(sheet), cell) for cell in row]
                )
        workbook.save(path)

    # ----- the same rows for COPY ---------------------------------------------------------------------

    def project_copy(self) -> tuple[list[str], str, list[str], str, list[str], str]:
        """COPY text of the projects (with their current target), their first target versions and their
        indicators, with ids above every stored one."""
        units = dict(Organisation.objects.filter(code__startswith="LB").values_list("code", "pk"))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {Project._meta.db_table}")
            next_project = cursor.fetchone()[0] + 1
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {TargetVersion._meta.db_table}")
            next_version = cursor.fetchone()[0] + 1
        now = timezone.now().isoformat()
        project_columns = ["id", "code", "name", "year", "owner_id", "project_type", "responsible_person",
                           "responsible_phone", "start_date", "end_date", "is_key_project", "initial_fiscal",
                           "initial_other", "adjusted_fiscal", "adjusted_other", "current_target_id"]  # fmt: skip
        version_columns = ["id", "project_id", "number", "annual_goal", "reason", "approved_at", "source_url"]
        indicator_columns = ["version_id", "position", "category", "name", "unit", "comparator", "value_type",
                             "target_number", "target_date", "target_text", "progress_type"]  # fmt: skip
        projects, versions, indicators = io.StringIO(), io.StringIO(), io.StringIO()
        targets = self.target_rows()
        for offset, (_row, values) in enumerate(self.project_rows()):
            project_id, version_id = next_project + offset, next_version + offset
            _code, goal, items = next(targets)
            stored = [project_id, values["code"], values["name"], self.year, units[values["unit"]]]
            stored += [values[name] for name in project_columns[5:15]] + [version_id]
            projects.write("\t".join(_copy_text(v) for v in stored) + "\n")
            versions.write(f"{version_id}\t{project_id}\t1\t{goal}\t\t{now}\t\n")
            for _row, item in items:
                line = [version_id] + [item[name] for name in indicator_columns[1:]]
                indicators.write("\t".join(_copy_text(v) for v in line) + "\n")
        return (
            project_columns,
            projects.getvalue(),
            version_columns,
            versions.getvalue(),
            indicator_columns,
            indicators.getvalue(),
        )

    def payment_copy(self) -> tuple[list[str], str]:
        projects = dict(
            Project.objects.filter(year=self.year, code__startswith="LB").values_list("code", "pk")
        )
        text = io.StringIO()
        for _row, code, month, fiscal, other, planned in self.payment_rows():
            text.write(f"{projects[code]}\t{month}\t{fiscal:.2f}\t{other:.2f}\t{planned:.2f}\n")
        return ["project_id", "month", "paid_fiscal", "paid_other", "planned"], text.getvalue()


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


def copy_into(model, columns: list[str], text: str) -> None:
    """COPY rows into a model's table on the current connection."""
    sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        copy.write(text)
