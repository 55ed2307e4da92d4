"""Reads of the monitoring score: the cycle's scheme, the whole district's scores (computed on demand for an
open cycle with one set-based query per component, read from the frozen rows once it is closed), and the
table and breakdown a person may see (another unit's id is a 404)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, FilteredRelation, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jixiao.monitoring.models import MonitoringCycle, WarningLevel
from jixiao.organisations.models import BUDGET_UNIT_KINDS, Organisation, OrganisationKind
from jixiao.organisations.selectors import UNIT_ROLES, unit_scope_q
from jixiao.projects.models import Project
from jixiao.rectification.models import RectificationItem, RectificationState
from jixiao.review.models import Opinion
from jixiao.scores import rules
from jixiao.scores.models import FrozenScore, ScoreFreeze, ScoreScheme
from jixiao.scores.policy import can_view_breakdown, can_view_table, cycle_scored
from jixiao.workflow.models import Step, Submission, due_date_for

ZERO = Decimal(0)


@dataclass(frozen=True)
class UnitScore:
    organisation: Organisation
    rank: int
    inputs: rules.Inputs
    breakdown: rules.Breakdown


@dataclass(frozen=True)
class ScoreTable:
    cycle: MonitoringCycle
    scheme: rules.Scheme
    as_of: date
    freeze: ScoreFreeze | None
    rows: list[UnitScore]


def scheme_of(cycle: MonitoringCycle) -> ScoreScheme:
    """The cycle's stored scheme, or (unsaved) the defaults it is scored by until someone sets one."""
    return ScoreScheme.objects.filter(cycle=cycle).first() or ScoreScheme(cycle=cycle)


def scored_units():
    """Every unit that sends a package: active, unclassified towns and first- and second-level units."""
    return Organisation.objects.filter(
        kind__in=BUDGET_UNIT_KINDS, is_active=True, is_classified=False
    ).order_by("code")


def _step(unit: Organisation) -> int:
    return Step.UNIT_TO_PRIMARY if unit.kind == OrganisationKind.SECONDARY_UNIT else Step.UNIT_TO_BUREAU


def _packages(cycle: MonitoringCycle) -> dict[tuple[int, int], dict]:
    """Each package's due date, first sending and returns (timeliness, quality), by (unit, step)."""
    rows = (
        Submission.objects.filter(cycle=cycle)
        .annotate(
            first_sent=Min("transitions__at", filter=Q(transitions__action="submission.submit")),
            returned=Count("transitions", filter=Q(transitions__action="submission.return")),
        )
        .values("organisation_id", "step", "due_date", "first_sent", "returned")
    )
    return {(row["organisation_id"], row["step"]): row for row in rows}


def _gaps(cycle: MonitoringCycle) -> dict[int, int]:
    """Problems the bureau's review wrote on each unit (quality)."""
    rows = Opinion.objects.filter(cycle=cycle).values("organisation_id").annotate(n=Count("id"))
    return {row["organisation_id"]: row["n"] for row in rows}


def _projects(cycle: MonitoringCycle) -> dict[int, dict]:
    """Per owner: projects, sent 附件1, budget and budget in red projects (completeness, warnings)."""
    budget = Coalesce("adjusted_fiscal", "initial_fiscal") + Coalesce("adjusted_other", "initial_other")
    rows = (
        Project.objects.filter(year=cycle.year)
        .annotate(report=FilteredRelation("reports", condition=Q(reports__cycle=cycle)))
        .values("owner_id")
        .annotate(
            projects=Count("id"),
            sent=Count("id", filter=Q(report__locked=True)),
            budget=Sum(budget),
            red_budget=Sum(budget, filter=Q(report__level=WarningLevel.RED)),
        )
    )
    return {row["owner_id"]: row for row in rows}


def _items(cycle: MonitoringCycle, as_of: date) -> dict[int, dict]:
    """Per unit: the cycle's rectification items, verified on time, and late (rectification)."""
    verified = Q(state=RectificationState.VERIFIED)
    rows = (
        RectificationItem.objects.filter(cycle=cycle)
        .values("organisation_id")
        .annotate(
            items=Count("id"),
            on_time=Count("id", filter=verified & Q(verified_at__date__lte=F("due_date"))),
            late=Count(
                "id",
                filter=(verified & Q(verified_at__date__gt=F("due_date")))
                | (~verified & Q(due_date__lt=as_of)),
            ),
        )
    )
    return {row["organisation_id"]: row for row in rows}


def _ranked(scores: list[tuple[Organisation, rules.Inputs, rules.Breakdown]]) -> list[UnitScore]:
    """Highest total first; equal totals share a rank (1, 2, 2, 4)."""
    ordered = sorted(scores, key=lambda s: (-s[2].total, s[0].code))
    ranked, rank, previous = [], 0, None
    for position, (unit, inputs, breakdown) in enumerate(ordered, start=1):
        if breakdown.total != previous:
            rank, previous = position, breakdown.total
        ranked.append(UnitScore(unit, rank, inputs, breakdown))
    return ranked


def cycle_scores(*, cycle: MonitoringCycle, scheme: rules.Scheme, as_of: date) -> list[UnitScore]:
    """The whole district's scores as of a day, ranked: for the freeze and for the scoped reads below."""
    packages, gaps, projects, items = _packages(cycle), _gaps(cycle), _projects(cycle), _items(cycle, as_of)
    scores = []
    for unit in scored_units():
        step = _step(unit)
        package = packages.get((unit.pk, step), {})
        own = projects.get(unit.pk, {})
        its_items = items.get(unit.pk, {})
        first_sent = package.get("first_sent")
        inputs = rules.Inputs(
            as_of=as_of,
            due_date=package.get("due_date") or due_date_for(cycle, step),
            sent_on=timezone.localdate(first_sent) if first_sent else None,
            projects=own.get("projects", 0),
            reports_sent=own.get("sent", 0),
            returns=package.get("returned", 0),
            gaps=gaps.get(unit.pk, 0),
            budget=own.get("budget") or ZERO,
            red_budget=own.get("red_budget") or ZERO,
            items=its_items.get("items", 0),
            items_on_time=its_items.get("on_time", 0),
            items_late=its_items.get("late", 0),
        )
        scores.append((unit, inputs, rules.score(inputs, scheme)))
    return _ranked(scores)


def _frozen(freeze: ScoreFreeze, rows) -> list[UnitScore]:
    return [
        UnitScore(
            row.organisation,
            row.rank,
            rules.Inputs.from_dict(row.inputs),
            rules.Breakdown.from_dict(row.breakdown),
        )
        for row in rows.select_related("organisation").order_by("rank", "organisation__code")
    ]


def _table(cycle: MonitoringCycle, visible) -> ScoreTable:
    """The cycle's scores of the units in `visible` (a queryset of organisations): frozen once closed."""
    freeze = ScoreFreeze.objects.filter(cycle=cycle).first()
    if freeze is not None:
        rows = FrozenScore.objects.filter(freeze=freeze, organisation__in=visible)
        return ScoreTable(cycle, freeze.params(), freeze.as_of, freeze, _frozen(freeze, rows))
    scheme, as_of = scheme_of(cycle).params(), timezone.localdate()
    ids = set(visible.values_list("pk", flat=True))
    rows = [
        row for row in cycle_scores(cycle=cycle, scheme=scheme, as_of=as_of) if row.organisation.pk in ids
    ]
    return ScoreTable(cycle, scheme, as_of, None, rows)


def score_table(*, user, cycle: MonitoringCycle) -> ScoreTable:
    """The ranked table the bureau reads: every unit for leaders and the supervision section, a counterpart
    section its own units (ranked among the whole district)."""
    if not cycle_scored(cycle):
        raise Http404("自行开展的监控不计监控评分。")
    allowed = can_view_table(user)
    visible = Organisation.objects.filter(unit_scope_q(user)) if allowed else Organisation.objects.none()
    return _table(cycle, visible)


def unit_score(*, user, cycle: MonitoringCycle, unit_pk: int) -> tuple[ScoreTable, UnitScore]:
    """One unit's breakdown, for its own people, those of the units above it and the bureau; anyone else
    gets 404."""
    if not cycle_scored(cycle):
        raise Http404("自行开展的监控不计监控评分。")
    allowed = can_view_breakdown(user)
    units = Organisation.objects.filter(unit_scope_q(user)) if allowed else Organisation.objects.none()
    unit = get_object_or_404(units, pk=unit_pk)
    table = _table(cycle, Organisation.objects.filter(pk=unit.pk))
    if not table.rows:
        raise Http404("该单位不计监控评分。")
    return table, table.rows[0]


def own_unit(*, user) -> Organisation | None:
    """The scored unit a filler or leader works for (where the menu takes them)."""
    return scored_units().filter(memberships__user=user, memberships__role__in=UNIT_ROLES).first()
