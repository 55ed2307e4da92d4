"""The district report (全区预算绩效运行监控情况报告) drafted as Word from the cockpit's figures.

Parts: overview, execution against time progress, warnings by section and by category, completeness and
timeliness, main problems, rectification, funding decisions. Each chart is a figure: the picture the
page drew (ECharts' PNG, sent with the request to draft — no imaging library runs on the server) when
there is one, and always its table, so that the document says everything even without pictures and stays
editable in Word.
"""

import io
from collections import Counter

from django.conf import settings
from django.db.models import Count
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from jixiao.core.formatting import pct, wan
from jixiao.dashboards.charts import Chart, chart_build, late_table, rows_table
from jixiao.dashboards.cockpit import LEVELS, Cockpit
from jixiao.funding.models import HOLD_STATES, FundingStatus
from jixiao.monitoring.models import ReportWarning
from jixiao.monitoring.rules import RULE_LABELS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHART_IMAGE_MAX_BYTES = 2 * 1024 * 1024
MAIN_PROBLEMS = 8  # warning categories named under 主要问题
LISTED_PROJECTS = 20  # rows of the scatter chart's table in the document (the largest budgets)
STEP_SHORT = {1: "二级单位", 2: "镇和一级单位"}


def _east_asian(run, font: str) -> None:
    run.font.name = font
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


class _Writer:
    def __init__(self):
        self.document = Document()
        section = self.document.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.orientation = WD_ORIENT.PORTRAIT
        for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, margin, Cm(2.5))
        self.figures = 0

    def title(self, text: str, subtitle: str) -> None:
        for line, size, font in ((text, 20, "方正小标宋简体"), (subtitle, 14, "楷体")):
            paragraph = self.document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(line)
            run.font.size = Pt(size)
            run.bold = size == 20
            _east_asian(run, font)

    def heading(self, text: str) -> None:
        run = self.document.add_paragraph().add_run(text)
        run.font.size, run.bold = Pt(16), True
        _east_asian(run, "黑体")

    def text(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(32)
        run = paragraph.add_run(text)
        run.font.size = Pt(16)
        _east_asian(run, "仿宋_GB2312")

    def figure(self, chart: Chart, image: bytes | None) -> None:
        """图N: the chart's picture when given, then its table (单位：万元 where it has amounts)."""
        self.figures += 1
        caption = self.document.add_paragraph()
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = caption.add_run(f"图{self.figures}　{chart.title}")
        run.bold, run.font.size = True, Pt(12)
        _east_asian(run, "黑体")
        if image:
            self.document.add_picture(io.BytesIO(image), width=Cm(16))
            self.document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.table(chart)

    def table(self, chart: Chart) -> None:
        table = self.document.add_table(rows=1, cols=len(chart.columns))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, header in zip(table.rows[0].cells, chart.columns, strict=True):
            self._cell(cell, header, bold=True)
        for values in chart.rows or [["无"] + [""] * (len(chart.columns) - 1)]:
            cells = table.add_row().cells
            for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
                self._cell(cell, self._shown(value, index, chart), right=not isinstance(value, str))
        self.document.add_paragraph()

    @staticmethod
    def _shown(value, index: int, chart: Chart) -> str:
        if value is None:
            return "—"
        if index in chart.money_columns:
            return f"{value:,.2f}"
        return str(value)

    @staticmethod
    def _cell(cell, text: str, *, bold: bool = False, right: bool = False) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT
        run = paragraph.add_run(text)
        run.bold, run.font.size = bold, Pt(9)
        _east_asian(run, "宋体")

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def _columns(chart: Chart, indices: list[int], title: str, headers: list[str] | None = None) -> Chart:
    """Some columns of a wide table, so that it fits an A4 page."""
    return Chart(
        name=chart.name,
        title=title,
        kind="table",
        columns=headers or [chart.columns[i] for i in indices],
        rows=[[row[i] for i in indices] for row in chart.rows],
        money_columns=[n for n, i in enumerate(indices) if i in chart.money_columns],
        rate_columns=[n for n, i in enumerate(indices) if i in chart.rate_columns],
    )


def _first_rows(chart: Chart, count: int, title: str) -> Chart:
    """The chart's first `count` rows under `title` (the picture keeps every point)."""
    if len(chart.rows) > count:
        chart.title, chart.rows = title, chart.rows[:count]
    return chart


def chart_image(data: bytes) -> bytes | None:
    """A chart picture as the browser sent it, if it is a PNG of reasonable size (else the table alone)."""
    if not data.startswith(PNG_SIGNATURE) or len(data) > CHART_IMAGE_MAX_BYTES:
        return None
    return data


def _warning_categories(cockpit: Cockpit) -> list[list]:
    """Warnings of the scope's reports per rule and level, the most frequent first."""
    by_code: dict[str, Counter] = {}
    for code, level, n in (
        ReportWarning.objects.filter(
            report__cycle=cockpit.filters.cycle, report__project__owner__in=cockpit.unit_ids
        )
        .order_by()
        .values("code", "level")
        .annotate(n=Count("pk"))
        .values_list("code", "level", "n")
    ):
        by_code.setdefault(code, Counter())[level] += n
    rows = [
        [RULE_LABELS.get(code, code), levels["red"], levels["yellow"], levels["blue"], sum(levels.values())]
        for code, levels in by_code.items()
    ]
    return sorted(rows, key=lambda row: (-row[4], row[0]))


def district_report_docx(*, cockpit: Cockpit, user, images: dict[str, bytes]) -> bytes:
    """The report of the cockpit's (district) scope, with the pictures in `images` by chart name."""
    cycle, totals = cockpit.filters.cycle, cockpit.totals
    writer = _Writer()
    writer.title(
        f"{settings.DISTRICT_NAME}{cycle.year}年预算绩效运行监控情况报告", f"（{cycle.period_label}）"
    )
    levels = {lv["level"]: lv for lv in totals.levels}

    writer.heading("一、总体情况")
    writer.text(
        f"本次监控覆盖全区{len(cockpit.unit_ids)}个单位（不含涉密单位）的项目{totals.projects}个，"
        f"已填报监控分析表{totals.filled}个，涉及绩效指标{totals.quantitative + totals.qualitative}个"
        f"（定量{totals.quantitative}个、定性{totals.qualitative}个），预算总额{wan(totals.budget)}万元。"
    )
    writer.heading("二、预算执行与时间进度")
    writer.text(
        f"截至{cycle.period_end_month}月底，全区项目执行数{wan(totals.paid)}万元，"
        f"加权执行率{pct(totals.execution_rate)}，时间进度{pct(cycle.time_progress)}。"
    )
    writer.figure(chart_build("execution", cockpit, user=user), images.get("execution"))
    summary = rows_table(cockpit)
    level_count = len(LEVELS)
    writer.figure(_columns(summary, [0, 1, 2, 3, 4, 5], "各对口服务股室预算执行情况"), None)

    writer.heading("三、预警情况")
    writer.text(
        f"红色预警项目{levels['red']['count']}个、涉及预算{wan(levels['red']['budget'])}万元；"
        f"黄色预警项目{levels['yellow']['count']}个、涉及预算{wan(levels['yellow']['budget'])}万元；"
        f"绿色{levels['green']['count']}个；尚未填报{levels['none']['count']}个。"
    )
    writer.figure(chart_build("levels", cockpit, user=user), images.get("levels"))
    writer.figure(
        _columns(
            summary,
            [0, *range(6, 6 + level_count), 6 + level_count, 7 + level_count],
            "各对口服务股室预警情况",
        ),
        None,
    )
    writer.figure(chart_build("completion", cockpit, user=user), images.get("completion"))
    writer.figure(
        _first_rows(
            chart_build("scatter", cockpit, user=user),
            LISTED_PROJECTS,
            f"项目预算与执行率（表中列出预算最大的 {LISTED_PROJECTS} 个项目）",
        ),
        images.get("scatter"),
    )
    categories = _warning_categories(cockpit)
    writer.figure(
        Chart(
            name="categories",
            title="预警类别分布",
            kind="table",
            columns=["预警类别", "红色（条）", "黄色（条）", "蓝色（条）", "合计（条）"],
            rows=categories,
        ),
        None,
    )

    writer.heading("四、报送完整性与及时性")
    for rate in cockpit.rates:
        if rate.expected:
            writer.text(
                f"{rate.label}：应报送{rate.expected}家，已报送{rate.received}家，按时报送{rate.on_time}家，"
                f"报送完整率{pct(rate.completeness)}，报送及时率{pct(rate.timeliness)}。"
            )
    steps = list(STEP_SHORT)
    first_rate = 8 + level_count
    writer.figure(
        _columns(
            summary,
            [0, *range(first_rate, first_rate + 2 * len(steps))],
            "各对口服务股室报送完整率和及时率",
            [
                "名称",
                *(f"完整率·{STEP_SHORT[s]}（%）" for s in steps),
                *(f"及时率·{STEP_SHORT[s]}（%）" for s in steps),
            ],
        ),
        None,
    )
    writer.figure(chart_build("packages", cockpit, user=user), images.get("packages"))
    writer.figure(late_table(cockpit), None)

    writer.heading("五、主要问题")
    if categories:
        writer.text(
            "监控发现的问题主要集中在："
            + "；".join(f"{row[0]}（{row[4]}条）" for row in categories[:MAIN_PROBLEMS])
            + "。"
        )
    else:
        writer.text("本期监控未发现预警事项。")

    writer.heading("六、整改落实情况")
    writer.text(
        f"已下达整改问题中尚未核查销号{cockpit.rectification_open}项，其中超过整改时限{cockpit.rectification_overdue}项。"
    )
    writer.figure(chart_build("rectification", cockpit, user=user), images.get("rectification"))

    writer.heading("七、拨款控制情况")
    holds = list(
        FundingStatus.objects.filter(
            status__in=HOLD_STATES, project__year=cycle.year, project__owner__in=cockpit.unit_ids
        )
        .select_related("project__owner")
        .order_by("project__owner__code", "project__code")
    )
    writer.text(f"对监控发现问题严重的项目，局领导决定暂缓或停止拨款{len(holds)}个。")
    writer.figure(
        Chart(
            name="holds",
            title="暂缓及停止拨款项目",
            kind="table",
            columns=["项目编码", "项目名称", "单位", "拨款状态", "原因"],
            rows=[
                [s.project.code, s.project.name, s.project.owner.name, s.get_status_display(), s.reason]
                for s in holds
            ],
        ),
        None,
    )
    return writer.bytes()
