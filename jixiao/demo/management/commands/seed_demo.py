"""`manage.py seed_demo`: load a realistic demo district to try the system with.

Everything is drawn from the catalogues in `jixiao.demo.demo_data` by a seeded random generator, so the
same arguments always give the same district. The large volumes (projects, indicators, months, 附件1) are
bulk-inserted as rows the services would accept; the round itself (packages, review, 附件2, rectification)
is then played through the services by `jixiao.demo.round`, mid-way relative to the seeding day.
A second run recognises the district by its finance bureau's code, leaves the data as they are and only
makes sure the demo accounts exist.
"""

import math
import random
import time
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import chain, islice
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.utils import timezone

from jixiao.demo import demo_data
from jixiao.demo.demo_data import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_SECOND_LEVEL_UNIT,
    DOMAINS,
    GENERIC_INDICATORS,
    DemoAccount,
    Domain,
    IndicatorTemplate,
    ProjectTemplate,
)
from jixiao.demo.round import Actors, due_dates, plan_round, replay_round, sent_units
from jixiao.monitoring.models import (
    AnalysisReport,
    CycleKind,
    IndicatorEntry,
    MonitoringCycle,
    ReportWarning,
    WarningLevel,
)
from jixiao.monitoring.recompute import cycle_recompute_warnings
from jixiao.monitoring.services import cycle_open
from jixiao.organisations.models import (
    BUDGET_UNIT_KINDS,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from jixiao.organisations.services import membership_grant, organisation_save
from jixiao.projects.models import (
    CATEGORY_ORDER,
    Indicator,
    IndicatorCategory,
    ProgressType,
    Project,
    ProjectMonth,
    ProjectType,
    TargetVersion,
    ValueType,
)

BUREAU_CODE = "000"
AGENCY_CODE = "A01"
DEFAULT_PROJECT_COUNT = 1200
DEFAULT_SEED = 20260801
PERIOD_END_MONTH = 8
BATCH_SIZE = 2000
PROGRESS_EVERY = 10_000
DEFAULT_ADDRESS = "127.0.0.1:8000"

# Projects per budget unit, relative to the other units; the demo accounts' school runs as many as a
# first-level unit, so that its open work is more than one report.
PROJECT_WEIGHTS = {
    OrganisationKind.TOWN: 10,
    OrganisationKind.PRIMARY_UNIT: 10,
    OrganisationKind.SECONDARY_UNIT: 5,
}
CLASSIFIED_PROJECT_WEIGHT = 2

# Amounts are generated in fen so that every split adds up exactly.
MIN_BUDGET = 50_000_00
MAX_BUDGET = 50_000_000_00
BUDGET_ROUNDING = 100_00
LARGE_BUDGET = 10_000_000_00
ALL_FISCAL_SHARE = 0.8
FISCAL_SHARES = (0.5, 0.6, 0.7, 0.8, 0.9)
ADJUSTED_SHARE = 0.15
KEY_SHARE_LARGE = 0.3
KEY_SHARE_SMALL = 0.035
AGENCY_SHARE_KEY = 0.3
AGENCY_SHARE_OTHER = 0.01
FISCAL_SPECIAL_SHARE = 0.3
MULTI_YEAR_SHARE = 0.1
MONTH_WITHOUT_PAYMENT_SHARE = 0.2


class ExecutionProfile(NamedTuple):
    share: int
    low: float
    high: float


TIME_PROGRESS = PERIOD_END_MONTH / 12
UNBUDGETED = "unbudgeted"
# Out of every hundred projects, how many pay what part of their budget by the end of the period. The
# ranges keep clear of the thresholds of warnings.md so that each budget-execution warning occurs.
EXECUTION_PROFILES = {
    "on_track": ExecutionProfile(52, TIME_PROGRESS - 0.08, TIME_PROGRESS + 0.15),
    "lagging": ExecutionProfile(18, TIME_PROGRESS - 0.185, TIME_PROGRESS - 0.115),
    "far_behind": ExecutionProfile(17, 0.04, TIME_PROGRESS - 0.22),
    "unpaid": ExecutionProfile(6, 0.0, 0.0),
    "overspent": ExecutionProfile(4, 1.01, 1.12),
    UNBUDGETED: ExecutionProfile(3, 0.0, 0.0),
}

# Every project measures a quantity, its satisfaction, one more output and one benefit; the last two
# rotate from project to project so that every 二级 category occurs in any dozen projects.
ROTATING_OUTPUTS = (IndicatorCategory.QUALITY, IndicatorCategory.TIMELINESS, IndicatorCategory.COST)
ROTATING_BENEFITS = (
    IndicatorCategory.ECONOMIC,
    IndicatorCategory.SOCIAL,
    IndicatorCategory.ECOLOGICAL,
    IndicatorCategory.SUSTAINABILITY,
)
MIN_INDICATORS = 4
MAX_INDICATORS = 12


@dataclass(frozen=True)
class PlannedOrganisation:
    """An organisation to create; `projects` names the domain's projects it runs (empty: all of them)."""

    code: str
    label: str
    kind: str
    parent: str | None = None
    section: str | None = None
    is_classified: bool = False
    domain: str = ""
    projects: tuple[str, ...] = ()


def organisation_plan() -> list[PlannedOrganisation]:
    """The demo district's organisations with their stable codes, parents before children."""
    plan = [PlannedOrganisation(BUREAU_CODE, demo_data.BUREAU, OrganisationKind.FINANCE_BUREAU)]
    section_codes = {}
    for number, name in enumerate(demo_data.COUNTERPART_SECTIONS, start=1):
        section_codes[name] = f"{BUREAU_CODE}{number:03d}"
        plan.append(
            PlannedOrganisation(section_codes[name], name, OrganisationKind.COUNTERPART_SECTION, BUREAU_CODE)
        )
    plan.append(
        PlannedOrganisation(
            f"{BUREAU_CODE}{len(section_codes) + 1:03d}",
            demo_data.SUPERVISION_SECTION,
            OrganisationKind.SUPERVISION_SECTION,
            BUREAU_CODE,
        )
    )
    sections = list(section_codes.values())
    for number, name in enumerate(demo_data.TOWNS, start=1):
        section = sections[(number - 1) % len(sections)]
        plan.append(
            PlannedOrganisation(f"T{number:02d}", name, OrganisationKind.TOWN, section=section, domain="town")
        )
    for number, unit in enumerate(demo_data.PRIMARY_UNITS, start=101):
        code = str(number)
        plan.append(
            PlannedOrganisation(
                code,
                unit.name,
                OrganisationKind.PRIMARY_UNIT,
                section=section_codes[unit.section],
                domain=unit.domain,
                projects=unit.projects,
            )
        )
        plan.extend(
            PlannedOrganisation(
                f"{code}{sub_number:03d}",
                subunit.name,
                OrganisationKind.SECONDARY_UNIT,
                parent=code,
                is_classified=subunit.is_classified,
                domain=unit.domain,
                projects=subunit.projects or unit.projects,
            )
            for sub_number, subunit in enumerate(unit.subunits, start=1)
        )
    plan.append(PlannedOrganisation(AGENCY_CODE, demo_data.AGENCY, OrganisationKind.AGENCY))
    return plan


def full_name(label: str) -> str:
    """'区教育局' → '雁江区教育局': a catalogue name's leading 区 stands for the configured district."""
    return settings.DISTRICT_NAME + label[1:] if label.startswith("区") else label


def project_name(base: str, round_number: int) -> str:
    """A unit running more projects than it has names for: by funding source first, then by batch."""
    if round_number == 0:
        return base
    if round_number <= len(demo_data.FUNDING_SOURCES):
        return f"{base}（{demo_data.FUNDING_SOURCES[round_number - 1]}）"
    return f"{base}（第{round_number + 1}批）"


def yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def apportion(total: int, weights: list[int]) -> list[int]:
    """Split a whole number in proportion to `weights`, exactly (largest remainder first)."""
    weight_sum = sum(weights)
    shares = [total * weight // weight_sum for weight in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: -(total * weights[i] % weight_sum))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def spread(total: int, weights: list[float]) -> list[int]:
    """Split an amount of fen over months in proportion to `weights`; the shares add up to `total`."""
    if not any(weights):
        weights = [1.0] * len(weights)
    weight_sum = sum(weights)
    shares = [int(total * weight / weight_sum) for weight in weights]
    shares[weights.index(max(weights))] += total - sum(shares)
    return shares


def split_fiscal(total: int, fiscal_share: float) -> tuple[int, int]:
    """(fiscal appropriation, other funds) of an amount, in whole hundreds of yuan."""
    fiscal = round(total * fiscal_share / BUDGET_ROUNDING) * BUDGET_ROUNDING
    return fiscal, total - fiscal


def shuffled(rng: random.Random, items: Sequence) -> list:
    return rng.sample(items, len(items))


def most_specific(
    layers: tuple[tuple[IndicatorTemplate, ...], ...], category: str
) -> list[IndicatorTemplate]:
    """The templates of `category` in the first layer that has any."""
    for layer in layers:
        found = [template for template in layer if template.category == category]
        if found:
            return found
    raise LookupError(f"no indicator template of category {category}")


def person_name(rng: random.Random) -> str:
    return rng.choice(demo_data.SURNAMES) + rng.choice(demo_data.GIVEN_NAMES)


def mobile_number(rng: random.Random) -> str:
    return rng.choice(demo_data.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


@dataclass
class ProjectDraft:
    """One project's unsaved rows, linked to each other once the project has its id."""

    project: Project
    version: TargetVersion
    indicators: list[Indicator]
    months: list[ProjectMonth]
    tracked_by_agency: bool
    profile: str
    demo_state: str = ""  # in the demo school: UNFILLED or HALF_FILLED, see DEMO_SCHOOL_STATES


# The demo accounts' school, by project in code order: its first report not filled yet, the next two filled
# but lagging far behind with their warnings still to explain; the rest complete.
UNFILLED, HALF_FILLED = "unfilled", "half_filled"
DEMO_SCHOOL_STATES = (UNFILLED, HALF_FILLED, HALF_FILLED)


class ProjectGenerator:
    """Draws the district's projects unit by unit; the sequence depends only on the seed and arguments."""

    def __init__(self, *, year: int, rng: random.Random, demo_school: set[int]):
        self.year = year
        self.demo_school = demo_school
        self.rng = rng
        self.profiles = [name for name, profile in EXECUTION_PROFILES.items() for _ in range(profile.share)]
        rng.shuffle(self.profiles)
        self.sequence = 0

    def drafts(
        self, units: list[tuple[Organisation, PlannedOrganisation]], total: int
    ) -> Iterator[ProjectDraft]:
        weights = [
            CLASSIFIED_PROJECT_WEIGHT
            if unit.is_classified
            else PROJECT_WEIGHTS[OrganisationKind.PRIMARY_UNIT]
            if planned.label == DEMO_SECOND_LEVEL_UNIT
            else PROJECT_WEIGHTS[unit.kind]
            for unit, planned in units
        ]
        for (unit, planned), count in zip(units, apportion(total, weights), strict=True):
            domain = DOMAINS[planned.domain]
            own = [template for template in domain.projects if template.name in planned.projects]
            templates = shuffled(self.rng, own or domain.projects)
            for serial in range(count):
                round_number, position = divmod(serial, len(templates))
                yield self._draft(
                    unit,
                    domain,
                    templates[position],
                    f"{self.year}-{unit.code}-{serial + 1:03d}",
                    round_number,
                    demo_state=DEMO_SCHOOL_STATES[serial]
                    if unit.pk in self.demo_school and serial < len(DEMO_SCHOOL_STATES)
                    else "",
                )

    def _draft(
        self,
        unit: Organisation,
        domain: Domain,
        template: ProjectTemplate,
        code: str,
        round_number: int,
        demo_state: str,
    ) -> ProjectDraft:
        rng = self.rng
        name = project_name(template.name, round_number)
        rotation = self.sequence
        self.sequence += 1
        profile = self.profiles[rotation % len(self.profiles)]
        if demo_state == HALF_FILLED:
            profile = "far_behind"
        planned_cost = self._planned_cost()
        fiscal_share = 1.0 if rng.random() < ALL_FISCAL_SHARE else rng.choice(FISCAL_SHARES)
        initial = adjusted = None
        if profile != UNBUDGETED:
            initial = split_fiscal(planned_cost, fiscal_share)
            if rng.random() < ADJUSTED_SHARE:
                adjusted_total = (
                    round(planned_cost * rng.uniform(0.7, 1.3) / BUDGET_ROUNDING) * BUDGET_ROUNDING
                )
                adjusted = split_fiscal(adjusted_total, fiscal_share)
        budget_fiscal, budget_other = adjusted or initial or (0, 0)
        is_key = rng.random() < (
            KEY_SHARE_LARGE if budget_fiscal + budget_other >= LARGE_BUDGET else KEY_SHARE_SMALL
        )
        project = Project(
            code=code,
            name=name,
            year=self.year,
            owner=unit,
            project_type=ProjectType.FISCAL_SPECIAL
            if rng.random() < FISCAL_SPECIAL_SHARE
            else ProjectType.DEPARTMENT_SPECIAL,
            responsible_person=person_name(rng),
            responsible_phone=mobile_number(rng),
            start_date=date(self.year, rng.choice((1, 1, 1, 2, 3, 4)), 1),
            end_date=date(self.year + 1, 6, 30)
            if rng.random() < MULTI_YEAR_SHARE
            else date(self.year, 12, 31),
            is_key_project=is_key,
            initial_fiscal=yuan(initial[0] if initial else 0),
            initial_other=yuan(initial[1] if initial else 0),
            adjusted_fiscal=yuan(adjusted[0]) if adjusted else None,
            adjusted_other=yuan(adjusted[1]) if adjusted else None,
        )
        version = TargetVersion(
            number=1,
            annual_goal=f"{self.year}年，按计划实施{name}，完成年度各项任务，{domain.outcome}，"
            "资金支付进度与项目实施进度相匹配。",
        )
        return ProjectDraft(
            project=project,
            version=version,
            indicators=self._indicators(template, domain, planned_cost, rotation),
            months=self._months(budget_fiscal, budget_other, profile),
            tracked_by_agency=rng.random() < (AGENCY_SHARE_KEY if is_key else AGENCY_SHARE_OTHER),
            profile=profile,
            demo_state=demo_state,
        )

    def _planned_cost(self) -> int:
        """5万元 to 5,000万元, log-uniform leaning towards the small end as district budgets do."""
        exponent = math.log(MAX_BUDGET / MIN_BUDGET) * self.rng.triangular(0, 1, 0.2)
        return round(MIN_BUDGET * math.exp(exponent) / BUDGET_ROUNDING) * BUDGET_ROUNDING

    def _indicators(
        self, project: ProjectTemplate, domain: Domain, planned_cost: int, rotation: int
    ) -> list[Indicator]:
        """The project's own indicators first, then its domain's; generic ones only fill empty categories."""
        rng = self.rng
        layers = (project.indicators, domain.indicators, GENERIC_INDICATORS)
        required = (
            IndicatorCategory.QUANTITY,
            ROTATING_OUTPUTS[rotation % len(ROTATING_OUTPUTS)],
            ROTATING_BENEFITS[rotation % len(ROTATING_BENEFITS)],
            IndicatorCategory.BENEFICIARY_SATISFACTION,
        )
        chosen = [rng.choice(most_specific(layers, category)) for category in required]
        count = rng.randint(MIN_INDICATORS, MAX_INDICATORS)
        for template in shuffled(rng, project.indicators) + shuffled(rng, domain.indicators):
            if len(chosen) < count and all(template.name != other.name for other in chosen):
                chosen.append(template)
        for template in shuffled(rng, GENERIC_INDICATORS):
            if len(chosen) < count and all(template.category != other.category for other in chosen):
                chosen.append(template)
        chosen.sort(key=lambda template: CATEGORY_ORDER.index(template.category))
        return [
            self._indicator(position, template, planned_cost) for position, template in enumerate(chosen, 1)
        ]

    def _indicator(self, position: int, template: IndicatorTemplate, planned_cost: int) -> Indicator:
        target_number = target_date = None
        if template.per_budget:
            target_number = Decimal(planned_cost).scaleb(-6).quantize(Decimal("0.01"))
        elif template.value_type in (ValueType.NUMBER, ValueType.PERCENT):
            target_number = Decimal(self.rng.randrange(template.low, template.high + 1, template.step))
        elif template.value_type == ValueType.DATE:
            target_date = date(self.year, *self.rng.choice(template.due))
        return Indicator(
            position=position,
            category=template.category,
            name=template.name,
            unit=template.unit,
            comparator=template.comparator,
            value_type=template.value_type,
            target_number=target_number,
            target_date=target_date,
            target_text=template.target_text,
            progress_type=template.progress_type,
        )

    def _months(self, budget_fiscal: int, budget_other: int, profile: str) -> list[ProjectMonth]:
        """Twelve months of spending plan; payments in the months of the period only."""
        budget = budget_fiscal + budget_other
        if budget == 0:
            return []
        rng = self.rng
        rates = EXECUTION_PROFILES[profile]
        paid = round(budget * rng.uniform(rates.low, rates.high))
        # Payments pick up as the year goes on, and some months see none at all.
        payment_weights = [
            0.0 if rng.random() < MONTH_WITHOUT_PAYMENT_SHARE else rng.uniform(0.3, 1.0) * (0.5 + month / 12)
            for month in range(1, PERIOD_END_MONTH + 1)
        ]
        payments = spread(paid, payment_weights) + [0] * (12 - PERIOD_END_MONTH)
        planned = spread(budget, [rng.uniform(0.7, 1.3) for _ in range(12)])
        months = []
        for month, (payment, plan) in enumerate(zip(payments, planned, strict=True), start=1):
            fiscal = payment * budget_fiscal // budget
            months.append(
                ProjectMonth(
                    month=month,
                    paid_fiscal=yuan(fiscal),
                    paid_other=yuan(payment - fiscal),
                    planned=yuan(plan),
                )
            )
        return months


class ReportProfile(NamedTuple):
    """How a unit fills 附件1 for a project going a given way."""

    output_progress: tuple[float, float]  # cumulative outputs reached, as a share of the target
    level_ratio: tuple[float, float]  # rates and levels reached, as a share of the target
    projected_budget: tuple[float, float]  # projected full-year execution, as a share of the budget
    projected_miss: float  # chance that an indicator's full-year projection falls short
    likelihoods: tuple  # (certain, possible, impossible) weights
    self_assessments: tuple  # (met, partly_met, not_met) weights


# Projects that are on track mostly report on-track indicators; lagging ones tell of it everywhere.
REPORT_PROFILES = {
    "on_track": ReportProfile((0.64, 0.9), (1.0, 1.03), (0.93, 1.0), 0.01, (99, 1, 0), (97, 3, 0)),
    "lagging": ReportProfile((0.5, 0.7), (0.97, 1.02), (0.86, 1.0), 0.05, (90, 9, 1), (85, 13, 2)),
    "far_behind": ReportProfile((0.25, 0.55), (0.9, 1.01), (0.75, 0.95), 0.12, (75, 20, 5), (70, 22, 8)),
    "unpaid": ReportProfile((0.0, 0.3), (0.85, 1.0), (0.6, 0.95), 0.2, (60, 30, 10), (60, 30, 10)),
    "overspent": ReportProfile((0.7, 0.95), (1.0, 1.03), (1.0, 1.1), 0.02, (95, 5, 0), (90, 10, 0)),
    UNBUDGETED: ReportProfile((0.3, 0.7), (0.95, 1.02), (1.0, 1.0), 0.1, (80, 18, 2), (80, 18, 2)),
}
CENT = Decimal("0.01")
REPORT_SHARE = 0.85  # the rest of the projects of units that have not sent yet are not filled
FILLED_DAYS_AGO_MIN, FILLED_DAYS_AGO_MAX = 16, 30
EXPLAINED_SHARE = 0.6
QUALITATIVE_PROGRESS = {
    "met": "已按计划推进，阶段性目标基本实现，群众反映良好。",
    "partly_met": "部分工作已完成并初见成效，个别环节进度偏慢。",
    "not_met": "受前期手续影响，工作推进缓慢，效果尚未显现。",
}
DEVIATION_TEXTS = (
    ("deviation_funding", "上级补助资金下达较晚，配套资金未及时到位。"),
    ("deviation_rules", "政府采购程序耗时较长，合同签订滞后。"),
    ("deviation_staffing", "项目实施人员不足，专业技术力量薄弱。"),
    ("deviation_facilities", "施工场地协调困难，设备安装调试延后。"),
    ("deviation_other", "受汛期天气影响，部分工程暂停施工。"),
)
EXPLANATION_FIELDS = [name for name, _text in DEVIATION_TEXTS] + ["corrective_measures"]
CORRECTIVE_MEASURES = (
    "倒排工期、挂图作战，每周调度进度，确保年底前完成年度目标。",
    "加快资金支付审核流程，督促施工单位按节点申报进度款。",
    "加强与采购代理机构沟通，压缩采购周期，尽快签订合同。",
)


def weighted(rng: random.Random, values: tuple, weights: tuple) -> str:
    return rng.choices(values, weights)[0]


class ReportGenerator:
    """Draws the 附件1 a unit would have filled for a project, shaped by how the project is going."""

    def __init__(self, *, cycle: MonitoringCycle, rng: random.Random, complete: set[int]):
        """`complete`: units whose every project is filled (those that send their package, and the demo
        school but for its DEMO_SCHOOL_STATES)."""
        self.cycle = cycle
        self.rng = rng
        self.period_end = date(cycle.year, cycle.period_end_month, 28)
        self.complete = complete
        self.half_filled: list[AnalysisReport] = []
        self.today = timezone.localdate()

    def report(self, draft: ProjectDraft) -> tuple[AnalysisReport, list[IndicatorEntry]] | None:
        rng = self.rng
        if draft.demo_state == UNFILLED:
            return None
        if rng.random() >= REPORT_SHARE and draft.project.owner_id not in self.complete:
            return None
        profile = REPORT_PROFILES[draft.profile]
        project = draft.project
        projected_fiscal = projected_other = None
        if project.budget:
            projected = project.budget * Decimal(str(rng.uniform(*profile.projected_budget)))
            fiscal_share = project.initial_fiscal / project.initial_total if project.initial_total else 1
            projected_fiscal = (projected * fiscal_share).quantize(CENT)
            projected_other = (projected - projected_fiscal).quantize(CENT)
        report = AnalysisReport(
            cycle=self.cycle,
            project=project,
            target_version=draft.version,
            projected_fiscal=projected_fiscal,
            projected_other=projected_other,
            goal_progress=f"截至{self.cycle.period_end_month}月底，{project.name}按年度计划推进。",
            filler_name=person_name(rng),
            unit_leader_name=person_name(rng),
            finance_leader_name=person_name(rng),
            contact_phone=mobile_number(rng),
            filled_on=self.today - timedelta(days=rng.randint(FILLED_DAYS_AGO_MIN, FILLED_DAYS_AGO_MAX)),
            revision=1,
        )
        explained = (
            draft.profile != "on_track" and rng.random() < EXPLAINED_SHARE and draft.demo_state != HALF_FILLED
        )
        if explained:
            self._explain(report)
        entries = [self._entry(report, indicator, profile, explained) for indicator in draft.indicators]
        if draft.demo_state == HALF_FILLED:
            self.half_filled.append(report)
        return report, entries

    def _explain(self, item) -> None:
        self.explain_with(self.rng)(item)

    @staticmethod
    def explain_with(rng: random.Random):
        """A deviation reason and a corrective measure for a report or an indicator entry (blank parts only)."""

        def explain(item) -> None:
            if not item.has_deviation_analysis:
                name, text = rng.choice(DEVIATION_TEXTS)
                setattr(item, name, text)
            if not item.has_corrective_measures:
                item.corrective_measures = rng.choice(CORRECTIVE_MEASURES)

        return explain

    def _entry(self, report, indicator: Indicator, profile: ReportProfile, explained: bool) -> IndicatorEntry:
        rng = self.rng
        likelihood = weighted(rng, ("certain", "possible", "impossible"), profile.likelihoods)
        entry = IndicatorEntry(report=report, indicator=indicator, likelihood=likelihood)
        target = indicator.target_number
        misses = rng.random() < profile.projected_miss
        if indicator.value_type == ValueType.TEXT:
            entry.self_assessment = weighted(rng, ("met", "partly_met", "not_met"), profile.self_assessments)
            entry.actual_text = QUALITATIVE_PROGRESS[entry.self_assessment]
        elif indicator.value_type == ValueType.DATE:
            due = indicator.target_date
            if due <= self.period_end and not misses:
                entry.actual_date = due - timedelta(days=rng.randint(0, 40))
            else:
                entry.projected_date = due + timedelta(days=rng.randint(5, 45) if misses else 0)
        elif indicator.progress_type == ProgressType.LEVEL:
            exact = indicator.comparator == "=" and not misses
            ratio = 1.0 if exact else rng.uniform(*profile.level_ratio)
            entry.actual_number = self._number(target * Decimal(str(ratio)), indicator)
            entry.projected_number = entry.actual_number if misses else max(entry.actual_number, target)
        elif indicator.comparator == "<=":
            entry.actual_number = self._number(target * Decimal(str(rng.uniform(0.5, 0.8))), indicator)
            entry.projected_number = self._number(target * Decimal("1.05" if misses else "0.95"), indicator)
        else:
            progress = rng.uniform(*profile.output_progress)
            entry.actual_number = self._number(target * Decimal(str(progress)), indicator)
            entry.projected_number = self._number(target * Decimal("0.9"), indicator) if misses else target
        if explained:
            self._explain(entry)
        return entry

    @staticmethod
    def _number(value: Decimal, indicator: Indicator) -> Decimal:
        """Percentages to one decimal, counts of whole things whole, amounts to the cent."""
        if indicator.value_type == ValueType.PERCENT:
            return min(value, Decimal(100)).quantize(Decimal("0.1"))
        whole = indicator.target_number == indicator.target_number.to_integral_value()
        return value.quantize(Decimal("1") if whole else CENT, rounding=ROUND_HALF_UP)


def complete_analyses(
    *, cycle: MonitoringCycle, unit_ids: set[int], rng: random.Random, except_reports: set[int]
) -> int:
    """Give every red or yellow item of these units' reports its deviation analysis and measures.

    The units are those that send their package (the submit readiness check requires both for each warned
    item, warnings.md) and the demo school, but for its half-filled reports. Blue notes require nothing.
    Returns the number of items explained.
    """
    warned = set(
        ReportWarning.objects.filter(
            report__cycle=cycle,
            report__project__owner_id__in=unit_ids,
            level__in=[WarningLevel.RED, WarningLevel.YELLOW],
        )
        .exclude(report_id__in=except_reports)
        .values_list("report_id", "indicator_id")
    )
    report_ids = sorted({report_id for report_id, indicator_id in warned if indicator_id is None})
    entry_keys = {key for key in warned if key[1] is not None}
    explain = ReportGenerator.explain_with(rng)
    explained = 0
    for start in range(0, len(report_ids), BATCH_SIZE):
        reports = [
            report
            for report in AnalysisReport.objects.filter(pk__in=report_ids[start : start + BATCH_SIZE])
            if not (report.has_deviation_analysis and report.has_corrective_measures)
        ]
        for report in reports:
            explain(report)
        AnalysisReport.objects.bulk_update(reports, EXPLANATION_FIELDS)
        explained += len(reports)
    entry_report_ids = sorted({report_id for report_id, _indicator_id in entry_keys})
    for start in range(0, len(entry_report_ids), BATCH_SIZE):
        entries = [
            entry
            for entry in IndicatorEntry.objects.filter(
                report_id__in=entry_report_ids[start : start + BATCH_SIZE]
            )
            if (entry.report_id, entry.indicator_id) in entry_keys
            and not (entry.has_deviation_analysis and entry.has_corrective_measures)
        ]
        for entry in entries:
            explain(entry)
        IndicatorEntry.objects.bulk_update(entries, EXPLANATION_FIELDS)
        explained += len(entries)
    reset_queries()
    return explained


def default_year(today: date) -> int:
    """The latest year whose monitoring period (1 January to the end of August) ended before the demo's
    reports were filled, a month before the seeding day."""
    period_over = date(today.year, PERIOD_END_MONTH + 1, 1)
    return today.year if today - timedelta(days=FILLED_DAYS_AGO_MAX) >= period_over else today.year - 1


def site_url(address: str) -> str:
    """The page `runserver ADDRESS` serves: a bare port listens on 127.0.0.1, as runserver does."""
    if address.isdigit():
        address = f"127.0.0.1:{address}"
    return f"http://{address}/"


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


class Command(BaseCommand):
    help = "加载演示数据：一个完整的区（机构、项目、绩效目标、月度资金）和各角色的演示账号。"

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=DEFAULT_PROJECT_COUNT, help="项目数（默认 1200）")
        parser.add_argument("--year", type=int, help="预算年度（默认当年）")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机数种子；相同参数生成相同数据")
        parser.add_argument(
            "--address",
            default=DEFAULT_ADDRESS,
            help="演示站点的地址（与 runserver 的参数相同，默认 127.0.0.1:8000），用于打印访问链接",
        )

    def handle(self, *args, projects, year, seed, address, **options):
        if projects < 0:
            raise CommandError("--projects 不能为负数。")
        started = time.monotonic()
        if Organisation.objects.filter(code=BUREAU_CODE).exists():
            self.stdout.write(
                f"{settings.DISTRICT_NAME}演示数据已加载（区财政局编码 {BUREAU_CODE}），不再重复生成。"
            )
        else:
            self._load(
                year=year or default_year(timezone.localdate()),
                total=projects,
                rng=random.Random(seed),
                started=started,
            )
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                # The rows the seeding wrote twice (inserted, then completed) are dead until vacuumed, and
                # the planner reads through them until then; autovacuum may be off or far behind. (VACUUM
                # cannot run inside a caller's transaction, such as a test's.)
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
        self._print_accounts(self._ensure_accounts())
        self._print_summary()
        self.stdout.write(
            self.style.SUCCESS(f"完成，用时 {time.monotonic() - started:.1f} 秒。访问 {site_url(address)}")
        )

    @transaction.atomic
    def _load(self, *, year: int, total: int, rng: random.Random, started: float) -> None:
        plan = organisation_plan()
        organisations = self._create_organisations(plan, rng)
        self.stdout.write(f"已创建机构 {len(organisations)} 个。")
        cycle = self._open_cycle(year)
        round_plan = plan_round(plan, random.Random(rng.random()))
        sending = {organisations[code].pk for code in sent_units(round_plan)}
        school = {
            organisations[planned.code].pk for planned in plan if planned.label == DEMO_SECOND_LEVEL_UNIT
        }
        units = [(organisations[p.code], p) for p in plan if p.kind in BUDGET_UNIT_KINDS]
        drafts = ProjectGenerator(year=year, rng=rng, demo_school=school).drafts(units, total)
        reports = ReportGenerator(cycle=cycle, rng=rng, complete=sending | school)
        self._write_projects(
            drafts,
            agency=organisations[AGENCY_CODE],
            reports=reports,
            year=year,
            total=total,
            started=started,
        )
        if connection.vendor == "postgresql":
            # The rows are still this transaction's, which autovacuum cannot see: without their sizes the
            # planner joins a hundred thousand projects as if each table held a few rows.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        stats = cycle_recompute_warnings(cycle)
        # The recompute runs on the seeding day; a red report turned red the day it was filled.
        AnalysisReport.objects.filter(cycle=cycle, red_since__isnull=False).update(red_since=F("filled_on"))
        self.stdout.write(
            f"已计算监控分析表 {stats.reports:,} 张的预警 {stats.warnings:,} 条，用时 {time.monotonic() - started:.1f} 秒。"
        )
        explained = complete_analyses(
            cycle=cycle,
            unit_ids=sending | school,
            rng=rng,
            except_reports={report.pk for report in reports.half_filled},
        )
        self.stdout.write(f"已报送单位的预警事项均已分析偏差原因并提出纠偏措施（补充 {explained:,} 项）。")
        steps = replay_round(
            cycle=cycle,
            organisations=organisations,
            plans=round_plan,
            actors=self._actors(organisations, rng),
        )
        self.stdout.write(
            f"已按本轮监控的进程办理报送、审核、反馈与整改 {steps} 步，用时 {time.monotonic() - started:.1f} 秒。"
        )

    def _open_cycle(self, year: int) -> MonitoringCycle:
        """The year's annual cycle, its due dates set around today so that the demo is mid-round."""
        cycle = MonitoringCycle.objects.filter(year=year, kind=CycleKind.ANNUAL).first()
        if cycle is None:
            cycle = cycle_open(year=year, acting_user=None, period_end_month=PERIOD_END_MONTH)
        for name, value in due_dates(timezone.localdate()).items():
            setattr(cycle, name, value)
        cycle.full_clean()
        cycle.save()
        return cycle

    def _actors(self, organisations: dict[str, Organisation], rng: random.Random) -> Actors:
        """The people who act in the round: the demo accounts, and a 单位负责人 for every other unit that
        sends a package (they cannot sign in: they exist so that each step has its rightful actor)."""
        self._ensure_accounts()
        memberships = Membership.objects.filter(
            user__username__in=[account.username for account in DEMO_ACCOUNTS]
        ).select_related("user")
        leaders = {m.organisation_id: m.user for m in memberships if m.role == Role.UNIT_LEADER}
        counterparts = {m.organisation_id: m.user for m in memberships if m.role == Role.COUNTERPART_STAFF}
        supervisor = next(m.user for m in memberships if m.role == Role.SUPERVISION_STAFF)
        bureau_leader = next(m.user for m in memberships if m.role == Role.BUREAU_LEADER)
        for organisation in sorted(organisations.values(), key=lambda o: o.code):
            if not organisation.is_budget_unit or organisation.is_classified or organisation.pk in leaders:
                continue
            user = User(username=f"leader{organisation.code}", full_name=person_name(rng))
            user.set_unusable_password()
            user.save()
            membership_grant(user=user, organisation=organisation, role=Role.UNIT_LEADER, acting_user=None)
            leaders[organisation.pk] = user
        return Actors(
            leaders=leaders, counterparts=counterparts, supervisor=supervisor, bureau_leader=bureau_leader
        )

    def _create_organisations(
        self, plan: list[PlannedOrganisation], rng: random.Random
    ) -> dict[str, Organisation]:
        """Through `organisation_save`, which keeps the materialised paths right and audits each one."""
        created = {}
        for planned in plan:
            name = full_name(planned.label)
            organisation = Organisation(
                code=planned.code,
                name=name,
                short_name=planned.label if planned.label != name else "",
                kind=planned.kind,
                parent=created.get(planned.parent),
                counterpart_section=created.get(planned.section),
                is_classified=planned.is_classified,
            )
            if organisation.is_budget_unit:
                organisation.contact_person = person_name(rng)
                organisation.contact_phone = mobile_number(rng)
            created[planned.code] = organisation_save(organisation=organisation, acting_user=None)
        return created

    def _write_projects(
        self,
        drafts: Iterator[ProjectDraft],
        *,
        agency: Organisation,
        reports: ReportGenerator,
        year: int,
        total: int,
        started: float,
    ) -> None:
        """Insert in batches so that memory stays flat however many projects are asked for.

        `approved_at` is set afterwards: auto_now_add would stamp the seeding time on bulk inserts, while
        the demo's goals were approved with the budget early in the year.
        """
        approved_at = min(timezone.make_aware(datetime(year, 2, 1, 10)), timezone.now())
        written = 0
        while batch := list(islice(drafts, BATCH_SIZE)):
            Project.objects.bulk_create([draft.project for draft in batch])
            for draft in batch:
                draft.version.project = draft.project
            TargetVersion.objects.bulk_create([draft.version for draft in batch])
            for draft in batch:
                for indicator in draft.indicators:
                    indicator.version = draft.version
                for month in draft.months:
                    month.project = draft.project
            Indicator.objects.bulk_create(chain.from_iterable(draft.indicators for draft in batch))
            ProjectMonth.objects.bulk_create(chain.from_iterable(draft.months for draft in batch))
            Project.agencies.through.objects.bulk_create(
                Project.agencies.through(project_id=draft.project.pk, organisation_id=agency.pk)
                for draft in batch
                if draft.tracked_by_agency
            )
            filled = [made for made in map(reports.report, batch) if made is not None]
            AnalysisReport.objects.bulk_create([report for report, _entries in filled])
            for report, entries in filled:
                for entry in entries:
                    entry.report = report
            IndicatorEntry.objects.bulk_create(chain.from_iterable(entries for _report, entries in filled))
            project_ids = [draft.project.pk for draft in batch]
            first_version = TargetVersion.objects.filter(project=OuterRef("pk"), number=1).values("pk")
            Project.objects.filter(pk__in=project_ids).update(current_target=Subquery(first_version))
            TargetVersion.objects.filter(project_id__in=project_ids).update(approved_at=approved_at)
            # With DEBUG on, Django logs every statement; multi-megabyte bulk inserts would pile up.
            reset_queries()
            written += len(batch)
            if written % PROGRESS_EVERY == 0 or written == total:
                self.stdout.write(
                    f"已写入项目 {written:,} / {total:,} 个，用时 {time.monotonic() - started:.1f} 秒。"
                )

    def _ensure_accounts(self) -> list[tuple[DemoAccount, Organisation]]:
        """Create missing demo accounts and roles; existing accounts keep their password."""
        codes = {planned.label: planned.code for planned in organisation_plan()}
        organisations = Organisation.objects.in_bulk(
            {codes[account.organisation] for account in DEMO_ACCOUNTS}, field_name="code"
        )
        users = User.objects.in_bulk([account.username for account in DEMO_ACCOUNTS], field_name="username")
        # One hash for every account: Argon2 is deliberately slow.
        password = make_password(DEMO_PASSWORD) if len(users) < len(DEMO_ACCOUNTS) else None
        accounts = []
        with transaction.atomic():
            for account in DEMO_ACCOUNTS:
                organisation = organisations[codes[account.organisation]]
                user = users.get(account.username)
                if user is None:
                    user = User.objects.create(
                        username=account.username,
                        full_name=account.full_name,
                        password=password,
                        is_staff=account.role == Role.SYSADMIN,
                        is_superuser=account.role == Role.SYSADMIN,
                    )
                if not Membership.objects.filter(
                    user=user, organisation=organisation, role=account.role
                ).exists():
                    membership_grant(
                        user=user, organisation=organisation, role=account.role, acting_user=None
                    )
                accounts.append((account, organisation))
        return accounts

    def _print_accounts(self, accounts: list[tuple[DemoAccount, Organisation]]) -> None:
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        rows = [("用户名", "密码", "姓名", "机构", "角色")]
        rows += [
            (
                account.username,
                DEMO_PASSWORD,
                account.full_name,
                organisation.name,
                str(Role(account.role).label),
            )
            for account, organisation in accounts
        ]
        widths = [max(display_width(row[column]) for row in rows) for column in range(len(rows[0]))]
        for row in rows:
            cells = (
                cell + " " * (width - display_width(cell)) for cell, width in zip(row, widths, strict=True)
            )
            self.stdout.write("  ".join(cells).rstrip())
        self.stdout.write("")

    def _print_summary(self) -> None:
        counts = dict(Organisation.objects.order_by().values_list("kind").annotate(Count("id")))
        self.stdout.write(
            "机构："
            + "，".join(f"{kind.label} {counts.get(kind.value, 0)}" for kind in OrganisationKind)
            + f"（其中涉密单位 {Organisation.objects.filter(is_classified=True).count()}）"
        )
        self.stdout.write(
            f"项目 {Project.objects.count():,} 个，绩效指标 {Indicator.objects.count():,} 个，"
            f"月度资金 {ProjectMonth.objects.count():,} 条，监控周期 {MonitoringCycle.objects.count()} 个。"
        )
        levels = dict(AnalysisReport.objects.order_by().values_list("level").annotate(Count("id")))
        self.stdout.write(
            f"监控分析表 {sum(levels.values()):,} 张：红色 {levels.get('red', 0):,}，黄色 {levels.get('yellow', 0):,}，"
            f"绿色 {levels.get('green', 0):,}。"
        )
