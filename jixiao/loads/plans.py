"""What a file would do: every row read, checked and compared with what is stored, without writing.

Each `plan_<kind>` reads what it needs in a few set-based queries (by chunks of keys) and returns a Plan:
the rows to create, the changes (old → new) and how many rows are left alone, or the problems that
refuse the whole file. The rows are walked as a stream and kept as plain values, never as model instances,
so that a province's file (100,000 projects, 1,200,000 months) stays within memory; on PostgreSQL a
payments file is staged and compared in SQL.
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache, partial

from django.core.exceptions import ValidationError
from django.db import connection

from jixiao.core.bulk import is_postgresql
from jixiao.core.formatting import wan
from jixiao.loads.columns import COLUMNS
from jixiao.loads.models import LoadKind
from jixiao.loads.parsing import CellError, LoadRefused, Problem, Table, cell_reader
from jixiao.monitoring.models import AnalysisReport, MonitoringCycle
from jixiao.organisations.models import (
    ALLOWED_PARENT_KINDS,
    BUDGET_UNIT_KINDS,
    Organisation,
    OrganisationKind,
)
from jixiao.projects.models import (
    CATEGORY_LEVEL1,
    ZERO,
    Indicator,
    IndicatorCategory,
    IndicatorLevel1,
    ProgressType,
    Project,
    ProjectMonth,
    ProjectType,
    TargetVersion,
    ValueType,
)
from jixiao.projects.services import SPEC_FIELDS, IndicatorSpec, indicator_problems
from jixiao.projects.targets import TargetTextError, parse_target

CHUNK = 500
DIFF_LIMIT = 2000  # entries of each list kept for the preview and the history


@dataclass
class Plan:
    """The rows a file creates and changes (the first DIFF_LIMIT of each kept for display, all of them
    counted and in the fingerprint) and how many it leaves alone."""

    kind: str
    created: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)
    writes: dict = field(default_factory=dict)  # what the apply step writes, by loader
    created_count: int = 0
    changed_count: int = 0
    digest: "hashlib._Hash" = field(default_factory=hashlib.sha256)

    def add_created(self, entry, signature=None) -> None:
        """`entry` is the preview's line (or a function making it, called only when it is shown);
        `signature` what identifies the change when the entry is not built (the entry itself by default)."""
        self.created_count += 1
        self._add(self.created, entry, signature, b"+")

    def add_changed(self, entry, signature=None) -> None:
        self.changed_count += 1
        self._add(self.changed, entry, signature, b"~")

    def _add(self, shown: list, entry, signature, mark: bytes) -> None:
        if len(shown) < DIFF_LIMIT:
            shown.append(entry() if callable(entry) else entry)
            signature = signature if signature is not None else shown[-1]
        elif callable(entry) and signature is None:
            signature = entry()
        self.digest.update(mark + json.dumps(signature, sort_keys=True, default=str).encode())

    @property
    def counts(self) -> dict:
        return {"created": self.created_count, "changed": self.changed_count, "unchanged": self.unchanged}

    @property
    def fingerprint(self) -> str:
        """Identifies exactly what the plan would do, so a confirmation can check nothing moved since."""
        final = self.digest.copy()
        final.update(f"={self.unchanged}".encode())
        return final.hexdigest()

    def diff(self) -> dict:
        return {
            "created": self.created,
            "changed": self.changed,
            "notes": self.notes,
            "truncated": self.created_count > len(self.created) or self.changed_count > len(self.changed),
        }


def chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _show(value) -> str:
    """A value as the preview shows it; money in 万元 with the exact yuan beside it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return f"{wan(value)}万元（{value:,.2f}元）"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class _Reader:
    """Types the cells of a table's rows and collects every problem with its sheet, row and column."""

    def __init__(self, table: Table, kind: str):
        self.table = table
        self.columns = {c.field: c for c in COLUMNS[kind]}
        self.problems: list[Problem] = []

    def present(self, name: str) -> bool:
        return name in self.table.columns

    def rows(self):
        """(row number, {field: typed value}) of every row whose cells all read."""
        cells_of = [
            (name, index, cell_reader(self.columns[name].kind, in_wan), self.columns[name].required)
            for name, (index, in_wan) in self.table.columns.items()
        ]
        for number, cells in self.table.rows:
            values, ok, width = {}, True, len(cells)
            for name, index, read, required in cells_of:
                try:
                    value = read(cells[index] if index < width else None)
                except CellError as exc:
                    self.problem(str(exc), number, name)
                    ok = False
                    continue
                values[name] = value
                if value is None and required:
                    self.problem(f"“{self.columns[name].label}”不能为空。", number, name)
                    ok = False
            if ok:
                yield number, values

    def problem(self, message: str, row: int | None = None, name: str = "") -> None:
        column = self.table.column_label(name) if name else ""
        self.problems.append(Problem(message, self.table.sheet, row, column))

    def check(self) -> None:
        if self.problems:
            raise LoadRefused(self.problems, self.table)


def _validation_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [message for messages in exc.message_dict.values() for message in messages]
    return exc.messages


# ----- projects -------------------------------------------------------------------------------------

PROJECT_FIELDS = [
    "name",
    "project_type",
    "responsible_person",
    "responsible_phone",
    "start_date",
    "end_date",
    "is_key_project",
    "initial_fiscal",
    "initial_other",
    "adjusted_fiscal",
    "adjusted_other",
]
AMOUNT_FIELDS = {"initial_fiscal", "initial_other", "adjusted_fiscal", "adjusted_other"}
PROJECT_TYPES = {str(label): value for value, label in ProjectType.choices} | {
    v: v for v in ProjectType.values
}
BLANK_TO = {
    "initial_other": ZERO,
    "initial_fiscal": ZERO,
    "responsible_person": "",
    "responsible_phone": "",
    "is_key_project": False,
}
# Details the bureau may also keep by hand: a blank cell leaves the stored value (a blank adjusted budget,
# by contrast, means “not adjusted”).
KEPT_WHEN_BLANK = {"responsible_person", "responsible_phone", "start_date", "end_date", "is_key_project"}


def _project_labels() -> dict[str, str]:
    return {name: str(Project._meta.get_field(name).verbose_name) for name in [*PROJECT_FIELDS, "owner"]}


def existing_projects(keys: set[tuple[int, str]], fields=None, related=()) -> dict[tuple[int, str], Project]:
    """Stored projects by (year, code), read in chunks of codes per year."""
    by_year = defaultdict(list)
    for year, code in keys:
        by_year[year].append(code)
    found = {}
    for year, codes in by_year.items():
        for part in chunks(sorted(codes)):
            queryset = Project.objects.filter(year=year, code__in=part).select_related(*related)
            if fields:
                queryset = queryset.only(*fields)
            for project in queryset:
                found[(project.year, project.code)] = project
    return found


def plan_projects(table: Table, options: dict) -> Plan:
    reader = _Reader(table, LoadKind.PROJECTS)
    rows = {}
    for number, values in reader.rows():
        key = (values["year"], values["code"])
        if key in rows:
            reader.problem(f"项目编码“{values['code']}”在文件中重复（第{rows[key][0]}行）。", number, "code")
            continue
        project_type = PROJECT_TYPES.get(values["project_type"])
        if project_type is None:
            reader.problem(
                f"项目类型“{values['project_type']}”应为“部门预算专项”或“财政专项资金”。",
                number,
                "project_type",
            )
            continue
        values["project_type"] = project_type
        rows[key] = (number, values)
    units = {
        org.code: org
        for part in chunks(sorted({v["unit_code"] for _n, v in rows.values()}))
        for org in Organisation.objects.filter(code__in=part)
    }
    stored = project_values(rows, "id", "owner_id", "owner__name", *PROJECT_FIELDS)
    labels = _project_labels()
    plan = Plan(LoadKind.PROJECTS)
    present = [name for name in PROJECT_FIELDS if reader.present(name)]
    to_create, to_update, changed_fields, amount_changed = [], [], set(), []
    for key, (number, values) in rows.items():
        unit = units.get(values["unit_code"])
        if unit is None or unit.kind not in BUDGET_UNIT_KINDS:
            reader.problem(f"找不到编码为“{values['unit_code']}”的镇或预算单位。", number, "unit_code")
            continue
        old = stored.get(key)
        new = {
            name: values[name] if values[name] is not None else BLANK_TO.get(name)
            for name in present
            if values[name] is not None or old is None or name not in KEPT_WHEN_BLANK
        }
        before = PROJECT_DEFAULTS if old is None else dict(zip(PROJECT_FIELDS, old[3:], strict=True))
        after = {**before, **new}
        problems = _project_problems(key, unit, after)
        if problems:
            for message in problems:
                reader.problem(message, number)
            continue
        if old is None:
            to_create.append((key[1], key[0], unit.pk, *(after[name] for name in PROJECT_FIELDS)))
            plan.add_created({"key": f"{key[0]} {key[1]}", "label": values["name"], "unit": unit.name})
            continue
        project_id, owner_id, owner_name = old[:3]
        moved = [name for name in new if before[name] != new[name]]
        differences = {labels[name]: [_show(before[name]), _show(new[name])] for name in moved}
        if owner_id != unit.pk:
            differences[labels["owner"]] = [owner_name, unit.name]
        if not differences:
            plan.unchanged += 1
            continue
        to_update.append((project_id, unit.pk, after))
        changed_fields.update(moved)
        if owner_id != unit.pk:
            changed_fields.add("owner_id")
        if AMOUNT_FIELDS & set(moved):
            amount_changed.append(project_id)
        plan.add_changed({"key": f"{key[0]} {key[1]}", "label": after["name"], "fields": differences})
    reader.check()
    fields = sorted(changed_fields)
    plan.writes = {
        "create": to_create,
        "fields": fields,
        "update": [
            (pk, *(owner if name == "owner_id" else after[name] for name in fields))
            for pk, owner, after in to_update
        ],
        "recompute": amount_changed,
    }
    return plan


PROJECT_DEFAULTS = {name: Project._meta.get_field(name).get_default() for name in PROJECT_FIELDS}
PROJECT_COLUMNS = ["code", "year", "owner_id", *PROJECT_FIELDS]
_TEXT_LIMITS = {"name": 200, "responsible_person": 40, "responsible_phone": 40}
_AMOUNT_LIMIT = Decimal(10) ** 14  # max_digits 16 with 2 decimal places


def _project_problems(key: tuple[int, str], unit: Organisation, values: dict) -> list[str]:
    """What the model's checks find wrong with a project's new values (nothing when it may be stored);
    they run in full only when a quick look finds something out of bounds."""
    year, code = key
    plain = (
        year <= 32767
        and 0 < len(code) <= 40
        and values["name"]
        and all(len(values[name]) <= limit for name, limit in _TEXT_LIMITS.items())
        and all(values[name] is None or values[name] < _AMOUNT_LIMIT for name in AMOUNT_FIELDS)
        and values["initial_fiscal"] is not None
        and values["initial_other"] is not None
        and not (values["start_date"] and values["end_date"] and values["end_date"] < values["start_date"])
    )
    if plain:
        return []
    project = Project(year=year, code=code, owner=unit, **values)
    try:
        project.clean_fields(exclude=["owner", "current_target", "agencies"])
        project.clean()
    except ValidationError as exc:
        return _validation_messages(exc)
    return []


# ----- monthly payments and plan --------------------------------------------------------------------

MONTH_FIELDS = ["paid_fiscal", "paid_other", "planned"]
PLAN_PARTS = ["planned_fiscal", "planned_other"]


def plan_payments(table: Table, options: dict) -> Plan:
    reader = _Reader(table, LoadKind.PAYMENTS)
    # A plan split into 财政拨款 and 其他资金 is stored as its total.
    plan_parts = [name for name in PLAN_PARTS if reader.present(name)]
    present = [name for name in MONTH_FIELDS if reader.present(name) or (name == "planned" and plan_parts)]
    if not present:
        reader.problem(
            "文件中没有支付数或用款计划列（支付数·财政拨款、支付数·其他资金、用款计划）。", table.header_row
        )
    reader.check()
    if is_postgresql():
        return _plan_payments_staged(reader, plan_parts, present)
    # Only the amounts a row gives are loaded: a blank cell leaves what is stored (0 for a new month).
    totals: dict[tuple[int, str, int], dict] = {}
    first_row: dict[tuple[int, str, int], int] = {}
    merged = 0
    for number, values in reader.rows():
        parts = [values[name] for name in plan_parts if values[name] is not None]
        if parts:
            if values.get("planned") is not None:
                reader.problem("“用款计划”与其分项（财政拨款、其他资金）只能填一种。", number, "planned")
                continue
            values["planned"] = sum(parts, ZERO)
        given = {name: values[name] for name in present if values.get(name) is not None}
        key = (values["year"], values["code"], values["month"])
        if key in totals:
            merged += 1
            for name, amount in given.items():
                totals[key][name] = totals[key].get(name, ZERO) + amount
        else:
            totals[key] = given
            first_row[key] = number
    projects = existing_projects({(y, c) for y, c, _m in totals}, fields=["id", "year", "code", "name"])
    missing = sorted({(y, c) for y, c, _m in totals} - set(projects))
    for year, code in missing[:200]:
        row = next(first_row[k] for k in totals if k[:2] == (year, code))
        reader.problem(f"找不到{year}年度项目编码为“{code}”的项目（请先加载项目）。", row, "code")
    reader.check()
    project_ids = [p.pk for p in projects.values()]
    stored = {}
    for part in chunks(project_ids):
        for row in ProjectMonth.objects.filter(project_id__in=part).values_list(
            "project_id", "month", "id", *MONTH_FIELDS
        ):
            stored[(row[0], row[1])] = row[2:]
    plan = Plan(LoadKind.PAYMENTS)
    labels = {name: str(ProjectMonth._meta.get_field(name).verbose_name) for name in MONTH_FIELDS}
    create, update, touched = [], [], defaultdict(lambda: 13)
    paid_fields = [name for name in present if name != "planned"]
    for (year, code, month), amounts in totals.items():
        project = projects[(year, code)]
        old = stored.get((project.pk, month))
        key = f"{year} {code} {month}月"
        if old is None:
            create.append(ProjectMonth(project_id=project.pk, month=month, **amounts))
            plan.add_created(
                lambda key=key, project=project, amounts=amounts: {
                    "key": key,
                    "label": project.name,
                    "values": {labels[n]: _show(v) for n, v in amounts.items()},
                },
                signature=[key, [str(v) for v in amounts.values()]],
            )
            moved_paid = any(amounts.get(name) for name in paid_fields)
        else:
            old_values = dict(zip(MONTH_FIELDS, old[1:], strict=True))
            moved = [name for name in amounts if old_values[name] != amounts[name]]
            if not moved:
                plan.unchanged += 1
                continue
            update.append(
                ProjectMonth(pk=old[0], project_id=project.pk, month=month, **{**old_values, **amounts})
            )
            plan.add_changed(
                lambda key=key, project=project, old_values=old_values, amounts=amounts, moved=moved: {
                    "key": key,
                    "label": project.name,
                    "fields": {labels[n]: [_show(old_values[n]), _show(amounts[n])] for n in moved},
                },
                signature=[key, {n: [str(old_values[n]), str(amounts[n])] for n in moved}],
            )
            moved_paid = any(name in paid_fields for name in moved)
        if moved_paid:
            touched[project.pk] = min(touched[project.pk], month)
    locked = _locked_periods(list(touched))
    for project_id, month in touched.items():
        if project_id in locked and month <= locked[project_id][0]:
            project = next(p for p in projects.values() if p.pk == project_id)
            reader.problem(
                f"项目“{project.code} {project.name}”的《{locked[project_id][1]}》监控分析表已报送（锁定），"
                f"1—{locked[project_id][0]}月的支付数不能再变动（文件变动了{month}月起的支付数）。"
            )
    reader.check()
    if merged:
        plan.notes.append(f"有 {merged} 行与前面的行属于同一项目同一月份，金额已合并相加。")
    plan.writes = {"create": create, "update": update, "recompute": dict(touched)}
    return plan


# On PostgreSQL a treasury file's rows are copied into a staging table and compared with the stored
# months in SQL: a province's 1,200,000 months are never held in memory. The table lives until the load is
# applied (in the same transaction) or the next payments file is planned on the connection.
STAGED_ROWS, STAGED = "loads_payment_rows", "loads_payment_plan"


def _plan_payments_staged(reader: _Reader, plan_parts: list[str], present: list[str]) -> Plan:
    """plan_payments with the merging, matching and comparing done by the database (same outcome)."""
    months, projects = ProjectMonth._meta.db_table, Project._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGED_ROWS}, {STAGED}")
        cursor.execute(
            f"CREATE TEMP TABLE {STAGED_ROWS} (row integer, year integer, code text, month smallint, "
            "paid_fiscal numeric, paid_other numeric, planned numeric)"
        )
        given = [name if name in present else None for name in MONTH_FIELDS]
        with cursor.copy(f"COPY {STAGED_ROWS} FROM STDIN") as copy:
            for number, values in reader.rows():
                parts = [values[name] for name in plan_parts if values[name] is not None]
                if parts:
                    if values.get("planned") is not None:
                        reader.problem(
                            "“用款计划”与其分项（财政拨款、其他资金）只能填一种。", number, "planned"
                        )
                        continue
                    values["planned"] = sum(parts, ZERO)
                copy.write_row(
                    (number, values["year"], values["code"], values["month"], *(values.get(n) for n in given))
                )
        cursor.execute(
            f"""CREATE TEMP TABLE {STAGED} AS
            SELECT s.*, p.id AS project_id, p.name AS name, m.id AS month_id, m.paid_fiscal AS old_paid_fiscal,
                   m.paid_other AS old_paid_other, m.planned AS old_planned, ''::text AS state, false AS touched
            FROM (SELECT year, code, month, min(row) AS row, count(*) AS rows, sum(paid_fiscal) AS paid_fiscal,
                         sum(paid_other) AS paid_other, sum(planned) AS planned
                  FROM {STAGED_ROWS} GROUP BY year, code, month) AS s
            LEFT JOIN {projects} AS p ON p.year = s.year AND p.code = s.code
            LEFT JOIN {months} AS m ON m.project_id = p.id AND m.month = s.month"""
        )
        cursor.execute(
            f"SELECT year, code, min(row) FROM {STAGED} WHERE project_id IS NULL "
            'GROUP BY year, code ORDER BY year, code COLLATE "C" LIMIT 200'
        )
        for year, code, row in cursor.fetchall():
            reader.problem(f"找不到{year}年度项目编码为“{code}”的项目（请先加载项目）。", row, "code")
        reader.check()
        moved = " OR ".join(f"({n} IS NOT NULL AND {n} <> old_{n})" for n in MONTH_FIELDS)
        moved_paid = " OR ".join(
            f"({n} IS NOT NULL AND {n} <> old_{n})" for n in MONTH_FIELDS if n != "planned"
        )
        cursor.execute(
            f"""UPDATE {STAGED} SET
                state = CASE WHEN month_id IS NULL THEN 'created' WHEN {moved} THEN 'changed' ELSE '' END,
                touched = CASE WHEN month_id IS NULL THEN COALESCE(paid_fiscal, 0) <> 0 OR COALESCE(paid_other, 0) <> 0
                               ELSE COALESCE({moved_paid}, false) END"""
        )
        plan = Plan(LoadKind.PAYMENTS)
        cursor.execute(f"SELECT state, count(*), sum(rows) FROM {STAGED} GROUP BY state")
        counts = {state: (count, rows) for state, count, rows in cursor.fetchall()}
        plan.created_count = counts.get("created", (0, 0))[0]
        plan.changed_count = counts.get("changed", (0, 0))[0]
        plan.unchanged = counts.get("", (0, 0))[0]
        merged = sum(rows for _count, rows in counts.values()) - sum(
            count for count, _rows in counts.values()
        )
        cursor.execute(
            f"SELECT project_id, min(month) FROM {STAGED} WHERE touched GROUP BY project_id ORDER BY min(row)"
        )
        touched = dict(cursor.fetchall())
        cursor.execute(
            f"""SELECT p.code, p.name, t.month, l.period_end_month, l.name
            FROM (SELECT project_id, min(month) AS month, min(row) AS row FROM {STAGED} WHERE touched
                  GROUP BY project_id) AS t
            JOIN (SELECT DISTINCT ON (r.project_id) r.project_id, c.period_end_month, c.name
                  FROM {AnalysisReport._meta.db_table} AS r JOIN {MonitoringCycle._meta.db_table} AS c
                       ON c.id = r.cycle_id
                  WHERE r.locked AND r.project_id IN (SELECT project_id FROM {STAGED} WHERE touched)
                  ORDER BY r.project_id, c.period_end_month DESC, r.id) AS l ON l.project_id = t.project_id
            JOIN {projects} AS p ON p.id = t.project_id
            WHERE t.month <= l.period_end_month ORDER BY t.row"""
        )
        for code, name, month, locked_month, cycle in cursor.fetchall():
            reader.problem(
                f"项目“{code} {name}”的《{cycle}》监控分析表已报送（锁定），"
                f"1—{locked_month}月的支付数不能再变动（文件变动了{month}月起的支付数）。"
            )
        reader.check()
        labels = {name: str(ProjectMonth._meta.get_field(name).verbose_name) for name in MONTH_FIELDS}
        for state, shown in (("created", plan.created), ("changed", plan.changed)):
            cursor.execute(
                f"SELECT year, code, month, name, {', '.join(MONTH_FIELDS)}, "
                f"{', '.join('old_' + n for n in MONTH_FIELDS)} FROM {STAGED} WHERE state = %s "
                "ORDER BY row LIMIT %s",
                [state, DIFF_LIMIT],
            )
            for year, code, month, name, *amounts in cursor.fetchall():
                new, old = (
                    dict(zip(MONTH_FIELDS, amounts[:3], strict=True)),
                    dict(zip(MONTH_FIELDS, amounts[3:], strict=True)),
                )
                entry = {"key": f"{year} {code} {month}月", "label": name}
                if state == "created":
                    entry["values"] = {labels[n]: _show(v) for n, v in new.items() if v is not None}
                else:
                    entry["fields"] = {
                        labels[n]: [_show(old[n]), _show(v)]
                        for n, v in new.items()
                        if v is not None and v != old[n]
                    }
                shown.append(entry)
        line = " || ' ' || ".join(
            ["state", "year", "code", "month"]
            + [f"COALESCE({n}::text, '-')" for n in MONTH_FIELDS]
            + [f"COALESCE(old_{n}::text, '-')" for n in MONTH_FIELDS]
        )
        cursor.execute(
            f"SELECT md5(COALESCE(string_agg({line}, E'\\n' ORDER BY row), '')) FROM {STAGED} WHERE state <> ''"
        )
        plan.digest.update(cursor.fetchone()[0].encode())
    if merged:
        plan.notes.append(f"有 {merged} 行与前面的行属于同一项目同一月份，金额已合并相加。")
    plan.writes = {"staged": True, "recompute": touched}
    return plan


def apply_staged_payments() -> None:
    """Write the months a staged plan creates and changes, then drop the staging tables."""
    months = ProjectMonth._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {months} (project_id, month, {', '.join(MONTH_FIELDS)}) "
            f"SELECT project_id, month, {', '.join(f'COALESCE({n}, 0)' for n in MONTH_FIELDS)} "
            f"FROM {STAGED} WHERE state = 'created'"
        )
        settings = ", ".join(f"{n} = COALESCE(s.{n}, m.{n})" for n in MONTH_FIELDS)
        cursor.execute(
            f"UPDATE {months} AS m SET {settings} FROM {STAGED} AS s WHERE s.state = 'changed' AND m.id = s.month_id"
        )
        cursor.execute(f"DROP TABLE {STAGED_ROWS}, {STAGED}")


def _locked_periods(project_ids: list[int]) -> dict[int, tuple[int, str]]:
    """Project id -> (the latest month covered by a sent, locked report, that report's cycle name)."""
    locked = {}
    for part in chunks(project_ids):
        for project_id, month, name in AnalysisReport.objects.filter(
            project_id__in=part, locked=True
        ).values_list("project_id", "cycle__period_end_month", "cycle__name"):
            if project_id not in locked or month > locked[project_id][0]:
                locked[project_id] = (month, name)
    return locked


# ----- goals and indicators -------------------------------------------------------------------------

CATEGORIES = {}
for _value, _label in IndicatorCategory.choices:
    CATEGORIES[str(_label)] = _value
    CATEGORIES[str(_label).removesuffix("指标")] = _value
LEVEL1 = {}
for _value, _label in IndicatorLevel1.choices:
    LEVEL1[str(_label)] = _value
    LEVEL1[str(_label).removesuffix("指标")] = _value
PROGRESS_TYPES = {str(label): value for value, label in ProgressType.choices} | {
    v: v for v in ProgressType.values
}
PROGRESS_TYPES |= {str(label).removesuffix("型"): value for value, label in ProgressType.choices}
LEVEL_WORDS = ("满意度", "合格率", "率")


def infer_progress_type(category: str, name: str, unit: str, value_type: str) -> str:
    """水平型 for satisfaction, pass rates and other rates (and percentages); counts and amounts accumulate."""
    if category == IndicatorCategory.BENEFICIARY_SATISFACTION or value_type == ValueType.PERCENT:
        return ProgressType.LEVEL
    if any(word in name or word in unit for word in LEVEL_WORDS):
        return ProgressType.LEVEL
    return ProgressType.CUMULATIVE


def _spec_line(spec: IndicatorSpec) -> str:
    """An indicator as the preview lists it; the target written as the model writes it."""
    progress = ProgressType(spec.progress_type).label
    target = Indicator.target_display.fget(spec)
    return f"{IndicatorCategory(spec.category).label}·{spec.name} {target}（{progress}）"


@lru_cache(maxsize=65536)
def _parsed_target(text: str) -> tuple:
    """parse_target, once per distinct text (a province's tables repeat their targets)."""
    return tuple(parse_target(text).items())


@lru_cache(maxsize=65536)
def _checked_spec(category: str, name: str, progress: str, target: tuple) -> tuple[IndicatorSpec, list[str]]:
    """An indicator and what is wrong with it, once per distinct indicator (shared by the projects that
    have the same one)."""
    spec = IndicatorSpec(category=category, name=name, progress_type=progress, **dict(target))
    return spec, indicator_problems(spec)


def _spec_text(specs: list[IndicatorSpec]) -> str:
    """The indicators as one stable string, for the plan's fingerprint."""
    return "\x1e".join(
        f"{s.category}\x1f{s.name}\x1f{s.comparator}\x1f{s.value_type}\x1f{s.unit}\x1f{s.target_number}"
        f"\x1f{s.target_date}\x1f{s.target_text}\x1f{s.progress_type}"
        for s in specs
    )


def project_values(keys, *fields) -> dict[tuple[int, str], tuple]:
    """Stored projects' `fields` by (year, code), read in chunks of codes per year."""
    by_year = defaultdict(list)
    for year, code in keys:
        by_year[year].append(code)
    found = {}
    for year, codes in by_year.items():
        for part in chunks(sorted(codes)):
            for code, *values in Project.objects.filter(year=year, code__in=part).values_list(
                "code", *fields
            ):
                found[(year, code)] = tuple(values)
    return found


def plan_targets(table: Table, options: dict) -> Plan:
    reader = _Reader(table, LoadKind.TARGETS)
    overrides = options.get("progress", {})
    # (year, code) -> [goal, first row read, specs, positions of the inferred progress types]
    groups: dict[tuple[int, str], list] = {}
    for number, values in reader.rows():
        key = (values["year"], values["code"])
        group = groups.get(key)
        if group is None:
            group = groups[key] = ["", None, [], []]
        if values.get("annual_goal") and not group[0]:
            group[0] = values["annual_goal"]
        category = CATEGORIES.get(values["category"])
        if category is None:
            reader.problem(
                f"二级指标“{values['category']}”不是规定的二级指标（如 数量指标、质量指标、时效指标…）。",
                number,
                "category",
            )
            continue
        level1 = values.get("level1")
        if level1 and LEVEL1.get(level1) != CATEGORY_LEVEL1[category]:
            reader.problem(f"一级指标“{level1}”与二级指标“{values['category']}”不符。", number, "level1")
            continue
        name = values["name"]
        if any(spec.name == name for spec in group[2]):
            reader.problem(f"项目“{values['code']}”的三级指标“{name}”重复。", number, "name")
            continue
        try:
            target = dict(_parsed_target(values["target"]))
        except TargetTextError as exc:
            reader.problem(str(exc), number, "target")
            continue
        if values.get("unit"):
            target["unit"] = values["unit"] if target["value_type"] != ValueType.PERCENT else "%"
        if values.get("progress_type"):
            progress = PROGRESS_TYPES.get(values["progress_type"])
            if progress is None:
                reader.problem(
                    f"进度类型“{values['progress_type']}”应为“累计型”或“水平型”。", number, "progress_type"
                )
                continue
            inferred = False
        else:
            progress = infer_progress_type(category, name, target.get("unit", ""), target["value_type"])
            inferred = True
        if overrides and overrides.get(f"{key[0]}|{key[1]}|{name}") in ProgressType.values:
            progress, inferred = overrides[f"{key[0]}|{key[1]}|{name}"], False
        spec, problems = _checked_spec(category, name, progress, tuple(target.items()))
        if problems:
            for message in problems:
                reader.problem(message, number, "target")
            continue
        if group[1] is None:
            group[1] = number
        group[2].append(spec)
        if inferred:
            group[3].append(len(group[2]) - 1)
    projects = project_values(groups, "id", "name", "current_target_id")
    for (year, code), group in groups.items():
        if (year, code) not in projects:
            reader.problem(f"找不到{year}年度项目编码为“{code}”的项目（请先加载项目）。", group[1], "code")
    reader.check()
    plan = Plan(LoadKind.TARGETS)
    writes = []
    for part in chunks(list(groups.items())):
        # What is stored is read a chunk of projects at a time, so that a province's targets are never all
        # in memory twice.
        versions = [projects[key][2] for key, _group in part if projects[key][2]]
        current: dict[int, list[IndicatorSpec]] = defaultdict(list)
        goals = dict(TargetVersion.objects.filter(pk__in=versions).values_list("pk", "annual_goal"))
        for version_id, *values in (
            Indicator.objects.filter(version_id__in=versions)
            .order_by("version_id", "position")
            .values_list("version_id", *SPEC_FIELDS)
        ):
            current[version_id].append(IndicatorSpec(**dict(zip(SPEC_FIELDS, values, strict=True))))
        report_counts = defaultdict(int)
        for project_id in AnalysisReport.objects.filter(
            project_id__in=[projects[key][0] for key, _group in part]
        ).values_list("project_id", flat=True):
            report_counts[project_id] += 1
        for key, (goal, first_row, specs, inferred) in part:
            project_id, name, version = projects[key]
            old_specs = current.get(version, [])
            old_goal = goals.get(version, "")
            goal = goal or old_goal
            if not goal:
                reader.problem(
                    f"项目“{key[1]}”尚无绩效目标，须填写年度总体目标。",
                    first_row,
                    "annual_goal" if reader.present("annual_goal") else "",
                )
                continue
            if version and old_specs == specs and old_goal == goal:
                plan.unchanged += 1
                continue
            entry = partial(
                _target_entry,
                key,
                name,
                specs,
                inferred,
                version and (old_goal, old_specs, report_counts[project_id]),
                goal,
            )
            signature = [f"{key[0]} {key[1]}", goal, _spec_text(specs)]
            if version is None:
                plan.add_created(entry, signature)
            else:
                plan.add_changed(entry, [*signature, old_goal, _spec_text(old_specs)])
            writes.append((project_id, goal, specs))
    reader.check()
    plan.writes = {"versions": writes}
    return plan


def _target_entry(key, name, specs, inferred, old, goal) -> dict:
    """The preview's line of one project's target (built only for the lines shown)."""
    entry = {
        "key": f"{key[0]} {key[1]}",
        "label": name,
        "indicators": [_spec_line(s) for s in specs],
        "inferred": [
            {
                "key": f"{key[0]}|{key[1]}|{specs[i].name}",
                "code": key[1],
                "name": specs[i].name,
                "progress": specs[i].progress_type,
            }
            for i in inferred
        ],
    }
    if old:
        old_goal, old_specs, reports = old
        fields = {}
        if old_goal != goal:
            fields["年度总体目标"] = [old_goal, goal]
        if old_specs != specs:
            fields["绩效指标"] = ["；".join(map(_spec_line, old_specs)), "；".join(map(_spec_line, specs))]
        entry["fields"] = fields
        entry["note"] = (
            f"已有 {reports} 份监控分析表，将新增一版绩效目标，已填的表保留原版本。"
            if reports
            else "将新增一版绩效目标。"
        )
    return entry


# ----- organisations --------------------------------------------------------------------------------

ORGANISATION_KINDS = {str(label): value for value, label in OrganisationKind.choices} | {
    v: v for v in OrganisationKind.values
}


def plan_organisations(table: Table, options: dict) -> Plan:
    reader = _Reader(table, LoadKind.ORGANISATIONS)
    rows = {}
    for number, values in reader.rows():
        if values["code"] in rows:
            reader.problem(f"机构编码“{values['code']}”在文件中重复。", number, "code")
            continue
        kind = ORGANISATION_KINDS.get(values["kind"])
        if kind is None:
            reader.problem(f"机构类型“{values['kind']}”不是规定的机构类型。", number, "kind")
            continue
        values["kind"] = kind
        rows[values["code"]] = (number, values)
    codes = (
        set(rows)
        | {v.get("parent_code") for _n, v in rows.values()}
        | {v.get("counterpart_code") for _n, v in rows.values()}
    )
    stored = {o.code: o for o in Organisation.objects.filter(code__in=[c for c in codes if c])}
    kind_of = {code: o.kind for code, o in stored.items()} | {
        code: v["kind"] for code, (_n, v) in rows.items()
    }
    present = {name for name in ("parent_code", "counterpart_code", "is_classified") if reader.present(name)}
    plan = Plan(LoadKind.ORGANISATIONS)
    order = []
    for code, (number, values) in rows.items():
        parent = values.get("parent_code") or None
        if parent and parent not in kind_of:
            reader.problem(f"找不到上级机构“{parent}”。", number, "parent_code")
            continue
        if kind_of.get(parent) not in ALLOWED_PARENT_KINDS[values["kind"]] and "parent_code" in present:
            reader.problem(
                f"“{OrganisationKind(values['kind']).label}”不能以“{parent or '无'}”为上级机构。",
                number,
                "parent_code",
            )
            continue
        counterpart = values.get("counterpart_code") or None
        if counterpart and kind_of.get(counterpart) != OrganisationKind.COUNTERPART_SECTION:
            reader.problem(f"“{counterpart}”不是对口服务股室。", number, "counterpart_code")
            continue
        old = stored.get(code)
        new = {"name": values["name"], "kind": values["kind"]}
        if "parent_code" in present:
            new["parent"] = parent
        if "counterpart_code" in present:
            new["counterpart"] = counterpart
        if values.get("is_classified") is not None:
            new["is_classified"] = values["is_classified"]
        order.append((code, new))
        if old is None:
            plan.add_created({"key": code, "label": values["name"]})
            continue
        before = {
            "name": old.name,
            "kind": old.kind,
            "parent": old.parent.code if old.parent_id else None,
            "counterpart": old.counterpart_section.code if old.counterpart_section_id else None,
            "is_classified": old.is_classified,
        }
        labels = {
            "name": "机构名称",
            "kind": "机构类型",
            "parent": "上级机构编码",
            "counterpart": "对口服务股室编码",
            "is_classified": "涉密单位",
        }
        differences = {labels[n]: [_show(before[n]), _show(v)] for n, v in new.items() if before[n] != v}
        if differences:
            plan.add_changed({"key": code, "label": old.name, "fields": differences})
        else:
            plan.unchanged += 1
            order.pop()
    reader.check()
    plan.writes = {"rows": _parents_first(order)}
    return plan


def _parents_first(order: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    """Rows ordered so that a parent or counterpart section listed in the file is saved before the units
    that refer to it."""
    in_file = {code for code, _new in order}
    done, result, pending = set(), [], list(order)
    while pending:
        ready = [
            (code, new)
            for code, new in pending
            if all(ref not in in_file or ref in done for ref in (new.get("parent"), new.get("counterpart")))
        ]
        if not ready:  # a cycle within the file; saving reports it
            ready = pending[:1]
        for item in ready:
            result.append(item)
            done.add(item[0])
            pending.remove(item)
    return result


PLANNERS = {
    LoadKind.PROJECTS: plan_projects,
    LoadKind.PAYMENTS: plan_payments,
    LoadKind.TARGETS: plan_targets,
    LoadKind.ORGANISATIONS: plan_organisations,
}
