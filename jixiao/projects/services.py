from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from operator import attrgetter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.audit.services import audit_record, audit_records
from jixiao.core.bulk import insert_rows, insert_rows_returning_ids, update_rows
from jixiao.organisations.models import OrganisationKind, Role
from jixiao.organisations.selectors import roles_of
from jixiao.projects.models import (
    Comparator,
    Indicator,
    IndicatorCategory,
    ProgressType,
    Project,
    TargetVersion,
    ValueType,
)
from jixiao.projects.signals import project_details_changed


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    """What defines an indicator, independent of the version that holds it."""

    category: str
    name: str
    comparator: str
    value_type: str
    unit: str = ""
    target_number: Decimal | None = None
    target_date: date | None = None
    target_text: str = ""
    progress_type: str = "cumulative"

    @classmethod
    def of(cls, indicator: Indicator) -> "IndicatorSpec":
        return cls(
            category=indicator.category,
            name=indicator.name,
            comparator=indicator.comparator,
            value_type=indicator.value_type,
            unit=indicator.unit,
            target_number=indicator.target_number,
            target_date=indicator.target_date,
            target_text=indicator.target_text,
            progress_type=indicator.progress_type,
        )


@transaction.atomic
def target_version_create(
    *,
    project: Project,
    annual_goal: str,
    indicators: Iterable[IndicatorSpec],
    reason: str = "",
    source_url: str = "",
    acting_user=None,
) -> TargetVersion:
    """Add the next version of a project's goal and indicators and make it the one in force.

    Earlier versions stay untouched, so reports filled against them keep their meaning. `source_url` is
    the page of what made the version (a goal adjustment), shown in the project's target history.
    """
    project = Project.objects.select_for_update().get(pk=project.pk)
    previous = project.current_target
    number = (previous.number + 1) if previous else 1
    if previous and not reason:
        raise ValidationError({"reason": "调整绩效目标须说明原因。"})
    version = TargetVersion(
        project=project, number=number, annual_goal=annual_goal, reason=reason, source_url=source_url
    )
    version.full_clean()
    version.save()
    rows = []
    for position, spec in enumerate(indicators, start=1):
        indicator = Indicator(
            version=version,
            position=position,
            category=spec.category,
            name=spec.name,
            unit=spec.unit,
            comparator=spec.comparator,
            value_type=spec.value_type,
            target_number=spec.target_number,
            target_date=spec.target_date,
            target_text=spec.target_text,
            progress_type=spec.progress_type,
        )
        try:
            indicator.full_clean(exclude=["version"])
        except ValidationError as exc:
            raise ValidationError({f"indicator_{position}": exc.messages}) from exc
        rows.append(indicator)
    if not rows:
        raise ValidationError({"indicators": "绩效目标至少须有一个指标。"})
    Indicator.objects.bulk_create(rows)
    project.current_target = version
    project.save(update_fields=["current_target"])
    audit_record(
        actor=acting_user,
        action="target_version.create",
        target=version,
        organisation=project.owner,
        from_state=str(previous.number) if previous else "",
        to_state=str(number),
        comment=reason,
    )
    return version


SPEC_FIELDS = ["category", "name", "comparator", "value_type", "unit", "target_number", "target_date",
               "target_text", "progress_type"]  # fmt: skip
_spec_values = attrgetter(*SPEC_FIELDS)
# (value type, comparator) pairs the model accepts; a date may not be a lower bound.
_KINDS = {(ValueType.TEXT, Comparator.QUALITATIVE)} | {
    (kind, sign)
    for kind in (ValueType.NUMBER, ValueType.PERCENT, ValueType.DATE)
    for sign in (Comparator.AT_LEAST, Comparator.AT_MOST, Comparator.EQUAL)
    if (kind, sign) != (ValueType.DATE, Comparator.AT_LEAST)
}
_CHOICES = {(c, p) for c in IndicatorCategory.values for p in ProgressType.values}
_NUMBER_LIMIT = Decimal(10) ** 14  # max_digits 18 with 4 decimal places


def _plainly_valid(spec: IndicatorSpec) -> bool:
    """True when an indicator is within every bound and rule of the model (a quick look); False when the
    model's own checks must tell what is wrong."""
    if (
        (spec.value_type, spec.comparator) not in _KINDS
        or (spec.category, spec.progress_type) not in _CHOICES
        or not 0 < len(spec.name) <= 120
        or len(spec.unit) > 20
        or len(spec.target_text) > 200
    ):
        return False
    if spec.value_type == ValueType.TEXT:
        return bool(spec.target_text)
    if spec.value_type == ValueType.DATE:
        return spec.target_date is not None
    number = spec.target_number
    return (
        number is not None
        and number.is_finite()
        and abs(number) < _NUMBER_LIMIT
        and number.as_tuple().exponent >= -4
    )


def indicator_problems(spec: IndicatorSpec) -> list[str]:
    """What the model's checks find wrong with an indicator (nothing when it may be stored)."""
    if _plainly_valid(spec):
        return []
    indicator = Indicator(position=1, **{name: getattr(spec, name) for name in SPEC_FIELDS})
    try:
        indicator.clean_fields(exclude=["version"])
        indicator.clean()
    except ValidationError as exc:
        if hasattr(exc, "message_dict"):
            return [message for messages in exc.message_dict.values() for message in messages]
        return exc.messages
    return []


@transaction.atomic
def target_versions_load(
    *, targets: Iterable[tuple[int, str, list[IndicatorSpec]]], reason: str, acting_user=None
) -> int:
    """Add the next version of many projects' goals and indicators at once (the budget system's targets
    table): the rules of `target_version_create`, written in bulk, one audit record per version.

    `targets` gives (project id, annual goal, indicators); `reason` is required for a project that
    already has a target. Returns how many versions were added.
    """
    added = 0
    for batch in _chunks(list(targets), 2000):
        ids = [project_id for project_id, _goal, _specs in batch]
        locked = {
            pk: (code, owner_id, current)
            for pk, code, owner_id, current in Project.objects.select_for_update()
            .filter(pk__in=ids)
            .values_list("pk", "code", "owner_id", "current_target_id")
        }
        numbers = dict(
            TargetVersion.objects.filter(pk__in=[c for _code, _o, c in locked.values() if c]).values_list(
                "pk", "number"
            )
        )
        versions, indicators = [], []
        for project_id, goal, specs in batch:
            _code, _owner, current = locked[project_id]
            if current and not reason:
                raise ValidationError({"reason": "调整绩效目标须说明原因。"})
            if not goal.strip():
                raise ValidationError({"annual_goal": "请填写年度总体目标。"})
            if len(reason) > 200:
                raise ValidationError({"reason": "调整原因不能超过 200 个字。"})
            if not specs:
                raise ValidationError({"indicators": "绩效目标至少须有一个指标。"})
            for position, spec in enumerate(specs, start=1):
                problems = indicator_problems(spec)
                if problems:
                    raise ValidationError({f"indicator_{position}": problems})
            number = numbers[current] + 1 if current else 1
            versions.append((project_id, number, goal, reason if current else "", timezone.now(), ""))
        version_ids = insert_rows_returning_ids(
            TargetVersion,
            ["project_id", "number", "annual_goal", "reason", "approved_at", "source_url"],
            versions,
        )
        for version_id, (_project_id, _goal, specs) in zip(version_ids, batch, strict=True):
            for position, spec in enumerate(specs, start=1):
                indicators.append((version_id, position, *_spec_values(spec)))
        insert_rows(Indicator, ["version_id", "position", *SPEC_FIELDS], indicators)
        update_rows(Project, ["current_target_id"], zip(ids, version_ids, strict=True))
        audit_records(
            actor=acting_user,
            action="target_version.create",
            entries=(
                {
                    "object_type": TargetVersion._meta.label_lower,
                    "object_id": version_id,
                    "object_repr": f"{locked[project_id][0]} 第{number}版",
                    "organisation_id": locked[project_id][1],
                    "from_state": str(number - 1) if number > 1 else "",
                    "to_state": str(number),
                    "comment": version_reason,
                }
                for version_id, (project_id, number, _goal, version_reason, _at, _url) in zip(
                    version_ids, versions, strict=True
                )
            ),
        )
        added += len(versions)
    return added


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


# What the bureau may change by hand where no upstream system holds it; budget and target figures change
# only through a load.
PROJECT_DETAIL_FIELDS = [
    "name",
    "responsible_person",
    "responsible_phone",
    "start_date",
    "end_date",
    "is_key_project",
]


def user_can_edit_project_details(user) -> bool:
    """The bureau's data manager keeps project details; nobody else edits them."""
    return Role.DATA_MANAGER in roles_of(user)


@transaction.atomic
def project_details_update(*, project: Project, values: dict, agencies, acting_user) -> Project:
    """Change a project's details, key-project flag and entrusted agencies, with one audit record."""
    if not user_can_edit_project_details(acting_user):
        raise PermissionDenied("只有区财政局的数据管理岗可以修改项目信息。")
    project = Project.objects.select_for_update().get(pk=project.pk)
    before = {name: getattr(project, name) for name in PROJECT_DETAIL_FIELDS}
    before_agencies = sorted(project.agencies.values_list("code", flat=True))
    for name in PROJECT_DETAIL_FIELDS:
        if name in values:
            setattr(project, name, values[name])
    agencies = list(agencies)
    if any(agency.kind != OrganisationKind.AGENCY for agency in agencies):
        raise ValidationError({"agencies": "只能委托第三方机构跟踪。"})
    project.full_clean(exclude=["current_target", "owner"])
    project.save(update_fields=PROJECT_DETAIL_FIELDS)
    project.agencies.set(agencies)
    after_agencies = sorted(agency.code for agency in agencies)
    changes = {
        name: [str(before[name]), str(getattr(project, name))]
        for name in PROJECT_DETAIL_FIELDS
        if before[name] != getattr(project, name)
    }
    if before_agencies != after_agencies:
        changes["agencies"] = [before_agencies, after_agencies]
    if changes:
        project_details_changed.send(sender=Project, project=project)
    audit_record(
        actor=acting_user,
        action="project.change",
        target=project,
        organisation=project.owner,
        changes=changes,
    )
    return project
