from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from jixiao.audit.services import audit_record
from jixiao.organisations.models import OrganisationKind, Role
from jixiao.organisations.selectors import roles_of
from jixiao.projects.models import Indicator, Project, TargetVersion


@dataclass(frozen=True)
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
    audit_record(
        actor=acting_user,
        action="project.change",
        target=project,
        organisation=project.owner,
        changes=changes,
    )
    return project
