from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from jixiao.audit.services import audit_record
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
    acting_user=None,
) -> TargetVersion:
    """Add the next version of a project's goal and indicators and make it the one in force.

    Earlier versions stay untouched, so reports filled against them keep their meaning.
    """
    project = Project.objects.select_for_update().get(pk=project.pk)
    previous = project.current_target
    number = (previous.number + 1) if previous else 1
    if previous and not reason:
        raise ValidationError({"reason": "调整绩效目标须说明原因。"})
    version = TargetVersion(project=project, number=number, annual_goal=annual_goal, reason=reason)
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
