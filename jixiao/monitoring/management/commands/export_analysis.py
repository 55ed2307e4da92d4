"""`manage.py export_analysis`: write 附件1 workbooks of a year's annual cycle to disk.

An operator's tool run on the server: it acts as the system, without a person's visibility, and
exports everything asked for — classified (涉密) units included when they fall within --unit, --project
or the whole year. Keep the output directory as confidential as the data.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jixiao.monitoring.models import CycleKind, MonitoringCycle
from jixiao.monitoring.workbook import export_filename, export_report_bytes, report_of, with_unique_filenames
from jixiao.organisations.models import Organisation
from jixiao.projects.models import Project


class Command(BaseCommand):
    help = (
        "导出年度监控周期的项目预算绩效监控分析表（附件1，.xlsx）。--project 导出一个项目到 --out 指定的文件"
        "（--out 为已有目录时写入该目录）；--unit 导出该单位及其下级单位的全部项目，不指定则导出该年度全部项目，"
        "每个项目一个文件，写入 --out 目录（不存在时自动创建）。以系统身份运行，不按用户权限筛选，涉密单位的项目同样导出。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cycle", type=int, required=True, metavar="YEAR", help="年度（导出该年度的年度监控周期）"
        )
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--unit", metavar="CODE", help="单位机构编码（含下级单位）")
        scope.add_argument("--project", metavar="CODE", help="项目编码")
        parser.add_argument(
            "--out", required=True, metavar="PATH", help="输出目录；使用 --project 时为输出文件"
        )

    def handle(self, *args, cycle, unit, project, out, **options):
        year = cycle
        cycle = MonitoringCycle.objects.filter(kind=CycleKind.ANNUAL, year=year).first()
        if cycle is None:
            raise CommandError(f"没有{year}年度的年度监控周期。")
        out = Path(out)
        projects = Project.objects.filter(year=year).select_related(
            "owner", "owner__parent", "current_target"
        )

        if project:
            found = projects.filter(code=project).first()
            if found is None:
                raise CommandError(f"没有项目编码为“{project}”的{year}年度项目。")
            target = out / export_filename(found) if out.is_dir() else out
            target.parent.mkdir(parents=True, exist_ok=True)
            self._write(found, cycle, target)
            self.stdout.write(f"已导出 1 个文件：{target}")
            return

        if unit:
            organisation = Organisation.objects.filter(code=unit).first()
            if organisation is None:
                raise CommandError(f"没有机构编码为“{unit}”的单位。")
            projects = projects.filter(owner__path__startswith=organisation.path)
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out} 不是目录。")
        out.mkdir(parents=True, exist_ok=True)
        count = 0
        for item, name in with_unique_filenames(projects.order_by("owner__code", "code")):
            self._write(item, cycle, out / name)
            count += 1
        self.stdout.write(f"已导出 {count} 个文件到 {out}")

    def _write(self, project, cycle, target: Path) -> None:
        data = export_report_bytes(project=project, cycle=cycle, report=report_of(project, cycle))
        target.write_bytes(data)
        self.stdout.write(str(target))
