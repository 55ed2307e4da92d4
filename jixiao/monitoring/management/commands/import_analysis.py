"""`manage.py import_analysis`: import filled 附件1 workbooks, each whole or not at all."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jixiao.monitoring.models import CycleKind, MonitoringCycle
from jixiao.monitoring.rules import LEVEL_LABELS
from jixiao.monitoring.workbook import ImportResult, import_report_workbook
from jixiao.organisations.models import User


class Command(BaseCommand):
    help = (
        "导入填好的项目预算绩效监控分析表（附件1，.xlsx）。每个文件整体导入，任何一处有误则该文件不写入任何内容；"
        "任一文件失败时以非零状态退出（其他正确的文件照常导入）。"
        "操作人：用 --user 指定（须为项目实施单位的填报人或单位负责人，且只能导入其可见的项目）；"
        "不指定时，系统以项目实施单位第一个在岗的填报人（没有则为单位负责人）的身份代为保存，并在审计日志中注明。"
        "--dry-run 只检查并给出导入后的预警等级，不写入。--json 在标准输出打印每个文件的结果（JSON 数组）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help=".xlsx 文件")
        parser.add_argument("--cycle", type=int, metavar="YEAR", help="年度监控周期的年度（须与工作簿一致）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出结果")
        parser.add_argument("--user", metavar="USERNAME", help="操作人用户名")

    def handle(self, *args, files, cycle, dry_run, as_json, user, **options):
        year = cycle
        cycle = None
        if year is not None:
            cycle = MonitoringCycle.objects.filter(kind=CycleKind.ANNUAL, year=year).first()
            if cycle is None:
                raise CommandError(f"没有{year}年度的年度监控周期。")
        acting = None
        if user:
            acting = User.objects.filter(username=user, is_active=True).first()
            if acting is None:
                raise CommandError(f"没有用户名为“{user}”的在用账号。")

        results: list[ImportResult] = []
        for name in files:
            path = Path(name)
            result = import_report_workbook(
                file_obj_or_path=path,
                filename=path.name,
                user=acting,
                act_for_owner=acting is None,
                cycle=cycle,
                dry_run=dry_run,
            )
            result.filename = name
            results.append(result)
            if not as_json:
                self._print(result)

        if as_json:
            self.stdout.write(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
        failed = [r for r in results if not r.ok]
        if failed:
            raise CommandError(
                f"{len(failed)} 个文件导入失败（共 {len(results)} 个），失败的文件未写入任何内容。"
            )

    def _print(self, result: ImportResult) -> None:
        project = f"{result.project.code} {result.project.name}" if result.project else "—"
        if result.ok:
            note = "（试运行，未写入）" if result.dry_run else ""
            by = f"，操作人 {result.acting_user}" + ("（代为保存）" if result.delegated else "")
            level = LEVEL_LABELS.get(result.level, result.level)
            self.stdout.write(
                self.style.SUCCESS(f"✔ {result.filename}：{project}，预警等级 {level}{by}{note}")
            )
            for code, level_code, indicator in result.warnings:
                where = f"指标“{indicator}”" if indicator else "项目"
                self.stdout.write(f"    {LEVEL_LABELS.get(level_code, level_code)} {code} {where}")
            for sheet, cell, message in result.notes:
                self.stdout.write(f"    提示 {sheet}!{cell}：{message}")
        else:
            self.stderr.write(self.style.ERROR(f"✘ {result.filename}：{project}，未导入"))
            for sheet, cell, message in result.errors:
                where = "!".join(part for part in (sheet, cell) if part)
                self.stderr.write(f"    {where + '：' if where else ''}{message}")
