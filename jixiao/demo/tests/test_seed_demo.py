import re
import subprocess
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Sum
from django.urls import reverse
from django.utils import timezone

from jixiao.adjustments.models import AdjustmentState, GoalAdjustment
from jixiao.audit.models import AuditRecord
from jixiao.demo.demo_data import DEMO_ACCOUNTS, DEMO_PASSWORD, DOMAINS
from jixiao.demo.management.commands import bench
from jixiao.demo.management.commands.seed_demo import default_year, organisation_plan
from jixiao.dispositions.models import Choice, DispositionState, WarningDisposition
from jixiao.dispositions.selectors import describe, funding_candidates
from jixiao.funding.models import FundingState, FundingStatus
from jixiao.monitoring.models import AnalysisReport, CycleKind, MonitoringCycle
from jixiao.organisations.models import Membership, Organisation, OrganisationKind, Role, User
from jixiao.practices.models import Practice, PracticeState
from jixiao.projects.models import (
    CATEGORY_LEVEL1,
    Indicator,
    IndicatorCategory,
    IndicatorLevel1,
    Project,
    ProjectMonth,
    ProjectType,
    TargetVersion,
)
from jixiao.rectification.models import RectificationItem
from jixiao.review.models import Feedback, FeedbackState
from jixiao.violations.models import ViolationCase
from jixiao.workdays.models import BureauDay, DayKind
from jixiao.workdays.selectors import work_calendar
from jixiao.workflow.documents import overall_report_draft
from jixiao.workflow.models import Step, Submission, SubmissionState
from jixiao.workflow.selectors import submission_problems
from jixiao.workflow.services import submission_for

ACCEPTED, SUBMITTED, RETURNED, DRAFT = (
    SubmissionState.ACCEPTED,
    SubmissionState.SUBMITTED,
    SubmissionState.RETURNED,
    SubmissionState.DRAFT,
)
PROJECTS = 300
YEAR = 2026


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--projects", str(PROJECTS), "--year", str(YEAR), *args, stdout=out)
    return out.getvalue()


def table_counts() -> dict[str, int]:
    models = (
        Organisation,
        Project,
        TargetVersion,
        Indicator,
        ProjectMonth,
        MonitoringCycle,
        User,
        Membership,
    )
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker) -> str:
    """The demo district, seeded once for the module inside a transaction that is rolled back at its end;
    each test runs in a savepoint over it (as a Django TestCase class does) and leaves it as it was.
    Tests that need an empty database live in `test_seed_demo_fresh.py`."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


@pytest.fixture
def output(_seeded, db) -> str:
    return _seeded


def test_catalogue_is_consistent():
    plan = organisation_plan()
    assert len({planned.code for planned in plan}) == len({planned.label for planned in plan}) == len(plan)
    for planned in plan:
        if planned.domain:
            names = {template.name for template in DOMAINS[planned.domain].projects}
            assert set(planned.projects) <= names, planned.label
    for domain in DOMAINS.values():
        for project in domain.projects:
            categories = {indicator.category for indicator in project.indicators}
            assert IndicatorCategory.QUANTITY in categories, project.name


def test_builds_the_organisation_tree_of_a_district(output):
    counts = dict(Organisation.objects.order_by().values_list("kind").annotate(Count("id")))
    assert counts == {
        OrganisationKind.FINANCE_BUREAU: 1,
        OrganisationKind.COUNTERPART_SECTION: 3,
        OrganisationKind.SUPERVISION_SECTION: 1,
        OrganisationKind.TOWN: 20,
        OrganisationKind.PRIMARY_UNIT: 40,
        OrganisationKind.SECONDARY_UNIT: 80,
        OrganisationKind.AGENCY: 1,
    }
    classified = Organisation.objects.filter(is_classified=True)
    assert classified.count() == 2
    assert {unit.kind for unit in classified} == {OrganisationKind.SECONDARY_UNIT}
    bureau = Organisation.objects.get(kind=OrganisationKind.FINANCE_BUREAU)
    assert bureau.code == "000"
    assert set(Organisation.objects.filter(parent=bureau).values_list("kind", flat=True)) == {
        OrganisationKind.COUNTERPART_SECTION,
        OrganisationKind.SUPERVISION_SECTION,
    }


def test_every_town_and_primary_unit_has_a_counterpart_section(output):
    units = Organisation.objects.filter(kind__in=[OrganisationKind.TOWN, OrganisationKind.PRIMARY_UNIT])
    assert not units.filter(counterpart_section=None).exists()
    assert not units.exclude(parent=None).exists()
    for section in Organisation.objects.filter(kind=OrganisationKind.COUNTERPART_SECTION):
        assigned = set(section.assigned_units.values_list("kind", flat=True))
        assert assigned == {OrganisationKind.TOWN, OrganisationKind.PRIMARY_UNIT}


def test_paths_follow_the_parents(output):
    for organisation in Organisation.objects.select_related("parent"):
        parent_path = organisation.parent.path if organisation.parent else "/"
        assert organisation.path == f"{parent_path}{organisation.pk}/"
    assert not Organisation.objects.filter(kind=OrganisationKind.SECONDARY_UNIT, parent=None).exists()


def test_opens_the_annual_cycle_of_the_year(output):
    cycle = MonitoringCycle.objects.get()
    assert (cycle.year, cycle.kind, cycle.period_end_month) == (YEAR, CycleKind.ANNUAL, 8)


def test_projects_spread_over_the_budget_units(output):
    projects = Project.objects.select_related("owner")
    assert projects.count() == PROJECTS
    assert {project.owner.kind for project in projects} == {
        OrganisationKind.TOWN,
        OrganisationKind.PRIMARY_UNIT,
        OrganisationKind.SECONDARY_UNIT,
    }
    assert projects.filter(owner__is_classified=True).exists()
    for project in projects:
        assert re.fullmatch(rf"{YEAR}-{re.escape(project.owner.code)}-\d{{3}}", project.code)
        assert project.year == YEAR
        assert project.responsible_person
        assert re.fullmatch(r"1\d{10}", project.responsible_phone)
    assert set(projects.values_list("project_type", flat=True)) == set(ProjectType.values)
    assert projects.filter(is_key_project=True).exists()
    assert projects.exclude(adjusted_fiscal=None).exists()
    assert projects.filter(initial_other__gt=0).exists()
    assert projects.filter(agencies__kind=OrganisationKind.AGENCY).exists()


def test_every_project_has_a_current_target_with_valid_indicators(output):
    adjusted = set(
        GoalAdjustment.objects.filter(state=AdjustmentState.APPROVED).values_list("project_id", flat=True)
    )
    assert len(adjusted) == 1
    for project in Project.objects.select_related("current_target").prefetch_related(
        "current_target__indicators"
    ):
        version = project.current_target
        assert (version.project_id, version.number) == (project.pk, 2 if project.pk in adjusted else 1)
        assert version.annual_goal
        assert version.approved_at.year == YEAR
        indicators = list(version.indicators.all())
        assert 4 <= len(indicators) <= 12
        assert [indicator.position for indicator in indicators] == list(range(1, len(indicators) + 1))
        level1 = {indicator.level1 for indicator in indicators}
        assert IndicatorLevel1.OUTPUT in level1
        assert level1 & {IndicatorLevel1.BENEFIT, IndicatorLevel1.SATISFACTION}
        for indicator in indicators:
            indicator.clean()


def test_every_indicator_category_occurs(output):
    categories = set(Indicator.objects.values_list("category", flat=True))
    assert categories == set(IndicatorCategory.values) == set(CATEGORY_LEVEL1)


def test_payments_produce_every_budget_execution_band(output):
    paid = dict(
        ProjectMonth.objects.order_by()
        .values_list("project")
        .annotate(total=Sum(F("paid_fiscal") + F("paid_other")))
    )
    time_progress = Decimal(8) / Decimal(12)
    bands = set()
    for project in Project.objects.annotate(months_count=Count("months"), planned=Sum("months__planned")):
        budget = project.budget
        if budget == 0:
            bands.add("no_budget")
            continue
        assert project.months_count == 12
        assert project.planned == budget
        executed = paid[project.pk]
        lag = time_progress - executed / budget
        if executed == 0:
            bands.add("zero")
        elif executed > budget:
            bands.add("overspent")
        elif lag >= Decimal("0.2"):
            bands.add("red")
        elif lag >= Decimal("0.1"):
            bands.add("yellow")
        else:
            bands.add("on_track")
    assert bands == {"on_track", "yellow", "red", "zero", "overspent", "no_budget"}
    later_payments = ProjectMonth.objects.filter(month__gt=8).exclude(paid_fiscal=0, paid_other=0)
    assert not later_payments.exists()


def test_every_demo_account_holds_its_role(output):
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.full_name == account.full_name
        membership = Membership.objects.select_related("organisation").get(user=user)
        assert membership.role == account.role
        assert account.organisation in (membership.organisation.name, membership.organisation.short_name)
        assert account.username in output
        assert user.is_staff == (account.role == Role.SYSADMIN)
    assert User.objects.get(username="leader").check_password(DEMO_PASSWORD)
    demo_users = User.objects.filter(username__in=[account.username for account in DEMO_ACCOUNTS])
    assert len(set(demo_users.values_list("password", flat=True))) == 1
    others = User.objects.exclude(pk__in=demo_users)
    assert others.exists() and not any(user.has_usable_password() for user in others)
    unit = Membership.objects.get(user__username="unit_filler").organisation
    subunit = Membership.objects.get(user__username="sub_filler").organisation
    assert subunit.parent == unit
    assert Membership.objects.get(user__username="secret_filler").organisation.is_classified
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert "http://127.0.0.1:8000/" in output


def test_a_second_run_changes_nothing(output):
    before = table_counts()
    second = seed()
    assert table_counts() == before
    assert "已加载" in second
    assert "secret_filler" in second


def test_a_second_run_restores_missing_demo_accounts(output):
    User.objects.filter(username="agency").delete()
    seed()
    membership = Membership.objects.get(user__username="agency")
    assert membership.organisation.kind == OrganisationKind.AGENCY


def test_reports_are_filled_with_every_warning_level(output):
    from jixiao.monitoring.models import AnalysisReport, ReportWarning

    assert set(AnalysisReport.objects.values_list("level", flat=True)) == {"red", "yellow", "green"}
    assert set(ReportWarning.objects.values_list("level", flat=True)) == {"red", "yellow", "blue"}
    assert AnalysisReport.objects.count() < Project.objects.count()  # some units have not filled yet


def test_every_printed_account_signs_in_and_sees_its_home_page(output, client):
    for account in DEMO_ACCOUNTS:
        assert account.username in output
        response = client.post(
            reverse("login"), {"username": account.username, "password": DEMO_PASSWORD}, follow=True
        )
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == reverse("home"), account.username
        assert "工作台" in response.content.decode()
        client.logout()


def test_prints_the_address_it_is_given(output):
    printed = seed("--address", "0.0.0.0:9000")
    assert "http://0.0.0.0:9000/" in printed
    assert ":8000" not in printed
    assert "http://127.0.0.1:9001/" in seed("--address", "9001")


def test_make_demo_passes_its_host_to_the_seed():
    completed = subprocess.run(
        ["make", "-n", "demo", "HOST=0.0.0.0:9000"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "seed_demo --address 0.0.0.0:9000" in completed.stdout
    assert "runserver 0.0.0.0:9000" in completed.stdout


# The round: every seeded state is one the services reached, and one a real round could have left.


def sent_packages():
    return Submission.objects.exclude(submitted_at=None).select_related("cycle", "organisation")


def test_every_sent_package_passes_the_readiness_check_it_was_sent_with(output):
    packages = list(sent_packages())
    states = {(package.step, package.state) for package in packages}
    for step in Step:
        assert {(step, state) for state in (ACCEPTED, SUBMITTED, RETURNED)} <= states
    for package in packages:
        assert submission_problems(package) == [], package
        assert package.is_sent == (package.state != RETURNED)
    locked = AnalysisReport.objects.filter(locked=True)
    sent_units = {package.organisation_id for package in packages if package.is_sent}
    assert set(locked.values_list("project__owner", flat=True)) == sent_units


def test_first_level_units_sent_only_with_every_subordinate_accepted(output):
    sent = [p for p in sent_packages() if p.organisation.kind == OrganisationKind.PRIMARY_UNIT]
    assert any(package.organisation.children.exists() for package in sent)
    for package in sent:
        for subordinate in package.organisation.children.filter(is_classified=False):
            own = Submission.objects.get(organisation=subordinate, step=Step.UNIT_TO_PRIMARY)
            assert own.state == ACCEPTED and own.decided_at < package.submitted_at, subordinate


def test_overall_reports_name_the_subordinates_real_states(output):
    packages = [p for p in sent_packages() if p.step == Step.UNIT_TO_BUREAU]
    for package in packages:
        assert package.overall_report == overall_report_draft(unit=package.organisation, cycle=package.cycle)
    with_subordinates = [p for p in packages if p.organisation.children.filter(is_classified=False).exists()]
    assert with_subordinates
    for package in with_subordinates:
        assert "：已审核通过" in package.overall_report
        assert "未报送" not in package.overall_report


def test_the_audit_trail_is_the_services_own(output):
    packages = list(sent_packages())
    actions = Counter(AuditRecord.objects.values_list("action", flat=True))
    assert actions["submission.submit"] == len(packages)
    assert actions["submission.accept"] == sum(p.state == ACCEPTED for p in packages)
    assert actions["submission.return"] == sum(p.state == RETURNED for p in packages)
    assert actions["feedback.issue"] == Feedback.objects.filter(state=FeedbackState.ISSUED).count() > 0
    assert actions["rectification.verify"] == RectificationItem.objects.filter(state="verified").count() > 0
    assert actions["rectification.open"] == RectificationItem.objects.count()
    for record in AuditRecord.objects.filter(action="submission.submit").select_related("actor"):
        assert Membership.objects.filter(
            user=record.actor, organisation=record.organisation, role=Role.UNIT_LEADER
        ).exists()


def test_the_round_stands_mid_way_relative_to_the_seeding_day(output):
    today, now = timezone.localdate(), timezone.now()
    cycle = MonitoringCycle.objects.get()
    assert today < cycle.due_unit_to_primary <= today + timedelta(days=7)
    for package in sent_packages():
        assert package.submitted_at < now and package.late_days == 0
        assert package.decided_at is None or package.submitted_at < package.decided_at < now
    items = RectificationItem.objects.filter(kind="feedback").select_related("feedback_item__feedback")
    assert {item.state for item in items} == {"open", "responded", "verified"}
    for item in items:
        assert item.due_date > timezone.localdate(item.feedback_item.feedback.issued_at)
        assert item.feedback_item.feedback.issued_at < now
    overdue = items.filter(state="open", due_date__lt=today)
    assert overdue.exists()
    others = RectificationItem.objects.exclude(kind="feedback")
    unit_of = {
        m.user.username: m.organisation for m in Membership.objects.select_related("user", "organisation")
    }
    bureau = Organisation.objects.get(kind=OrganisationKind.FINANCE_BUREAU)
    school, education, town = unit_of["sub_filler"], unit_of["unit_filler"], unit_of["town_filler"]
    assert {(i.kind, i.organisation, i.issuing_organisation, i.state) for i in others} == {
        ("oversight", town, bureau, "open"),
        ("parent", school, education, "open"),
        ("self", school, school, "open"),
    }


def test_the_demo_accounts_units_have_their_work_open(output):
    cycle = MonitoringCycle.objects.get()
    today = timezone.localdate()
    school = Membership.objects.get(user__username="sub_filler").organisation
    package = submission_for(organisation=school, cycle=cycle)
    assert package.state == DRAFT and package.due_date - today == timedelta(days=3)
    problems = submission_problems(package)
    assert any("尚未填报" in problem for problem in problems)
    assert any("缺少偏差原因分析" in problem for problem in problems)

    bureau_unit = Membership.objects.get(user__username="unit_filler").organisation
    assert submission_for(organisation=bureau_unit, cycle=cycle).state == DRAFT
    subordinates = [
        submission_for(organisation=unit, cycle=cycle)
        for unit in bureau_unit.children.filter(is_classified=False)
    ]
    assert {p.state for p in subordinates} == {ACCEPTED, RETURNED, SUBMITTED, DRAFT}
    returned = next(p for p in subordinates if p.state == RETURNED)
    assert returned.return_comment

    town = Membership.objects.get(user__username="town_filler").organisation
    assert submission_for(organisation=town, cycle=cycle).state == ACCEPTED
    feedback = Feedback.objects.get(organisation=town)
    assert feedback.state == FeedbackState.ISSUED
    assert feedback.items.exists()
    assert set(feedback.items.values_list("rectification__state", flat=True)) == {"open"}
    assert all(item.due_date > today for item in feedback.items.all())


def home_text(client, username: str) -> str:
    client.force_login(User.objects.get(username=username))
    text = re.sub(r"<[^>]+>", " ", client.get(reverse("home")).content.decode())
    client.logout()
    return re.sub(r"\s+", " ", text)


def test_the_demo_accounts_home_pages_show_their_open_work(output, client):
    assert "二级预算单位报送一级预算单位 " in home_text(client, "sub_filler")
    assert "还剩 3 天" in home_text(client, "sub_filler")
    assert "报送材料：未报送" in home_text(client, "sub_leader")
    unit = home_text(client, "unit_filler")
    assert "报送材料：未报送" in unit and "还剩 8 天" in unit
    town = home_text(client, "town_filler")
    assert "报送材料：已审核通过" in town and "综合意见反馈表（已下达）" in town
    assert "逾期未整改" in home_text(client, "leader")


def test_the_bench_imports_into_a_report_its_unit_may_still_change(output):
    """Sent packages lock their reports (the seeded town first among them); the bench must not pick one."""
    cycle = MonitoringCycle.objects.get()
    assert AnalysisReport.objects.filter(cycle=cycle).order_by("id").first().locked
    report = bench.report_to_import(cycle)
    assert not report.locked
    assert not submission_for(organisation=report.project.owner, cycle=cycle).is_sent


def test_core_needs_nothing_of_the_demo():
    """core is the ground layer: the demo district lives in its own app, on top of every other."""
    core = Path(settings.BASE_DIR) / "jixiao" / "core"
    for source in core.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert "jixiao.demo" not in text and "seed_demo" not in text, source
    assert not (core / "management").exists()


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (date(2026, 12, 1), 2026),
        (date(2026, 10, 1), 2026),
        (date(2026, 9, 10), 2025),
        (date(2027, 3, 1), 2026),
    ],
)
def test_the_default_year_is_one_whose_period_ended_before_its_reports_were_filled(today, year):
    assert default_year(today) == year


def page_text(client, username: str, url: str) -> str:
    client.force_login(User.objects.get(username=username))
    response = client.get(url)
    client.logout()
    assert response.status_code == 200, url
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_results_half_went_through_the_services(output):
    today = timezone.localdate()
    unit_of = {m.user.username: m.organisation for m in Membership.objects.select_related("organisation")}
    town, school = unit_of["town_filler"], unit_of["sub_filler"]

    held = FundingStatus.objects.select_related("project__owner", "set_by").get()
    assert held.status == FundingState.SUSPENDED and held.set_by.username == "leader"
    assert {item["kind"] for item in held.basis} == {"warning", "disposition"}
    assert held.project.dispositions.get().choice == Choice.CANCEL

    dispositions = {d.choice: d for d in WarningDisposition.objects.filter(organisation=town)}
    assert set(dispositions) == {Choice.CONTINUE, Choice.CANCEL}
    assert not any(d.answered_late for d in dispositions.values())
    assert dispositions[Choice.CANCEL].state == DispositionState.ACKNOWLEDGED
    assert all(d.answered_at.date() < today for d in dispositions.values())

    adjustments = {a.project.owner: a for a in GoalAdjustment.objects.select_related("project__owner")}
    assert adjustments[town].state == AdjustmentState.APPROVED
    assert adjustments[town].project.current_target.number == 2
    assert adjustments[school].state == AdjustmentState.COUNTERPART_APPROVED
    assert adjustments[school].project.current_target.number == 1

    assert sorted(ViolationCase.objects.values_list("state", flat=True)) == ["investigating", "referred"]
    assert Practice.objects.get().state == PracticeState.PROMOTED
    rest_days = BureauDay.objects.filter(kind=DayKind.REST)
    assert rest_days.count() == 2 and all(day.day > today for day in rest_days)
    actions = Counter(AuditRecord.objects.values_list("action", flat=True))
    for action in ("funding.suspend", "adjustment.approve", "disposition.answer", "violation.refer"):
        assert actions[action] > 0, action
    assert actions["workday.set"] == 2 and actions["practice.mark"] == 1


def test_every_role_sees_the_results_half(output, client):
    cycle = MonitoringCycle.objects.get()
    leader = User.objects.get(username="leader")
    candidates = [
        describe(project, cycle=cycle, today=timezone.localdate(), calendar=work_calendar())
        for project in funding_candidates(
            user=leader, cycle=cycle, today=timezone.localdate(), calendar=work_calendar()
        )
    ]
    labels = {label for row in candidates for _kind, label in row.reasons}
    assert {"红色预警", "处置逾期未答复", "申请取消"} <= labels
    funding_list = page_text(client, "leader", reverse("funding_list:index"))
    assert "处置逾期未答复" in funding_list and "申请取消" in funding_list
    assert "暂缓拨款" in page_text(client, "leader", reverse("funding:holds"))
    violations = page_text(client, "supervisor", reverse("violations:index"))
    assert "调查核实" in violations and "已移送司法机关" in violations
    assert "调查核实" in page_text(client, "leader", reverse("violations:index"))
    assert "进度与资金同步调度" in page_text(client, "supervisor", reverse("practices:index"))
    assert "对口股室已同意" in page_text(client, "supervisor", reverse("adjustments:index"))
    assert "继续实施" in page_text(client, "town_filler", reverse("dispositions:index"))
    assert "区委统一安排" in page_text(client, "supervisor", reverse("workdays:index"))
