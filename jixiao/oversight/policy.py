"""Who may plan, carry out, answer and read oversight actions (第九条, 第十二条): one predicate per action.

The supervision section plans every kind of action on any unclassified unit; a counterpart section plans
and carries out actions on its own units; the bureau leaders read them all. An agency's staff carry out
the 委托跟踪监控 assigned to their agency (start it, file findings and the tracking report) but do not
open rectification items or close the action. A unit sees the actions on itself once they have started
(never the bureau's internal notes) and answers its inquiries. Pages show a button only when its
predicate allows it, and the services refuse with the same predicate.
"""

from jixiao.organisations.models import Organisation, Role
from jixiao.organisations.selectors import UNIT_ROLES, agency_ids_of, memberships_of, organisation_list
from jixiao.oversight.models import Attachment, Finding, OversightAction, OversightKind, OversightState
from jixiao.rectification.models import RectificationSource
from jixiao.rectification.policy import can_open
from jixiao.workflow.policy import ALLOWED, Verdict, forbid, holds, refuse

# The bureau's people who plan and follow oversight actions, and those who also read them.
PLANNING_ROLES = {Role.SUPERVISION_STAFF, Role.COUNTERPART_STAFF}
BUREAU_ROLES = PLANNING_ROLES | {Role.BUREAU_LEADER}
READER_ROLES = BUREAU_ROLES | UNIT_ROLES | {Role.AGENCY_STAFF}


def _roles(user) -> set[str]:
    if getattr(user, "pk", None) is None:
        return set()
    return {m.role for m in memberships_of(user) if m.organisation.is_active}


def can_view_oversight(user) -> bool:
    return bool(_roles(user) & READER_ROLES)


def sees_internal(user) -> bool:
    """Internal notes are the bureau's own: units and agencies never see them."""
    return bool(_roles(user) & BUREAU_ROLES)


def _counterpart_of(user, organisation: Organisation) -> bool:
    """A counterpart section reaches its assigned units and the units below them (asked once per unit
    and user object, as a page asks it for every button)."""
    if Role.COUNTERPART_STAFF not in _roles(user):
        return False
    known = user.__dict__.setdefault("_jixiao_counterpart_units", {})
    if organisation.pk not in known:
        known[organisation.pk] = organisation_list(user=user).filter(pk=organisation.pk).exists()
    return known[organisation.pk]


def can_plan_any(user) -> Verdict:
    """The planning page and its button: the supervision section and the counterpart sections."""
    if not _roles(user) & PLANNING_ROLES:
        return forbid("只有财政监督与绩效管理股或对口服务股室可以安排监督检查。")
    return ALLOWED


def can_plan(user, organisation: Organisation) -> Verdict:
    roles = _roles(user)
    if not roles & PLANNING_ROLES:
        return can_plan_any(user)
    if not organisation.is_budget_unit:
        return refuse("监督检查的对象只能是预算单位。")
    if organisation.is_classified:
        return refuse("涉密单位的监督检查不在本系统安排。")
    if Role.SUPERVISION_STAFF in roles or _counterpart_of(user, organisation):
        return ALLOWED
    return forbid(f"对口服务股室只能对本股室服务的单位安排监督检查，{organisation.name}不在其中。")


def is_manager(user, action: OversightAction) -> bool:
    """The bureau side that carries the action: the supervision section or the unit's counterpart section."""
    return Role.SUPERVISION_STAFF in _roles(user) or _counterpart_of(user, action.organisation)


def is_entrusted_agency(user, action: OversightAction) -> bool:
    return action.kind == OversightKind.ENTRUSTED and action.agency_id in agency_ids_of(user)


def _carries(user, action: OversightAction, state: str, doing: str, *, agency: bool = True) -> Verdict:
    if not (is_manager(user, action) or (agency and is_entrusted_agency(user, action))):
        who = "财政监督与绩效管理股、对口服务股室" + ("或受托机构" if agency else "")
        return forbid(f"只有{who}可以{doing}。")
    if action.state != state:
        return refuse(f"该监督检查当前为“{action.get_state_display()}”，不能{doing}。")
    return ALLOWED


def can_start(user, action: OversightAction) -> Verdict:
    return _carries(user, action, OversightState.PLANNED, "开始实施")


def can_edit(user, action: OversightAction) -> Verdict:
    """The plan (content, dates, staff, notes) may be changed until the check starts."""
    return _carries(user, action, OversightState.PLANNED, "修改计划", agency=False)


def can_add_finding(user, action: OversightAction) -> Verdict:
    return _carries(user, action, OversightState.IN_PROGRESS, "记录发现的问题")


def can_record_findings(user, action: OversightAction) -> Verdict:
    """结束检查: an inquiry is finished only once the unit has answered it."""
    verdict = _carries(user, action, OversightState.IN_PROGRESS, "结束检查")
    if verdict and action.kind == OversightKind.INQUIRY and action.answered_at is None:
        return refuse("被问询单位尚未答复，不能结束问询。")
    return verdict


def can_close(user, action: OversightAction) -> Verdict:
    return _carries(user, action, OversightState.FINDINGS, "办结", agency=False)


def can_open_rectification(user, finding: Finding) -> Verdict:
    """开具整改事项: the bureau side, while the action is under way or its findings are recorded, and only
    as the rectification register allows (监督检查 items are the supervision section's)."""
    action = finding.action
    if not is_manager(user, action):
        return forbid("只有区财政局可以根据检查发现开具整改事项。")
    if action.state not in (OversightState.IN_PROGRESS, OversightState.FINDINGS):
        return refuse(f"该监督检查当前为“{action.get_state_display()}”，不能开具整改事项。")
    return can_open(user, RectificationSource.OVERSIGHT, finding_unit(finding))


def finding_unit(finding: Finding) -> Organisation:
    """The unit that rectifies: the finding's project's owner, else the unit checked."""
    return finding.project.owner if finding.project_id else finding.action.organisation


def can_answer(user, action: OversightAction) -> Verdict:
    """问询 is answered by the unit asked (its 填报人 or 单位负责人) while the inquiry is open."""
    if action.kind != OversightKind.INQUIRY:
        return refuse("只有问询需要单位答复。")
    if not holds(user, action.organisation_id, UNIT_ROLES):
        return forbid(f"只有{action.organisation.name}的填报人或负责人可以答复问询。")
    if action.state != OversightState.IN_PROGRESS:
        return refuse(f"该问询当前为“{action.get_state_display()}”，不能答复。")
    return ALLOWED


def can_attach(user, action: OversightAction) -> Verdict:
    """The side carrying the check files its papers until it is closed; the unit asked files its answer."""
    if can_answer(user, action):
        return ALLOWED
    if not (is_manager(user, action) or is_entrusted_agency(user, action)):
        return forbid("只有检查方或被问询单位可以上传附件。")
    if action.state == OversightState.CLOSED:
        return refuse("该监督检查已办结，附件不能再修改。")
    return ALLOWED


def can_remove_attachment(user, attachment: Attachment) -> Verdict:
    verdict = can_attach(user, attachment.action)
    if verdict and attachment.uploaded_by_id != user.pk:
        return forbid("只能删除自己上传的附件。")
    return verdict


def can_assign_agency(user) -> Verdict:
    """委托跟踪: the supervision section entrusts projects to agencies (第九条)."""
    if Role.SUPERVISION_STAFF not in _roles(user):
        return forbid("只有财政监督与绩效管理股可以委托第三方机构跟踪项目。")
    return ALLOWED


def action_actions(user, action: OversightAction) -> dict[str, Verdict]:
    """What the person may do to the action now; the page shows exactly these controls."""
    return {
        "edit": can_edit(user, action),
        "start": can_start(user, action),
        "finding": can_add_finding(user, action),
        "findings": can_record_findings(user, action),
        "close": can_close(user, action),
        "answer": can_answer(user, action),
        "attach": can_attach(user, action),
    }
