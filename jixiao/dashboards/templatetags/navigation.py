"""The menu: one link per section the person's roles open (it reads roles, so it lives above organisations)."""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from jixiao.dispositions.policy import BUREAU_ROLES as DISPOSITION_BUREAU_ROLES
from jixiao.funding.policy import HOLD_LIST_ROLES
from jixiao.organisations.models import Role
from jixiao.organisations.selectors import BUSINESS_ROLES, UNIT_BROWSING_ROLES, roles_of
from jixiao.oversight.policy import can_view_oversight
from jixiao.practices.policy import can_view_practice_list
from jixiao.scores.policy import can_view_breakdown
from jixiao.violations.policy import can_view_violations

register = template.Library()

ACTIVE = mark_safe(' class="active" aria-current="page"')

# The bureau's people who approve or follow goal adjustments (第十四条); a unit reaches its own from a project.
BUREAU_DECIDING_ROLES = {Role.COUNTERPART_STAFF, Role.SUPERVISION_STAFF, Role.BUREAU_LEADER}

# Pages whose menu section is not their URL's namespace: 附件1 is reached from a project (项目 → 项目 →
# 监控分析表), and the notifications behind the bell belong to no menu section.
SECTION_OF_PAGE = {
    "monitoring:report_edit": "projects",
    "funding:decide": "projects",
    "notifications:index": "",
    "cockpit:index": "home",
    "cockpit:report": "home",
}


def _section_of(resolver_match) -> str:
    """The menu section a page belongs to: its URL namespace ("home" for the home page) unless listed."""
    if resolver_match is None:
        return ""
    default = resolver_match.namespace or resolver_match.url_name or ""
    return SECTION_OF_PAGE.get(resolver_match.view_name, default)


@register.simple_tag(takes_context=True)
def nav_links(context) -> SafeString:
    """Navigation for the roles the person holds: nobody is shown a link that would refuse them."""
    request = context["request"]
    user = request.user
    roles = roles_of(user)
    items = [("home", "工作台", True)]
    items.append(("projects:project_list", "项目", bool(roles & BUSINESS_ROLES)))
    items.append(("organisations:unit_list", "单位", bool(roles & UNIT_BROWSING_ROLES)))
    items.append(("workflow:index", "报送与审核", bool(roles & UNIT_BROWSING_ROLES)))
    items.append(("review:index", "财政审核", bool(roles & UNIT_BROWSING_ROLES)))
    items.append(("rectification:index", "整改落实", bool(roles & UNIT_BROWSING_ROLES)))
    items.append(("oversight:index", "监督检查", can_view_oversight(user)))
    items.append(("funding:holds", "拨款控制", bool(roles & HOLD_LIST_ROLES)))
    items.append(("adjustments:index", "目标调整", bool(roles & BUREAU_DECIDING_ROLES)))
    items.append(("practices:index", "可推广经验", can_view_practice_list(user)))
    items.append(("violations:index", "违法违规问题", can_view_violations(user)))
    items.append(("scores:index", "监控评分", can_view_breakdown(user)))
    items.append(("dispositions:index", "红色预警处置", bool(roles & UNIT_BROWSING_ROLES)))
    items.append(("funding_list:index", "资金处理建议", bool(roles & DISPOSITION_BUREAU_ROLES)))
    items.append(("monitoring:cycle_list", "监控周期", bool(roles - {Role.AUDITOR})))
    items.append(("loads:index", "数据加载", Role.DATA_MANAGER in roles))
    items.append(("audit:audit_list", "审计日志", Role.AUDITOR in roles))
    items.append(("admin:index", "系统管理", Role.SYSADMIN in roles and user.is_staff))
    shown = tuple((name, label) for name, label, show in items if show)
    return _links(shown, _section_of(request.resolver_match), get_script_prefix())


@lru_cache(maxsize=256)
def _links(shown: tuple[tuple[str, str], ...], section: str, _prefix: str) -> SafeString:
    """The menu's links, drawn once per process for each menu and page section (the script prefix is in
    the key because every link carries it): every page shows the menu."""
    return format_html_join(
        "",
        '<a href="{}"{}>{}</a>',
        ((reverse(name), ACTIVE if name.split(":")[0] == section else "", label) for name, label in shown),
    )
