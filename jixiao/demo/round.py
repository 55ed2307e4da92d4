"""The demo round, seeded mid-way through, relative to the day it is seeded.

`plan_round` decides where each unit's package stands; `replay_round` then plays the round day by day
through the real service functions, acting as the people who would have acted (each unit's leader, the
first-level unit's leader, the counterpart sections, the supervision section). Every seeded state has so
passed the checks a real one passes: readiness on submit, subordinates accepted before a first-level unit
sends, 附件2 only on a package sent.

The services stamp business rows with `timezone.now()`; the replay runs each step under the clock of its
simulated day, so that sending, review and 附件2 dates read as a real round would have left them (days
left before each due date, a 整改时限 passed). The audit trail is written by the services and keeps the
real time at which the seed acted.

No package is late: second-level units are still days before their due date (the demo school among
them), and everything later follows from that. Lateness shows in 附件2: one unit let its 整改时限 pass.
"""

import random
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from unittest import mock

from django.urls import reverse
from django.utils import timezone

from jixiao.adjustments.models import Cause
from jixiao.adjustments.services import adjustment_approve, adjustment_create, adjustment_submit
from jixiao.demo import demo_data
from jixiao.dispositions.models import Choice
from jixiao.dispositions.services import disposition_acknowledge, disposition_answer, disposition_url
from jixiao.funding.basis import basis_item
from jixiao.funding.models import FundingState
from jixiao.funding.services import funding_decide
from jixiao.monitoring.models import NARRATIVE_FIELDS, AnalysisReport, MonitoringCycle, WarningLevel
from jixiao.organisations.models import Organisation, OrganisationKind, User
from jixiao.practices.services import practice_mark
from jixiao.projects.models import Comparator, Project, ValueType
from jixiao.rectification.models import RectificationItem, RectificationSource
from jixiao.rectification.services import item_open, rectification_respond, rectification_verify
from jixiao.review.selectors import unit_projects
from jixiao.review.services import (
    ITEM_FIELDS,
    feedback_approve,
    feedback_compose,
    feedback_issue,
    feedback_item_update,
    feedback_update,
    opinion_create,
    opinions_send,
)
from jixiao.violations.models import Law
from jixiao.violations.services import violation_investigate, violation_refer, violation_register
from jixiao.workdays.models import DayKind
from jixiao.workdays.selectors import work_calendar
from jixiao.workdays.services import bureau_day_set
from jixiao.workflow.documents import overall_report_draft
from jixiao.workflow.models import Step, Submission, SubmissionState
from jixiao.workflow.services import (
    submission_accept,
    submission_for,
    submission_return,
    submission_save_explanation,
    submission_save_overall_report,
    submission_sign,
    submission_submit,
)

# The cycle's due dates, in days from the seeding day: second-level units are due in three days, towns
# and first-level units in eight, rectification is reported two months on.
DUE_OFFSETS = {
    "due_unit_to_primary": 3,
    "due_unit_to_bureau": 8,
    "due_supervision_review": 18,
    "due_feedback_issue": 33,
    "due_rectification_report": 60,
    "due_rectification_complete": 90,
}
FIRST_DAY = -14  # the earliest day a package was sent
LAST_DAY = -1  # the replay ends the day before the seeding day

ACCEPTED = SubmissionState.ACCEPTED
RETURNED = SubmissionState.RETURNED
SUBMITTED = SubmissionState.SUBMITTED
DRAFT = SubmissionState.DRAFT
# (state, weight) of the packages nothing forces.
STEP1_STATES = ((ACCEPTED, 55), (RETURNED, 10), (SUBMITTED, 15), (DRAFT, 20))
STEP2_STATES = ((ACCEPTED, 35), (SUBMITTED, 30), (RETURNED, 10), (DRAFT, 25))
OPENED_SHARE = 0.5
# The demo first-level unit's other subordinates, in code order: where each of their packages stands.
DEMO_SUBORDINATE_STATES = (
    ACCEPTED,
    RETURNED,
    SUBMITTED,
    ACCEPTED,
    DRAFT,
    ACCEPTED,
    SUBMITTED,
    ACCEPTED,
    SUBMITTED,
    ACCEPTED,
    DRAFT,
)

# 附件2 stages after a package is accepted: issued (answers awaited), answered, verified (销号), and
# overdue: issued with a short 整改时限 on its most urgent items that has passed unanswered. Every item of
# a unit is at its stage (answering and checking every item is what costs time in a large district).
ISSUED, ANSWERED, VERIFIED, OVERDUE = "issued", "answered", "verified", "overdue"
STAGE_GAP = 2  # days between issuing, answering and verifying
SHORT_TIME_LIMIT = 5  # days after the issue date that an overdue unit was given for its first items
URGENT_ITEMS = 3
DAYS_AFTER_ISSUE = {ISSUED: 0, ANSWERED: STAGE_GAP, VERIFIED: 2 * STAGE_GAP, OVERDUE: SHORT_TIME_LIMIT + 1}
# Besides the demo town, the units shown at each stage, taken by the first accepted packages in code order.
FEEDBACK_STAGES = (VERIFIED, ANSWERED, OVERDUE, ISSUED)

EXPLANATION = "本单位已建立项目绩效监控工作机制，按月调度项目进度和资金支付，对偏离目标的项目逐一分析原因并制定纠偏措施。"
RETURN_COMMENT = "部分项目偏差原因分析过于简单，请逐项补充经费、制度、人员等方面的原因后重新报送。"
OPINION_PROBLEM = "部分绩效指标完成值与资金支付进度不匹配，偏差原因分析不够具体。"
OPINION_REQUIREMENT = "请逐项核实指标完成情况，细化偏差原因分析，明确纠偏措施和完成时限。"
COUNTERPART_OPINION = "经审核，该单位监控材料基本完整，预警项目已作偏差原因分析，个别纠偏措施针对性不强。"
OVERALL_OPINION = "请对照反馈问题逐项整改，于整改时限前报送整改落实情况。"
RECTIFICATION_RESPONSE = "已按要求整改：补充完善偏差原因分析，调整实施计划，加快资金支付进度。"
VERIFICATION_COMMENT = "整改到位，同意销号。"
NO_EVIDENCE_REASON = "佐证材料已随整改落实情况报告纸质件报送区财政局。"
# Items that did not come from 附件2, opened in the demo units' register (day, hour, what).
OVERSIGHT_FINDING = (
    -6,
    "2026年财政资金监督检查",
    "部分项目资金支付凭证不全，政府采购合同未按规定公开。",
    "补齐支付凭证，按规定公开采购合同，并建立合同公开台账。",
)
PARENT_REQUIREMENT = (
    -5,
    "区教育局2026年学校经费专项检查",
    "学校食堂经费收支未单独核算，公示不及时。",
    "食堂经费单独建账核算，每月公示收支情况。",
)
SELF_FINDING = (
    -3,
    "2026年内部控制自查",
    "部分固定资产未及时登记入账。",
    "全面清查固定资产，补登入账并完善资产管理制度。",
)
OTHER_ITEMS_DUE = 25  # days after the seeding day
INNOVATION = (
    "建立“周调度、月通报”机制，项目负责人每周报送实施进度，资金支付与工程进度同步审核，偏差当周纠正。"
)
PRACTICE_NOTE = "进度与资金同步调度的做法简便易行，可在教育系统推广。"

# The results half of the round (第十条(七), 第十三条–第十七条), each slice done by its rightful person.
BUREAU_DAYS_SET = -31  # the supervision section set the bureau's days before the reports were filled
BUREAU_DAYS_FROM = 14  # the bureau's two rest days are the first two working days this many days on
BUREAU_DAYS_NOTE = "区委统一安排机关干部集中学习培训"
DISPOSITION_ANSWER_AFTER = 2  # days after a project turned red that the unit answered, within its due date
CONTINUE_MEASURES = "成立项目推进专班，倒排工期，每周调度资金支付和实施进度，确保年底前完成年度目标。"
CANCEL_REASON = "项目实施条件发生变化，原定建设内容已由上级项目覆盖，申请取消并收回剩余资金。"
ACKNOWLEDGE_COMMENT = "已受理，报局领导研究资金处理意见。"
HOLD_DAY = -2
HOLD_REASON = "项目红色预警且单位申请取消，在资金处理意见明确前暂缓拨付剩余资金。"
ADJUSTMENT_SHARE = 0.8  # the new target, as a share of the old one
APPROVED_ADJUSTMENT = (
    -9,
    Cause.POLICY,
    "上级政策调整，项目补助标准和覆盖范围变化，原定数量指标无法按期完成。",
    "按调整后的政策标准重新测算任务量，优先保障已开工部分，其余部分纳入下年度计划。",
)
PENDING_ADJUSTMENT = (
    -4,
    Cause.EMERGENCY,
    "受突发强降雨影响，校舍局部受损，部分实施场地停用，原定数量指标难以按期完成。",
    "先行修复受损校舍，调整实施计划，受影响部分在恢复使用后集中完成。",
)
VIOLATIONS = (
    # (days registered, investigated, referred or None; law, article, 案由, facts, amount in yuan)
    (
        -12,
        -11,
        None,
        Law.BUDGET_LAW,
        "第九十三条",
        "擅自改变项目资金用途",
        "监控发现该单位将项目资金用于日常公用经费支出，未履行预算调整程序。",
        "286000.00",
    ),
    (
        -25,
        -24,
        -18,
        Law.FISCAL_PENALTY,
        "第十四条",
        "虚报项目支出套取财政资金",
        "监控核查发现该单位以虚假合同和发票报销项目支出，涉嫌套取财政资金。",
        "1350000.00",
    ),
)
REFERRED_TO = "区公安分局经济犯罪侦查大队"
REFERRAL_REASON = "经调查核实，涉嫌以虚假合同骗取财政资金，数额较大，依法移送司法机关。"


def due_dates(today: date) -> dict[str, date]:
    return {field: today + timedelta(days=offset) for field, offset in DUE_OFFSETS.items()}


@dataclass
class PackagePlan:
    """Where one unit's package stands at the end of the replay; days are offsets from the seeding day."""

    state: str = DRAFT
    sent: int | None = None
    signed: int | None = None
    decided: int | None = None
    feedback: str = ""
    issued: int | None = None


def _draw(rng: random.Random, states) -> str:
    return rng.choices([state for state, _w in states], [weight for _s, weight in states])[0]


def _decision_day(rng: random.Random, sent: int) -> int | None:
    day = sent + rng.randint(1, 2)
    return day if day <= LAST_DAY else None


def _sent(rng: random.Random, plan: PackagePlan, state: str, sent: int) -> PackagePlan:
    """Fill in the days of a sent package; a decision with no day left before today stays undecided."""
    plan.state, plan.sent = state, sent
    if state in (ACCEPTED, RETURNED):
        plan.decided = _decision_day(rng, sent)
        if plan.decided is None:
            plan.state = SUBMITTED
    if plan.state == SUBMITTED and sent < LAST_DAY and rng.random() < OPENED_SHARE:
        plan.signed = sent + 1
    return plan


def _step1_plan(rng: random.Random, state: str) -> PackagePlan:
    if state == DRAFT:
        return PackagePlan()
    return _sent(rng, PackagePlan(), state, rng.randint(FIRST_DAY + 2, LAST_DAY))


def plan_round(units: Sequence, rng: random.Random) -> dict[str, PackagePlan]:
    """Every budget unit's package (classified units send none), by unit code.

    `units` are the planned organisations (code, label, kind, parent code, is_classified).
    """
    children: dict[str, list] = {}
    for unit in units:
        if unit.parent and not unit.is_classified:
            children.setdefault(unit.parent, []).append(unit)
    plans: dict[str, PackagePlan] = {}
    for unit in units:
        if unit.kind != OrganisationKind.PRIMARY_UNIT:
            continue
        forced = iter(DEMO_SUBORDINATE_STATES) if unit.label == demo_data.DEMO_FIRST_LEVEL_UNIT else None
        for child in sorted(children.get(unit.code, []), key=lambda u: u.code):
            if child.label == demo_data.DEMO_SECOND_LEVEL_UNIT:
                plans[child.code] = PackagePlan()
                continue
            state = next(forced, DRAFT) if forced else _draw(rng, STEP1_STATES)
            plans[child.code] = _step1_plan(rng, state)
    stages = list(FEEDBACK_STAGES)
    for unit in sorted(units, key=lambda u: u.code):
        if unit.kind not in (OrganisationKind.TOWN, OrganisationKind.PRIMARY_UNIT) or unit.is_classified:
            continue
        if unit.label == demo_data.DEMO_TOWN:
            plans[unit.code] = PackagePlan(ACCEPTED, sent=-10, decided=-8, feedback=ISSUED, issued=-7)
            continue
        subordinates = [plans[child.code] for child in children.get(unit.code, [])]
        if unit.label == demo_data.DEMO_FIRST_LEVEL_UNIT or any(p.state != ACCEPTED for p in subordinates):
            plans[unit.code] = PackagePlan()
            continue
        state = _draw(rng, STEP2_STATES)
        earliest = max([FIRST_DAY, *(p.decided + 1 for p in subordinates)])
        if state == DRAFT or earliest > LAST_DAY - 1:
            plans[unit.code] = PackagePlan()
            continue
        plan = _sent(rng, PackagePlan(), state, rng.randint(earliest, LAST_DAY - 1))
        if plan.state == ACCEPTED and stages:
            _plan_feedback(plan, stages)
        plans[unit.code] = plan
    return plans


def _plan_feedback(plan: PackagePlan, stages: list[str]) -> None:
    """The first accepted packages with days enough left take the 附件2 stages still to be shown."""
    issued = plan.decided + 1
    for stage in stages:
        if issued + DAYS_AFTER_ISSUE[stage] <= LAST_DAY:
            plan.feedback, plan.issued = stage, issued
            stages.remove(stage)
            return


def sent_units(plans: dict[str, PackagePlan]) -> set[str]:
    """Codes of the units whose package gets sent: their reports must be complete beforehand."""
    return {code for code, plan in plans.items() if plan.sent is not None}


@contextmanager
def clock_at(moment: datetime):
    """Run the services as on `moment`: they read `timezone.now()`, the audit trail keeps the real time."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@dataclass(frozen=True)
class Actors:
    leaders: dict[int, User]  # unit id → its 单位负责人
    counterparts: dict[int, User]  # counterpart section id → its staff
    supervisor: User
    bureau_leader: User


class RoundReplay:
    """Collects the round's steps with their simulated times, then plays them in order."""

    def __init__(self, *, cycle: MonitoringCycle, actors: Actors, today: date):
        self.cycle = cycle
        self.actors = actors
        self.today = today
        self.steps: list[tuple[datetime, int, Callable[[], object]]] = []

    def at(self, day: int, hour: int, step: Callable[[], object]) -> None:
        moment = timezone.make_aware(datetime.combine(self.today + timedelta(days=day), time(hour)))
        self.steps.append((moment, len(self.steps), step))

    def play(self) -> int:
        for moment, _order, step in sorted(self.steps, key=lambda s: s[:2]):
            with clock_at(moment):
                step()
        return len(self.steps)

    def package(self, unit: Organisation, plan: PackagePlan) -> None:
        cycle, leader = self.cycle, self.actors.leaders[unit.pk]
        package = submission_for(organisation=unit, cycle=cycle)
        reviewer = self._reviewer(unit)
        if plan.sent is None:
            return
        if unit.kind == OrganisationKind.SECONDARY_UNIT:
            values = {name: EXPLANATION for name, _label in NARRATIVE_FIELDS} | {
                "narrative_innovation": INNOVATION
            }
            self.at(
                plan.sent,
                9,
                lambda: submission_save_explanation(submission=package, values=values, acting_user=leader),
            )
        else:
            self.at(
                plan.sent,
                9,
                lambda: submission_save_overall_report(
                    submission=package,
                    text=overall_report_draft(unit=unit, cycle=cycle),
                    acting_user=leader,
                ),
            )
        self.at(plan.sent, 10, lambda: submission_submit(submission=package, acting_user=leader))
        if plan.signed is not None:
            self.at(plan.signed, 9, lambda: submission_sign(submission=package, acting_user=reviewer))
        if plan.state == ACCEPTED:
            self.at(plan.decided, 10, lambda: submission_accept(submission=package, acting_user=reviewer))
        elif plan.state == RETURNED:
            self.at(
                plan.decided,
                10,
                lambda: submission_return(submission=package, comment=RETURN_COMMENT, acting_user=reviewer),
            )
        if plan.feedback:
            self._feedback(unit, plan)

    def other_items(self, units) -> None:
        """A 监督检查 finding for the demo town, the demo first-level unit's requirement to the demo school,
        and the school's own finding, each opened through `item_open` by its rightful person."""
        by_name = {unit.short_name or unit.name: unit for unit in units}
        town = by_name.get(demo_data.DEMO_TOWN)
        school = by_name.get(demo_data.DEMO_SECOND_LEVEL_UNIT)
        due = self.today + timedelta(days=OTHER_ITEMS_DUE)
        planned = []
        if town is not None:
            planned.append((OVERSIGHT_FINDING, RectificationSource.OVERSIGHT, town, self.actors.supervisor))
        if school is not None and school.parent_id in self.actors.leaders:
            leaders = self.actors.leaders
            planned.append(
                (PARENT_REQUIREMENT, RectificationSource.PARENT, school, leaders[school.parent_id])
            )
            planned.append((SELF_FINDING, RectificationSource.SELF, school, leaders[school.pk]))
        for (day, label, problem, requirement), kind, unit, actor in planned:
            self.at(
                day,
                11,
                partial(
                    item_open,
                    actor=actor,
                    kind=kind,
                    organisation=unit,
                    cycle=self.cycle,
                    problem=problem,
                    requirement=requirement,
                    due_date=due,
                    source_label=label,
                ),
            )

    def results(self, units) -> None:
        """The results half, in the demo accounts' units where they can see it: the bureau's rest days,
        red-warning dispositions (继续实施 on time, 申请取消 受理 and the project held by the leader; the
        others left unanswered past their due date), a goal adjustment approved by both sections and one
        waiting for the supervision section, two violation cases and a promoted practice."""
        by_name = {unit.short_name or unit.name: unit for unit in units}
        town = by_name.get(demo_data.DEMO_TOWN)
        school = by_name.get(demo_data.DEMO_SECOND_LEVEL_UNIT)
        education = by_name.get(demo_data.DEMO_FIRST_LEVEL_UNIT)
        self._bureau_days()
        self._dispositions(town)
        if town is not None:
            self._adjustment(town, APPROVED_ADJUSTMENT, approvers=2)
        if school is not None and school.parent_id in self.actors.leaders:
            self._adjustment(school, PENDING_ADJUSTMENT, approvers=1)
        others = sorted(
            (
                u
                for u in units
                if u.kind == OrganisationKind.PRIMARY_UNIT and not u.is_classified and u != education
            ),
            key=lambda u: u.code,
        )
        for unit, case in zip([town, *others[:1]], VIOLATIONS, strict=False):
            if unit is not None:
                self._violation(unit, case)
        if education is not None:
            self.at(LAST_DAY, 16, partial(self._practice, education))

    def _bureau_days(self) -> None:
        calendar, day, days = work_calendar(), self.today + timedelta(days=BUREAU_DAYS_FROM), []
        while len(days) < 2:
            if calendar.is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        for rest_day in days:
            self.at(
                BUREAU_DAYS_SET,
                9,
                partial(
                    bureau_day_set,
                    day=rest_day,
                    kind=DayKind.REST,
                    note=BUREAU_DAYS_NOTE,
                    acting_user=self.actors.supervisor,
                ),
            )

    def _counterpart_of(self, unit: Organisation) -> User:
        return self.actors.counterparts[unit.counterpart_section_id or unit.parent.counterpart_section_id]

    def _dispositions(self, town: Organisation | None) -> None:
        """The first two red projects, the demo town's first: one answered 继续实施, one 申请取消."""
        red = AnalysisReport.objects.filter(
            cycle=self.cycle, level=WarningLevel.RED, project__owner__is_classified=False
        ).select_related("project__owner__parent")
        reports = list(red.filter(project__owner=town).order_by("project__code")[:2]) if town else []
        reports += list(
            red.exclude(pk__in=[r.pk for r in reports]).order_by("project__code")[: 2 - len(reports)]
        )
        for report, choice in zip(reports, (Choice.CONTINUE, Choice.CANCEL), strict=False):
            project, unit = report.project, report.project.owner
            answered = (report.red_since - self.today).days + DISPOSITION_ANSWER_AFTER
            self.at(
                answered,
                10,
                partial(
                    disposition_answer,
                    project=project,
                    cycle=self.cycle,
                    choice=choice,
                    measures=CONTINUE_MEASURES if choice == Choice.CONTINUE else "",
                    reason=CANCEL_REASON if choice == Choice.CANCEL else "",
                    acting_user=self.actors.leaders[unit.pk],
                ),
            )
            if choice == Choice.CANCEL:
                self.at(answered + 1, 10, partial(self._acknowledge, project, self._counterpart_of(unit)))
                self.at(HOLD_DAY, 11, partial(self._hold, report))

    def _acknowledge(self, project: Project, counterpart: User) -> None:
        disposition = project.dispositions.get(cycle=self.cycle)
        disposition_acknowledge(disposition=disposition, acting_user=counterpart, comment=ACKNOWLEDGE_COMMENT)

    def _hold(self, report: AnalysisReport) -> None:
        """暂缓拨款 on the project's red warnings and its 申请取消, as the decision page offers them."""
        cycle, project = self.cycle, report.project
        url = reverse("monitoring:report_edit", args=[cycle.pk, project.pk])
        basis = [
            basis_item("warning", f"{cycle.period_label}红色预警：{w.message}", url)
            for w in report.warnings.filter(level=WarningLevel.RED).order_by("pk")
        ]
        basis.append(
            basis_item(
                "disposition",
                f"红色预警处置：{Choice.CANCEL.label}",
                disposition_url(cycle_id=cycle.pk, project_id=project.pk),
            )
        )
        funding_decide(
            project=project,
            status=FundingState.SUSPENDED,
            reason=HOLD_REASON,
            basis=basis,
            acting_user=self.actors.bureau_leader,
        )

    def _adjustment(self, unit: Organisation, plan, *, approvers: int) -> None:
        """A request on the unit's last project with a count to lower, sent the day it is made."""
        day, cause, description, response = plan
        projects = Project.objects.filter(owner=unit, year=self.cycle.year).select_related("current_target")
        for project in projects.order_by("-code"):
            indicator = next(
                (
                    i
                    for i in project.current_target.indicators.order_by("position")
                    if i.value_type == ValueType.NUMBER
                    and i.comparator == Comparator.AT_LEAST
                    and i.target_number >= 1 / (1 - ADJUSTMENT_SHARE)
                ),
                None,
            )
            if indicator is not None:
                break
        else:
            return
        new_target = (indicator.target_number * Decimal(str(ADJUSTMENT_SHARE))).to_integral_value()
        leader, counterpart = self.actors.leaders[unit.pk], self._counterpart_of(unit)

        def ask() -> None:
            adjustment = adjustment_create(
                project=project,
                cycle=self.cycle,
                values={"cause": cause, "cause_description": description, "response_plan": response},
                targets={indicator.pk: f"≥{new_target}"},
                acting_user=leader,
            )
            adjustment_submit(adjustment=adjustment, acting_user=leader)

        def approve(user: User) -> None:
            adjustment = project.goal_adjustments.get(cycle=self.cycle)
            adjustment_approve(adjustment=adjustment, acting_user=user)

        self.at(day, 14, ask)
        self.at(day + 2, 10, partial(approve, counterpart))
        if approvers == 2:
            self.at(day + 3, 10, partial(approve, self.actors.supervisor))

    def _violation(self, unit: Organisation, case) -> None:
        registered, investigated, referred, law, article, title, facts, amount = case
        supervisor = self.actors.supervisor
        project = Project.objects.filter(owner=unit, year=self.cycle.year).order_by("code").first()
        values = {
            "title": title,
            "facts": facts,
            "law": law,
            "article": article,
            "amount": Decimal(amount),
            "project": project,
        }
        cases = []

        def register() -> None:
            cases.append(violation_register(organisation=unit, values=values, acting_user=supervisor))

        self.at(registered, 15, register)
        self.at(investigated, 10, lambda: violation_investigate(case=cases[0], acting_user=supervisor))
        if referred is not None:
            self.at(
                referred,
                10,
                lambda: violation_refer(
                    case=cases[0],
                    referred_to=REFERRED_TO,
                    referred_on=timezone.localdate(),
                    comment=REFERRAL_REASON,
                    acting_user=supervisor,
                ),
            )

    def _practice(self, education: Organisation) -> None:
        """The first accepted 书面说明材料 of the demo first-level unit's schools, promoted."""
        package = (
            Submission.objects.filter(
                cycle=self.cycle,
                step=Step.UNIT_TO_PRIMARY,
                organisation__parent=education,
                state=SubmissionState.ACCEPTED,
            )
            .order_by("organisation__code")
            .first()
        )
        if package is not None:
            practice_mark(submission=package, note=PRACTICE_NOTE, acting_user=self.actors.supervisor)

    def _reviewer(self, unit: Organisation) -> User:
        """Step 1: the first-level unit's leader; step 2: the unit's counterpart section."""
        if unit.kind == OrganisationKind.SECONDARY_UNIT:
            return self.actors.leaders[unit.parent_id]
        return self.actors.counterparts[unit.counterpart_section_id]

    def _feedback(self, unit: Organisation, plan: PackagePlan) -> None:
        cycle, counterpart = self.cycle, self.actors.counterparts[unit.counterpart_section_id]
        supervisor, leader = self.actors.supervisor, self.actors.leaders[unit.pk]

        def review() -> None:
            project = unit_projects(unit=unit, cycle=cycle).order_by("code").first()
            opinion_create(
                cycle=cycle,
                unit=unit,
                project=project,
                problem=OPINION_PROBLEM,
                requirement=OPINION_REQUIREMENT,
                acting_user=supervisor,
            )
            opinions_send(cycle=cycle, unit=unit, acting_user=supervisor)

        def issue() -> None:
            feedback = feedback_compose(cycle=cycle, unit=unit, acting_user=counterpart)
            values = {"counterpart_opinion": COUNTERPART_OPINION, "overall_opinion": OVERALL_OPINION}
            feedback = feedback_update(feedback=feedback, values=values, acting_user=counterpart)
            if plan.feedback == OVERDUE:
                time_limit = timezone.localdate() + timedelta(days=SHORT_TIME_LIMIT)
                for item in feedback.items.order_by("position")[:URGENT_ITEMS]:
                    values = {name: getattr(item, name) for name in ITEM_FIELDS} | {"due_date": time_limit}
                    feedback_item_update(item=item, values=values, acting_user=counterpart)
            feedback = feedback_approve(feedback=feedback, acting_user=counterpart)
            feedback_issue(feedback=feedback, acting_user=counterpart)

        def feedback_items():
            return RectificationItem.objects.filter(
                feedback_item__feedback__cycle=cycle, organisation=unit
            ).order_by("feedback_item__position")

        def answer() -> None:
            for item in feedback_items():
                rectification_respond(
                    item=item,
                    response=RECTIFICATION_RESPONSE,
                    completed_on=timezone.localdate(),
                    acting_user=leader,
                    no_evidence_reason=NO_EVIDENCE_REASON,
                )

        def verify() -> None:
            for item in feedback_items():
                rectification_verify(item=item, acting_user=counterpart, comment=VERIFICATION_COMMENT)

        self.at(plan.decided, 15, review)
        self.at(plan.issued, 10, issue)
        if plan.feedback in (ANSWERED, VERIFIED):
            self.at(plan.issued + STAGE_GAP, 10, answer)
        if plan.feedback == VERIFIED:
            self.at(plan.issued + 2 * STAGE_GAP, 10, verify)


def replay_round(
    *, cycle: MonitoringCycle, organisations: dict[str, Organisation], plans, actors: Actors
) -> int:
    """Play every planned package through the services; returns the number of steps taken."""
    replay = RoundReplay(cycle=cycle, actors=actors, today=timezone.localdate())
    for code, plan in sorted(plans.items()):
        replay.package(organisations[code], plan)
    replay.other_items(organisations.values())
    replay.results(organisations.values())
    return replay.play()
