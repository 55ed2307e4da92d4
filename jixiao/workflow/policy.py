"""Who may move a package, and when: one predicate per action.

The package page shows a button only when its predicate allows the action, and the service refuses with
the same predicate, so a button never promises what the service would then refuse.
"""

from jixiao.core.policy import ALLOWED, Verdict, forbid, refuse
from jixiao.monitoring.models import CycleStatus
from jixiao.organisations.models import Organisation, Role
from jixiao.organisations.selectors import UNIT_ROLES, memberships_of
from jixiao.workflow.models import Step, Submission, SubmissionState
from jixiao.workflow.selectors import submission_problems


def holds(user, organisation_id: int | None, roles) -> bool:
    """The person holds one of `roles` in that (active) organisation."""
    return organisation_id is not None and any(
        m.organisation_id == organisation_id and m.role in roles and m.organisation.is_active
        for m in memberships_of(user)
    )


EDIT_WHILE_SENT = "材料已报送，不能修改；如需修改请先撤回或待对方退回。"


def can_prepare(user, submission: Submission) -> Verdict:
    """The unit's fillers and leader edit its material while it is with them."""
    if not holds(user, submission.organisation_id, UNIT_ROLES):
        return forbid("只有本单位的填报人或负责人可以填写报送材料。")
    if submission.is_sent:
        return refuse(EDIT_WHILE_SENT)
    return ALLOWED


def can_submit(user, submission: Submission, problems: list[str] | None = None) -> Verdict:
    """单位负责人 signs off and sends, once every problem of the readiness check is put right.

    `problems`: the readiness check as the page or the service has it (computed once per state of the
    unit's data, `submission_problems`); without, the data is checked as it stands.
    """
    if not holds(user, submission.organisation_id, {Role.UNIT_LEADER}):
        return forbid("只有本单位负责人可以报送。")
    if submission.cycle.status != CycleStatus.OPEN:
        return refuse("该监控周期已结束。")
    if submission.state not in (SubmissionState.DRAFT, SubmissionState.RETURNED):
        return refuse(f"材料当前为“{submission.get_state_display()}”，不能再次报送。")
    problems = submission_problems(submission) if problems is None else problems
    if problems:
        return Verdict(f"还有 {len(problems)} 项须补充后才能报送。", details=tuple(problems))
    return ALLOWED


def can_withdraw(user, submission: Submission) -> Verdict:
    """Until the receiving side has signed for the package (签收)."""
    if not holds(user, submission.organisation_id, {Role.UNIT_LEADER}):
        return forbid("只有本单位负责人可以撤回。")
    if submission.state != SubmissionState.SUBMITTED:
        return refuse("只有已报送的材料可以撤回。")
    if submission.opened_at is not None:
        return refuse(
            f"{submission.receiver.name}已于 {submission.opened_at:%Y-%m-%d %H:%M} 签收，不能撤回；"
            "如需修改请联系对方退回。"
        )
    return ALLOWED


def is_reviewer(user, submission: Submission) -> bool:
    """Step 1: the first-level unit's leader. Step 2: the sender's counterpart section."""
    if submission.step == Step.UNIT_TO_PRIMARY:
        return holds(user, submission.receiver_id, {Role.UNIT_LEADER})
    return holds(user, submission.organisation.counterpart_section_id, {Role.COUNTERPART_STAFF})


def _can_decide(user, submission: Submission) -> Verdict:
    if not is_reviewer(user, submission):
        return forbid("您不是该材料的审核人。")
    if submission.state != SubmissionState.SUBMITTED:
        return refuse(f"材料当前为“{submission.get_state_display()}”，不能审核。")
    return ALLOWED


def can_accept(user, submission: Submission) -> Verdict:
    """审核通过. A subordinate's package that arrives after its first-level unit has sent is still
    accepted: it reaches the bureau as a supplement (补报)."""
    return _can_decide(user, submission)


def can_return(user, submission: Submission) -> Verdict:
    """退回补正, except a package whose 附件2 the bureau has already approved."""
    verdict = _can_decide(user, submission)
    if verdict and submission.review_closed:
        return refuse("综合意见反馈表已审定，不能再退回报送材料。")
    return verdict


def signing_organisation(user, submission: Submission) -> Organisation | None:
    """The receiving organisation in whose name the person signs: the first-level unit for step 1; for
    step 2 (sent 一式两份) the sender's counterpart section or the supervision section."""
    if submission.step == Step.UNIT_TO_PRIMARY:
        return submission.receiver if holds(user, submission.receiver_id, UNIT_ROLES) else None
    section_id = submission.organisation.counterpart_section_id
    if holds(user, section_id, {Role.COUNTERPART_STAFF}):
        return submission.organisation.counterpart_section
    return next(
        (
            m.organisation
            for m in memberships_of(user)
            if m.role == Role.SUPERVISION_STAFF and m.organisation.is_active
        ),
        None,
    )


def can_sign(user, submission: Submission) -> Verdict:
    """签收: each receiving organisation signs once for each sending."""
    organisation = signing_organisation(user, submission)
    if organisation is None:
        return forbid("只有接收方可以签收报送材料。")
    if submission.state != SubmissionState.SUBMITTED:
        return refuse("只有已报送、待审核的材料可以签收。")
    if submission.receipts.filter(organisation=organisation, sent_at=submission.submitted_at).exists():
        return refuse(f"{organisation.name}已签收本次报送的材料。")
    return ALLOWED


def can_extend(user, submission: Submission) -> Verdict:
    """The bureau grants extensions (counterpart section, supervision section, bureau leaders) until sent."""
    roles = {m.role for m in memberships_of(user) if m.organisation.is_active}
    unit = submission.organisation
    section_id = unit.counterpart_section_id or (
        unit.parent.counterpart_section_id if unit.parent_id else None
    )
    if not (
        roles & {Role.SUPERVISION_STAFF, Role.BUREAU_LEADER}
        or holds(user, section_id, {Role.COUNTERPART_STAFF})
    ):
        return forbid("只有区财政局可以为单位延期。")
    if submission.is_sent:
        return refuse("材料已报送，逾期天数以报送时为准，不能再延期。")
    return ALLOWED


def package_actions(user, submission: Submission, problems: list[str] | None = None) -> dict[str, Verdict]:
    """Every decision the package page needs, computed once by the view (with the readiness check it
    shows, when it has made it)."""
    return {
        "prepare": can_prepare(user, submission),
        "submit": can_submit(user, submission, problems),
        "withdraw": can_withdraw(user, submission),
        "sign": can_sign(user, submission) if submission.pk else forbid("材料尚未报送。"),
        "accept": can_accept(user, submission),
        "return": can_return(user, submission),
        "extend": can_extend(user, submission),
    }
