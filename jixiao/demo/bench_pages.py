"""The pages and exports of the scale issue, measured on the seeded district for `manage.py bench`.

Every page is asked for through the test client in this process (server time, no network), interleaved
with the bare password-change page so that both see the same machine, and printed as its median beside
that floor with their ratio. The writes a measurement needs (a 附件1 save, a million audit records) are
rolled back at the end. The exports run as the background jobs people start, each in a child process of
its own so that its peak memory is its own (`manage.py bench_job`).
"""

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.test import Client, TestCase
from django.test.utils import override_settings
from django.urls import reverse

from jixiao.demo.load.htmlform import form_fields
from jixiao.demo.load.prepare import TOKEN_FIELD
from jixiao.monitoring.models import AnalysisReport, MonitoringCycle
from jixiao.organisations.models import Organisation, OrganisationKind, Role, User
from jixiao.organisations.services import membership_grant
from jixiao.projects.models import Project
from jixiao.review.models import Feedback
from jixiao.workflow.models import Step, Submission

# Audit records the log is measured with (the figure).
AUDIT_ROWS = 1_000_000
RUNS = 7
PAGE_LIMIT_MS = 300
FLOOR_RATIO_LIMIT = 20


class Rollback(Exception):
    """Raised to undo what the measurements wrote."""


@dataclass(frozen=True)
class Figure:
    label: str
    median_ms: float
    floor_ms: float
    limit_ms: float
    size_kb: float

    def line(self) -> str:
        ratio = self.median_ms / self.floor_ms
        verdict = "达标" if self.median_ms <= self.limit_ms and ratio <= FLOOR_RATIO_LIMIT else "未达标"
        return (
            f"{self.label}：中位数 {self.median_ms:.1f} 毫秒（目标 ≤ {self.limit_ms:.0f}），"
            f"为改密码页的 {ratio:.1f} 倍（目标 ≤ {FLOOR_RATIO_LIMIT}），{self.size_kb:,.0f} KB，{verdict}"
        )


def _person(username: str, organisation: Organisation, role: str) -> User:
    user = User.objects.create(username=username, full_name=username)
    membership_grant(user=user, organisation=organisation, role=role, acting_user=None)
    return user


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


class PageBench:
    def __init__(self, cycle: MonitoringCycle, write: Callable[[str], None]):
        self.cycle = cycle
        self.write = write
        self.floor_client: Client | None = None

    # The subjects: the district's own largest cases.

    def _feedback(self) -> Feedback:
        return (
            Feedback.objects.filter(cycle=self.cycle)
            .annotate(size=Count("items"))
            .select_related("organisation")
            .order_by("-size", "id")
            .first()
        )

    def _largest_unit(self) -> Organisation:
        """The first-level unit or town with the most projects of its own and of the units below it."""
        return (
            Organisation.objects.filter(parent__isnull=True)
            .filter(kind__in=[OrganisationKind.PRIMARY_UNIT, OrganisationKind.TOWN])
            .annotate(
                total=Count("projects", filter=Q(projects__year=self.cycle.year), distinct=True)
                + Count(
                    "children__projects", filter=Q(children__projects__year=self.cycle.year), distinct=True
                )
            )
            .order_by("-total", "id")
            .first()
        )

    def _filled_report(self) -> AnalysisReport:
        return (
            AnalysisReport.objects.filter(
                cycle=self.cycle, locked=False, project__owner__parent__isnull=False
            )
            .select_related("project__owner")
            .order_by("id")
            .first()
        )

    # Measuring.

    def _get_ms(
        self, client: Client, url: str, method: str = "get", expect: int = 200, **kwargs
    ) -> tuple[float, int]:
        started = time.perf_counter()
        response = getattr(client, method)(url, **kwargs)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != expect:
            raise RuntimeError(f"{url} 返回 {response.status_code}")
        return elapsed, len(response.content)

    def measure(
        self, label: str, request: Callable[[], tuple[float, int]], *, limit_ms=PAGE_LIMIT_MS, runs=RUNS
    ):
        """The page's median beside the password-change page's, asked for in turn."""
        request()  # the first request warms the caches every later visitor finds warm
        timings, floors, size = [], [], 0
        for _ in range(runs):
            floors.append(self._get_ms(self.floor_client, reverse("password_change"))[0])
            elapsed, size = request()
            timings.append(elapsed)
        figure = Figure(label, statistics.median(timings), statistics.median(floors), limit_ms, size / 1024)
        self.write(figure.line())
        return figure

    def run(self) -> None:
        try:
            with transaction.atomic(), override_settings(ALLOWED_HOSTS=["testserver"]):
                self._pages()
                raise Rollback
        except Rollback:
            pass

    def _pages(self) -> None:
        cycle = self.cycle
        bureau = Organisation.objects.get(kind=OrganisationKind.FINANCE_BUREAU, parent__isnull=True)
        supervision = Organisation.objects.filter(kind=OrganisationKind.SUPERVISION_SECTION).first()
        report = self._filled_report()
        project, unit = report.project, report.project.owner
        filler = _signed_in(_person("bench-page-filler", unit, Role.FILLER))
        self.floor_client = filler
        leader = _signed_in(_person("bench-page-leader", bureau, Role.BUREAU_LEADER))
        supervisor = _signed_in(_person("bench-page-supervisor", supervision, Role.SUPERVISION_STAFF))
        self.write(f"页面（与改密码页交替请求，各 {RUNS} 次的中位数；服务器内时间）：")

        edit_url = reverse("monitoring:report_edit", args=[cycle.pk, project.pk])
        self.measure("附件1 打开", lambda: self._get_ms(filler, edit_url), limit_ms=50)
        self.measure("附件1 保存", lambda: self._save(filler, edit_url), limit_ms=80)
        self.measure(
            "项目页", lambda: self._get_ms(filler, reverse("projects:project_detail", args=[project.pk]))
        )

        feedback = self._feedback()
        if feedback is not None:
            items = feedback.items.count()
            url = reverse("review:feedback", args=[feedback.pk])
            # The district's largest 附件2 as the supervision section reads it (its counterpart section
            # edits it while it is a draft; both pages draw the problem table the same way).
            label = f"附件2（{items} 项，{feedback.get_state_display()}，监督股查看）"
            self.measure(label, lambda: self._get_ms(supervisor, url), limit_ms=1000)

        ranking = reverse("review:supervision", args=[cycle.pk])
        self.measure("重点审核排名（首页）", lambda: self._get_ms(supervisor, ranking))
        self.measure(
            "重点审核排名（翻到第 50 页）",
            lambda: self._get_ms(supervisor, ranking, data={"page": 50}, HTTP_HX_REQUEST="true"),
        )

        largest = self._largest_unit()
        owner = _signed_in(_person("bench-page-unit-leader", largest, Role.UNIT_LEADER))
        package = reverse("workflow:package", args=[cycle.pk, largest.pk])
        own = (
            Project.objects.filter(year=cycle.year)
            .filter(Q(owner=largest) | Q(owner__parent=largest))
            .count()
        )
        self.measure(
            f"一级单位报送页（{largest.name}，含下级 {own:,} 个项目）", lambda: self._get_ms(owner, package)
        )

        projects = reverse("projects:project_list")
        last = Project.objects.filter(year=cycle.year).count() // 50 + 1
        self.measure(
            "项目列表（全区，末页）", lambda: self._get_ms(supervisor, projects, data={"page": last})
        )
        self.measure(
            "项目列表（全区，文本搜索）", lambda: self._get_ms(supervisor, projects, data={"q": "教育"})
        )
        home = reverse("home")
        self.measure("首页（局领导，全区驾驶舱）", lambda: self._get_ms(leader, home))
        self.measure("首页（监督股）", lambda: self._get_ms(supervisor, home))
        self._audit(bureau)

    def _save(self, client: Client, url: str) -> tuple[float, int]:
        """A real save: the form as the page gives it, one free-text field changed, its callbacks run."""
        page = client.get(url).content.decode()
        fields = [(name, value) for name, value in form_fields(page, "report-form") if name != TOKEN_FIELD]
        fields.append((TOKEN_FIELD, f"基准保存 {time.perf_counter_ns()}"))
        with TestCase.captureOnCommitCallbacks(execute=True):
            elapsed, size = self._get_ms(
                client,
                url,
                method="post",
                expect=302,
                data=urlencode(fields),
                content_type="application/x-www-form-urlencoded",
            )
        return elapsed, size

    def _audit(self, bureau: Organisation) -> None:
        """The auditor's log with a million records: its first page, a late page and a search."""
        have = connection.cursor()
        with have as cursor:
            cursor.execute("SELECT COUNT(*) FROM audit_auditrecord")
            (count,) = cursor.fetchone()
            missing = max(AUDIT_ROWS - count, 0)
            started = time.perf_counter()
            cursor.execute(
                """
                INSERT INTO audit_auditrecord
                    (occurred_at, actor_name, organisation_id, action, object_type, object_id, object_repr,
                     from_state, to_state, comment, changes)
                SELECT now() - make_interval(secs => n * 30), '基准用户' || (n %% 997), %s,
                       (ARRAY['report.save', 'submission.submit', 'feedback.issue', 'login'])[1 + n %% 4],
                       'monitoring.analysisreport', n::text, '基准项目监控分析表 ' || n, '', '', '', '{}'
                FROM generate_series(1, %s) AS n
                """,
                [bureau.pk, missing],
            )
            cursor.execute("ANALYZE audit_auditrecord")
        self.write(
            f"审计日志：补足到 {AUDIT_ROWS:,} 条（写入 {missing:,} 条，{time.perf_counter() - started:.0f} 秒）"
        )
        auditor = _signed_in(_person("bench-page-auditor", bureau, Role.AUDITOR))
        log = reverse("audit:audit_list")
        self.measure("审计日志（首页）", lambda: self._get_ms(auditor, log))
        self.measure(
            "审计日志（一年前的一页）", lambda: self._get_ms(auditor, log, data={"until": "2025-12-01"})
        )
        self.measure(
            "审计日志（搜索对象）", lambda: self._get_ms(auditor, log, data={"q": "基准项目监控分析表 4242"})
        )
        self.measure("审计日志（搜索操作人）", lambda: self._get_ms(auditor, log, data={"q": "基准用户96"}))


def exports(cycle: MonitoringCycle, write: Callable[[str], None]) -> None:
    """Each export as the job its button starts, in a child process (`bench_job`)."""
    feedback = (
        Feedback.objects.filter(cycle=cycle).annotate(size=Count("items")).order_by("-size", "id").first()
    )
    sent = (
        Submission.objects.filter(cycle=cycle, step=Step.UNIT_TO_BUREAU, organisation__parent__isnull=True)
        .annotate(size=Count("organisation__projects", filter=Q(organisation__projects__year=cycle.year)))
        .select_related("organisation")
        .order_by("-size", "id")
        .first()
    )
    largest = PageBench(cycle, write)._largest_unit()
    write("导出（后台任务，子进程内运行；用时与该进程峰值内存）：")
    unit = sent.organisation
    cases = [
        (f"单位附件1 zip（{unit.name}）", "monitoring.unit_zip", {"unit": unit.pk}, 20, 200),
        (
            f"单位附件1 zip（最大单位 {largest.name}，含下级）",
            "monitoring.unit_zip",
            {"unit": largest.pk},
            180,
            None,
        ),
        (f"汇总表 xlsx（{unit.name}）", "workflow.aggregated_table", {"unit": unit.pk}, None, None),
        (f"整体报告 docx（{unit.name}）", "workflow.overall_report", {"unit": unit.pk}, None, None),
    ]
    if feedback is not None:
        for kind in ("xlsx", "docx"):
            cases.append(
                (
                    f"附件2 {kind}（{feedback.items.count()} 项）",
                    "review.feedback_export",
                    {"feedback": feedback.pk, "kind": kind},
                    None,
                    None,
                )
            )
    for label, kind, params, limit_s, limit_mb in cases:
        completed = subprocess.run(
            [
                sys.executable,
                str(settings.BASE_DIR / "manage.py"),
                "bench_job",
                "--kind",
                kind,
                "--params",
                json.dumps({"cycle": cycle.pk, **params}),
            ],
            capture_output=True,
            text=True,
        )
        if completed.returncode:
            write(f"{label}：失败 {completed.stderr.strip().splitlines()[-1:]}")
            continue
        result = json.loads(completed.stdout.strip().splitlines()[-1])
        targets = []
        if limit_s:
            targets.append(f"目标 ≤ {limit_s} 秒")
        if limit_mb:
            targets.append(f"≤ {limit_mb} MB")
        projects = f"，{result['files']} 个项目" if kind == "monitoring.unit_zip" else ""
        write(
            f"{label}：{result['seconds']:.1f} 秒，峰值内存 {result['peak_mb']:.0f} MB，"
            f"文件 {result['size_mb']:.1f} MB{projects}" + (f"（{'，'.join(targets)}）" if targets else "")
        )
