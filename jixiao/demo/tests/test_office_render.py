"""The office files print like the paper forms: each export of a demo district is converted to PDF by
LibreOffice (headless), must fit its page budget and show no spreadsheet error value; the first page of
each is kept as a PNG under var/renders/ for people to look at.

Needs LibreOffice and poppler-utils (`make office` installs them; `make render` runs only this module).
"""

import shutil
import subprocess
import sys
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from jixiao.dashboards.cockpit import CockpitFilters, cockpit_build
from jixiao.dashboards.district_report import district_report_docx
from jixiao.monitoring.models import AnalysisReport, MonitoringCycle, WarningLevel
from jixiao.monitoring.workbook import export_report_bytes, report_of
from jixiao.organisations.models import Membership, Role
from jixiao.review.documents import feedback_docx, feedback_xlsx
from jixiao.review.models import Feedback
from jixiao.review.services import (
    feedback_approve,
    feedback_compose,
    feedback_issue,
    feedback_item_add,
    feedback_item_remove,
    feedback_update,
)
from jixiao.workflow.documents import aggregated_groups, aggregated_table_xlsx, overall_report_docx
from jixiao.workflow.models import SENT_STATES, Step, Submission

YEAR = 2026
FEEDBACK_ITEMS = 28
pytestmark = pytest.mark.django_db  # also makes pytest-django create the test database

CONVERSION_TIMEOUT = 300  # seconds for all six files on a busy two-core machine
ERROR_VALUES = ("#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#N/A", "#NUM!", "Err:")


@dataclass
class Rendered:
    pages: int
    text: str


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: run `make office` (installs LibreOffice and poppler-utils)"
    return path


def _demo_documents() -> tuple[dict[str, bytes], dict[str, str]]:
    """The office files of the demo district's largest first-level unit that sent its package and has no
    附件2 yet, with one of FEEDBACK_ITEMS items, approved and issued through the services; the district
    report drafted from the district's figures as the supervision section sees them (without the charts'
    pictures, which the page draws and sends); and each file's title."""
    call_command("seed_demo", "--year", str(YEAR), stdout=StringIO())
    cycle = MonitoringCycle.objects.get(year=YEAR, organisation=None)
    packages = Submission.objects.filter(
        cycle=cycle,
        step=Step.UNIT_TO_BUREAU,
        state__in=SENT_STATES,
        organisation__counterpart_section__isnull=False,
    ).exclude(organisation__in=Feedback.objects.filter(cycle=cycle).values("organisation"))
    packages = packages.select_related("organisation")
    package = max(
        packages,
        key=lambda p: sum(len(g.projects) for g in aggregated_groups(unit=p.organisation, cycle=cycle)),
    )
    unit = package.organisation
    counterpart = (
        Membership.objects.filter(organisation=unit.counterpart_section, role=Role.COUNTERPART_STAFF)
        .order_by("user__username")
        .first()
        .user
    )

    feedback = feedback_compose(cycle=cycle, unit=unit, acting_user=counterpart)
    items = list(feedback.items.order_by("position"))
    assert items, "the demo unit's package has warned projects"
    while len(items) < FEEDBACK_ITEMS:  # the section's own items, worded like the drafted ones
        model = items[len(items) % len(items)]
        items.append(
            feedback_item_add(
                feedback=feedback,
                values={
                    "project": model.project,
                    "problem": model.problem,
                    "requirement": model.requirement,
                    "due_date": model.due_date,
                },
                acting_user=counterpart,
            )
        )
    for extra in items[FEEDBACK_ITEMS:]:
        feedback_item_remove(item=extra, acting_user=counterpart)
    feedback = feedback_update(
        feedback=feedback,
        values={
            "counterpart_opinion": "材料基本齐全，部分项目偏差原因分析不够具体，纠偏措施针对性不强。",
            "overall_opinion": "请对照上述问题逐项整改，于整改时限前报送整改落实情况及佐证材料。",
        },
        acting_user=counterpart,
    )
    feedback = feedback_issue(
        feedback=feedback_approve(feedback=feedback, acting_user=counterpart), acting_user=counterpart
    )
    assert feedback.items.count() == FEEDBACK_ITEMS

    report = (
        AnalysisReport.objects.filter(cycle=cycle, project__owner=unit, level=WarningLevel.RED)
        .order_by("project__code")
        .first()
    )
    assert report is not None, "the demo unit has a red 附件1"
    supervisor = (
        Membership.objects.filter(role=Role.SUPERVISION_STAFF).order_by("user__username").first().user
    )
    district_cockpit = cockpit_build(user=supervisor, filters=CockpitFilters(cycle=cycle, district=True))
    documents = {
        "附件1.xlsx": export_report_bytes(
            project=report.project, cycle=cycle, report=report_of(report.project, cycle)
        ),
        "汇总表.xlsx": aggregated_table_xlsx(unit=unit, cycle=cycle),
        "附件2.xlsx": feedback_xlsx(feedback),
        "附件2.docx": feedback_docx(feedback),
        "整体报告.docx": overall_report_docx(submission=package),
        "全区报告.docx": district_report_docx(cockpit=district_cockpit, user=supervisor, images={}),
    }
    district = settings.DISTRICT_NAME
    titles = {
        "附件1.xlsx": f"{district}项目预算绩效监控分析表",
        "汇总表.xlsx": "项目预算绩效监控汇总表",
        "附件2.xlsx": f"{district}项目预算绩效监控综合意见反馈表",
        "附件2.docx": f"{district}项目预算绩效监控综合意见反馈表",
        "整体报告.docx": "整体绩效运行监控分析报告",
        "全区报告.docx": f"{district}{YEAR}年预算绩效运行监控情况报告",
    }
    return documents, titles


def _render(documents: dict[str, bytes], folder: Path) -> dict[str, Rendered]:
    """PDFs through one headless LibreOffice run with its own profile (parallel runs never share one)."""
    soffice, pdfinfo, pdftotext, pdftoppm = (
        _tool(n) for n in ("soffice", "pdfinfo", "pdftotext", "pdftoppm")
    )
    sources = folder / "sources"
    sources.mkdir()
    names = {}
    for name, content in documents.items():
        # LibreOffice names each PDF after its source's stem: 附件2.xlsx and 附件2.docx need two stems.
        source = sources / f"{Path(name).stem}-{Path(name).suffix[1:]}{Path(name).suffix}"
        source.write_bytes(content)
        names[source] = name
    inputs = sorted(names)
    subprocess.run(
        [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(folder), *map(str, inputs)],
        check=True, capture_output=True, timeout=CONVERSION_TIMEOUT,
    )  # fmt: skip
    renders = Path(settings.VAR_DIR) / "renders"
    renders.mkdir(parents=True, exist_ok=True)
    rendered = {}
    for source in inputs:
        pdf = folder / f"{source.stem}.pdf"
        assert pdf.exists(), f"LibreOffice did not convert {source.name}"
        info = subprocess.run([pdfinfo, str(pdf)], check=True, capture_output=True, text=True).stdout
        pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        text = subprocess.run(
            [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
        )
        subprocess.run(
            [pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(renders / source.stem)],
            check=True, capture_output=True,
        )  # fmt: skip
        rendered[names[source]] = Rendered(pages=pages, text=text.stdout)
    return rendered


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, Rendered]:
    """Every office file of the demo district as printed, built once for the module and rolled back."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            documents, titles = _demo_documents()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(*sys.exc_info())
    result = _render(documents, tmp_path_factory.mktemp("render"))
    for name, title in titles.items():
        assert title in "".join(result[name].text.split()), f"{name} shows its title"
    return result


# (file, most pages on A4). 附件2's 28 drafted items each list every warning of their project by indicator,
# some 200 characters a cell; the opinion block takes a page of its own in the workbook. The district report
# prints its seven parts with the charts' tables (the pictures, drawn by the page, would add their own).
PAGE_BUDGETS = [
    ("附件1.xlsx", 3),
    ("汇总表.xlsx", 4),
    ("附件2.xlsx", 7),
    ("附件2.docx", 7),
    ("整体报告.docx", 4),
    ("全区报告.docx", 6),
]


@pytest.mark.parametrize(("name", "most_pages"), PAGE_BUDGETS)
def test_each_office_file_prints_within_its_page_budget(rendered, name, most_pages):
    assert 1 <= rendered[name].pages <= most_pages, f"{name}: {rendered[name].pages} pages"


@pytest.mark.parametrize("name", [name for name, _pages in PAGE_BUDGETS])
def test_no_cell_shows_an_error_value(rendered, name):
    shown = [value for value in ERROR_VALUES if value in rendered[name].text]
    assert not shown, f"{name} shows {shown}"


def test_the_feedback_prints_its_opinion_block_whole_on_one_page(rendered):
    for name in ("附件2.xlsx", "附件2.docx"):
        pages = rendered[name].text.split("\f")
        first = [n for n, page in enumerate(pages) if "财政监督与绩效管理股意见" in "".join(page.split())]
        signature = [n for n, page in enumerate(pages) if "下达日期" in "".join(page.split())]
        assert len(first) == len(signature) == 1 and first == signature, (
            f"{name}: pages {first} and {signature}"
        )
