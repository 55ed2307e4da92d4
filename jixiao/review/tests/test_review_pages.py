"""The review pages: who gets a page (403 otherwise), which objects they reach (404 otherwise), the forms
posting through the services, downloads with their audit record, and query counts that do not grow."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from jixiao.audit.models import AuditRecord
from jixiao.conftest import PEOPLE
from jixiao.monitoring.models import AnalysisReport, WarningLevel
from jixiao.organisations.models import OrganisationKind
from jixiao.review.models import Feedback, FeedbackState, KeyItem, KeyItemSelection, KeyItemSource, Opinion
from jixiao.review.services import (
    feedback_approve,
    feedback_compose,
    feedback_issue,
    feedback_update,
    key_item_mark,
    opinions_send,
)
from jixiao.review.tests.test_supervision import write_opinion
from jixiao.testing import bureau_package_sent, exported, report_filed

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def sent_round(shared_district, django_db_blocker):
    """Town and P1 (with S1) at the bureau, town red, S1 yellow; one supervision opinion sent on the town.

    Built once for the module (see `shared_district`): each test's changes are rolled back."""
    d = shared_district
    with django_db_blocker.unblock():
        report_filed(d, d.project_town, WarningLevel.RED)
        report_filed(d, d.project_s1, WarningLevel.YELLOW)
        bureau_package_sent(d, d.town, late_days=1)
        bureau_package_sent(d, d.p1, accepted=[d.s1])
        write_opinion(d, d.town, d.project_town, problem="支付进度慢", requirement="加快支付")
        opinions_send(cycle=d.cycle, unit=d.town, acting_user=d.supervision_staff)
    return d


@pytest.fixture
def sent(sent_round, db):
    return sent_round


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def post(client, user, url, data):
    client.force_login(user)
    return client.post(url, data)


def issued_feedback(d, unit=None) -> Feedback:
    feedback = feedback_compose(cycle=d.cycle, unit=unit or d.town, acting_user=d.counterpart_a)
    feedback_update(
        feedback=feedback,
        values={"counterpart_opinion": "审核通过。", "overall_opinion": "限期整改。"},
        acting_user=d.counterpart_a,
    )
    feedback = feedback_approve(feedback=feedback, acting_user=d.counterpart_a)
    return feedback_issue(feedback=feedback, acting_user=d.counterpart_a)


# ---------------------------------------------------------------------------------------------------
# Who gets which page


@pytest.mark.parametrize(
    ("page", "allowed"),
    [
        ("review:supervision", {"supervision_staff", "counterpart_a", "counterpart_b", "bureau_leader"}),
        ("review:counterpart", {"counterpart_a", "counterpart_b", "bureau_leader"}),
    ],
)
def test_workbench_roles(client, sent, page, allowed):
    url = reverse(page, args=[sent.cycle.pk])
    for name in PEOPLE:
        response = get(client, getattr(sent, name), url)
        assert response.status_code == (200 if name in allowed else 403), name


def test_index_roles(client, sent):
    allowed = set(PEOPLE) - {"agency_staff", "sysadmin", "auditor", "nobody"}
    for name in PEOPLE:
        response = get(client, getattr(sent, name), reverse("review:index"))
        assert response.status_code == (200 if name in allowed else 403), name


def test_unit_opinion_page_is_scoped(client, sent):
    d = sent
    url = reverse("review:supervision_unit", args=[d.cycle.pk, d.town.pk])
    assert get(client, d.supervision_staff, url).status_code == 200
    assert get(client, d.counterpart_a, url).status_code == 200
    assert get(client, d.counterpart_b, url).status_code == 404
    assert get(client, d.town_filler, url).status_code == 403
    for unit in (d.s1, d.sc, d.agency, d.section_a):
        other = reverse("review:supervision_unit", args=[d.cycle.pk, unit.pk])
        assert get(client, d.supervision_staff, other).status_code == 404


def test_counterpart_reads_only_sent_opinions(client, sent):
    d = sent
    write_opinion(d, d.town, problem="未送出的草稿", requirement="草稿要求")
    url = reverse("review:supervision_unit", args=[d.cycle.pk, d.town.pk])
    assert "未送出的草稿" in get(client, d.supervision_staff, url).content.decode()
    page = get(client, d.counterpart_a, url).content.decode()
    assert "支付进度慢" in page and "未送出的草稿" not in page
    assert 'name="action" value="send"' not in page


def test_feedback_page_by_role_and_state(client, sent, make_user):
    d = sent
    feedback = feedback_compose(cycle=d.cycle, unit=d.town, acting_user=d.counterpart_a)
    url = reverse("review:feedback", args=[feedback.pk])
    edit = get(client, d.counterpart_a, url)
    assert edit.status_code == 200 and "review/feedback_edit.html" in [t.name for t in edit.templates]
    read = get(client, d.supervision_staff, url)
    assert read.status_code == 200 and "review/feedback_detail.html" in [t.name for t in read.templates]
    for name, status in [
        ("town_filler", 404),
        ("counterpart_b", 404),
        ("p1_leader", 404),
        ("agency_staff", 403),
    ]:
        assert get(client, getattr(d, name), url).status_code == status, name

    issued_feedback(d)
    page = get(client, d.town_filler, url)
    assert page.status_code == 200 and "review/feedback_detail.html" in [t.name for t in page.templates]
    assert "支付进度慢" in page.content.decode()
    for name, status in [("p1_leader", 404), ("s1_filler", 404), ("counterpart_b", 404)]:
        assert get(client, getattr(d, name), url).status_code == status, name
    assert "review/feedback_detail.html" in [t.name for t in get(client, d.counterpart_a, url).templates]


def test_every_page_shows_its_steps_due_date(client, sent):
    d = sent
    feedback = feedback_compose(cycle=d.cycle, unit=d.town, acting_user=d.counterpart_a)
    for user, url, due in [
        (
            d.supervision_staff,
            reverse("review:supervision", args=[d.cycle.pk]),
            d.cycle.due_supervision_review,
        ),
        (
            d.supervision_staff,
            reverse("review:supervision_unit", args=[d.cycle.pk, d.town.pk]),
            d.cycle.due_supervision_review,
        ),
        (d.counterpart_a, reverse("review:counterpart", args=[d.cycle.pk]), d.cycle.due_feedback_issue),
        (d.counterpart_a, reverse("review:feedback", args=[feedback.pk]), d.cycle.due_feedback_issue),
    ]:
        page = get(client, user, url).content.decode()
        assert f"{due:%Y-%m-%d} · " in page, url


# ---------------------------------------------------------------------------------------------------
# Step 3 through the pages


def test_supervision_workbench_ranks_samples_marks_and_unmarks(client, sent):
    d = sent
    url = reverse("review:supervision", args=[d.cycle.pk])
    page = get(client, d.supervision_staff, url).content.decode()
    assert "红色预警 +40" in page and "报送逾期 1 天 +2" in page
    assert d.project_sc.name not in page

    response = post(client, d.supervision_staff, url, {"action": "sample", "size": "2"})
    assert response.status_code == 302
    selection = KeyItemSelection.objects.get()
    page = get(client, d.supervision_staff, url).content.decode()
    assert str(selection.seed) in page and "random.Random" in page

    post(client, d.supervision_staff, url, {"action": "manual", "project": d.project_p1.code})
    manual = KeyItem.objects.get(project=d.project_p1)
    assert manual.source in ("manual", "sample")
    post(client, d.supervision_staff, url, {"action": "manual", "project": "NO-SUCH-CODE"})
    follow = get(client, d.supervision_staff, url)
    assert any("没有找到该编码的项目" in str(m) for m in follow.context["messages"])

    key_count = KeyItem.objects.count()
    response = post(client, d.counterpart_a, url, {"action": "sample", "size": "1"})
    assert response.status_code == 403
    assert KeyItem.objects.count() == key_count

    item = KeyItem.objects.filter(source="manual").first() or key_item_mark(
        cycle=d.cycle, project=d.project_town, source=KeyItemSource.MANUAL, acting_user=d.supervision_staff
    )
    post(client, d.supervision_staff, url, {"action": "unmark", "item": item.pk})
    assert not KeyItem.objects.filter(pk=item.pk).exists()


def test_tampered_ids_are_not_found(client, sent):
    d = sent
    url = reverse("review:supervision", args=[d.cycle.pk])
    assert post(client, d.supervision_staff, url, {"action": "unmark", "item": "x"}).status_code == 404
    assert (
        post(client, d.supervision_staff, url, {"action": "mark", "project": d.project_p2.pk}).status_code
        == 404
    )
    workbench = reverse("review:counterpart", args=[d.cycle.pk])
    assert post(client, d.counterpart_a, workbench, {"unit": "1 OR 1"}).status_code == 404
    assert post(client, d.counterpart_a, workbench, {"unit": d.s1.pk}).status_code == 404
    assert not KeyItem.objects.exists() and not Feedback.objects.exists()


def test_ranking_filter_answers_htmx_with_the_table_only(client, sent):
    d = sent
    client.force_login(d.supervision_staff)
    response = client.get(
        reverse("review:supervision", args=[d.cycle.pk]), {"level": "yellow"}, HTTP_HX_REQUEST="true"
    )
    assert response.templates[0].name == "review/_ranking.html"
    page = response.content.decode()
    assert d.project_s1.name in page and d.project_town.name not in page


def test_opinions_are_written_and_sent_through_the_unit_page(client, sent):
    d = sent
    url = reverse("review:supervision_unit", args=[d.cycle.pk, d.p1.pk])
    response = post(
        client,
        d.supervision_staff,
        url,
        {"action": "create", "project": d.project_s1.pk, "problem": "", "requirement": "x"},
    )
    assert response.status_code == 200 and response.context["form"].errors["problem"]
    post(
        client,
        d.supervision_staff,
        url,
        {"action": "create", "project": d.project_s1.pk, "problem": "问题", "requirement": "要求"},
    )
    post(
        client,
        d.supervision_staff,
        url,
        {"action": "create", "project": "", "problem": "整体问题", "requirement": "整体要求"},
    )
    assert Opinion.objects.filter(organisation=d.p1, sent_at__isnull=True).count() == 2
    assert post(client, d.counterpart_a, url, {"action": "send"}).status_code == 403
    post(client, d.supervision_staff, url, {"action": "send"})
    assert not Opinion.objects.filter(organisation=d.p1, sent_at__isnull=True).exists()


# ---------------------------------------------------------------------------------------------------
# Step 4 through the pages


def test_counterpart_composes_edits_approves_and_issues(client, sent):
    d = sent
    workbench = reverse("review:counterpart", args=[d.cycle.pk])
    assert post(client, d.counterpart_b, workbench, {"unit": d.town.pk}).status_code == 404
    response = post(client, d.counterpart_a, workbench, {"unit": d.town.pk})
    feedback = Feedback.objects.get(organisation=d.town)
    assert response.url == reverse("review:feedback", args=[feedback.pk])
    url = response.url

    response = post(
        client,
        d.counterpart_a,
        url,
        {"action": "add_item", "new-problem": "", "new-requirement": "r", "new-due_date": "2026-12-01"},
    )
    assert response.status_code == 200 and response.context["new_item"].errors["problem"]
    post(
        client,
        d.counterpart_a,
        url,
        {
            "action": "add_item",
            "new-problem": "台账不全",
            "new-requirement": "完善台账",
            "new-due_date": "2026年12月1日",
        },
    )
    assert feedback.items.filter(problem="台账不全", due_date="2026-12-01").exists()
    first = feedback.items.get(position=1)
    rows = {"action": "save_items"}
    for item in feedback.items.all():
        rows |= {
            f"item-{item.pk}-project": f"{item.project.code} {item.project.name}" if item.project else "",
            f"item-{item.pk}-problem": item.problem,
            f"item-{item.pk}-requirement": item.requirement,
            f"item-{item.pk}-due_date": item.due_date.isoformat(),
        }
    rows |= {
        f"item-{first.pk}-project": d.project_town.code,
        f"item-{first.pk}-problem": "改写",
        f"item-{first.pk}-requirement": "改写要求",
        f"item-{first.pk}-due_date": "2026-11-30",
    }
    post(client, d.counterpart_a, url, rows)
    first.refresh_from_db()
    assert first.problem == "改写"

    post(client, d.counterpart_a, url, {"action": "approve"})
    assert Feedback.objects.get().state == FeedbackState.DRAFT
    post(
        client,
        d.counterpart_a,
        url,
        {"action": "texts", "counterpart_opinion": "审核通过。", "overall_opinion": "限期整改。"},
    )
    assert post(client, d.supervision_staff, url, {"action": "approve"}).status_code == 403
    post(client, d.counterpart_a, url, {"action": "approve"})
    assert Feedback.objects.get().state == FeedbackState.APPROVED
    page = get(client, d.counterpart_a, url).content.decode()
    assert 'id="issue-feedback"' in page
    post(client, d.counterpart_a, url, {"action": "issue"})
    assert Feedback.objects.get().state == FeedbackState.ISSUED

    post(client, d.counterpart_a, url, {"action": "remove_item", "item": first.pk})
    assert feedback.items.filter(pk=first.pk).exists()
    assert post(client, d.town_filler, url, {"action": "issue"}).status_code == 403


def test_downloads_are_scoped_and_audited(client, sent):
    d = sent
    feedback = issued_feedback(d)
    xlsx = reverse("review:feedback_xlsx", args=[feedback.pk])
    docx = reverse("review:feedback_docx", args=[feedback.pk])
    client.force_login(d.town_filler)
    response = exported(client, xlsx)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["附件2"]
    assert ws["A1"].value.endswith("项目预算绩效监控综合意见反馈表")
    client.force_login(d.counterpart_a)
    response = exported(client, docx)
    assert response.status_code == 200
    assert Document(io.BytesIO(response.content)).paragraphs[0].text.endswith("综合意见反馈表")
    assert AuditRecord.objects.filter(action="feedback.export").count() == 2
    for name, status in [("p1_leader", 404), ("counterpart_b", 404), ("auditor", 403)]:
        client.force_login(getattr(d, name))
        assert exported(client, xlsx).status_code == status, name
    assert AuditRecord.objects.filter(action="feedback.export").count() == 2


def test_index_lists_the_units_own_issued_feedback(client, sent):
    d = sent
    feedback = issued_feedback(d)
    feedback_compose(cycle=d.cycle, unit=d.p1, acting_user=d.counterpart_a)
    page = get(client, d.town_filler, reverse("review:index")).content.decode()
    assert reverse("review:feedback", args=[feedback.pk]) in page
    assert "区教育局" not in page and "重点审核与审核意见" not in page
    page = get(client, d.counterpart_a, reverse("review:index")).content.decode()
    assert "区教育局" in page and reverse("review:counterpart", args=[d.cycle.pk]) in page


# ---------------------------------------------------------------------------------------------------
# Query counts


def _queries(client, user, url) -> int:
    client.force_login(user)
    client.get(url)  # warm up session and caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(d, make_organisation, make_project, units: int, projects_per_unit: int) -> None:
    """More units at the bureau, each with reports, opinions and a composed 附件2."""
    for index in range(units):
        unit = make_organisation(OrganisationKind.TOWN, f"增镇{index}", counterpart_section=d.section_a)
        for _ in range(projects_per_unit):
            report_filed(d, make_project(unit), WarningLevel.RED)
        bureau_package_sent(d, unit, late_days=index)
        write_opinion(d, unit)
        opinions_send(cycle=d.cycle, unit=unit, acting_user=d.supervision_staff)
        feedback_compose(cycle=d.cycle, unit=unit, acting_user=d.counterpart_a)


@pytest.mark.parametrize("page", ["review:supervision", "review:counterpart"])
def test_workbench_query_count_does_not_grow(client, sent, make_organisation, make_project, page):
    d = sent
    user = d.supervision_staff if page == "review:supervision" else d.counterpart_a
    url = reverse(page, args=[d.cycle.pk])
    _grow(d, make_organisation, make_project, units=1, projects_per_unit=1)
    small = _queries(client, user, url)
    _grow(d, make_organisation, make_project, units=9, projects_per_unit=3)
    assert AnalysisReport.objects.count() >= 30
    assert _queries(client, user, url) == small


def test_feedback_page_query_count_does_not_grow_with_items(client, sent, make_project):
    d = sent
    feedback = feedback_compose(cycle=d.cycle, unit=d.town, acting_user=d.counterpart_a)
    url = reverse("review:feedback", args=[feedback.pk])
    small = _queries(client, d.counterpart_a, url)
    for _ in range(10):
        report_filed(d, make_project(d.town), WarningLevel.YELLOW)
    feedback_compose(cycle=d.cycle, unit=d.town, acting_user=d.counterpart_a)
    assert feedback.items.count() == 12
    assert _queries(client, d.counterpart_a, url) == small
    assert _queries(client, d.supervision_staff, url) == _queries(client, d.bureau_leader, url)
