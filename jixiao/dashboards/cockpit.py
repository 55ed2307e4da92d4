"""The bureau's cockpit (驾驶舱): the figures of a scope — the district, a counterpart section's units, or a
unit with the units below it — read from the maintained roll-up (`CycleRollup`) and from the packages,
rectification items and funding holds of the units in that scope.

Every read costs the same number of queries whatever the number of projects: the roll-up has one row per
unit, level, type and key flag, and packages, items and holds are per unit or few. Classified units count
nowhere (第四条).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from jixiao.dashboards.selectors import SECTION_DEADLINES, UNIT_DEADLINES
from jixiao.funding.models import HOLD_STATES, FundingState, FundingStatus
from jixiao.monitoring.models import (
    LEVEL_NONE,
    CycleKind,
    CycleRollup,
    MonitoringCycle,
    WarningLevel,
)
from jixiao.monitoring.rollup import rollup_of_projects
from jixiao.organisations.models import Organisation, OrganisationKind, Role
from jixiao.organisations.selectors import UNIT_ROLES, memberships_of, organisation_list, roles_of
from jixiao.projects.models import ZERO
from jixiao.rectification.models import RectificationState
from jixiao.rectification.selectors import cycle_rectification_closed, overdue_items, rectification_item_list
from jixiao.workflow.models import Step, Submission, SubmissionReturn
from jixiao.workflow.selectors import latest_return

DISTRICT_ROLES = {Role.SUPERVISION_STAFF, Role.BUREAU_LEADER}
COCKPIT_ROLES = DISTRICT_ROLES | {Role.COUNTERPART_STAFF}
# A project's levels in the order the cockpit lists them: most severe first, then the reports not filled
# yet. Never blue: blue is an indicator's 提示 and does not raise the project's level (`rules.project_level`).
LEVELS = [WarningLevel.RED, WarningLevel.YELLOW, WarningLevel.GREEN, LEVEL_NONE]
LEVEL_LABELS = {**{level.value: level.label for level in WarningLevel}, LEVEL_NONE: "未填报"}
# The steps of 第十一条 whose packages are counted, and who sends each.
# The roll-up's completion buckets of "≥" number and percent indicators, in the order the chart stacks them.
COMPLETION_BUCKETS = [
    ("completion_none", "未填报"),
    ("completion_low", "不足60%"),
    ("completion_mid", "60%—80%"),
    ("completion_high", "80%—100%"),
    ("completion_met", "已达到指标值"),
]
STEP_SENDERS = {
    Step.UNIT_TO_PRIMARY: {OrganisationKind.SECONDARY_UNIT},
    Step.UNIT_TO_BUREAU: {OrganisationKind.TOWN, OrganisationKind.PRIMARY_UNIT},
}


def can_view_cockpit(user) -> bool:
    """The bureau's leaders and sections, and every budget unit's people (for their own unit)."""
    return bool(roles_of(user) & (COCKPIT_ROLES | UNIT_ROLES))


@dataclass(frozen=True)
class CockpitFilters:
    cycle: MonitoringCycle
    section: Organisation | None = None
    unit: Organisation | None = None
    district: bool = False  # a counterpart section widening to the district
    project_type: str = ""
    key_only: bool = False
    level: str = ""
    funding: str = ""  # a FundingState: only the projects paid normally, suspended or stopped

    def query(self, **changes) -> str:
        """The page's query string, with `changes` applied (links keep the filters)."""
        values = {
            "cycle": self.cycle.pk,
            "section": self.section.pk if self.section else "",
            "unit": self.unit.pk if self.unit else "",
            "scope": "district" if self.district else "",
            "type": self.project_type,
            "key": "1" if self.key_only else "",
            "level": self.level,
            "funding": self.funding,
        }
        values.update(changes)
        return urlencode({name: value for name, value in values.items() if value not in ("", None)})

    def project_list_query(self, unit: Organisation, *, own: bool) -> str:
        """The project list of `unit` with the same filters (the last click of the drill-down)."""
        values = {"unit": unit.pk, "year": self.cycle.year, "scope": "own" if own else "all"}
        if self.project_type:
            values["project_type"] = self.project_type
        if self.key_only:
            values["key_only"] = "on"
        if self.level:
            values["level"] = self.level
        return urlencode(values)


@dataclass
class Figures:
    """One row of totals: the whole scope, a section, or a unit with its subordinates."""

    projects: int = 0
    budget: Decimal = ZERO
    paid: Decimal = ZERO
    quantitative: int = 0
    qualitative: int = 0
    level_counts: dict = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    level_budgets: dict = field(default_factory=lambda: dict.fromkeys(LEVELS, ZERO))
    completion: dict = field(
        default_factory=lambda: dict.fromkeys((name for name, _ in COMPLETION_BUCKETS), 0)
    )

    def add(self, row: dict) -> None:
        self.projects += row["n"]
        self.budget += row["budget"] or ZERO
        self.paid += row["paid"] or ZERO
        self.quantitative += row["quantitative"] or 0
        self.qualitative += row["qualitative"] or 0
        for name, _label in COMPLETION_BUCKETS:
            self.completion[name] += row[name] or 0
        self.level_counts[row["level"]] = self.level_counts.get(row["level"], 0) + row["n"]
        self.level_budgets[row["level"]] = self.level_budgets.get(row["level"], ZERO) + (
            row["budget"] or ZERO
        )

    @property
    def execution_rate(self) -> Decimal | None:
        """ΣE / ΣB: the budget-weighted execution rate."""
        return self.paid / self.budget if self.budget else None

    @property
    def filled(self) -> int:
        return self.projects - self.level_counts.get(LEVEL_NONE, 0)

    @property
    def levels(self) -> list[dict]:
        return [
            {
                "level": level,
                "label": LEVEL_LABELS[level],
                "count": self.level_counts.get(level, 0),
                "budget": self.level_budgets.get(level, ZERO),
            }
            for level in LEVELS
        ]


@dataclass
class StepRate:
    """报送完整率 and 报送及时率 of one step among some units."""

    step: int
    expected: int = 0
    received: int = 0
    on_time: int = 0

    @property
    def label(self) -> str:
        return Step(self.step).label

    @property
    def completeness(self) -> Decimal | None:
        return Decimal(self.received) / Decimal(self.expected) if self.expected else None

    @property
    def timeliness(self) -> Decimal | None:
        return Decimal(self.on_time) / Decimal(self.expected) if self.expected else None


@dataclass
class PackageStatus:
    """One expected package: its unit, step, due date, when it was sent and how many days late."""

    unit: Organisation
    step: int
    due_date: date
    sent_on: date | None
    late_days: int

    @property
    def on_time(self) -> bool:
        return self.sent_on is not None and self.late_days == 0

    @property
    def step_label(self) -> str:
        return Step(self.step).label


@dataclass
class Row:
    """A line of the drill-down table: a section, or a unit with everything below it."""

    key: str
    label: str
    organisation: Organisation | None
    drill: str  # the query that opens this row one level down, "" when it cannot be opened
    figures: Figures = field(default_factory=Figures)
    rates: dict = field(default_factory=dict)  # step -> StepRate
    holds: int = 0
    own: bool = False  # the unit's own projects only (本级), not its subordinates
    projects_query: str = ""  # the project list of this line's unit


@dataclass
class Cockpit:
    filters: CockpitFilters
    title: str
    level_name: str  # district, section or unit
    totals: Figures
    rows: list[Row]
    rates: list[StepRate]
    late: list[PackageStatus]
    rectification_open: int
    rectification_overdue: int
    holds: int
    breadcrumbs: list[tuple[str, str]]
    sections: list[Organisation]
    can_widen: bool
    unit_ids: list[int]
    # The unit view: the unit's own due dates, its package, and what was last returned to it for correction.
    deadlines: list = field(default_factory=list)
    own_packages: list = field(default_factory=list)
    returned: SubmissionReturn | None = None

    @property
    def time_progress(self) -> Decimal:
        return self.filters.cycle.time_progress


@dataclass
class BureauWork:
    """The bureau's own work of the cycle beside the figures: its due dates and the pages that do it."""

    deadlines: list
    supervision: bool
    counterpart: bool
    overdue: int
    closed: bool


def bureau_work(*, user, cycle: MonitoringCycle) -> BureauWork | None:
    """For the bureau's leaders and sections only (a unit's people have their home page for this)."""
    roles = roles_of(user)
    if not roles & COCKPIT_ROLES:
        return None
    return BureauWork(
        deadlines=[(label, due) for name, label, due in cycle.due_dates() if name in SECTION_DEADLINES],
        supervision=Role.SUPERVISION_STAFF in roles,
        counterpart=Role.COUNTERPART_STAFF in roles,
        overdue=overdue_items(user=user).count(),
        closed=bool(roles & DISTRICT_ROLES) and cycle_rectification_closed(cycle),
    )


def cockpit_cycles(*, user) -> QuerySet[MonitoringCycle]:
    """The annual cycles, newest first: the roll-up is kept for those."""
    return MonitoringCycle.objects.filter(kind=CycleKind.ANNUAL).order_by("-year")


def _own_sections(user) -> list[Organisation]:
    return [
        m.organisation
        for m in memberships_of(user)
        if m.role == Role.COUNTERPART_STAFF and m.organisation.is_active
    ]


def _own_units(user) -> list[Organisation]:
    return [m.organisation for m in memberships_of(user) if m.role in UNIT_ROLES and m.organisation.is_active]


def district_sections(*, user) -> list[Organisation]:
    """The counterpart sections a person may open in the cockpit: all for the district roles, else their own."""
    if roles_of(user) & DISTRICT_ROLES:
        return list(Organisation.objects.filter(kind=OrganisationKind.COUNTERPART_SECTION).order_by("code"))
    return sorted(_own_sections(user), key=lambda s: s.code)


def cockpit_scope(
    *, user, section_id: int | None, unit_id: int | None, district: bool
) -> tuple[Organisation | None, Organisation | None, bool]:
    """Resolve the requested level to (section, unit, district) the person may open, or Http404.

    With nothing asked for: the district for the district roles, a counterpart's own section, a unit's
    person their own unit. A classified unit has no cockpit (it counts nowhere).
    """
    roles = roles_of(user)
    if unit_id is not None:
        unit = organisation_list(user=user).filter(pk=unit_id, is_classified=False).first()
        if unit is None:
            raise Http404
        return None, unit, False
    if section_id is not None:
        section = next((s for s in district_sections(user=user) if s.pk == section_id), None)
        if section is None:
            raise Http404
        return section, None, False
    if roles & DISTRICT_ROLES or (district and Role.COUNTERPART_STAFF in roles):
        return None, None, True
    sections = sorted(_own_sections(user), key=lambda s: s.code)
    if sections:
        return sections[0], None, False
    units = sorted((u for u in _own_units(user) if not u.is_classified), key=lambda u: u.path)
    if units:
        return None, units[0], False
    raise Http404


def _scope_units(filters: CockpitFilters, *, user) -> list[Organisation]:
    """The unclassified budget units whose figures the scope adds up, ordered by path."""
    units = Organisation.objects.filter(
        kind__in=[OrganisationKind.TOWN, OrganisationKind.PRIMARY_UNIT, OrganisationKind.SECONDARY_UNIT],
        is_classified=False,
    )
    if filters.unit is not None:
        units = units.filter(path__startswith=filters.unit.path)
    elif filters.section is not None:
        roots = Organisation.objects.filter(counterpart_section=filters.section).values_list(
            "path", flat=True
        )
        condition = Q(pk__in=[])
        for path in roots:
            condition |= Q(path__startswith=path)
        units = units.filter(condition)
    elif not (roles_of(user) & DISTRICT_ROLES) and not filters.district:
        units = units.filter(pk__in=organisation_list(user=user).values("pk"))
    return list(units.select_related("counterpart_section").order_by("path"))


def _root_path(path: str) -> str:
    return "/" + path.strip("/").split("/")[0] + "/"


SUMMED = [
    "projects",
    "budget",
    "paid",
    "quantitative",
    "qualitative",
    *(n for n, _label in COMPLETION_BUCKETS),
]


def _rollup_rows(filters: CockpitFilters, unit_ids: list[int]) -> list[dict]:
    """The roll-up's sums per unit and level under the filters.

    A funding status filter subtracts (正常拨款) or keeps (暂缓, 停止) the rows the projects on hold make:
    they are few, and counted from their projects in one statement.
    """
    rows = CycleRollup.objects.filter(cycle=filters.cycle, organisation__in=unit_ids)
    if filters.project_type:
        rows = rows.filter(project_type=filters.project_type)
    if filters.key_only:
        rows = rows.filter(is_key_project=True)
    if filters.level:
        rows = rows.filter(level=filters.level)
    sums = {}
    if filters.funding in ("", FundingState.NORMAL):
        for row in (
            rows.order_by()
            .values("organisation_id", "level")
            .annotate(**{f"sum_{name}": Sum(name) for name in SUMMED})
        ):
            sums[row["organisation_id"], row["level"]] = {name: row[f"sum_{name}"] or 0 for name in SUMMED}
    if filters.funding:
        sign = -1 if filters.funding == FundingState.NORMAL else 1
        for held in _held_rollup(filters, unit_ids):
            group = sums.setdefault((held.organisation_id, held.level), dict.fromkeys(SUMMED, 0))
            for name in SUMMED:
                group[name] += sign * getattr(held, name)
    return [
        {"organisation_id": owner_id, "level": level, "n": group["projects"], **group}
        for (owner_id, level), group in sums.items()
        if group["projects"]
    ]


def _held_rollup(filters: CockpitFilters, unit_ids: list[int]) -> list[CycleRollup]:
    statuses = HOLD_STATES if filters.funding == FundingState.NORMAL else [filters.funding]
    held = FundingStatus.objects.filter(
        status__in=statuses, project__year=filters.cycle.year, project__owner__in=unit_ids
    )
    if filters.project_type:
        held = held.filter(project__project_type=filters.project_type)
    if filters.key_only:
        held = held.filter(project__is_key_project=True)
    rows = rollup_of_projects(
        cycle=filters.cycle, project_ids=list(held.values_list("project_id", flat=True))
    )
    return [row for row in rows if not filters.level or row.level == filters.level]


def _packages(filters: CockpitFilters, units: list[Organisation]) -> list[PackageStatus]:
    """Every package the scope's units are expected to send in the cycle, with where it stands."""
    cycle = filters.cycle
    submissions = {
        (s.organisation_id, s.step): s
        for s in Submission.objects.filter(cycle=cycle, organisation__in=[u.pk for u in units]).only(
            "organisation_id", "step", "due_date", "submitted_at"
        )
    }
    today = timezone.localdate()
    statuses = []
    for unit in units:
        for step, kinds in STEP_SENDERS.items():
            if unit.kind not in kinds:
                continue
            submission = submissions.get((unit.pk, step))
            due = submission.due_date if submission else getattr(cycle, _due_field(step))
            sent_on = (
                timezone.localdate(submission.submitted_at)
                if submission is not None and submission.submitted_at
                else None
            )
            late = max(((sent_on or today) - due).days, 0)
            statuses.append(
                PackageStatus(unit=unit, step=step, due_date=due, sent_on=sent_on, late_days=late)
            )
    return statuses


def _due_field(step: int) -> str:
    return {Step.UNIT_TO_PRIMARY: "due_unit_to_primary", Step.UNIT_TO_BUREAU: "due_unit_to_bureau"}[step]


def _rates(statuses: list[PackageStatus]) -> dict[int, StepRate]:
    rates = {step: StepRate(step=step) for step in STEP_SENDERS}
    for status in statuses:
        rate = rates[status.step]
        rate.expected += 1
        rate.received += status.sent_on is not None
        rate.on_time += status.on_time
    return rates


def _holds_by_unit(filters: CockpitFilters, unit_ids: list[int]) -> dict[int, int]:
    """Projects on hold (暂缓 or 停止拨款) per owning unit: few, whatever the number of projects."""
    statuses = [filters.funding] if filters.funding else HOLD_STATES
    holds = FundingStatus.objects.filter(
        status__in=statuses, project__year=filters.cycle.year, project__owner__in=unit_ids
    )
    if filters.project_type:
        holds = holds.filter(project__project_type=filters.project_type)
    if filters.key_only:
        holds = holds.filter(project__is_key_project=True)
    counts: dict[int, int] = defaultdict(int)
    for owner_id in holds.values_list("project__owner_id", flat=True):
        counts[owner_id] += 1
    return counts


def _rows(filters: CockpitFilters, units: list[Organisation], sections: list[Organisation]) -> list[Row]:
    """The drill-down lines of the level: sections of the district, units of a section, a unit's children."""
    if filters.unit is not None:
        children = [u for u in units if u.parent_id == filters.unit.pk]
        own = Row(
            key=f"u{filters.unit.pk}",
            label=f"{filters.unit.name}（本级）",
            organisation=filters.unit,
            drill="",
            own=True,
        )
        return [own] + [
            Row(key=f"u{u.pk}", label=u.name, organisation=u, drill=filters.query(unit=u.pk, section=""))
            for u in children
        ]
    if filters.section is not None:
        roots = [u for u in units if u.counterpart_section_id == filters.section.pk]
        return [
            Row(key=f"u{u.pk}", label=u.name, organisation=u, drill=filters.query(unit=u.pk, section=""))
            for u in roots
        ]
    present = {u.counterpart_section_id for u in units if u.parent_id is None}
    rows = [
        Row(key=f"s{s.pk}", label=s.name, organisation=s, drill=filters.query(section=s.pk, scope=""))
        for s in sections
        if s.pk in present
    ]
    if None in present:
        rows.append(Row(key="s-", label="未指定对口股室", organisation=None, drill={}))
    return rows


def _row_of(filters: CockpitFilters, rows: list[Row], units: list[Organisation]) -> dict[int, Row]:
    """Which line each unit of the scope adds to."""
    by_key = {row.key: row for row in rows}
    root_section = {u.path: u.counterpart_section_id for u in units if u.parent_id is None}
    placed = {}
    for unit in units:
        if filters.unit is not None:
            if unit.pk == filters.unit.pk:
                placed[unit.pk] = by_key[f"u{unit.pk}"]
                continue
            child = next(
                (r for r in rows if not r.own and unit.path.startswith(r.organisation.path)),
                None,
            )
            if child is not None:
                placed[unit.pk] = child
        elif filters.section is not None:
            row = by_key.get(f"u{_root_id(unit.path)}")
            if row is not None:
                placed[unit.pk] = row
        else:
            section_id = root_section.get(_root_path(unit.path))
            row = by_key.get(f"s{section_id}" if section_id else "s-")
            if row is not None:
                placed[unit.pk] = row
    return placed


def _root_id(path: str) -> int:
    return int(path.strip("/").split("/")[0])


def cockpit_build(*, user, filters: CockpitFilters) -> Cockpit:
    """Everything the cockpit page and its charts show for one scope, in a fixed number of queries (the
    views read it through `cockpit_cache`)."""
    units = _scope_units(filters, user=user)
    unit_ids = [u.pk for u in units]
    sections = district_sections(user=user)
    if filters.district and not (roles_of(user) & DISTRICT_ROLES):
        sections = list(
            Organisation.objects.filter(kind=OrganisationKind.COUNTERPART_SECTION).order_by("code")
        )
    rows = _rows(filters, units, sections if filters.unit is None and filters.section is None else [])
    for row in rows:
        if row.organisation is not None and row.organisation.kind != OrganisationKind.COUNTERPART_SECTION:
            row.projects_query = filters.project_list_query(row.organisation, own=row.own)
    placed = _row_of(filters, rows, units)
    totals = Figures()
    for rollup in _rollup_rows(filters, unit_ids):
        totals.add(rollup)
        row = placed.get(rollup["organisation_id"])
        if row is not None:
            row.figures.add(rollup)
    cockpit = Cockpit(
        filters=filters,
        title=_title(filters),
        level_name="unit" if filters.unit else "section" if filters.section else "district",
        totals=totals,
        rows=rows,
        rates=[],
        late=[],
        rectification_open=0,
        rectification_overdue=0,
        holds=0,
        breadcrumbs=[],
        sections=sections,
        can_widen=Role.COUNTERPART_STAFF in roles_of(user) and not (roles_of(user) & DISTRICT_ROLES),
        unit_ids=unit_ids,
    )
    statuses = _packages(filters, units) if filters.cycle.kind == CycleKind.ANNUAL else []
    for row in rows:
        row.rates = _rates([s for s in statuses if placed.get(s.unit.pk) is row])
    cockpit.rates = list(_rates(statuses).values())
    cockpit.late = sorted((s for s in statuses if s.late_days), key=lambda s: (-s.late_days, s.unit.code))
    holds = _holds_by_unit(filters, unit_ids)
    for owner_id, count in holds.items():
        row = placed.get(owner_id)
        if row is not None:
            row.holds += count
    cockpit.holds = sum(holds.values())
    not_verified = ~Q(state=RectificationState.VERIFIED)
    items = rectification_item_list(user=user).filter(cycle=filters.cycle, organisation__in=unit_ids)
    counts = items.aggregate(
        open=Count("pk", filter=not_verified),
        overdue=Count("pk", filter=not_verified & Q(due_date__lt=timezone.localdate())),
    )
    cockpit.rectification_open, cockpit.rectification_overdue = counts["open"], counts["overdue"]
    cockpit.breadcrumbs = _breadcrumbs(filters, user=user)
    if filters.unit is not None:
        _add_unit_side(cockpit, statuses)
    return cockpit


def _add_unit_side(cockpit: Cockpit, statuses: list[PackageStatus]) -> None:
    """A unit's own due dates (第十一条), its package and the projects last returned to it."""
    unit, cycle = cockpit.filters.unit, cockpit.filters.cycle
    fields = UNIT_DEADLINES.get(unit.kind, [])
    cockpit.deadlines = [(label, due) for name, label, due in cycle.due_dates() if name in fields]
    cockpit.own_packages = [status for status in statuses if status.unit.pk == unit.pk]
    submission = Submission.objects.filter(cycle=cycle, organisation=unit).first()
    cockpit.returned = latest_return(submission) if submission is not None else None


def _title(filters: CockpitFilters) -> str:
    if filters.unit is not None:
        return filters.unit.name
    if filters.section is not None:
        return f"{filters.section.name}对口单位"
    return "全区概况"


def _breadcrumbs(filters: CockpitFilters, *, user) -> list[tuple[str, str]]:
    """District → section → unit → subordinate unit, each a link keeping the filters."""
    crumbs = []
    roles = roles_of(user)
    if roles & COCKPIT_ROLES:
        crumbs.append(("全区", filters.query(section="", unit="", scope="district")))
    unit = filters.unit
    if unit is not None:
        ancestors = list(
            Organisation.objects.filter(
                pk__in=[int(pk) for pk in unit.path.strip("/").split("/")]
            ).select_related("counterpart_section")
        )
        ancestors.sort(key=lambda o: len(o.path))
        root = ancestors[0] if ancestors else unit
        visible = set(
            organisation_list(user=user).filter(pk__in=[a.pk for a in ancestors]).values_list("pk", flat=True)
        )
        if root.counterpart_section_id and roles & COCKPIT_ROLES:
            crumbs.append(
                (
                    root.counterpart_section.name,
                    filters.query(section=root.counterpart_section_id, unit="", scope=""),
                )
            )
        for ancestor in ancestors:
            if ancestor.pk in visible:
                crumbs.append((ancestor.name, filters.query(unit=ancestor.pk, section="", scope="")))
    elif filters.section is not None:
        crumbs.append((filters.section.name, filters.query(section=filters.section.pk, unit="", scope="")))
    return crumbs
