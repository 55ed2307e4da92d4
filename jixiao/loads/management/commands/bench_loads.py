"""`manage.py bench_loads`: the loads at province scale against PostgreSQL's COPY of the same rows.

On PostgreSQL (`make bench`, or alone on a fresh database): a generated province of `--projects` projects
(projects, targets, 12 months of payments each) is loaded in a fresh child process per run, so that each
load's peak memory is its own; beside each load, COPY of the same rows into the same tables is its floor.
Every figure is the median of `--runs` runs, each load and each COPY rolled back after its deferred
constraints are checked. Then a district's files (1,200 projects, 9,000 indicators) are previewed on a
throw-away SQLite database, as the data manager's page does.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from jixiao.core.memory import peak_rss_mb
from jixiao.loads.bench import Scale, copy_into
from jixiao.loads.models import LoadKind
from jixiao.loads.parsing import MAX_COMMAND_BYTES, read_bytes
from jixiao.loads.services import load_file, load_preview
from jixiao.organisations.models import Organisation, OrganisationKind, Role, User
from jixiao.organisations.services import membership_grant, organisation_save
from jixiao.projects.models import Indicator, Project, ProjectMonth, TargetVersion

BENCH_YEAR = 2031  # a year no district data uses, so that the province is loaded beside it
DISTRICT_PROJECTS = 1_200
FOLDER = settings.BASE_DIR / "var" / "bench"


class Rollback(Exception):
    """Raised to undo a measured load or COPY."""


def check_deferred() -> None:
    """Run the foreign-key checks PostgreSQL defers to the commit, so a rolled-back run still pays them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Command(BaseCommand):
    help = "性能基准：省级规模的数据加载（项目、绩效目标、月度支付）与同样数据 COPY 的耗时之比。"

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=100_000, help="项目数（默认 100000）")
        parser.add_argument("--runs", type=int, default=3, help="每项测量的次数，取中位数（默认 3）")
        parser.add_argument("--measure", nargs="+", metavar="KIND=FILE", help=argparse.SUPPRESS)
        parser.add_argument("--keep", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--district-preview", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, projects, runs, measure, keep, district_preview, **options):
        if measure:
            return self._measure(measure, keep)
        if district_preview:
            return self._district_preview()
        if connection.vendor != "postgresql":
            raise CommandError("加载基准须在 PostgreSQL 上运行（与 COPY 对比）。")
        scale = Scale(projects=projects, year=BENCH_YEAR)
        started = time.perf_counter()
        paths = scale.write_files(FOLDER)
        self.stdout.write(
            f"加载基准：{projects:,} 个项目（{BENCH_YEAR} 年度），文件生成 {time.perf_counter() - started:.0f} 秒。"
        )
        self._clear(scale)
        self._child([f"{LoadKind.ORGANISATIONS}={paths[LoadKind.ORGANISATIONS]}"], keep=True)
        self._analyze()

        project_files = [
            f"{LoadKind.PROJECTS}={paths[LoadKind.PROJECTS]}",
            f"{LoadKind.TARGETS}={paths[LoadKind.TARGETS]}",
        ]
        copies = scale.project_copy()
        floor, load = self._compare(runs, project_files, lambda: self._copy_projects(copies))
        self._report("项目与绩效目标", floor, load)
        kept = self._child(project_files, keep=True)
        self.stdout.write(f"    （保留加载：{kept['seconds']:.1f} 秒，峰值内存 {kept['peak_mb']:.0f} MB）")
        self._analyze()

        payment_files = [f"{LoadKind.PAYMENTS}={paths[LoadKind.PAYMENTS]}"]
        columns, text = scale.payment_copy()
        floor, load = self._compare(runs, payment_files, lambda: self._copy(ProjectMonth, columns, text))
        self._report("月度支付", floor, load)
        self._clear(scale)  # the database is left as it was, for the other figures of `make bench`
        self._district()

    # ----- the province on PostgreSQL -----------------------------------------------------------------

    def _clear(self, scale: Scale) -> None:
        """Remove the province a previous run left, so that every run loads into the same tables."""
        projects = f"SELECT id FROM {Project._meta.db_table} WHERE year = %s AND code LIKE 'LB%%'"
        versions = f"SELECT id FROM {TargetVersion._meta.db_table} WHERE project_id IN ({projects})"
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Project._meta.db_table} SET current_target_id = NULL WHERE id IN ({projects})",
                [scale.year],
            )
            cursor.execute(
                f"DELETE FROM {Indicator._meta.db_table} WHERE version_id IN ({versions})", [scale.year]
            )
            cursor.execute(
                f"DELETE FROM {TargetVersion._meta.db_table} WHERE id IN ({versions})", [scale.year]
            )
            cursor.execute(
                f"DELETE FROM {ProjectMonth._meta.db_table} WHERE project_id IN ({projects})", [scale.year]
            )
            cursor.execute(f"DELETE FROM {Project._meta.db_table} WHERE id IN ({projects})", [scale.year])
        self._vacuum()

    def _vacuum(self) -> None:
        """Dead rows of a rolled-back run would slow the next one down."""
        with connection.cursor() as cursor:
            for model in (Project, TargetVersion, Indicator, ProjectMonth):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")

    def _analyze(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def _copy(self, model, columns, text) -> None:
        copy_into(model, columns, text)

    def _copy_projects(self, copies) -> None:
        project_columns, projects, version_columns, versions, indicator_columns, indicators = copies
        copy_into(Project, project_columns, projects)
        copy_into(TargetVersion, version_columns, versions)
        copy_into(Indicator, indicator_columns, indicators)

    def _timed_copy(self, copy) -> float:
        started = time.perf_counter()
        try:
            with transaction.atomic():
                copy()
                check_deferred()
                elapsed = time.perf_counter() - started
                raise Rollback
        except Rollback:
            pass
        return elapsed

    def _compare(self, runs: int, files: list[str], copy) -> tuple[list[float], list[dict]]:
        floors, loads = [], []
        for _ in range(runs):
            floors.append(self._timed_copy(copy))
            self._vacuum()
            loads.append(self._child(files, keep=False))
            self._vacuum()
        return floors, loads

    def _report(self, label: str, floors: list[float], loads: list[dict]) -> None:
        floor = statistics.median(floors)
        seconds = statistics.median(run["seconds"] for run in loads)
        counts = "；".join(
            f"{LoadKind(kind).label} {c['created']:,} 新增" for kind, c in loads[0]["counts"].items()
        )
        self.stdout.write(
            f"{label}加载：{seconds:.1f} 秒，同样数据 COPY（下限）{floor:.1f} 秒，为下限的 {seconds / floor:.2f} 倍"
            f"（{len(loads)} 次中位数；{counts}；加载进程峰值内存 {max(run['peak_mb'] for run in loads):.0f} MB）"
        )
        each = "、".join(f"{run['seconds']:.1f}/{f:.1f}" for run, f in zip(loads, floors, strict=True))
        self.stdout.write(f"    各次（加载/下限，秒）：{each}")

    def _child(self, files: list[str], *, keep: bool, env: dict | None = None) -> dict:
        """One measured load in a fresh process: its figures are its own, not this process's."""
        command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "bench_loads", "--measure", *files]
        completed = subprocess.run(
            [*command, *(["--keep"] if keep else [])], capture_output=True, text=True, env=env
        )
        if completed.returncode:
            raise CommandError(f"加载失败：{completed.stderr[-2000:]}")
        return json.loads(completed.stdout.strip().splitlines()[-1])

    def _measure(self, files: list[str], keep: bool) -> None:
        """The child's part: load each KIND=FILE in one transaction, time it, then keep or roll back."""
        counts = {}
        started = time.perf_counter()
        try:
            with transaction.atomic():
                for item in files:
                    kind, _sep, name = item.partition("=")
                    with open(name, "rb") as handle:
                        data = read_bytes(handle, MAX_COMMAND_BYTES)
                    counts[kind] = load_file(kind=kind, filename=Path(name).name, data=data).counts
                    del data
                check_deferred()
                seconds = time.perf_counter() - started
                if not keep:
                    raise Rollback
        except Rollback:
            pass
        self.stdout.write(json.dumps({"seconds": seconds, "peak_mb": peak_rss_mb(), "counts": counts}))

    # ----- a district on SQLite -----------------------------------------------------------------------

    def _district(self) -> None:
        """Preview a district's files on a throw-away SQLite database, in its own process."""
        path = FOLDER / "district.sqlite3"
        for leftover in FOLDER.glob("district.sqlite3*"):
            leftover.unlink()
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "DEBUG": "0"}
        subprocess.run(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "migrate", "--noinput", "-v0"],
            check=True,
            env=env,
        )
        completed = subprocess.run(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "bench_loads", "--district-preview"],
            capture_output=True,
            text=True,
            env=env,
        )
        if completed.returncode:
            raise CommandError(f"区级预览失败：{completed.stderr[-2000:]}")
        result = json.loads(completed.stdout.strip().splitlines()[-1])
        self.stdout.write(
            f"区级文件预览（SQLite，.xlsx，{result['projects']:,} 个项目、{result['indicators']:,} 个指标）："
            f"项目 {result['projects_seconds']:.1f} 秒，绩效目标 {result['targets_seconds']:.1f} 秒"
        )
        for leftover in FOLDER.glob("district.sqlite3*"):
            leftover.unlink()

    def _district_preview(self) -> None:
        scale = Scale(projects=DISTRICT_PROJECTS, year=BENCH_YEAR)
        paths = scale.write_files(FOLDER)
        bureau = organisation_save(
            organisation=Organisation(
                code="LBFIN", name="基准区财政局", kind=OrganisationKind.FINANCE_BUREAU
            ),
            acting_user=None,
        )
        manager = User.objects.create_user(username="bench-data-manager", password=None)
        membership_grant(user=manager, organisation=bureau, role=Role.DATA_MANAGER, acting_user=None)
        with open(os.devnull, "w") as quiet:
            call_command("load_organisations", str(paths[LoadKind.ORGANISATIONS]), stdout=quiet)
        timings = {}
        for kind in (LoadKind.PROJECTS, LoadKind.TARGETS):
            workbook = paths[kind].with_suffix(".xlsx")
            scale.write_workbook(paths[kind], workbook)
            data = workbook.read_bytes()
            started = time.perf_counter()
            run = load_preview(kind=kind, filename=workbook.name, data=data, acting_user=manager)
            timings[f"{kind}_seconds"] = time.perf_counter() - started
            if run.errors:
                raise CommandError(f"预览有错误：{run.errors[:5]}")
            if kind == LoadKind.PROJECTS:
                load_file(kind=kind, filename=workbook.name, data=data, acting_user=manager)
        indicators = sum(len(items) for _c, _g, items in scale.target_rows())
        self.stdout.write(json.dumps({"projects": DISTRICT_PROJECTS, "indicators": indicators, **timings}))
