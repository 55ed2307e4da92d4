"""Reads for the bureau's review of step-2 packages (第十一条 3–4), each starting from a scoped selector.

Which projects the review covers: a project's 附件1 reaches the bureau inside its unit's step-2 package.
So a project of a town or first-level unit counts once that unit's step-2 package is submitted or accepted;
a project of a second-level unit counts once its own step-1 package was accepted by the first-level unit
(only accepted subordinate material is aggregated, domain.md §4) and the first-level unit's step-2 package
is submitted or accepted. Projects still with their unit, or of classified units (第四条), are not reviewed.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from random import Random

from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jixiao.core.caching import computed_once
from jixiao.core.formatting import wan
from jixiao.monitoring.models import AnalysisReport, CycleKind, MonitoringCycle, WarningLevel
from jixiao.monitoring.rules import LEVEL_LABELS
from jixiao.monitoring.selectors import attach_warning_messages
from jixiao.monitoring.versions import cycle_version
from jixiao.organisations.models import Organisation, OrganisationKind, Role
from jixiao.organisations.selectors import (
    DISTRICT_WIDE_ROLES,
    UNIT_ROLES,
    memberships_of,
    organisation_list,
    roles_of,
    viewer_scope,
)
from jixiao.projects.models import Project
from jixiao.projects.selectors import (
    budget_expression,
    paid_to_date_subquery,
    project_visible,
    totals_by_unit,
    totals_of,
)
from jixiao.review.models import (
    Feedback,
    FeedbackItem,
    FeedbackState,
    FeedbackTransition,
    KeyItem,
    KeyItemSelection,
    Opinion,
    OpinionSource,
)
from jixiao.workflow.models import SENT_STATES, Step, Submission, SubmissionState, SubmissionTransition

# ---------------------------------------------------------------------------------------------------
# Risk score of a project for choosing key items (重点审核). Points per component; the sum ranks.

RISK_LEVEL_POINTS = {WarningLevel.RED: 40, WarningLevel.YELLOW: 20}
# Budget B in yuan: (at least, points), largest first — 1000万, 500万, 100万.
RISK_BUDGET_TIERS = [(Decimal("10000000"), 15), (Decimal("5000000"), 10), (Decimal("1000000"), 5)]
RISK_POINTS_PER_LATE_DAY = 2
RISK_LATE_CAP = 20
RISK_POINTS_PER_RETURN = 5
RISK_RETURN_CAP = 15
RISK_KEY_PROJECT_POINTS = 20

REVIEWED_UNIT_KINDS = [OrganisationKind.TOWN, OrganisationKind.PRIMARY_UNIT]
RETURN_ACTION = "submission.return"
SAMPLE_ACTION = "key_items.sample"
COMPOSE_ACTION = "feedback.compose"


@dataclass(frozen=True)
class RiskScore:
    total: int
    reasons: tuple[str, ...]

    @property
    def explanation(self) -> str:
        return "；".join(self.reasons) or "无加分因素"


def risk_score(*, level: str, budget: Decimal, late_days: int, returns: int, is_key: bool) -> RiskScore:
    """The points of each risk component and why, e.g. "红色预警 +40；预算 1,200.00万元 +15"."""
    parts: list[tuple[str, int]] = []
    if level in RISK_LEVEL_POINTS:
        parts.append((f"{LEVEL_LABELS[level]}预警", RISK_LEVEL_POINTS[level]))
    for floor, points in RISK_BUDGET_TIERS:
        if budget >= floor:
            parts.append((f"预算 {wan(budget)}万元", points))
            break
    if late_days > 0:
        parts.append((f"报送逾期 {late_days} 天", min(late_days * RISK_POINTS_PER_LATE_DAY, RISK_LATE_CAP)))
    if returns > 0:
        parts.append((f"退回 {returns} 次", min(returns * RISK_POINTS_PER_RETURN, RISK_RETURN_CAP)))
    if is_key:
        parts.append(("重点项目", RISK_KEY_PROJECT_POINTS))
    return RiskScore(
        total=sum(points for _label, points in parts),
        reasons=tuple(f"{label} +{points}" for label, points in parts),
    )


def risk_rules() -> list[str]:
    """The weights above in words, for the legend beside the ranking."""
    tiers = "，".join(f"≥{wan(floor)}万元 +{points}" for floor, points in RISK_BUDGET_TIERS)
    levels = "，".join(f"{LEVEL_LABELS[level]}预警 +{points}" for level, points in RISK_LEVEL_POINTS.items())
    return [
        levels,
        f"预算（调整后预算，未调整按年初预算）{tiers}",
        f"单位报送区财政局逾期每天 +{RISK_POINTS_PER_LATE_DAY}，最多 +{RISK_LATE_CAP}",
        f"报送材料每被退回 1 次 +{RISK_POINTS_PER_RETURN}，最多 +{RISK_RETURN_CAP}",
        f"重点项目 +{RISK_KEY_PROJECT_POINTS}",
    ]


# ---------------------------------------------------------------------------------------------------
# Cycles, units and the packages that reached the bureau


def review_cycle_get(*, pk: int) -> MonitoringCycle:
    """The bureau reviews annual cycles only; a unit's self-initiated cycle has no step 3 or 4."""
    return get_object_or_404(MonitoringCycle.objects.filter(kind=CycleKind.ANNUAL), pk=pk)


def review_unit_list(*, user) -> QuerySet[Organisation]:
    """Towns and first-level units (the receivers of 附件2) the person may see, classified ones never."""
    return organisation_list(user=user).filter(
        kind__in=REVIEWED_UNIT_KINDS, is_classified=False, is_active=True
    )


def review_unit_get(*, user, pk: int) -> Organisation:
    return get_object_or_404(review_unit_list(user=user), pk=pk)


def _sent_to_bureau(cycle: MonitoringCycle) -> QuerySet[Submission]:
    return Submission.objects.filter(cycle=cycle, step=Step.UNIT_TO_BUREAU, state__in=SENT_STATES)


def reached_bureau(projects: QuerySet[Project], cycle: MonitoringCycle) -> QuerySet[Project]:
    """The given projects whose 附件1 of the cycle reached the bureau (see the module docstring).

    The units whose packages carried them are read first (a query over the organisations, a hundred or so
    rows) and the projects filtered on that list: as a condition on each project the same test is
    evaluated once per project, a hundred thousand times in a district."""
    sent = _sent_to_bureau(cycle)
    accepted_by_primary = Submission.objects.filter(
        cycle=cycle, step=Step.UNIT_TO_PRIMARY, state=SubmissionState.ACCEPTED, organisation=OuterRef("pk")
    )
    own_package = ~Q(kind=OrganisationKind.SECONDARY_UNIT) & Exists(sent.filter(organisation=OuterRef("pk")))
    via_primary = (
        Q(kind=OrganisationKind.SECONDARY_UNIT)
        & Exists(accepted_by_primary)
        & Exists(sent.filter(organisation=OuterRef("parent")))
    )
    owners = Organisation.objects.filter(own_package | via_primary, is_classified=False)
    # Joined to the project's one 附件1 of the cycle: a later annotation of `reports__…` reads that report.
    return projects.filter(
        reports__cycle=cycle, owner_id__in=list(owners.values_list("pk", flat=True)), year=cycle.year
    )


def reviewed_projects(*, user, cycle: MonitoringCycle) -> QuerySet[Project]:
    """Projects that reached the bureau and that the person may see."""
    return reached_bureau(project_visible(user), cycle)


def unit_projects(*, unit: Organisation, cycle: MonitoringCycle) -> QuerySet[Project]:
    """The projects of one unit's package: its own and its accepted second-level units' (not scoped: callers
    have already established that the person may see the unit)."""
    return reached_bureau(Project.objects.filter(owner__path__startswith=unit.path), cycle)


@dataclass(frozen=True)
class PackageFacts:
    """What the ranking needs of each step-2 package: how late it came and how often it was returned."""

    late_days: dict[int, int]
    returns: dict[int, int]


def package_facts(cycle: MonitoringCycle) -> PackageFacts:
    """Per town / first-level unit, in two queries whatever the number of units."""
    packages = list(_sent_to_bureau(cycle))
    returned = dict(
        SubmissionTransition.objects.filter(action=RETURN_ACTION, subject__in=packages)
        .order_by()
        .values_list("subject_id")
        .annotate(n=Count("pk"))
    )
    return PackageFacts(
        late_days={p.organisation_id: p.late_days for p in packages},
        returns={p.organisation_id: returned.get(p.pk, 0) for p in packages},
    )


def _package_unit(via: str = ""):
    """The town or first-level unit whose step-2 package carries a project reached through `via`."""
    return Case(
        When(**{f"{via}owner__kind": OrganisationKind.SECONDARY_UNIT}, then=F(f"{via}owner__parent_id")),
        default=F(f"{via}owner_id"),
    )


# ---------------------------------------------------------------------------------------------------
# Ranking


@dataclass(frozen=True)
class RankedProject:
    project_id: int
    level: str
    budget: Decimal
    score: RiskScore


def _package_points(facts: PackageFacts) -> Case | Value:
    """Lateness and return points of each project's package unit, as SQL: the units are grouped by their
    points, so the expression has one branch per distinct total (a few), not one per unit."""
    by_points: dict[int, list[int]] = {}
    for unit_id in facts.late_days.keys() | facts.returns.keys():
        late, returns = facts.late_days.get(unit_id, 0), facts.returns.get(unit_id, 0)
        points = min(late * RISK_POINTS_PER_LATE_DAY, RISK_LATE_CAP) + min(
            returns * RISK_POINTS_PER_RETURN, RISK_RETURN_CAP
        )
        if points:
            by_points.setdefault(points, []).append(unit_id)
    if not by_points:
        return Value(0)
    return Case(
        *(
            When(package_unit__in=sorted(ids), then=Value(points))
            for points, ids in sorted(by_points.items())
        ),
        default=Value(0),
        output_field=IntegerField(),
    )


def _risk_total(facts: PackageFacts):
    """The total of `risk_score` in SQL, component by component with the same weights."""
    level = Case(
        *(When(risk_level=level, then=Value(points)) for level, points in RISK_LEVEL_POINTS.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    budget = Case(
        *(When(budget_total__gte=floor, then=Value(points)) for floor, points in RISK_BUDGET_TIERS),
        default=Value(0),
        output_field=IntegerField(),
    )
    key = Case(When(is_key_project=True, then=Value(RISK_KEY_PROJECT_POINTS)), default=Value(0))
    return ExpressionWrapper(level + budget + _package_points(facts) + key, output_field=IntegerField())


# How long a counted or read page of the ranking is kept; a change to its inputs makes a new key at once.
RANKING_CACHE_SECONDS = 60 * 60


class Ranking:
    """The ranking as the database orders it: counted and sliced there (a page turn reads one page), and
    only the rows read are explained, by `risk_score` with the same inputs.

    With a `cache_key` (naming the cycle's data version and what the person may see), the count and each
    page read are kept until the inputs change: their levels, budgets and key flags come from the roll-up's
    writes and their lateness and returns from the packages, all of which bump the version."""

    FIELDS = ("pk", "is_key_project", "risk_level", "budget_total", "package_unit")

    def __init__(self, projects: QuerySet[Project], cycle: MonitoringCycle, cache_key: str = ""):
        self._projects = projects  # not yet scored: the score's SQL needs the package facts
        self._cycle = cycle
        self._cache_key = cache_key

    def _kept(self, name: str, compute: Callable):
        if not self._cache_key:
            return compute()
        return computed_once(f"{self._cache_key}:{name}", compute, seconds=RANKING_CACHE_SECONDS)

    def count(self) -> int:
        return self._kept("count", self._projects.count)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            rows = self[index : index + 1]
            if not rows:
                raise IndexError(index)
            return rows[0]
        return self._kept(f"rows:{index.start}:{index.stop}", lambda: self._read(index))

    def __iter__(self):
        return iter(self[:])

    def _read(self, index: slice) -> list[RankedProject]:
        facts = package_facts(self._cycle)
        ordered = self._projects.annotate(risk_total=_risk_total(facts)).order_by(
            "-risk_total", "-budget_total", "code", "pk"
        )
        return [self._ranked(facts, *row) for row in ordered[index].values_list(*self.FIELDS)]

    @staticmethod
    def _ranked(facts: PackageFacts, pk, is_key, level, budget, package_unit) -> RankedProject:
        score = risk_score(
            level=level,
            budget=budget,
            late_days=facts.late_days.get(package_unit, 0),
            returns=facts.returns.get(package_unit, 0),
            is_key=is_key,
        )
        return RankedProject(pk, level, budget, score)


def _ranking_key(*, user, cycle: MonitoringCycle, unit: Organisation | None, level: str) -> str:
    scope = hashlib.sha256(repr((viewer_scope(user), unit.pk if unit else None, level)).encode()).hexdigest()
    return f"jixiao:ranking:{cycle.pk}:{cycle_version(cycle.pk)}:{scope}"


def project_ranking(
    *,
    user,
    cycle: MonitoringCycle,
    unit: Organisation | None = None,
    level: str = "",
    project_ids=None,
) -> Ranking:
    """Every reviewed project the person may see, riskiest first (ties: larger budget, then code).

    The score is computed and sorted in one SQL statement (with the page's LIMIT), whatever the size of
    the district; the two queries of `package_facts` give each package unit's lateness and returns. The
    whole ranking's count and pages are kept per state of the cycle's data (`Ranking`); the risk of given
    projects (`project_ids`) is worked out as asked."""
    projects = reviewed_projects(user=user, cycle=cycle).annotate(
        risk_level=F("reports__level"),  # the cycle's report, joined by `reached_bureau`
        budget_total=budget_expression(),
        package_unit=_package_unit(),
    )
    if unit is not None:
        projects = projects.filter(owner__path__startswith=unit.path)
    if level:
        projects = projects.filter(risk_level=level)
    if project_ids is not None:
        projects = projects.filter(pk__in=project_ids)
    key = "" if project_ids is not None else _ranking_key(user=user, cycle=cycle, unit=unit, level=level)
    return Ranking(projects, cycle, key)


@dataclass(frozen=True)
class RankingRow:
    rank: int
    project: Project
    ranked: RankedProject
    key_item: KeyItem | None


def ranking_rows(*, page, cycle: MonitoringCycle) -> list[RankingRow]:
    """The projects of one page of the ranking with what the row shows, in two queries."""
    ranked = list(page.object_list)
    ids = [r.project_id for r in ranked]
    projects = (
        Project.objects.filter(pk__in=ids)
        .select_related("owner", "owner__parent")
        .annotate(paid_to_date=paid_to_date_subquery(cycle.period_end_month))
        .in_bulk()
    )
    key_items = {k.project_id: k for k in KeyItem.objects.filter(selection__cycle=cycle, project_id__in=ids)}
    return [
        RankingRow(page.start_index() + index, projects[r.project_id], r, key_items.get(r.project_id))
        for index, r in enumerate(ranked)
    ]


def project_risk(*, user, cycle: MonitoringCycle, project_ids) -> dict[int, RiskScore]:
    """The risk score of given projects, computed exactly as the ranking does."""
    return {r.project_id: r.score for r in project_ranking(user=user, cycle=cycle, project_ids=project_ids)}


# ---------------------------------------------------------------------------------------------------
# Key items and the random sample


def sample_ids(*, seed: int, population, size: int) -> list[int]:
    """The reproducible sample: `random.Random(seed).sample(sorted(project ids), size)`."""
    return Random(seed).sample(sorted(population), size)


def population_digest(population) -> str:
    """SHA-256 of the sorted project ids joined by commas: shows that a re-draw used the same population."""
    return hashlib.sha256(",".join(str(pk) for pk in sorted(population)).encode()).hexdigest()


def key_selection_of(cycle: MonitoringCycle) -> KeyItemSelection | None:
    return KeyItemSelection.objects.filter(cycle=cycle).select_related("created_by").first()


def key_item_list(*, user, cycle: MonitoringCycle, unit: Organisation | None = None) -> QuerySet[KeyItem]:
    """Key items the person may see (of one unit's package when given), riskiest first."""
    items = KeyItem.objects.filter(selection__cycle=cycle, project__in=project_visible(user).values("pk"))
    if unit is not None:
        items = items.filter(project__owner__path__startswith=unit.path)
    return (
        items.annotate(package_unit=_package_unit("project__"))
        .select_related("project", "project__owner", "project__owner__parent")
        .order_by("-risk_score", "project__code")
    )


def key_item_get(*, user, cycle: MonitoringCycle, pk: int) -> KeyItem:
    return get_object_or_404(key_item_list(user=user, cycle=cycle), pk=pk)


@dataclass(frozen=True)
class SampleDraw:
    """The last random draw as recorded: enough for anyone to draw the same sample again."""

    seed: int
    size: int
    population: int
    digest: str
    drawn_at: datetime
    drawn_by: str


def sample_draw_of(selection: KeyItemSelection | None) -> SampleDraw | None:
    if selection is None or not selection.sample_size or selection.drawn_at is None:
        return None
    return SampleDraw(
        seed=selection.seed,
        size=selection.sample_size,
        population=selection.population_size,
        digest=selection.population_digest,
        drawn_at=selection.drawn_at,
        drawn_by=str(selection.drawn_by) if selection.drawn_by else "",
    )


# ---------------------------------------------------------------------------------------------------
# Units under review, opinions


@dataclass(frozen=True)
class UnitReview:
    """Where one town or first-level unit stands in steps 2–4."""

    unit: Organisation
    package: Submission | None
    key_items: int
    opinions_draft: int
    opinions_sent: int
    feedback: Feedback | None
    opinions_after_compose: bool = False
    supplements: int = 0

    @property
    def package_sent(self) -> bool:
        return self.package is not None and self.package.is_sent


def unit_overview(*, user, cycle: MonitoringCycle, units: QuerySet[Organisation]) -> list[UnitReview]:
    """One row per unit in six queries whatever the number of units. Unsent opinions are the
    supervision section's drafts and count only for its staff."""
    units = list(units.select_related("counterpart_section").order_by("code"))
    packages = {
        s.organisation_id: s
        for s in Submission.objects.filter(cycle=cycle, step=Step.UNIT_TO_BUREAU, organisation__in=units)
    }
    opinions = {
        row["organisation_id"]: row
        for row in Opinion.objects.filter(
            cycle=cycle, source=OpinionSource.SUPERVISION, organisation__in=units
        )
        .order_by()
        .values("organisation_id")
        .annotate(
            draft=Count("pk", filter=Q(sent_at__isnull=True)),
            sent=Count("pk", filter=Q(sent_at__isnull=False)),
            last_sent=Max("sent_at"),
        )
    }
    key_items = dict(
        KeyItem.objects.filter(selection__cycle=cycle)
        .annotate(unit_id=_package_unit("project__"))
        .order_by()
        .values_list("unit_id")
        .annotate(n=Count("pk"))
    )
    feedbacks = {
        f.organisation_id: f
        for f in Feedback.objects.filter(cycle=cycle, organisation__in=units).annotate(
            item_count=Count("items")
        )
    }
    supplements = dict(
        Submission.objects.filter(
            cycle=cycle,
            step=Step.UNIT_TO_PRIMARY,
            state=SubmissionState.ACCEPTED,
            supplement=True,
            receiver__in=units,
        )
        .order_by()
        .values_list("receiver_id")
        .annotate(n=Count("pk"))
    )
    sees_drafts = Role.SUPERVISION_STAFF in roles_of(user)
    rows = []
    for unit in units:
        counts = opinions.get(unit.pk, {})
        feedback = feedbacks.get(unit.pk)
        last_composed = feedback.composed_at if feedback else None
        rows.append(
            UnitReview(
                unit=unit,
                package=packages.get(unit.pk),
                key_items=key_items.get(unit.pk, 0),
                opinions_draft=counts.get("draft", 0) if sees_drafts else 0,
                opinions_sent=counts.get("sent", 0),
                feedback=feedback,
                supplements=supplements.get(unit.pk, 0),
                opinions_after_compose=bool(
                    feedback is not None
                    and feedback.state == FeedbackState.DRAFT
                    and last_composed
                    and counts.get("last_sent")
                    and counts["last_sent"] > last_composed
                ),
            )
        )
    return rows


def package_of(*, unit: Organisation, cycle: MonitoringCycle) -> Submission | None:
    return Submission.objects.filter(cycle=cycle, organisation=unit, step=Step.UNIT_TO_BUREAU).first()


def supplement_packages(*, unit: Organisation, cycle: MonitoringCycle) -> QuerySet[Submission]:
    """Subordinates' packages accepted after the unit had sent to the bureau (补报), which reach it too."""
    return Submission.objects.filter(
        cycle=cycle,
        step=Step.UNIT_TO_PRIMARY,
        state=SubmissionState.ACCEPTED,
        supplement=True,
        receiver=unit,
    ).select_related("organisation")


def opinion_list(*, user, cycle: MonitoringCycle, unit: Organisation) -> QuerySet[Opinion]:
    """The supervision section's opinions on a unit; until sent they are its drafts, seen only by its staff."""
    opinions = Opinion.objects.filter(
        cycle=cycle, organisation=unit, source=OpinionSource.SUPERVISION
    ).select_related("project", "author")
    if Role.SUPERVISION_STAFF not in roles_of(user):
        opinions = opinions.filter(sent_at__isnull=False)
    return opinions


def opinion_get(*, user, cycle: MonitoringCycle, unit: Organisation, pk: int) -> Opinion:
    return get_object_or_404(opinion_list(user=user, cycle=cycle, unit=unit), pk=pk)


def warned_projects(*, unit: Organisation, cycle: MonitoringCycle) -> list[Project]:
    """Red and yellow projects of a unit's package, red first, each with `report_level` and `warning_list`."""
    projects = list(
        unit_projects(unit=unit, cycle=cycle)
        .annotate(
            cycle_report=FilteredRelation("reports", condition=Q(reports__cycle=cycle)),
            report_level=F("cycle_report__level"),
            report_id=F("cycle_report__id"),
        )
        .filter(report_level__in=[WarningLevel.RED, WarningLevel.YELLOW])
        .select_related("owner")
        .order_by(Case(When(report_level=WarningLevel.RED, then=0), default=1), "owner__code", "code")
    )
    attach_warning_messages(projects)
    return projects


# ---------------------------------------------------------------------------------------------------
# 附件2


def feedback_list(*, user, cycle: MonitoringCycle | None = None) -> QuerySet[Feedback]:
    """附件2 the person may read: the bureau's sections and leaders theirs to review, a unit only its own
    once issued."""
    memberships = [m for m in memberships_of(user) if m.organisation.is_active]
    roles = {m.role for m in memberships}
    if roles & DISTRICT_WIDE_ROLES:
        scope = Q()
    else:
        section_ids = [m.organisation_id for m in memberships if m.role == Role.COUNTERPART_STAFF]
        unit_ids = [m.organisation_id for m in memberships if m.role in UNIT_ROLES]
        scope = Q(organisation__counterpart_section_id__in=section_ids) | Q(
            organisation_id__in=unit_ids, state=FeedbackState.ISSUED
        )
    feedbacks = Feedback.objects.filter(scope, organisation__is_classified=False).select_related(
        "cycle", "organisation", "organisation__counterpart_section", "approved_by"
    )
    if cycle is not None:
        feedbacks = feedbacks.filter(cycle=cycle)
    return feedbacks.order_by("-cycle__year", "organisation__code")


def feedback_get(*, user, pk: int) -> Feedback:
    return get_object_or_404(feedback_list(user=user), pk=pk)


@dataclass(frozen=True)
class FeedbackHeader:
    """The header figures of 附件2, computed from the data whenever it is shown."""

    unit: Organisation
    period_label: str
    submitted_at: datetime | None
    late_days: int
    projects: int
    budget: Decimal
    paid: Decimal
    levels: dict[str, int]

    @property
    def execution_rate(self) -> Decimal | None:
        return self.paid / self.budget if self.budget else None

    @property
    def submission_label(self) -> str:
        if self.submitted_at is None:
            return "未报送"
        sent_on = f"{timezone.localdate(self.submitted_at):%Y-%m-%d}报送"
        return f"{sent_on}，逾期 {self.late_days} 天" if self.late_days else f"{sent_on}，按时报送"

    @property
    def red(self) -> int:
        return self.levels.get(WarningLevel.RED, 0)

    @property
    def yellow(self) -> int:
        return self.levels.get(WarningLevel.YELLOW, 0)

    @property
    def green(self) -> int:
        return self.levels.get(WarningLevel.GREEN, 0)


def feedback_header(feedback: Feedback) -> FeedbackHeader:
    cycle, unit = feedback.cycle, feedback.organisation
    package = package_of(unit=unit, cycle=cycle)
    projects = unit_projects(unit=unit, cycle=cycle)
    totals = totals_of(totals_by_unit(projects=projects, up_to_month=cycle.period_end_month))
    levels = dict(
        AnalysisReport.objects.filter(cycle=cycle, project__in=projects.values("pk"))
        .order_by()
        .values_list("level")
        .annotate(n=Count("pk"))
    )
    sent = package is not None and package.is_sent
    return FeedbackHeader(
        unit=unit,
        period_label=cycle.period_label,
        submitted_at=package.submitted_at if sent else None,
        late_days=package.late_days if sent else 0,
        projects=totals.projects,
        budget=totals.budget,
        paid=totals.paid,
        levels=levels,
    )


@dataclass(frozen=True)
class FeedbackRow:
    """An item of 附件2 with its project's figures (budget, executed, level) and the unit's answer.

    The answer columns are read through the `rectification` relation the rectification app declares on
    FeedbackItem (review imports nothing from that app); they stay empty until the form is issued."""

    item: FeedbackItem
    budget: Decimal | None
    paid: Decimal | None
    level: str
    response: str = ""
    completed_on: date | None = None
    evidence: tuple[str, ...] = ()
    verification: str = ""

    @property
    def execution_rate(self) -> Decimal | None:
        return self.paid / self.budget if self.budget else None


def feedback_rows(feedback: Feedback) -> list[FeedbackRow]:
    """Items in order with their figures, in four queries whatever the number of items."""
    cycle = feedback.cycle
    items = list(
        feedback.items.select_related("project", "rectification")
        .prefetch_related("rectification__evidence")
        .order_by("position")
    )
    ids = {item.project_id for item in items if item.project_id}
    figures = {
        pk: (budget, paid)
        for pk, budget, paid in Project.objects.filter(pk__in=ids)
        .annotate(budget_total=budget_expression(), paid=paid_to_date_subquery(cycle.period_end_month))
        .values_list("pk", "budget_total", "paid")
    }
    levels = dict(
        AnalysisReport.objects.filter(cycle=cycle, project_id__in=ids).values_list("project_id", "level")
    )
    rows = []
    for item in items:
        budget, paid = figures.get(item.project_id, (None, None))
        answer = getattr(item, "rectification", None)
        rows.append(
            FeedbackRow(
                item=item,
                budget=budget,
                paid=paid,
                level=levels.get(item.project_id, ""),
                **(
                    {
                        "response": answer.response,
                        "completed_on": answer.completed_on,
                        "evidence": tuple(e.original_name for e in answer.evidence.all()),
                        "verification": answer.verification_comment,
                    }
                    if answer is not None
                    else {}
                ),
            )
        )
    return rows


def feedback_timeline(feedback: Feedback) -> QuerySet[FeedbackTransition]:
    return feedback.transitions.select_related("organisation").order_by("at", "id")
