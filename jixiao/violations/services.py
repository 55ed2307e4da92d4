"""Every change to the violations register (第十七条): register, correct, investigate, handle, refer to the
judicial organs, close.

Each service locks the case, checks the actor and the state through `policy`, writes the change, its
办理记录 row and its audit record in one transaction (`transition_record`), and tells the bureau leaders
after commit. The audit record and the notice name the case by its number only: the facts stay in the
register, which only its readers open.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jixiao.audit.services import audit_record
from jixiao.core.errors import ServiceError
from jixiao.notifications.services import transition_record
from jixiao.organisations.models import Membership, Organisation, Role, User
from jixiao.organisations.selectors import memberships_of, organisation_list
from jixiao.projects.models import Project
from jixiao.violations.exports import violations_xlsx
from jixiao.violations.models import CaseState, Law, ViolationCase, ViolationTransition
from jixiao.violations.policy import (
    can_close,
    can_edit,
    can_handle,
    can_investigate,
    can_refer,
    can_register,
    can_view_violations,
)

DETAIL_FIELDS = ("title", "facts", "law", "article", "amount", "project")


def case_url(case: ViolationCase) -> str:
    return reverse("violations:detail", args=[case.pk])


def _section_of(user) -> Organisation | None:
    """The supervision section the person acts for, for the 办理记录 and the audit row."""
    return next((m.organisation for m in memberships_of(user) if m.role == Role.SUPERVISION_STAFF), None)


def _leaders() -> list[User]:
    leaders = Membership.objects.filter(role=Role.BUREAU_LEADER, organisation__is_active=True)
    return list(User.objects.filter(is_active=True, pk__in=leaders.values("user")))


def _locked(case: ViolationCase) -> ViolationCase:
    return (
        ViolationCase.objects.select_for_update(of=("self",))
        .select_related("organisation", "project")
        .get(pk=case.pk)
    )


def _required(text: str, field: str, message: str, errors: dict) -> str:
    text = (text or "").strip()
    if not text:
        errors[field] = message
    return text


def _details(*, acting_user, organisation: Organisation, values: dict) -> dict:
    """The case's own fields, checked; the unit must be one the person sees and the project that unit's."""
    errors: dict[str, str] = {}
    cleaned = {
        "title": _required(values.get("title"), "title", "请填写案由。", errors),
        "facts": _required(values.get("facts"), "facts", "请写明违法违规事实。", errors),
        "article": _required(values.get("article"), "article", "请写明适用的条款。", errors),
        "law": values.get("law") or "",
        "amount": values.get("amount"),
        "project": values.get("project"),
    }
    if cleaned["law"] not in Law.values:
        errors["law"] = "请选择法律依据。"
    amount = cleaned["amount"]
    if amount is not None and Decimal(amount) < 0:
        errors["amount"] = "涉及金额不能为负数。"
    if not organisation_list(user=acting_user).filter(pk=organisation.pk).exists():
        errors["organisation"] = "请选择您可以查看的预算单位。"
    project: Project | None = cleaned["project"]
    if project is not None and project.owner_id != organisation.pk:
        errors["project"] = f"项目“{project.code}”不是{organisation.name}的项目。"
    if errors:
        raise ServiceError("登记内容有误，请按提示修改。", errors)
    return cleaned


@transaction.atomic
def violation_register(*, organisation: Organisation, values: dict, acting_user) -> ViolationCase:
    """登记: a suspected violation found in monitoring, with its facts and legal basis."""
    can_register(acting_user).enforce()
    cleaned = _details(acting_user=acting_user, organisation=organisation, values=values)
    case = ViolationCase.objects.create(organisation=organisation, registered_by=acting_user, **cleaned)
    transition_record(
        history=ViolationTransition,
        subject=case,
        action="violation.register",
        acting_user=acting_user,
        organisation=_section_of(acting_user),
        to_state=case.state,
        notice=(_leaders(), f"已登记违法违规问题 {case.number}。", case_url(case)),
    )
    return case


@transaction.atomic
def violation_edit(*, case: ViolationCase, values: dict, acting_user) -> ViolationCase:
    """Correct the facts, legal basis, amount or project while the case is open."""
    case = _locked(case)
    can_edit(acting_user, case).enforce()
    cleaned = _details(acting_user=acting_user, organisation=case.organisation, values=values)
    changed = [name for name in DETAIL_FIELDS if getattr(case, name) != cleaned[name]]
    if not changed:
        return case
    for name in changed:
        setattr(case, name, cleaned[name])
    case.save()
    labels = "、".join(str(ViolationCase._meta.get_field(name).verbose_name) for name in changed)
    transition_record(
        history=ViolationTransition,
        subject=case,
        action="violation.edit",
        acting_user=acting_user,
        organisation=_section_of(acting_user),
        comment=f"修改了{labels}",
    )
    return case


def _move(case: ViolationCase, *, to_state: str, action: str, acting_user, comment: str = "", notice=None):
    previous = case.state
    case.state = to_state
    case.save()
    transition_record(
        history=ViolationTransition,
        subject=case,
        action=action,
        acting_user=acting_user,
        organisation=_section_of(acting_user),
        from_state=previous,
        to_state=to_state,
        comment=comment,
        notice=notice,
    )
    return case


@transaction.atomic
def violation_investigate(*, case: ViolationCase, acting_user, comment: str = "") -> ViolationCase:
    """调查核实 begins: the section gathers the evidence of the facts."""
    case = _locked(case)
    can_investigate(acting_user, case).enforce()
    return _move(
        case,
        to_state=CaseState.INVESTIGATING,
        action="violation.investigate",
        acting_user=acting_user,
        comment=(comment or "").strip(),
    )


@transaction.atomic
def violation_handle(*, case: ViolationCase, handling: str, acting_user) -> ViolationCase:
    """依法处理: the bureau's decision on the verified facts (责令改正, 追回资金, 罚款, 处分建议 …)."""
    case = _locked(case)
    can_handle(acting_user, case).enforce()
    errors: dict[str, str] = {}
    handling = _required(handling, "handling", "请写明处理情况。", errors)
    if errors:
        raise ServiceError("请写明处理情况。", errors)
    case.handling = handling
    return _move(case, to_state=CaseState.HANDLING, action="violation.handle", acting_user=acting_user)


@transaction.atomic
def violation_refer(
    *, case: ViolationCase, referred_to: str, referred_on: date | None, comment: str, acting_user
) -> ViolationCase:
    """涉嫌犯罪的，依法移送司法机关 (第十七条): the organ, the date and why the case is referred."""
    case = _locked(case)
    can_refer(acting_user, case).enforce()
    errors: dict[str, str] = {}
    referred_to = _required(referred_to, "referred_to", "请填写移送机关。", errors)
    comment = _required(comment, "comment", "请写明移送理由。", errors)
    if referred_on is None:
        errors["referred_on"] = "请填写移送日期。"
    elif referred_on > timezone.localdate():
        errors["referred_on"] = "移送日期不能晚于今天。"
    if errors:
        raise ServiceError("移送信息不完整。", errors)
    case.referred_to, case.referred_on = referred_to, referred_on
    return _move(
        case,
        to_state=CaseState.REFERRED,
        action="violation.refer",
        acting_user=acting_user,
        comment=comment,
        notice=(_leaders(), f"违法违规问题 {case.number} 已移送司法机关。", case_url(case)),
    )


@transaction.atomic
def violation_close(*, case: ViolationCase, conclusion: str, acting_user) -> ViolationCase:
    """结案: after the handling, or when the verification finds no violation (the conclusion says which)."""
    case = _locked(case)
    can_close(acting_user, case).enforce()
    errors: dict[str, str] = {}
    conclusion = _required(conclusion, "conclusion", "请填写结案意见。", errors)
    if errors:
        raise ServiceError("请填写结案意见。", errors)
    case.conclusion = conclusion
    return _move(case, to_state=CaseState.CLOSED, action="violation.close", acting_user=acting_user)


def violations_export(*, cases, acting_user) -> bytes:
    """The listed cases as .xlsx, the export on record (its rows are the reader's own scope)."""
    if not can_view_violations(acting_user):
        raise ServiceError("只有财政监督与绩效管理股和局领导可以导出违法违规问题台账。")
    rows = list(cases)
    content = violations_xlsx(rows)
    section = _section_of(acting_user)
    subject = section or next((m.organisation for m in memberships_of(acting_user)), None)
    audit_record(
        actor=acting_user,
        action="violation.export",
        target=subject,
        organisation=subject,
        comment=f"违法违规问题台账 {len(rows)} 条",
    )
    return content
