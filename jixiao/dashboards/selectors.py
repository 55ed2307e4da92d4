"""What awaits each person on the home page: one panel per kind of work the person's roles give."""

from dataclasses import dataclass, field

from django.db.models import Count

from jixiao.audit.selectors import audit_record_list
from jixiao.dispositions.selectors import pending_count
from jixiao.funding.selectors import with_funding_state
from jixiao.monitoring.models import AnalysisReport, MonitoringCycle
from jixiao.organisations.models import Organisation, OrganisationKind, Role, User
from jixiao.organisations.selectors import (
    UNIT_BROWSING_ROLES,
    UNIT_ROLES,
    memberships_of,
    organisation_list,
    subtree_q,
)
from jixiao.projects.selectors import Totals, project_visible, rollup, totals_by_unit, totals_of
from jixiao.rectification.selectors import overdue_items
from jixiao.review.selectors import feedback_list
from jixiao.workflow.services import submission_for


@dataclass
class Panel:
    kind: str
    title: str
    organisation: Organisation | None = None
    totals: Totals | None = None
    rows: list = field(default_factory=list)
    deadlines: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)


def _deadlines(cycle: MonitoringCycle | None, fields: list[str]) -> list[tuple[str, object]]:
    if cycle is None:
        return []
    return [(label, due) for name, label, due in cycle.due_dates() if name in fields]


UNIT_DEADLINES = {
    OrganisationKind.SECONDARY_UNIT: ["due_unit_to_primary"],
    OrganisationKind.PRIMARY_UNIT: ["due_unit_to_primary", "due_unit_to_bureau", "due_rectification_report"],
    OrganisationKind.TOWN: ["due_unit_to_bureau", "due_rectification_report", "due_rectification_complete"],
}
SECTION_DEADLINES = [
    "due_unit_to_bureau",
    "due_supervision_review",
    "due_feedback_issue",
    "due_rectification_report",
]


def _unit_rows(units, projects, month):
    """One row per unit with the totals of its whole subtree, and the sum over all the rows."""
    units = list(units)
    per_owner = totals_by_unit(projects=projects.filter(subtree_q(units, via="owner__")), up_to_month=month)
    rolled = rollup(units, per_owner)
    return [{"unit": unit, "totals": rolled[unit.pk]} for unit in units], totals_of(per_owner)


def _report_levels(projects, cycle) -> dict[str, int]:
    """How many of these projects' 附件1 stand at each warning level, and how many are not filled yet."""
    if cycle is None:
        return {}
    counts = dict(
        AnalysisReport.objects.filter(cycle=cycle, project__in=projects.order_by().values("pk"))
        .order_by()
        .values_list("level")
        .annotate(n=Count("pk"))
    )
    counts["none"] = projects.count() - sum(counts.values())
    return counts


def _package(unit, cycle):
    """The unit's own package in the cycle (none for classified units, which send nothing)."""
    if cycle is None or unit.is_classified:
        return None
    return submission_for(organisation=unit, cycle=cycle)


def home_panels(*, user: User, cycle: MonitoringCycle | None) -> list[Panel]:
    month = cycle.period_end_month if cycle else 12
    projects = project_visible(user)
    if cycle:
        projects = projects.filter(year=cycle.year)
    memberships = [m for m in memberships_of(user) if m.organisation.is_active]
    roles = {m.role for m in memberships}
    panels: list[Panel] = []
    overdue = overdue_items(user=user).count() if roles & UNIT_BROWSING_ROLES else 0
    issued = {f.organisation_id: f for f in feedback_list(user=user, cycle=cycle)} if cycle else {}

    for unit in {m.organisation for m in memberships if m.role in UNIT_ROLES}:
        subtree = organisation_list(user=user).filter(path__startswith=unit.path).order_by("path")
        rows, totals = _unit_rows(subtree, projects, month)
        panels.append(
            Panel(
                kind="unit",
                title=unit.name,
                organisation=unit,
                totals=totals,
                rows=rows if len(rows) > 1 else [],
                # A classified unit reports nothing (第四条): it has no due dates and cannot be late.
                deadlines=[] if unit.is_classified else _deadlines(cycle, UNIT_DEADLINES.get(unit.kind, [])),
                extra={
                    "levels": _report_levels(projects.filter(owner__path__startswith=unit.path), cycle),
                    "package": _package(unit, cycle),
                    "feedback": issued.get(unit.pk),
                    "overdue": 0 if unit.is_classified else overdue,
                    "classified": unit.is_classified,
                    "dispositions": pending_count(user=user, cycle=cycle, unit=unit) if cycle else 0,
                },
            )
        )

    if Role.AGENCY_STAFF in roles:
        panels.append(
            Panel(
                kind="agency",
                title="委托跟踪项目",
                rows=list(with_funding_state(projects).select_related("owner").order_by("code")[:50]),
                extra={"count": projects.count()},
            )
        )

    if Role.SYSADMIN in roles:
        panels.append(
            Panel(
                kind="sysadmin",
                title="系统管理",
                rows=list(Organisation.objects.values("kind").annotate(n=Count("pk")).order_by("kind")),
                extra={
                    "users": User.objects.filter(is_active=True).count(),
                    "cycles": MonitoringCycle.objects.count(),
                    "kind_labels": dict(OrganisationKind.choices),
                },
            )
        )

    if Role.AUDITOR in roles:
        panels.append(Panel(kind="auditor", title="审计日志", rows=list(audit_record_list()[:15])))
    return panels
