"""`manage.py bench`: the figures the issues ask for, measured on the database DATABASE_URL points at.

Run through `make bench`, which prepares a PostgreSQL database with `seed_demo --projects 100000` (which
ends with VACUUM ANALYZE; the bench vacuums again before it measures, since autovacuum may be off).
Prints: whole-cycle warning recompute time against one plain SQL pass over the same rows (the floor) and their ratio, each the median of three runs,
the recompute's own peak memory (a child process), the time to import one filled workbook, the query count
of a unit's project list at 50 and at 500 projects, then the cockpit: the leader's page against the
login page (median of 20 each, side by side), a unit of 500 projects, each chart's data, and what keeping
the roll-up adds to a 附件1 save and to the whole-cycle recompute; then every page of the scale issue beside
the password-change page and every export as its background job (`jixiao/demo/bench_pages.py`); then the
loads at province scale (`bench_loads`). `make bench` runs the deadline-day load (`make load`) after it.
`--pages-only` measures the pages and exports alone; `--loads-only` the loads alone, on any PostgreSQL
database (a fresh one needs no seeding).
"""

import html
import json
import re
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from io import BytesIO

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from jixiao.demo.bench_pages import PageBench, exports
from jixiao.monitoring.models import AnalysisReport, CycleKind, IndicatorEntry, MonitoringCycle
from jixiao.monitoring.recompute import FETCH_SIZE, INDICATORS_SQL, REPORTS_SQL, TABLES, WARNINGS_SQL
from jixiao.monitoring.rollup import (
    cycle_rollup_rebuild,
    rollup_move_project,
    rollup_of_projects,
    rollup_refresh_units,
)
from jixiao.monitoring.workbook import export_report_bytes, import_report_workbook
from jixiao.organisations.models import Organisation, OrganisationKind, Role, User
from jixiao.organisations.services import membership_grant, organisation_save
from jixiao.projects.models import Project


def report_to_import(cycle: MonitoringCycle) -> AnalysisReport:
    """A filled report still with its unit: the reports of a package that has been sent are read-only."""
    return (
        AnalysisReport.objects.filter(cycle=cycle, locked=False)
        .select_related("project")
        .order_by("id")
        .first()
    )


class Rollback(Exception):
    """Raised to undo the throw-away data a measurement needed."""


class Command(BaseCommand):
    help = "性能基准：预警重算、SQL 读取下限、导入工作簿、项目列表查询数。"

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=100_000, help="基准数据的项目数（默认 100000）")
        parser.add_argument(
            "--loads-only", action="store_true", help="只测数据加载（省级规模，与 COPY 对比），不需预置数据"
        )
        parser.add_argument("--pages-only", action="store_true", help="只测页面与导出任务")

    def handle(self, *args, projects, loads_only, pages_only, **options):
        if loads_only:
            call_command("bench_loads", projects=projects, stdout=self.stdout)
            return
        cycle = self._prepare(projects)
        if pages_only:
            self._pages(cycle)
            return
        reports = AnalysisReport.objects.filter(cycle=cycle).count()
        entries = IndicatorEntry.objects.filter(report__cycle=cycle).count()
        self.stdout.write(
            f"数据库 {connection.vendor}，项目 {Project.objects.filter(year=cycle.year).count():,} 个，"
            f"监控分析表 {reports:,} 张，指标填报 {entries:,} 条。"
        )
        self._recompute(cycle)  # brings stored warnings in line, whatever ran before
        floor = statistics.median(self._sql_floor(cycle) for _ in range(3))
        steady = sorted((self._recompute(cycle) for _ in range(3)), key=lambda run: run["seconds"])[1]
        changed = self._recompute_after_threshold_change(cycle)
        self.stdout.write(f"同样数据的单次 SQL 读取（下限）：{floor:.2f} 秒（3 次中位数，下同）")
        self.stdout.write(
            f"全周期预警重算：{steady['seconds']:.2f} 秒，为下限的 {steady['seconds'] / floor:.2f} 倍"
            f"（{steady['reports']:,} 张表、{steady['warnings']:,} 条预警，无变化；峰值内存 {steady['peak_mb']:.0f} MB）"
        )
        self.stdout.write(
            f"阈值修改后的全周期重算：{changed['seconds']:.2f} 秒，为下限的 {changed['seconds'] / floor:.2f} 倍"
            f"（{changed['changed']:,} 张表的预警改写；峰值内存 {changed['peak_mb']:.0f} MB）"
        )
        self.stdout.write(f"导入一份填好的工作簿：{self._import_time(cycle):.3f} 秒（5 次中位数）")
        at_50, at_500 = self._list_queries(cycle, 50), self._list_queries(cycle, 500)
        self.stdout.write(f"单位项目列表查询数：50 个项目 {at_50} 次，500 个项目 {at_500} 次")
        self._cockpit(cycle, import_seconds=self._import_time(cycle), recompute_seconds=steady["seconds"])
        self._pages(cycle)
        call_command("bench_loads", projects=projects, stdout=self.stdout)

    def _pages(self, cycle: MonitoringCycle) -> None:
        self._vacuum()  # after the recomputes above
        PageBench(cycle, self.stdout.write).run()
        exports(cycle, self.stdout.write)

    def _cockpit(self, cycle: MonitoringCycle, *, import_seconds: float, recompute_seconds: float) -> None:
        """The cockpit's figures, measured in this process through the test client (server time)."""
        try:
            with transaction.atomic(), override_settings(ALLOWED_HOSTS=["testserver"]):
                bureau = Organisation.objects.get(kind=OrganisationKind.FINANCE_BUREAU, parent__isnull=True)
                leader = User.objects.create(username="bench-cockpit-leader")
                membership_grant(user=leader, organisation=bureau, role=Role.BUREAU_LEADER, acting_user=None)
                signed_in, anonymous = Client(), Client()
                signed_in.force_login(leader)
                login_url, cockpit_url = reverse("login"), reverse("cockpit:index")
                login_ms, cockpit_ms = [], []
                for _ in range(20):  # side by side, so that both see the same machine
                    login_ms.append(self._timed(anonymous, login_url))
                    cockpit_ms.append(self._timed(signed_in, cockpit_url))
                login, page = statistics.median(login_ms), statistics.median(cockpit_ms)
                self.stdout.write(
                    f"驾驶舱（局领导，全区）：中位数 {page:.1f} 毫秒；登录页 {login:.1f} 毫秒；为登录页的 {page / login:.2f} 倍"
                )
                # The chart data the page itself asks for (the readers' layer keeps dashboards out of here).
                content = signed_in.get(cockpit_url).content.decode()
                for url in (html.unescape(u) for u in re.findall(r'data-chart-url="([^"]+)"', content)):
                    median = statistics.median(self._timed(signed_in, url) for _ in range(20))
                    self.stdout.write(f"图表数据 {url.split('/')[3]}：中位数 {median:.1f} 毫秒")
                unit = self._unit_with_projects(cycle, 500)
                median = statistics.median(
                    self._timed(signed_in, cockpit_url, {"unit": unit.pk}) for _ in range(20)
                )
                self.stdout.write(f"下钻到 500 个项目的单位：中位数 {median:.1f} 毫秒")
                project = report_to_import(cycle).project
                started = time.perf_counter()
                before = rollup_of_projects(cycle=cycle, project_ids=[project.pk])
                rollup_move_project(cycle=cycle, project=project, counted_before=before)
                refresh = time.perf_counter() - started
                started = time.perf_counter()
                cycle_rollup_rebuild(cycle=cycle)
                rebuild = time.perf_counter() - started
                self.stdout.write(
                    f"汇总维护：保存一张附件1时 {refresh * 1000:.1f} 毫秒（导入工作簿的 {refresh / import_seconds:.1%}），"
                    f"全周期重算时 {rebuild:.2f} 秒（重算的 {rebuild / recompute_seconds:.1%}）"
                )
                raise Rollback
        except Rollback:
            pass

    @staticmethod
    def _timed(client: Client, url: str, params: dict | None = None) -> float:
        started = time.perf_counter()
        response = client.get(url, params or {})
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise CommandError(f"{url} 返回 {response.status_code}")
        return elapsed

    @staticmethod
    def _unit_with_projects(cycle: MonitoringCycle, count: int) -> Organisation:
        """A throw-away first-level unit holding `count` projects, counted into the roll-up."""
        unit = organisation_save(
            organisation=Organisation(
                code=f"BENCHC{count}", name=f"驾驶舱基准单位{count}", kind=OrganisationKind.PRIMARY_UNIT
            ),
            acting_user=None,
        )
        Project.objects.bulk_create(
            Project(
                code=f"BENCHC-{count}-{n:04d}",
                name=f"驾驶舱基准项目{n}",
                year=cycle.year,
                owner=unit,
                project_type="department_special",
                initial_fiscal=Decimal("100000.00"),
            )
            for n in range(count)
        )
        rollup_refresh_units(cycle=cycle, owner_ids=[unit.pk])
        return unit

    def _prepare(self, projects: int) -> MonitoringCycle:
        """Reuse a database seeded with this many projects; seed an empty one; refuse anything else."""
        count = Project.objects.count()
        if count == 0:
            call_command("seed_demo", projects=projects, stdout=self.stdout)
        elif count != projects:
            raise CommandError(f"数据库中已有 {count:,} 个项目（需要 {projects:,} 个），请换用空数据库。")
        cycle = MonitoringCycle.objects.filter(kind=CycleKind.ANNUAL).order_by("-year").first()
        if cycle is None:
            raise CommandError("数据库中没有年度监控周期。")
        self._vacuum()
        return cycle

    @staticmethod
    def _vacuum() -> None:
        """VACUUM ANALYZE, as autovacuum would have done by the time people use what was written: the rows
        the seeding and the recomputes replaced stay in the indexes until then, and the planner walks them
        on every statement (milliseconds of planning for a one-row lookup)."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")

    def _sql_floor(self, cycle: MonitoringCycle) -> float:
        """One plain pass over the rows the recompute reads, with the recompute's own statements."""
        statements = [
            (REPORTS_SQL, [cycle.period_end_month, cycle.pk]),
            (INDICATORS_SQL, [cycle.pk]),
            (WARNINGS_SQL, [cycle.pk]),
        ]
        started = time.perf_counter()
        with transaction.atomic():
            for sql, params in statements:
                with connection.chunked_cursor() as cursor:
                    cursor.execute(sql.format(**TABLES), params)
                    while cursor.fetchmany(FETCH_SIZE):
                        pass
        return time.perf_counter() - started

    def _recompute(self, cycle: MonitoringCycle) -> dict:
        """One recompute in a child process, so that its peak memory is its own."""
        completed = subprocess.run(
            [
                sys.executable,
                str(settings.BASE_DIR / "manage.py"),
                "recompute_warnings",
                "--cycle",
                str(cycle.year),
                "--json",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(completed.stdout.strip().splitlines()[-1])

    def _recompute_after_threshold_change(self, cycle: MonitoringCycle) -> dict:
        """Lower the yellow execution-lag threshold, recompute (many warnings change), then put it back."""
        original = cycle.exec_lag_yellow_pp
        MonitoringCycle.objects.filter(pk=cycle.pk).update(exec_lag_yellow_pp=original - 4)
        try:
            return self._recompute(cycle)
        finally:
            MonitoringCycle.objects.filter(pk=cycle.pk).update(exec_lag_yellow_pp=original)
            self._recompute(cycle)

    def _import_time(self, cycle: MonitoringCycle) -> float:
        """Export a filled report, then import it back five times (each import rolled back)."""
        report = report_to_import(cycle)
        project = report.project
        filler = User.objects.filter(
            memberships__organisation=project.owner, memberships__role__in=[Role.FILLER, Role.UNIT_LEADER]
        ).first()
        timings = []
        try:
            with transaction.atomic():
                if filler is None:
                    filler = User.objects.create(username="bench-filler")
                    membership_grant(
                        user=filler, organisation=project.owner, role=Role.FILLER, acting_user=None
                    )
                data = export_report_bytes(project=project, cycle=cycle, report=report)
                for _ in range(5):
                    with transaction.atomic():
                        started = time.perf_counter()
                        result = import_report_workbook(
                            file_obj_or_path=BytesIO(data), filename="bench.xlsx", user=filler, cycle=cycle
                        )
                        timings.append(time.perf_counter() - started)
                        if not result.ok:
                            raise CommandError(f"基准导入失败：{result.errors}")
                        transaction.set_rollback(True)
                raise Rollback
        except Rollback:
            pass
        return sorted(timings)[len(timings) // 2]

    def _list_queries(self, cycle: MonitoringCycle, count: int) -> int:
        """Queries of the project list page for a throw-away unit holding `count` projects."""
        try:
            with transaction.atomic():
                unit = organisation_save(
                    organisation=Organisation(
                        code=f"BENCH{count}", name=f"基准单位{count}", kind=OrganisationKind.PRIMARY_UNIT
                    ),
                    acting_user=None,
                )
                Project.objects.bulk_create(
                    Project(
                        code=f"BENCH-{count}-{n:04d}",
                        name=f"基准项目{n}",
                        year=cycle.year,
                        owner=unit,
                        project_type="department_special",
                        initial_fiscal=Decimal("100000.00"),
                    )
                    for n in range(count)
                )
                user = User.objects.create(username=f"bench-list-{count}")
                membership_grant(user=user, organisation=unit, role=Role.FILLER, acting_user=None)
                client = Client()
                client.force_login(user)
                with (
                    override_settings(ALLOWED_HOSTS=["testserver"]),
                    CaptureQueriesContext(connection) as queries,
                ):
                    response = client.get(reverse("projects:project_list"))
                if response.status_code != 200:
                    raise CommandError(f"项目列表返回 {response.status_code}")
                raise Rollback
        except Rollback:
            pass
        return len(queries)
