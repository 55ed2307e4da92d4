"""Who may act on a rectification item, and when (steps 5–6): one predicate per action.

Pages show a button only when its predicate allows the action and the services refuse with the same
predicate (see `jixiao.workflow.policy.Verdict`).
"""

from jixiao.organisations.models import Role
from jixiao.organisations.selectors import UNIT_ROLES
from jixiao.review.models import Feedback, FeedbackItem, FeedbackState, RectificationState
from jixiao.review.policy import can_supervise
from jixiao.workflow.policy import ALLOWED, Verdict, forbid, holds, refuse

RESPONDABLE_STATES = {RectificationState.OPEN, RectificationState.SENT_BACK}


def is_unit_of(user, feedback: Feedback) -> bool:
    """The people of the town or first-level unit the 附件2 was issued to."""
    return holds(user, feedback.organisation_id, UNIT_ROLES)


def is_verifier_of(user, feedback: Feedback) -> bool:
    """The unit's counterpart section, or the supervision section (the report goes to both, 第十一条 4)."""
    return holds(
        user, feedback.organisation.counterpart_section_id, {Role.COUNTERPART_STAFF}
    ) or can_supervise(user)


def _issued(item: FeedbackItem) -> Verdict:
    if item.feedback.state != FeedbackState.ISSUED:
        return refuse("综合意见反馈表尚未下达，不能办理整改。")
    return ALLOWED


def can_respond(user, item: FeedbackItem) -> Verdict:
    if not is_unit_of(user, item.feedback):
        return forbid(f"只有{item.feedback.organisation.name}的填报人或负责人可以报送整改落实情况。")
    verdict = _issued(item)
    if verdict and item.state not in RESPONDABLE_STATES:
        return refuse(
            f"该事项当前为“{item.get_state_display()}”，不能再报送；如需修改请联系对口服务股室退回。"
        )
    return verdict


def can_change_evidence(user, item: FeedbackItem) -> Verdict:
    """Evidence may come before or after the answer, until the bureau starts verifying the item."""
    if not is_unit_of(user, item.feedback):
        return forbid(f"只有{item.feedback.organisation.name}的填报人或负责人可以上传或删除佐证材料。")
    verdict = _issued(item)
    if not verdict:
        return verdict
    if item.state == RectificationState.VERIFIED:
        return refuse("该事项已核查销号，佐证材料不能再修改。")
    if item.verification_started_at is not None:
        return refuse("区财政局已开始核查，佐证材料不能再修改；如需补充请待区财政局退回。")
    return ALLOWED


def _can_decide(user, item: FeedbackItem, doing: str) -> Verdict:
    if not is_verifier_of(user, item.feedback):
        return forbid(f"只有该单位的对口服务股室或财政监督与绩效管理股可以{doing}。")
    verdict = _issued(item)
    if verdict and item.state != RectificationState.RESPONDED:
        return refuse(f"该事项当前为“{item.get_state_display()}”，只有已报整改情况的事项可以{doing}。")
    return verdict


def can_start_verification(user, item: FeedbackItem) -> Verdict:
    """开始核查 freezes the evidence while the bureau checks it."""
    verdict = _can_decide(user, item, "开始核查")
    if verdict and item.verification_started_at is not None:
        return refuse("已开始核查。")
    return verdict


def can_verify(user, item: FeedbackItem) -> Verdict:
    """销号."""
    return _can_decide(user, item, "核查")


def can_send_back(user, item: FeedbackItem) -> Verdict:
    return _can_decide(user, item, "退回")


def item_actions(user, item: FeedbackItem) -> dict[str, Verdict]:
    """What the person may do to one item now; pages show exactly these controls."""
    return {
        "respond": can_respond(user, item),
        "evidence": can_change_evidence(user, item),
        "start": can_start_verification(user, item),
        "verify": can_verify(user, item),
        "send_back": can_send_back(user, item),
    }
