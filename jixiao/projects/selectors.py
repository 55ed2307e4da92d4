"""Reads of projects, always scoped to what the person may see (domain.md §1)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from jixiao.core.search import contains_q
from jixiao.organisations.models import Organisation
from jixiao.organisations.selectors import agency_ids_of, unit_scope_q
from jixiao.projects.models import ZERO, Indicator, Project, ProjectMonth, TargetVersion

MONEY_FIELD = DecimalField(max_digits=18, decimal_places=2)


def budget_expression(via: str = ""):
    """B of warnings.md in SQL: the adjusted budget when either adjusted figure is set, else the initial."""
    adjusted_f = Coalesce(F(f"{via}adjusted_fiscal"), F(f"{via}initial_fiscal"))
    adjusted_o = Coalesce(F(f"{via}adjusted_other"), F(f"{via}initial_other"))
    return Case(
        When(
            Q(**{f"{via}adjusted_fiscal__isnull": True}) & Q(**{f"{via}adjusted_other__isnull": True}),
            then=ExpressionWrapper(
                F(f"{via}initial_fiscal") + F(f"{via}initial_other"), output_field=MONEY_FIELD
            ),
        ),
        default=ExpressionWrapper(adjusted_f + adjusted_o, output_field=MONEY_FIELD),
        output_field=MONEY_FIELD,
    )


def paid_to_date_subquery(up_to_month: int):
    """E of warnings.md for each project: everything paid from January to `up_to_month`."""
    return Coalesce(
        Subquery(
            ProjectMonth.objects.filter(project=OuterRef("pk"), month__lte=up_to_month)
            .values("project")
            .annotate(total=Sum(F("paid_fiscal") + F("paid_other")))
            .values("total")[:1],
            output_field=MONEY_FIELD,
        ),
        Value(ZERO),
        output_field=MONEY_FIELD,
    )


def project_scope_q(user) -> Q:
    """Projects of the units the person may see, plus those entrusted to the person's agency."""
    scope = unit_scope_q(user, via="owner__")
    agency_ids = agency_ids_of(user)
    if agency_ids:
        scope |= Q(agencies__in=agency_ids, owner__is_classified=False)
    return scope


def project_visible(user) -> QuerySet[Project]:
    queryset = Project.objects.filter(project_scope_q(user))
    if agency_ids_of(user):
        queryset = queryset.distinct()
    return queryset


@dataclass(frozen=True)
class ProjectFilters:
    year: int | None = None
    unit: Organisation | None = None
    include_subordinates: bool = True
    project_type: str = ""
    key_only: bool = False
    text: str = ""


def project_list(*, user, filters: ProjectFilters, up_to_month: int = 12) -> QuerySet[Project]:
    """Visible projects with budget and amount paid to the end of `up_to_month` (constant query count)."""
    queryset = project_visible(user).select_related("owner", "owner__parent")
    if filters.year:
        queryset = queryset.filter(year=filters.year)
    if filters.unit:
        if filters.include_subordinates:
            queryset = queryset.filter(owner__path__startswith=filters.unit.path)
        else:
            queryset = queryset.filter(owner=filters.unit)
    if filters.project_type:
        queryset = queryset.filter(project_type=filters.project_type)
    if filters.key_only:
        queryset = queryset.filter(is_key_project=True)
    if filters.text:
        queryset = queryset.filter(contains_q(filters.text, ["name", "code"]))
    return queryset.annotate(
        budget_total=budget_expression(), paid_to_date=paid_to_date_subquery(up_to_month)
    ).order_by("owner__code", "code", "pk")


def project_get(*, user, pk: int) -> Project:
    """One visible project with everything its page shows, or Http404."""
    queryset = (
        project_visible(user)
        .select_related("owner", "owner__parent", "current_target")
        .prefetch_related(
            "agencies",
            Prefetch("months", queryset=ProjectMonth.objects.order_by("month")),
            Prefetch(
                "target_versions",
                queryset=TargetVersion.objects.order_by("-number").prefetch_related(
                    Prefetch("indicators", queryset=Indicator.objects.order_by("position"))
                ),
            ),
        )
    )
    return get_object_or_404(queryset, pk=pk)


@dataclass(frozen=True)
class Totals:
    projects: int
    budget: Decimal
    paid: Decimal

    @property
    def execution_rate(self) -> Decimal | None:
        return self.paid / self.budget if self.budget else None


def totals_by_unit(*, projects: QuerySet[Project], up_to_month: int) -> dict[int, Totals]:
    """Project count, ΣB and ΣE per owning unit, in two queries whatever the number of units."""
    budgets = {
        row["owner_id"]: row
        for row in projects.order_by()
        .values("owner_id")
        .annotate(n=Count("pk"), budget=Sum(budget_expression()))
    }
    paid = dict(
        ProjectMonth.objects.filter(project__in=projects.order_by().values("pk"), month__lte=up_to_month)
        .order_by()
        .values("project__owner_id")
        .annotate(total=Sum(F("paid_fiscal") + F("paid_other")))
        .values_list("project__owner_id", "total")
    )
    return {
        owner_id: Totals(projects=row["n"], budget=row["budget"] or ZERO, paid=paid.get(owner_id) or ZERO)
        for owner_id, row in budgets.items()
    }


def totals_of(rows: dict[int, Totals]) -> Totals:
    return Totals(
        projects=sum(t.projects for t in rows.values()),
        budget=sum((t.budget for t in rows.values()), ZERO),
        paid=sum((t.paid for t in rows.values()), ZERO),
    )


def rollup(units, per_owner: dict[int, Totals]) -> dict[int, Totals]:
    """Each unit's totals including every unit below it."""
    paths = dict(Organisation.objects.filter(pk__in=per_owner.keys()).values_list("pk", "path"))
    return {
        unit.pk: totals_of({pk: t for pk, t in per_owner.items() if paths[pk].startswith(unit.path)})
        for unit in units
    }


def paid_to_date(project: Project, up_to_month: int) -> tuple[Decimal, Decimal]:
    """(fiscal, other) paid from January to `up_to_month`; from the months already read with the project
    (`project_get`) when they are."""
    months = getattr(project, "_prefetched_objects_cache", {}).get("months")
    if months is not None:
        paid = [month for month in months if month.month <= up_to_month]
        return sum((m.paid_fiscal for m in paid), ZERO), sum((m.paid_other for m in paid), ZERO)
    totals = ProjectMonth.objects.filter(project=project, month__lte=up_to_month).aggregate(
        fiscal=Sum("paid_fiscal"), other=Sum("paid_other")
    )
    return totals["fiscal"] or ZERO, totals["other"] or ZERO
