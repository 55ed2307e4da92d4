"""Every move of a package: one function per transition, each checking actor and state, writing the change
and its audit record in one transaction (the row locked, so two clicks give one transition), and notifying
after commit."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jixiao.audit.services import audit_record
from jixiao.core.files import office_kind
from jixiao.monitoring.models import NARRATIVE_FIELDS, AnalysisReport, CycleKind, CycleStatus, MonitoringCycle
from jixiao.monitoring.selectors import report_readiness
from jixiao.organisations.models import Membership, Organisation, OrganisationKind, Role, User
from jixiao.organisations.selectors import UNIT_ROLES, memberships_of
from jixiao.projects.models import Project
from jixiao.review.models import Feedback, FeedbackState
from jixiao.workflow.models import Notification, Step, Submission, SubmissionState, due_date_for


def step_of(organisation: Organisation) -> int:
    """Second-level units report to their first-level unit; towns and first-level units to the bureau.

    Classified units are outside mandatory monitoring (第四条) and send nothing.
    """
    if organisation.is_classified:
        raise ValidationError("涉密单位不纳入强制绩效监控，无需报送。")
    if organisation.kind == OrganisationKind.SECONDARY_UNIT:
        return Step.UNIT_TO_PRIMARY
    if organisation.kind in (OrganisationKind.TOWN, OrganisationKind.PRIMARY_UNIT):
        return Step.UNIT_TO_BUREAU
    raise ValidationError("该机构不需要报送监控材料。")


def receiver_of(organisation: Organisation) -> Organisation:
    if step_of(organisation) == Step.UNIT_TO_PRIMARY:
        return organisation.parent
    return Organisation.objects.get(kind=OrganisationKind.FINANCE_BUREAU, parent__isnull=True)


def _holds(user, organisation_id: int, roles) -> bool:
    return any(
        m.organisation_id == organisation_id and m.role in roles and m.organisation.is_active
        for m in memberships_of(user)
    )


def can_prepare(user, submission: Submission) -> bool:
    return _holds(user, submission.organisation_id, UNIT_ROLES)


def can_send(user, submission: Submission) -> bool:
    """单位负责人 signs off and sends."""
    return _holds(user, submission.organisation_id, {Role.UNIT_LEADER})


def can_review(user, submission: Submission) -> bool:
    """Step 1: the first-level unit's leader. Step 2: the sender's counterpart section."""
    if submission.step == Step.UNIT_TO_PRIMARY:
        return _holds(user, submission.receiver_id, {Role.UNIT_LEADER})
    section_id = submission.organisation.counterpart_section_id
    return section_id is not None and _holds(user, section_id, {Role.COUNTERPART_STAFF})


def can_open(user, submission: Submission) -> bool:
    """Whoever on the receiving side reads the package marks it opened (which ends the sender's withdrawal)."""
    if can_review(user, submission):
        return True
    if submission.step == Step.UNIT_TO_PRIMARY:
        return _holds(user, submission.receiver_id, UNIT_ROLES)
    return any(m.role == Role.SUPERVISION_STAFF for m in memberships_of(user))


def submission_for(*, organisation: Organisation, cycle: MonitoringCycle) -> Submission:
    """The organisation's package in the cycle (unsaved until the first action on it).

    A self-initiated cycle (自行开展) runs the same flow inside the unit that opened it: the units below it
    send to it, and nothing goes to the bureau.
    """
    step = step_of(organisation)
    receiver = receiver_of(organisation)
    if cycle.kind == CycleKind.SELF_INITIATED:
        owner = cycle.organisation
        if organisation.pk == owner.pk or not organisation.is_within(owner):
            raise ValidationError("自行开展的监控只在本单位内部报送：由下属单位报送本单位。")
        step, receiver = Step.UNIT_TO_PRIMARY, organisation.parent
    found = Submission.objects.filter(cycle=cycle, organisation=organisation, step=step).first()
    return found or Submission(
        cycle=cycle,
        organisation=organisation,
        step=step,
        receiver=receiver,
        due_date=due_date_for(cycle, step),
    )


def _locked(submission: Submission) -> Submission:
    """The stored package row, locked for this transaction (created first if it does not exist yet)."""
    if submission.pk is None:
        Submission.objects.get_or_create(
            cycle=submission.cycle,
            organisation=submission.organisation,
            step=submission.step,
            defaults={"receiver": submission.receiver, "due_date": submission.due_date},
        )
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("cycle", "organisation", "receiver")
        .get(cycle=submission.cycle, organisation=submission.organisation, step=submission.step)
    )


def _refuse_unless(state_ok: bool, message: str) -> None:
    if not state_ok:
        raise ValidationError(message)


def _set_reports_locked(submission: Submission, locked: bool) -> None:
    AnalysisReport.objects.filter(cycle=submission.cycle, project__owner=submission.organisation).update(
        locked=locked
    )


def submission_problems(submission: Submission) -> list[str]:
    """Everything that must be put right before the package can be sent, all at once."""
    problems = []
    projects = Project.objects.filter(owner=submission.organisation, year=submission.cycle.year).order_by(
        "code"
    )
    reports = {
        r.project_id: r
        for r in AnalysisReport.objects.filter(cycle=submission.cycle, project__in=projects)
        .select_related("target_version")
        .prefetch_related("warnings", "entries", "target_version__indicators")
    }
    for project in projects:
        report = reports.get(project.pk)
        if report is None:
            problems.append(f"项目“{project.name}”（{project.code}）尚未填报监控分析表")
            continue
        problems += [f"项目“{project.name}”：{problem}" for problem in report_readiness(report)]
    if submission.step == Step.UNIT_TO_PRIMARY:
        problems += [
            f"书面说明材料缺少“{label}”"
            for name, label in NARRATIVE_FIELDS
            if not getattr(submission, name).strip()
        ]
    return problems


def notify(users, message: str, url: str) -> None:
    """In-app notifications, written only once the change that caused them has committed."""
    recipients = list(users)
    transaction.on_commit(
        lambda: Notification.objects.bulk_create(
            Notification(recipient=u, message=message, url=url) for u in recipients
        )
    )


def people_of(organisation_id: int, roles) -> list[User]:
    """Active people holding one of `roles` in the organisation."""
    return list(
        User.objects.filter(
            is_active=True, memberships__organisation_id=organisation_id, memberships__role__in=roles
        ).distinct()
    )


def _receivers(submission: Submission) -> list[User]:
    if submission.step == Step.UNIT_TO_PRIMARY:
        return people_of(submission.receiver_id, UNIT_ROLES)
    people = people_of(submission.organisation.counterpart_section_id, {Role.COUNTERPART_STAFF})
    supervision = Membership.objects.filter(role=Role.SUPERVISION_STAFF).values("user")
    return people + list(User.objects.filter(is_active=True, pk__in=supervision))


def _url(submission: Submission) -> str:
    return reverse("workflow:package", args=[submission.cycle_id, submission.organisation_id])


@transaction.atomic
def submission_save_explanation(*, submission: Submission, values: dict, acting_user) -> Submission:
    """Save the written explanation (书面说明材料) while the package is with its sender."""
    submission = _locked(submission)
    if not can_prepare(acting_user, submission):
        raise PermissionDenied("只有本单位的填报人或负责人可以填写书面说明材料。")
    _refuse_unless(not submission.is_sent, "材料已报送，不能修改；如需修改请先撤回或待对方退回。")
    for name, _label in NARRATIVE_FIELDS:
        if name in values:
            setattr(submission, name, values[name])
    submission.save()
    audit_record(
        actor=acting_user,
        action="submission.explain",
        target=submission,
        organisation=submission.organisation,
    )
    return submission


@transaction.atomic
def submission_submit(*, submission: Submission, acting_user) -> Submission:
    submission = _locked(submission)
    _refuse_unless(submission.cycle.status == CycleStatus.OPEN, "该监控周期已结束。")
    if not can_send(acting_user, submission):
        raise PermissionDenied("只有本单位负责人可以报送。")
    _refuse_unless(
        submission.state in (SubmissionState.DRAFT, SubmissionState.RETURNED),
        f"材料当前为“{submission.get_state_display()}”，不能再次报送。",
    )
    # Lock the reports first, so that a save racing this submit cannot slip unchecked content in.
    list(
        AnalysisReport.objects.select_for_update(of=("self",))
        .filter(cycle=submission.cycle, project__owner=submission.organisation)
        .values_list("pk", flat=True)
    )
    problems = submission_problems(submission)
    if problems:
        raise ValidationError(problems)
    previous = submission.state
    submission.state = SubmissionState.SUBMITTED
    submission.submitted_at = timezone.now()
    submission.opened_at = submission.decided_at = None
    submission.save()
    _set_reports_locked(submission, True)
    late = submission.late_days
    audit_record(
        actor=acting_user,
        action="submission.submit",
        target=submission,
        organisation=submission.organisation,
        from_state=previous,
        to_state=submission.state,
        comment=f"逾期 {late} 天" if late else "",
    )
    lateness = f"（逾期 {late} 天）" if late else ""
    notify(
        _receivers(submission),
        f"{submission.organisation.name}已报送监控材料{lateness}，请审核。",
        _url(submission),
    )
    return submission


@transaction.atomic
def submission_withdraw(*, submission: Submission, acting_user) -> Submission:
    submission = _locked(submission)
    if not can_send(acting_user, submission):
        raise PermissionDenied("只有本单位负责人可以撤回。")
    _refuse_unless(submission.state == SubmissionState.SUBMITTED, "只有已报送的材料可以撤回。")
    _refuse_unless(submission.opened_at is None, "对方已查阅材料，不能撤回；如需修改请联系对方退回。")
    submission.state = SubmissionState.DRAFT
    submission.submitted_at = None
    submission.save()
    _set_reports_locked(submission, False)
    audit_record(
        actor=acting_user,
        action="submission.withdraw",
        target=submission,
        organisation=submission.organisation,
        from_state=SubmissionState.SUBMITTED,
        to_state=submission.state,
    )
    return submission


@transaction.atomic
def submission_open(*, submission: Submission, acting_user) -> Submission:
    """Record that the receiving side has read the package (once)."""
    submission = _locked(submission)
    if (
        submission.state != SubmissionState.SUBMITTED
        or submission.opened_at
        or not can_open(acting_user, submission)
    ):
        return submission
    submission.opened_at = timezone.now()
    submission.save(update_fields=["opened_at"])
    audit_record(
        actor=acting_user, action="submission.open", target=submission, organisation=submission.receiver
    )
    return submission


def _decide(submission: Submission, acting_user, state: str, action: str, comment: str) -> Submission:
    submission = _locked(submission)
    if not can_review(acting_user, submission):
        raise PermissionDenied("您不是该材料的审核人。")
    _refuse_unless(
        submission.state == SubmissionState.SUBMITTED,
        f"材料当前为“{submission.get_state_display()}”，不能审核。",
    )
    if submission.step == Step.UNIT_TO_PRIMARY:
        # What reached the bureau is fixed once the first-level unit has sent its own package.
        receiver_package = Submission.objects.filter(
            cycle=submission.cycle, organisation=submission.receiver, step=Step.UNIT_TO_BUREAU
        ).first()
        _refuse_unless(
            receiver_package is None or not receiver_package.is_sent,
            f"{submission.receiver.name}的材料已报送区财政局，不能再审核下属单位的材料；如需调整请先撤回或待区财政局退回。",
        )
    elif state == SubmissionState.RETURNED:
        _refuse_unless(
            not Feedback.objects.filter(cycle=submission.cycle, organisation=submission.organisation)
            .exclude(state=FeedbackState.DRAFT)
            .exists(),
            "综合意见反馈表已审定，不能再退回报送材料。",
        )
    submission.state = state
    submission.decided_at = timezone.now()
    submission.opened_at = submission.opened_at or submission.decided_at
    submission.return_comment = comment if state == SubmissionState.RETURNED else ""
    submission.save()
    audit_record(
        actor=acting_user,
        action=action,
        target=submission,
        organisation=submission.receiver,
        from_state=SubmissionState.SUBMITTED,
        to_state=state,
        comment=comment,
    )
    return submission


@transaction.atomic
def submission_return(*, submission: Submission, comment: str, acting_user) -> Submission:
    """退回补正: the sender gets its material back, editable, with the reason."""
    if not comment.strip():
        raise ValidationError("退回时请写明需要补正的内容。")
    submission = _decide(
        submission, acting_user, SubmissionState.RETURNED, "submission.return", comment.strip()
    )
    _set_reports_locked(submission, False)
    notify(
        people_of(submission.organisation_id, UNIT_ROLES),
        f"监控材料被{submission.receiver.name}退回：{submission.return_comment[:100]}",
        _url(submission),
    )
    return submission


@transaction.atomic
def submission_accept(*, submission: Submission, acting_user, comment: str = "") -> Submission:
    submission = _decide(
        submission, acting_user, SubmissionState.ACCEPTED, "submission.accept", comment.strip()
    )
    notify(
        people_of(submission.organisation_id, UNIT_ROLES),
        f"监控材料已由{submission.receiver.name}审核通过。",
        _url(submission),
    )
    return submission


DOCX_MAX_BYTES = 10 * 1024 * 1024


def _check_docx(upload) -> None:
    """A real Word document (not a renamed zip, macro file or spreadsheet), checked before it is stored."""
    if not (upload.name or "").lower().endswith(".docx"):
        raise ValidationError("报告定稿须为 Word 文档（.docx）。")
    if upload.size > DOCX_MAX_BYTES:
        raise ValidationError("报告定稿不能超过 10 MB。")
    data = upload.read()
    upload.seek(0)
    if office_kind(data) != "docx":
        raise ValidationError("文件不是有效的 Word 文档（.docx），请在 Word 中另存为 .docx 后再上传。")


@transaction.atomic
def submission_save_overall_report(
    *, submission: Submission, text: str, upload=None, acting_user
) -> Submission:
    """The overall report of a town or first-level unit: edited here, or its final Word version uploaded."""
    submission = _locked(submission)
    if not can_prepare(acting_user, submission):
        raise PermissionDenied("只有本单位的填报人或负责人可以编写整体绩效运行监控分析报告。")
    _refuse_unless(submission.step == Step.UNIT_TO_BUREAU, "只有报送区财政局的材料需要整体报告。")
    _refuse_unless(not submission.is_sent, "材料已报送，不能修改；如需修改请先撤回或待对方退回。")
    submission.overall_report = text.strip()
    if upload is not None:
        _check_docx(upload)
        submission.overall_report_file.save(
            f"{submission.organisation.code}_{submission.cycle.year}.docx", upload, save=False
        )
    submission.save()
    audit_record(
        actor=acting_user,
        action="submission.overall_report",
        target=submission,
        organisation=submission.organisation,
        comment=f"上传定稿：{upload.name}" if upload is not None else "",
    )
    return submission


def can_extend(user, submission: Submission) -> bool:
    """The bureau grants extensions: the unit's counterpart section, the supervision section, bureau leaders."""
    roles = {m.role for m in memberships_of(user) if m.organisation.is_active}
    if roles & {Role.SUPERVISION_STAFF, Role.BUREAU_LEADER}:
        return True
    unit = submission.organisation
    section_id = unit.counterpart_section_id or (
        unit.parent.counterpart_section_id if unit.parent_id else None
    )
    return section_id is not None and _holds(user, section_id, {Role.COUNTERPART_STAFF})


@transaction.atomic
def submission_extend(*, submission: Submission, due_date, reason: str, acting_user) -> Submission:
    """Move one unit's due date, with the reason on record; lateness is then counted from the new date."""
    submission = _locked(submission)
    if not can_extend(acting_user, submission):
        raise PermissionDenied("只有区财政局可以为单位延期。")
    _refuse_unless(bool(reason.strip()), "延期须说明原因。")
    _refuse_unless(not submission.is_sent, "材料已报送，逾期天数以报送时为准，不能再延期。")
    previous = submission.due_date
    submission.due_date = due_date
    submission.extension_reason = reason.strip()
    submission.save(update_fields=["due_date", "extension_reason"])
    audit_record(
        actor=acting_user,
        action="submission.extend",
        target=submission,
        organisation=submission.organisation,
        from_state=previous.isoformat(),
        to_state=due_date.isoformat(),
        comment=submission.extension_reason,
    )
    notify(
        people_of(submission.organisation_id, UNIT_ROLES),
        f"区财政局已将报送截止日期延至 {due_date:%Y-%m-%d}：{submission.extension_reason}",
        _url(submission),
    )
    return submission
