"""Who may mark a unit's 创新做法与可推广经验 as worth promoting (第十条(七)), and who reads the list.

The supervision section (财政监督与绩效管理股) marks: it reviews the 附件1 and 书面说明材料 of the whole
district (第十一条 3), so it can compare one unit's practice with the others', and result application
(第六条(三)) is its work; a counterpart section sees only its own units. The counterpart sections (their
units) and the bureau leaders read the list; a unit sees the mark on its own material.
"""

from jixiao.monitoring.models import AnalysisReport
from jixiao.organisations.models import Role
from jixiao.organisations.selectors import roles_of
from jixiao.practices.models import Practice, PracticeState
from jixiao.workflow.models import SENT_STATES, Step, Submission
from jixiao.workflow.policy import ALLOWED, Verdict, forbid, refuse

LIST_ROLES = {Role.SUPERVISION_STAFF, Role.COUNTERPART_STAFF, Role.BUREAU_LEADER}


def can_view_practice_list(user) -> bool:
    return bool(roles_of(user) & LIST_ROLES)


def _marker(user) -> Verdict:
    if Role.SUPERVISION_STAFF not in roles_of(user):
        return forbid("只有财政监督与绩效管理股可以列入或取消可推广经验。")
    return ALLOWED


def source_sent(*, report: AnalysisReport | None = None, submission: Submission | None = None) -> Verdict:
    """Only material that has been sent is judged: a draft may still change."""
    if report is not None:
        if not report.locked:
            return refuse("该监控分析表尚未报送，不能列为可推广经验。")
        text = report.narrative_innovation
    else:
        if submission.step != Step.UNIT_TO_PRIMARY:
            return refuse("只有二级预算单位的书面说明材料含“创新做法与可推广经验”。")
        if submission.state not in SENT_STATES:
            return refuse("该书面说明材料尚未报送，不能列为可推广经验。")
        text = submission.narrative_innovation
    if not text.strip():
        return refuse("单位未填写“创新做法与可推广经验”。")
    return ALLOWED


def can_mark(user, *, report=None, submission=None, practice: Practice | None = None) -> Verdict:
    verdict = _marker(user)
    if verdict:
        verdict = source_sent(report=report, submission=submission)
    if verdict and practice is not None and practice.state == PracticeState.PROMOTED:
        return refuse("已列为可推广经验。")
    return verdict


def can_unmark(user, practice: Practice) -> Verdict:
    verdict = _marker(user)
    if verdict and practice.state != PracticeState.PROMOTED:
        return refuse("该经验未列为可推广经验。")
    return verdict
