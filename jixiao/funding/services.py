"""Funding control (第十五条): the bureau leader suspends (暂缓拨款) or stops (停止拨款) a project's budget
payments on the findings of monitoring, or lifts the hold (恢复正常拨款).

One service writes the status, its decision row and its audit record in one transaction and tells the
unit and its counterpart section after commit; the decision page and the API both call it.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jixiao.core.errors import ServiceError
from jixiao.funding.basis import clean_basis
from jixiao.funding.models import DECISION_LABELS, FundingDecision, FundingState, FundingStatus
from jixiao.funding.policy import DECIDE_REFUSED, can_decide
from jixiao.notifications.services import people_of, transition_record
from jixiao.organisations.models import Role, User
from jixiao.organisations.selectors import UNIT_ROLES, memberships_of
from jixiao.projects.models import Project

ACTIONS = {
    FundingState.SUSPENDED: "funding.suspend",
    FundingState.STOPPED: "funding.stop",
    FundingState.NORMAL: "funding.resume",
}


def _leader_organisation(user):
    return next(
        (
            m.organisation
            for m in memberships_of(user)
            if m.role == Role.BUREAU_LEADER and m.organisation.is_active
        ),
        None,
    )


def _told(project: Project) -> list[User]:
    """The unit's fillers and leader, and its counterpart section."""
    people = people_of(project.owner_id, UNIT_ROLES)
    if project.owner.counterpart_section_id:
        people += [
            p
            for p in people_of(project.owner.counterpart_section_id, {Role.COUNTERPART_STAFF})
            if p not in people
        ]
    return people


def _problems(current: str, status: str, reason: str, basis_problems: list[str], basis: list) -> dict:
    errors: dict[str, list[str]] = {}
    if status not in FundingState.values:
        errors["status"] = ["请选择暂缓拨款、停止拨款或恢复正常拨款。"]
    elif status == current == FundingState.NORMAL:
        errors["status"] = ["该项目当前为正常拨款，没有可解除的暂缓或停止拨款。"]
    elif status == current:
        errors["status"] = [f"该项目已是“{FundingState(status).label}”，不能重复设置。"]
    if not reason:
        errors["reason"] = ["请填写决定原因。"]
    if basis_problems:
        errors["basis"] = basis_problems
    elif status in (FundingState.SUSPENDED, FundingState.STOPPED) and not basis:
        errors["basis"] = ["暂缓或停止拨款须列明依据（预警、预警处置、整改、监督发现或其他）。"]
    return errors


@transaction.atomic
def funding_decide(*, project: Project, status: str, reason: str, basis, acting_user) -> FundingStatus:
    """Set the project's funding status to `status` with the reason and the basis items
    ({kind, label, url}, see `jixiao.funding.basis`); refuses the status it already has."""
    project = Project.objects.select_for_update(of=("self",)).select_related("owner").get(pk=project.pk)
    if not can_decide(acting_user, project):
        raise PermissionDenied(DECIDE_REFUSED)
    current, _created = FundingStatus.objects.select_for_update().get_or_create(project=project)
    reason = (reason or "").strip()
    cleaned, basis_problems = clean_basis(basis)
    errors = _problems(current.status, status, reason, basis_problems, cleaned)
    if errors:
        raise ServiceError(next(iter(errors.values()))[0], errors)
    previous = current.status
    current.status = status
    current.reason = reason
    current.basis = cleaned
    current.set_by = acting_user
    current.set_by_name = str(acting_user)
    current.set_at = timezone.now()
    current.save()
    label = DECISION_LABELS[status]
    decision = transition_record(
        history=FundingDecision,
        subject=current,
        action=ACTIONS[status],
        acting_user=acting_user,
        organisation=_leader_organisation(acting_user),
        from_state=previous,
        to_state=status,
        comment=reason,
        changes={"project": project.pk, "basis": cleaned},
        notice=(
            _told(project),
            f"局领导决定项目“{project.name}”{label}：{reason[:100]}",
            reverse("projects:project_detail", args=[project.pk]),
        ),
    )
    decision.basis = cleaned
    decision.save(update_fields=["basis"])
    return current
