"""Who may see and handle the violations register (第十七条): one predicate per action.

The register is the bureau's enforcement file: only the supervision section (财政监督与绩效管理股), which
handles the cases, and the bureau leaders, who answer for them, may see it — by page, by id, in exports
and through the API. An API token is never a person, so it never reads it. Pages show a button only when
its predicate allows the action, and the services refuse with the same predicate.
"""

from jixiao.organisations.models import Role
from jixiao.organisations.selectors import memberships_of
from jixiao.violations.models import CaseState, ViolationCase
from jixiao.workflow.policy import ALLOWED, Verdict, forbid, refuse

READER_ROLES = {Role.SUPERVISION_STAFF, Role.BUREAU_LEADER}


def _roles(user) -> set[str]:
    """Roles held by a signed-in person (an API token stands in for an organisation and has no id)."""
    if getattr(user, "pk", None) is None:
        return set()
    return {m.role for m in memberships_of(user) if m.organisation.is_active}


def can_view_violations(user) -> bool:
    return bool(_roles(user) & READER_ROLES)


def can_register(user) -> Verdict:
    """The supervision section registers and handles the cases; the leaders read them."""
    if Role.SUPERVISION_STAFF not in _roles(user):
        return forbid("只有财政监督与绩效管理股可以登记和办理违法违规问题。")
    return ALLOWED


def _in_state(user, case: ViolationCase, states, doing: str) -> Verdict:
    verdict = can_register(user)
    if verdict and case.state not in states:
        return refuse(f"该问题当前为“{case.get_state_display()}”，不能{doing}。")
    return verdict


def can_edit(user, case: ViolationCase) -> Verdict:
    """Facts and legal basis may be corrected until the case is referred or closed."""
    return _in_state(user, case, {CaseState.REGISTERED, CaseState.INVESTIGATING, CaseState.HANDLING}, "修改")


def can_investigate(user, case: ViolationCase) -> Verdict:
    return _in_state(user, case, {CaseState.REGISTERED}, "开始调查核实")


def can_handle(user, case: ViolationCase) -> Verdict:
    """依法处理 follows the verified facts."""
    return _in_state(user, case, {CaseState.INVESTIGATING}, "作出处理")


def can_refer(user, case: ViolationCase) -> Verdict:
    """涉嫌犯罪的，依法移送司法机关: once the facts are verified, before or after the bureau's own handling."""
    return _in_state(user, case, {CaseState.INVESTIGATING, CaseState.HANDLING}, "移送司法机关")


def can_close(user, case: ViolationCase) -> Verdict:
    """结案: after the handling, or when the verification finds no violation."""
    return _in_state(user, case, {CaseState.INVESTIGATING, CaseState.HANDLING}, "结案")


def case_actions(user, case: ViolationCase) -> dict[str, Verdict]:
    """What the person may do to the case now; the page shows exactly these controls."""
    return {
        "edit": can_edit(user, case),
        "investigate": can_investigate(user, case),
        "handle": can_handle(user, case),
        "refer": can_refer(user, case),
        "close": can_close(user, case),
    }
