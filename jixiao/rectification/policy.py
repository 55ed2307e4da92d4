"""Who may act on a rectification item, and when (第十三条): one predicate per action.

The unit that must rectify answers; the issuing side verifies: the bureau (the unit's counterpart section
or the supervision section) for 附件2 and 监督检查 findings, the first-level unit's people for what it
required of its second-level unit, and the unit's own 单位负责人 for what the unit found itself.
Pages show a button only when its predicate allows the action and the services refuse with the same
predicate (see `jixiao.workflow.policy.Verdict`).
"""

from jixiao.core.policy import ALLOWED, Verdict, forbid, refuse
from jixiao.organisations.models import Organisation, OrganisationKind, Role
from jixiao.organisations.selectors import UNIT_ROLES
from jixiao.rectification.models import RectificationItem, RectificationSource, RectificationState
from jixiao.review.policy import can_supervise
from jixiao.workflow.policy import holds

RESPONDABLE_STATES = {RectificationState.OPEN, RectificationState.SENT_BACK}
BUREAU_SOURCES = {RectificationSource.FEEDBACK, RectificationSource.OVERSIGHT}
# Sources a person opens by hand; 附件2 items open when the form is issued.
OPENED_BY_HAND = (RectificationSource.OVERSIGHT, RectificationSource.PARENT, RectificationSource.SELF)


def is_unit_of(user, item: RectificationItem) -> bool:
    """The people of the unit that must rectify."""
    return holds(user, item.organisation_id, UNIT_ROLES)


def is_verifier_of(user, item: RectificationItem) -> bool:
    """The issuing side (see the module docstring)."""
    if item.kind in BUREAU_SOURCES:
        return holds(
            user, item.organisation.counterpart_section_id, {Role.COUNTERPART_STAFF}
        ) or can_supervise(user)
    if item.kind == RectificationSource.PARENT:
        return holds(user, item.issuing_organisation_id, UNIT_ROLES)
    return holds(user, item.organisation_id, {Role.UNIT_LEADER})


def verifier_text(item: RectificationItem) -> str:
    if item.kind in BUREAU_SOURCES:
        return "该单位的对口服务股室或财政监督与绩效管理股"
    if item.kind == RectificationSource.PARENT:
        return f"{item.issuing_organisation.name}的填报人或负责人"
    return f"{item.organisation.name}的单位负责人"


def checker_name(item: RectificationItem) -> str:
    """Who checks, as the unit's messages name it."""
    return "区财政局" if item.kind in BUREAU_SOURCES else item.issuing_organisation.name


def can_open(user, kind: str, organisation: Organisation) -> Verdict:
    """监督检查 findings are the supervision section's; a first-level unit's people require rectification
    of one of its second-level units; a unit's people record what they found themselves."""
    if kind == RectificationSource.OVERSIGHT:
        if not can_supervise(user):
            return forbid("只有财政监督与绩效管理股可以登记监督检查发现的问题。")
        if not organisation.is_budget_unit:
            return refuse("监督检查发现的问题只能登记给预算单位。")
        if organisation.is_classified:
            # Its items are seen only by its own people, so the bureau could not follow them up here.
            return refuse("涉密单位的监督检查发现不在本系统登记。")
        return ALLOWED
    if kind == RectificationSource.PARENT:
        if organisation.kind != OrganisationKind.SECONDARY_UNIT or organisation.parent_id is None:
            return refuse("主管部门整改要求只能提给本部门所属的二级预算单位。")
        if not holds(user, organisation.parent_id, UNIT_ROLES):
            return forbid(
                f"只有{organisation.parent.name}的填报人或负责人可以向{organisation.name}提出整改要求。"
            )
        return ALLOWED
    if kind == RectificationSource.SELF:
        if not holds(user, organisation.pk, UNIT_ROLES):
            return forbid(f"只有{organisation.name}的填报人或负责人可以登记本单位自查发现的问题。")
        return ALLOWED
    return forbid("综合意见反馈表的整改事项在反馈表下达时自动生成，不能手工登记。")


def can_respond(user, item: RectificationItem) -> Verdict:
    if not is_unit_of(user, item):
        return forbid(f"只有{item.organisation.name}的填报人或负责人可以报送整改落实情况。")
    if item.state not in RESPONDABLE_STATES:
        contact = "对口服务股室" if item.kind in BUREAU_SOURCES else item.issuing_organisation.name
        return refuse(f"该事项当前为“{item.get_state_display()}”，不能再报送；如需修改请联系{contact}退回。")
    return ALLOWED


def can_change_evidence(user, item: RectificationItem) -> Verdict:
    """Evidence may come before or after the answer, until the issuing side starts verifying the item."""
    if not is_unit_of(user, item):
        return forbid(f"只有{item.organisation.name}的填报人或负责人可以上传或删除佐证材料。")
    if item.state == RectificationState.VERIFIED:
        return refuse("该事项已核查销号，佐证材料不能再修改。")
    if item.verification_started_at is not None:
        checker = checker_name(item)
        return refuse(f"{checker}已开始核查，佐证材料不能再修改；如需补充请待{checker}退回。")
    return ALLOWED


def _can_decide(user, item: RectificationItem, doing: str) -> Verdict:
    if not is_verifier_of(user, item):
        return forbid(f"只有{verifier_text(item)}可以{doing}。")
    if item.state != RectificationState.RESPONDED:
        return refuse(f"该事项当前为“{item.get_state_display()}”，只有已报整改情况的事项可以{doing}。")
    return ALLOWED


def can_start_verification(user, item: RectificationItem) -> Verdict:
    """开始核查 freezes the evidence while the issuing side checks it."""
    verdict = _can_decide(user, item, "开始核查")
    if verdict and item.verification_started_at is not None:
        return refuse("已开始核查。")
    return verdict


def can_verify(user, item: RectificationItem) -> Verdict:
    """销号."""
    return _can_decide(user, item, "核查")


def can_send_back(user, item: RectificationItem) -> Verdict:
    return _can_decide(user, item, "退回")


def item_actions(user, item: RectificationItem) -> dict[str, Verdict]:
    """What the person may do to one item now; pages show exactly these controls."""
    return {
        "respond": can_respond(user, item),
        "evidence": can_change_evidence(user, item),
        "start": can_start_verification(user, item),
        "verify": can_verify(user, item),
        "send_back": can_send_back(user, item),
    }
