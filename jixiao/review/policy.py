"""Who may act on 附件2, and when: one predicate per action.

Pages show a button only when its predicate allows the action and the services refuse with the same
predicate (see `jixiao.core.policy.Verdict`).
"""

from jixiao.core.policy import ALLOWED, Verdict, forbid, refuse
from jixiao.monitoring.models import CycleKind, CycleStatus
from jixiao.organisations.models import Role
from jixiao.organisations.selectors import memberships_of
from jixiao.review.models import Feedback, FeedbackState
from jixiao.review.selectors import package_of
from jixiao.workflow.policy import holds

FEEDBACK_TEXT_FIELDS = ("counterpart_opinion", "overall_opinion")


# ---------------------------------------------------------------------------------------------------
# 附件2 (step 4): the unit's counterpart section


def can_supervise(user) -> bool:
    """Step 3 is the fiscal supervision & performance section's (第十一条 3)."""
    return any(m.role == Role.SUPERVISION_STAFF and m.organisation.is_active for m in memberships_of(user))


def can_compose(user, unit) -> Verdict:
    """Step 4 is the unit's own counterpart section's (第十一条 3)."""
    if not holds(user, unit.counterpart_section_id, {Role.COUNTERPART_STAFF}):
        return forbid("只有该单位的对口服务股室工作人员可以办理综合意见反馈表。")
    return ALLOWED


def review_open(cycle) -> Verdict:
    """The cycle is one the bureau reviews (annual) and it is still open."""
    if cycle.kind != CycleKind.ANNUAL:
        return refuse("只有年度监控周期由区财政局审核。")
    if cycle.status != CycleStatus.OPEN:
        return refuse("该监控周期已结束，不能再修改。")
    return ALLOWED


UNKNOWN = object()


def package_sent(unit, cycle, package=UNKNOWN) -> Verdict:
    """The unit's package reached the bureau (`package`: its step-2 package if the caller has loaded it)."""
    if package is UNKNOWN:
        package = package_of(unit=unit, cycle=cycle)
    if package is None or not package.is_sent:
        return refuse(f"{unit.name}的监控材料尚未报送区财政局。")
    return ALLOWED


def can_draft(user, unit, cycle, feedback: Feedback | None = None, package=UNKNOWN) -> Verdict:
    """生成 / 重新生成 the unit's 附件2: once its package reached the bureau, while the form is a draft."""
    for verdict in (can_compose(user, unit), review_open(cycle)):
        if not verdict:
            return verdict
    verdict = package_sent(unit, cycle, package)
    if not verdict:
        return verdict
    if feedback is not None and feedback.state != FeedbackState.DRAFT:
        return refuse(f"综合意见反馈表当前为“{feedback.get_state_display()}”，不能修改。")
    return ALLOWED


def can_edit_feedback(user, feedback: Feedback) -> Verdict:
    """Items and opinions change only while the form is a draft."""
    for verdict in (can_compose(user, feedback.organisation), review_open(feedback.cycle)):
        if not verdict:
            return verdict
    if feedback.state != FeedbackState.DRAFT:
        return refuse(f"综合意见反馈表当前为“{feedback.get_state_display()}”，不能修改。")
    return ALLOWED


def can_approve(user, feedback: Feedback) -> Verdict:
    """审定: a draft whose package reached the bureau, with both opinions written."""
    verdict = can_edit_feedback(user, feedback)
    if verdict:
        verdict = package_sent(feedback.organisation, feedback.cycle)
    if not verdict:
        return verdict
    missing = tuple(
        f"请填写{Feedback._meta.get_field(name).verbose_name}。"
        for name in FEEDBACK_TEXT_FIELDS
        if not getattr(feedback, name).strip()
    )
    if missing:
        return Verdict("".join(missing), details=missing)
    return ALLOWED


def can_issue(user, feedback: Feedback) -> Verdict:
    """下达: an approved form, by the same section."""
    for verdict in (can_compose(user, feedback.organisation), review_open(feedback.cycle)):
        if not verdict:
            return verdict
    if feedback.state != FeedbackState.APPROVED:
        return refuse(f"综合意见反馈表当前为“{feedback.get_state_display()}”，审定后才能下达。")
    return package_sent(feedback.organisation, feedback.cycle)


def feedback_actions(user, feedback: Feedback) -> dict[str, Verdict]:
    return {
        "edit": can_edit_feedback(user, feedback),
        "approve": can_approve(user, feedback),
        "issue": can_issue(user, feedback),
    }
