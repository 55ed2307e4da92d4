"""Every change to oversight actions (第九条, 第十二条) and to the agencies' entrusted projects.

Each service locks the action, checks the actor and the state through `policy`, writes the change, its
办理记录 row and its audit record in one transaction (`transition_record`), and notifies after commit. A
finding opens rectification items through the register's own `item_open`; the link is kept here.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jixiao.audit.services import audit_record
from jixiao.core.errors import ServiceError
from jixiao.core.stored_files import delete_with_file, file_facts, save_with_file
from jixiao.notifications.services import notify, people_of, transition_record
from jixiao.organisations.models import Organisation, OrganisationKind, Role, User
from jixiao.organisations.selectors import UNIT_ROLES, memberships_of
from jixiao.oversight.models import (
    Attachment,
    Finding,
    OversightAction,
    OversightKind,
    OversightState,
    OversightTarget,
    OversightTransition,
    Severity,
)
from jixiao.oversight.policy import (
    can_add_finding,
    can_answer,
    can_assign_agency,
    can_attach,
    can_close,
    can_edit,
    can_open_rectification,
    can_plan,
    can_record_findings,
    can_remove_attachment,
    can_start,
    finding_unit,
    is_entrusted_agency,
)
from jixiao.oversight.selectors import bureau_staff
from jixiao.projects.models import Project
from jixiao.rectification.models import RectificationItem, RectificationSource
from jixiao.rectification.services import evidence_check, item_open

MAX_ATTACHMENTS_PER_ACTION = 30


def _display_name(name: str) -> str:
    """The uploaded file's own name without any client path or control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(ch for ch in base if ch.isprintable())[-200:] or "附件"


def _acting_organisation(user, action: OversightAction | None = None) -> Organisation | None:
    """The organisation the person acts for, for the 办理记录 and the audit row."""
    memberships = [m for m in memberships_of(user) if m.organisation.is_active]
    if action is not None:
        for m in memberships:
            if m.role in UNIT_ROLES and m.organisation_id == action.organisation_id:
                return m.organisation
            if m.role == Role.AGENCY_STAFF and m.organisation_id == action.agency_id:
                return m.organisation
    for role in (Role.SUPERVISION_STAFF, Role.COUNTERPART_STAFF):
        for m in memberships:
            if m.role == role:
                return m.organisation
    return memberships[0].organisation if memberships else None


def _locked(action: OversightAction) -> OversightAction:
    return (
        OversightAction.objects.select_for_update(of=("self",))
        .select_related("organisation", "project", "rectification_item", "agency")
        .get(pk=action.pk)
    )


def _record(action, name, acting_user, *, tell=None, message="", **fields):
    return transition_record(
        history=OversightTransition,
        subject=action,
        action=name,
        acting_user=acting_user,
        organisation=_acting_organisation(acting_user, action),
        notice=(tell, message, action.get_absolute_url()) if tell else None,
        **fields,
    )


def _unit_people(action: OversightAction) -> list[User]:
    return people_of(action.organisation_id, UNIT_ROLES)


def _agency_people(action: OversightAction) -> list[User]:
    return people_of(action.agency_id, {Role.AGENCY_STAFF}) if action.agency_id else []


def _carriers(action: OversightAction) -> list[User]:
    """The bureau side that follows the action: whoever planned it and its staff."""
    people = {action.created_by_id: action.created_by}
    people.update({u.pk: u for u in action.staff.all()})
    return [u for u in people.values() if u.is_active]


# ---------------------------------------------------------------------------------------------------
# Planning


@transaction.atomic
def oversight_plan(
    *,
    acting_user,
    kind: str,
    target: str,
    organisation: Organisation | None = None,
    project: Project | None = None,
    rectification_item: RectificationItem | None = None,
    subject: str,
    planned_start: date | None,
    planned_end: date | None,
    staff=(),
    agency: Organisation | None = None,
    internal_note: str = "",
) -> OversightAction:
    """安排: what is checked on which project, unit or earlier rectification, when, and by whom.

    The caller passes objects from the person's own selectors; the unit checked follows the target."""
    errors: dict[str, str] = {}
    if target != OversightTarget.RECTIFICATION:
        rectification_item = None  # a choice left on the form for another target
    if kind not in OversightKind.values:
        errors["kind"] = "请选择检查方式。"
    if target == OversightTarget.PROJECT:
        if project is None:
            errors["project"] = "请填写被检查项目的编码。"
        else:
            organisation = project.owner
    elif target == OversightTarget.RECTIFICATION:
        if rectification_item is None:
            errors["rectification_item"] = "请选择要核查其整改情况的事项。"
        else:
            organisation, project = rectification_item.organisation, rectification_item.project
    elif target == OversightTarget.UNIT:
        project = None
        if organisation is None:
            errors["organisation"] = "请选择被检查单位。"
    else:
        errors["target"] = "请选择检查对象。"
    if errors:
        raise ServiceError("监督检查未安排，请检查标出的内容。", errors)
    can_plan(acting_user, organisation).enforce()
    staff = list(staff)
    subject = _checked_plan(
        subject=subject, planned_start=planned_start, planned_end=planned_end, staff=staff, errors=errors
    )
    if kind == OversightKind.ENTRUSTED:
        if agency is None or agency.kind != OrganisationKind.AGENCY:
            errors["agency"] = "委托跟踪监控须选择受托的第三方机构。"
        elif project is None:
            errors["target"] = "委托跟踪监控的对象须是项目。"
        elif not project.agencies.filter(pk=agency.pk).exists():
            errors["agency"] = f"该项目尚未委托{agency.name}跟踪，请先在“委托跟踪机构”中委托。"
    else:
        if agency is not None:
            errors["agency"] = "只有委托跟踪监控由第三方机构实施。"
        if not staff:
            errors["staff"] = "请选择检查人员。"
    if errors:
        raise ServiceError("监督检查未安排，请检查标出的内容。", errors)
    action = OversightAction.objects.create(
        kind=kind,
        target=target,
        organisation=organisation,
        project=project,
        rectification_item=rectification_item,
        subject=subject,
        internal_note=(internal_note or "").strip(),
        planned_start=planned_start,
        planned_end=planned_end,
        agency=agency,
        created_by=acting_user,
    )
    action.staff.set(staff)
    tell = [u for u in staff if u.pk != acting_user.pk] + _agency_people(action)
    _record(
        action,
        "oversight.plan",
        acting_user,
        to_state=action.state,
        comment=f"{action.get_kind_display()}：{action.target_label}",
        tell=tell,
        message=f"已安排{action.get_kind_display()} {action.number}（{action.target_label}），"
        f"计划 {planned_start:%Y-%m-%d} 至 {planned_end:%Y-%m-%d}。",
    )
    return action


def _checked_plan(*, subject, planned_start, planned_end, staff, errors: dict) -> str:
    subject = (subject or "").strip()
    if not subject:
        errors["subject"] = "请写明检查内容。"
    if planned_start is None:
        errors["planned_start"] = "请填写计划开始日期。"
    if planned_end is None:
        errors["planned_end"] = "请填写计划结束日期。"
    elif planned_start is not None and planned_end < planned_start:
        errors["planned_end"] = "计划结束日期不能早于开始日期。"
    allowed = set(bureau_staff().filter(pk__in=[u.pk for u in staff]).values_list("pk", flat=True))
    if any(u.pk not in allowed for u in staff):
        errors["staff"] = "检查人员只能是区财政局的工作人员。"
    return subject


@transaction.atomic
def oversight_edit(
    *,
    action: OversightAction,
    subject: str,
    planned_start: date | None,
    planned_end: date | None,
    staff=(),
    internal_note: str = "",
    acting_user,
) -> OversightAction:
    """修改计划 before the check starts: its content, dates, staff and notes (kind and target stay)."""
    action = _locked(action)
    can_edit(acting_user, action).enforce()
    staff = list(staff)
    errors: dict[str, str] = {}
    subject = _checked_plan(
        subject=subject, planned_start=planned_start, planned_end=planned_end, staff=staff, errors=errors
    )
    if action.kind != OversightKind.ENTRUSTED and not staff:
        errors["staff"] = "请选择检查人员。"
    if errors:
        raise ServiceError("计划未保存，请检查标出的内容。", errors)
    values = {
        "subject": subject,
        "planned_start": planned_start,
        "planned_end": planned_end,
        "internal_note": (internal_note or "").strip(),
    }
    changed = [name for name, value in values.items() if getattr(action, name) != value]
    before_staff = set(action.staff.values_list("pk", flat=True))
    if before_staff != {u.pk for u in staff}:
        changed.append("staff")
    if not changed:
        return action
    for name, value in values.items():
        setattr(action, name, value)
    action.save(update_fields=list(values))
    action.staff.set(staff)
    labels = "、".join(str(OversightAction._meta.get_field(name).verbose_name) for name in changed)
    _record(action, "oversight.edit", acting_user, comment=f"修改了{labels}")
    return action


# ---------------------------------------------------------------------------------------------------
# Carrying out


@transaction.atomic
def oversight_start(*, action: OversightAction, actual_start: date | None, acting_user) -> OversightAction:
    """开始实施 (planned → in progress); from now on the unit sees the action, and is asked to answer an
    inquiry."""
    action = _locked(action)
    can_start(acting_user, action).enforce()
    actual_start = actual_start or timezone.localdate()
    if actual_start > timezone.localdate():
        raise ServiceError("实际开始日期不能晚于今天。", {"actual_start": "实际开始日期不能晚于今天。"})
    action.actual_start = actual_start
    action.state = OversightState.IN_PROGRESS
    action.save(update_fields=["actual_start", "state"])
    asking = action.kind == OversightKind.INQUIRY
    _record(
        action,
        "oversight.start",
        acting_user,
        from_state=OversightState.PLANNED,
        to_state=action.state,
        tell=_unit_people(action),
        message=f"区财政局就“{action.subject[:60]}”向本单位提出问询，请答复。"
        if asking
        else f"区财政局对{action.target_label}开展{action.get_kind_display()}（{action.number}）。",
    )
    return action


@transaction.atomic
def finding_add(
    *, action: OversightAction, text: str, severity: str, project: Project | None = None, acting_user
) -> Finding:
    """记录发现的问题 while the check is under way; a project named must be the unit's (or below it)."""
    action = _locked(action)
    can_add_finding(acting_user, action).enforce()
    errors: dict[str, str] = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = "请写明发现的问题。"
    if severity not in Severity.values:
        errors["severity"] = "请选择严重程度。"
    if project is not None and not project.owner.path.startswith(action.organisation.path):
        errors["project"] = f"该项目不是{action.organisation.name}（或其所属单位）的项目。"
    if errors:
        raise ServiceError("检查发现未记录，请检查标出的内容。", errors)
    finding = Finding.objects.create(
        action=action,
        text=text,
        severity=severity,
        project=project or action.project,
        recorded_by=acting_user,
    )
    _record(
        action, "oversight.finding", acting_user, comment=f"{finding.get_severity_display()}：{text[:100]}"
    )
    return finding


@transaction.atomic
def oversight_record_findings(
    *, action: OversightAction, actual_end: date | None, acting_user
) -> OversightAction:
    """结束检查 (in progress → findings recorded): the field work is done and its findings are on file."""
    action = _locked(action)
    can_record_findings(acting_user, action).enforce()
    actual_end = actual_end or timezone.localdate()
    if actual_end > timezone.localdate() or actual_end < action.actual_start:
        raise ServiceError(
            "实际结束日期须在开始日期与今天之间。", {"actual_end": "实际结束日期须在开始日期与今天之间。"}
        )
    action.actual_end = actual_end
    action.state = OversightState.FINDINGS
    action.save(update_fields=["actual_end", "state"])
    count = action.findings.count()
    # The agency's report is news to the bureau side that entrusted it; the bureau's own is not.
    by_agency = is_entrusted_agency(acting_user, action)
    _record(
        action,
        "oversight.findings",
        acting_user,
        from_state=OversightState.IN_PROGRESS,
        to_state=action.state,
        comment=f"发现问题 {count} 个" if count else "未发现问题",
        tell=_carriers(action) if by_agency else None,
        message=f"{action.agency.name}已报送{action.number}的跟踪监控情况。" if by_agency else "",
    )
    return action


@transaction.atomic
def oversight_close(*, action: OversightAction, conclusion: str, acting_user) -> OversightAction:
    """办结 (findings recorded → closed), with the bureau's conclusion; the unit is told."""
    action = _locked(action)
    can_close(acting_user, action).enforce()
    conclusion = (conclusion or "").strip()
    if not conclusion:
        raise ServiceError("请填写办结意见。", {"conclusion": "请填写办结意见。"})
    action.conclusion = conclusion
    action.state = OversightState.CLOSED
    action.save(update_fields=["conclusion", "state"])
    _record(
        action,
        "oversight.close",
        acting_user,
        from_state=OversightState.FINDINGS,
        to_state=action.state,
        comment=conclusion[:200],
        tell=_unit_people(action),
        message=f"{action.get_kind_display()} {action.number} 已办结。",
    )
    return action


@transaction.atomic
def inquiry_answer(*, action: OversightAction, answer: str, acting_user) -> OversightAction:
    """The unit answers an inquiry (it may correct its answer until the inquiry is finished)."""
    action = _locked(action)
    can_answer(acting_user, action).enforce()
    answer = (answer or "").strip()
    if not answer:
        raise ServiceError("请填写答复内容。", {"answer": "请填写答复内容。"})
    first = action.answered_at is None
    action.answer = answer
    action.answered_at = timezone.now()
    action.answered_by = acting_user
    action.save(update_fields=["answer", "answered_at", "answered_by"])
    _record(
        action,
        "oversight.answer",
        acting_user,
        comment="" if first else "修改答复",
        tell=_carriers(action),
        message=f"{action.organisation.name}已答复问询 {action.number}。",
    )
    return action


@transaction.atomic
def finding_open_rectification(
    *, finding: Finding, requirement: str, due_date: date | None, acting_user
) -> RectificationItem:
    """开具整改事项: the finding becomes an item of the rectification register (监督检查), which tells the
    unit; the item is linked to the finding here."""
    action = _locked(finding.action)
    finding = Finding.objects.select_related("project__owner").get(pk=finding.pk)
    finding.action = action
    can_open_rectification(acting_user, finding).enforce()
    item = item_open(
        actor=acting_user,
        kind=RectificationSource.OVERSIGHT,
        organisation=finding_unit(finding),
        project=finding.project,
        problem=finding.text,
        requirement=requirement,
        due_date=due_date,
        source_label=f"{action.get_kind_display()} {action.number}",
    )
    finding.rectification_items.add(item)
    _record(
        action,
        "oversight.rectification_open",
        acting_user,
        comment=f"{item.organisation.name}，整改时限 {item.due_date:%Y-%m-%d}",
        changes={"finding": finding.pk, "rectification_item": item.pk},
    )
    return item


# ---------------------------------------------------------------------------------------------------
# Attachments: the rectification register's byte checks, stored under a random name


@transaction.atomic
def attachment_add(*, action: OversightAction, upload, acting_user) -> Attachment:
    action = _locked(action)
    can_attach(acting_user, action).enforce()
    if action.attachments.count() >= MAX_ATTACHMENTS_PER_ACTION:
        raise ValidationError(f"每项监督检查最多上传 {MAX_ATTACHMENTS_PER_ACTION} 个附件。")
    data, extension = evidence_check(upload)
    attachment = Attachment(
        action=action,
        original_name=_display_name(upload.name),
        is_answer=bool(can_answer(acting_user, action)),
        uploaded_by=acting_user,
    )
    save_with_file(
        attachment,
        data=data,
        extension=extension,
        then=lambda: _record(
            action,
            "oversight.attachment_upload",
            acting_user,
            comment=attachment.original_name,
            changes={"attachment": attachment.pk, **file_facts(data)},
        ),
    )
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, acting_user) -> None:
    """Take back a file uploaded by mistake; the stored file goes once the removal has committed."""
    action = _locked(attachment.action)
    attachment = Attachment.objects.filter(pk=attachment.pk, action=action).first()
    if attachment is None:
        raise ValidationError("该附件已被删除。")
    attachment.action = action
    can_remove_attachment(acting_user, attachment).enforce()
    _record(
        action,
        "oversight.attachment_remove",
        acting_user,
        comment=attachment.original_name,
        changes={"attachment": attachment.pk},
    )
    delete_with_file(attachment)


# ---------------------------------------------------------------------------------------------------
# Entrusting projects to agencies


def _agency_change(*, agency: Organisation, project: Project, acting_user, adding: bool) -> bool:
    can_assign_agency(acting_user).enforce()
    if agency.kind != OrganisationKind.AGENCY or not agency.is_active:
        raise ServiceError("只能委托在用的第三方机构跟踪。")
    project = Project.objects.select_for_update().select_related("owner").get(pk=project.pk)
    if project.owner.is_classified:
        raise ServiceError("涉密单位的项目不能委托第三方机构跟踪。")
    assigned = project.agencies.filter(pk=agency.pk).exists()
    if assigned == adding:
        return False
    if (
        not adding
        and OversightAction.objects.filter(project=project, agency=agency, kind=OversightKind.ENTRUSTED)
        .exclude(state=OversightState.CLOSED)
        .exists()
    ):
        raise ServiceError(f"{agency.name}对该项目的委托跟踪监控尚未办结，不能取消委托。")
    (project.agencies.add if adding else project.agencies.remove)(agency)
    verb = "委托" if adding else "取消委托"
    audit_record(
        actor=acting_user,
        action="project.agency_assign" if adding else "project.agency_unassign",
        target=project,
        organisation=_acting_organisation(acting_user),
        comment=f"{verb}{agency.name}跟踪 {project.code}",
        changes={"agency": agency.code},
    )
    notify(
        people_of(agency.pk, {Role.AGENCY_STAFF}),
        f"区财政局已{verb}本机构跟踪项目“{project.name}”（{project.code}）。",
        reverse("projects:project_list"),
    )
    return True


@transaction.atomic
def agency_assign(*, agency: Organisation, project: Project, acting_user) -> bool:
    """委托 a project to an agency: its staff see it from now on. False when it was already entrusted."""
    return _agency_change(agency=agency, project=project, acting_user=acting_user, adding=True)


@transaction.atomic
def agency_unassign(*, agency: Organisation, project: Project, acting_user) -> bool:
    """取消委托, refused while the agency's tracking of the project is not closed."""
    return _agency_change(agency=agency, project=project, acting_user=acting_user, adding=False)
