"""Who reads and who writes the district report (全区预算绩效运行监控情况报告).

The supervision section (财政监督与绩效管理股) reviews the whole district's material (第十一条 3) and so
drafts the district's report and uploads its edited versions; the bureau's leaders read and download it.
"""

from jixiao.monitoring.models import CycleKind
from jixiao.organisations.models import Role
from jixiao.organisations.selectors import roles_of
from jixiao.workflow.policy import ALLOWED, Verdict, forbid, refuse

READER_ROLES = {Role.SUPERVISION_STAFF, Role.BUREAU_LEADER}


def can_view_district_report(user) -> bool:
    return bool(roles_of(user) & READER_ROLES)


def can_write_district_report(user, cycle) -> Verdict:
    """Draft a version from the data, or upload an edited one."""
    if Role.SUPERVISION_STAFF not in roles_of(user):
        return forbid("只有财政监督与绩效管理股可以起草或上传全区监控情况报告。")
    if cycle.kind != CycleKind.ANNUAL:
        return refuse("全区监控情况报告只针对年度监控。")
    return ALLOWED
