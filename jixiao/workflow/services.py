"""Every move of a package: one function per transition, each checking actor and state, writing the change,
its row in the package's 办理记录 and its audit record in one transaction (`transition_record`; the row
locked, so two clicks give one transition), and notifying after commit."""

import shutil

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jixiao.audit.services import audit_record
from jixiao.core.files import office_kind
from jixiao.monitoring.models import NARRATIVE_FIELDS, AnalysisReport, CycleKind, MonitoringCycle
from jixiao.notifications.services import people_of, transition_record
from jixiao.organisations.models import Membership, Organisation, OrganisationKind, Role, User
from jixiao.organisations.selectors import UNIT_ROLES
from jixiao.projects.models import Project
from jixiao.workflow.documents import aggregated_table_workbook, overall_report_document, overall_report_draft
from jixiao.workflow.models import (
    ReturnedProject,
    Step,
    Submission,
    SubmissionReceipt,
    SubmissionReturn,
    SubmissionState,
    SubmissionTransition,
    due_date_for,
)
from jixiao.workflow.policy import (
    can_accept,
    can_extend,
    can_prepare,
    can_return,
    can_sign,
    can_submit,
    can_withdraw,
    signing_organisation,
)
from jixiao.workflow.selectors import package_fingerprint, pending_subordinates, submission_problems


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
    if found is not None:
        # The rows it points at are already read: the page shows them, and reading each again is a query.
        found.cycle, found.organisation = cycle, organisation
        if found.receiver_id == receiver.pk:
            found.receiver = receiver
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


def _receivers(submission: Submission) -> list[User]:
    if submission.step == Step.UNIT_TO_PRIMARY:
        return people_of(submission.receiver_id, UNIT_ROLES)
    people = people_of(submission.organisation.counterpart_section_id, {Role.COUNTERPART_STAFF})
    supervision = Membership.objects.filter(role=Role.SUPERVISION_STAFF).values("user")
    return people + list(User.objects.filter(is_active=True, pk__in=supervision))


def _handling_record(
    submission: Submission, acting_user, action: str, *, organisation=None, **details
) -> SubmissionTransition:
    """A row of the package's 办理记录 with its audit record, on behalf of `organisation` (the sender's
    unit unless named: the receiver decides, each receiving organisation signs)."""
    return transition_record(
        history=SubmissionTransition,
        acting_user=acting_user,
        action=action,
        subject=submission,
        organisation=organisation or submission.organisation,
        **details,
    )


def _url(submission: Submission) -> str:
    return reverse("workflow:package", args=[submission.cycle_id, submission.organisation_id])


@transaction.atomic
def submission_save_explanation(*, submission: Submission, values: dict, acting_user) -> Submission:
    """Save the written explanation (书面说明材料) while the package is with its sender."""
    submission = _locked(submission)
    can_prepare(acting_user, submission).enforce()
    for name, _label in NARRATIVE_FIELDS:
        if name in values:
            setattr(submission, name, values[name])
    submission.save()
    _handling_record(submission, acting_user, "submission.explain")
    return submission


def _supplement_time(submission: Submission) -> bool:
    """A step-1 package moving after its first-level unit has sent to the bureau comes as 补报."""
    if submission.step != Step.UNIT_TO_PRIMARY:
        return False
    return Submission.objects.filter(
        cycle=submission.cycle,
        organisation=submission.receiver,
        step=Step.UNIT_TO_BUREAU,
        state__in=(SubmissionState.SUBMITTED, SubmissionState.ACCEPTED),
    ).exists()


def pending_subordinates_message(pending) -> str:
    names = "、".join(f"{p.unit.name}（{p.status_label}）" for p in pending)
    return (
        f"下属单位尚有 {len(pending)} 个未审核通过：{names}。"
        "确认先行报送后，它们审核通过的材料将作为补报送达区财政局。"
    )


@transaction.atomic
def submission_submit(*, submission: Submission, acting_user, confirmed: bool = False) -> Submission:
    """报送. A town or first-level unit with subordinates not accepted yet sends only when `confirmed`:
    their packages can still be reviewed and then reach the bureau as 补报."""
    submission = _locked(submission)
    # Lock the reports first, so that a save racing this submit cannot slip unchecked content in.
    list(
        AnalysisReport.objects.select_for_update(of=("self",))
        .filter(cycle=submission.cycle, project__owner=submission.organisation)
        .values_list("pk", flat=True)
    )
    # Under the reports' lock the unit's data versions are those of the data as it stands (a unit's number
    # commits with its change), so the readiness kept for them is the check of that data.
    fingerprint = package_fingerprint(unit=submission.organisation, cycle=submission.cycle)
    problems = submission_problems(submission, fingerprint=fingerprint)
    can_submit(acting_user, submission, problems).enforce()
    pending = pending_subordinates(submission)
    if pending and not confirmed:
        raise ValidationError(pending_subordinates_message(pending))
    previous = submission.state
    submission.state = SubmissionState.SUBMITTED
    submission.submitted_at = timezone.now()
    submission.opened_at = submission.decided_at = None
    submission.supplement = submission.supplement or _supplement_time(submission)
    submission.save()
    _set_reports_locked(submission, True)
    late = submission.late_days
    lateness = f"（逾期 {late} 天）" if late else ""
    kind = "补报" if submission.supplement else "报送"
    notes = [f"逾期 {late} 天"] if late else []
    if pending:
        notes.append(f"确认先行报送，{len(pending)} 个下属单位未审核通过")
    if submission.supplement:
        notes.append("补报")
    _handling_record(
        submission,
        acting_user,
        "submission.submit",
        from_state=previous,
        to_state=submission.state,
        comment="；".join(notes),
        notice=(
            _receivers(submission),
            f"{submission.organisation.name}已{kind}监控材料{lateness}，请审核。",
            _url(submission),
        ),
    )
    return submission


@transaction.atomic
def submission_withdraw(*, submission: Submission, acting_user) -> Submission:
    submission = _locked(submission)
    can_withdraw(acting_user, submission).enforce()
    submission.state = SubmissionState.DRAFT
    submission.submitted_at = None
    submission.save()
    _set_reports_locked(submission, False)
    _handling_record(
        submission,
        acting_user,
        "submission.withdraw",
        from_state=SubmissionState.SUBMITTED,
        to_state=submission.state,
    )
    return submission


@transaction.atomic
def submission_sign(*, submission: Submission, acting_user) -> Submission:
    """签收: the receiving organisation records that it has the package; from the first signature the
    sender can no longer withdraw it. Reading the package page changes nothing."""
    submission = _locked(submission)
    can_sign(acting_user, submission).enforce()
    organisation = signing_organisation(acting_user, submission)
    now = timezone.now()
    SubmissionReceipt.objects.create(
        submission=submission,
        organisation=organisation,
        signed_by=acting_user,
        signed_at=now,
        sent_at=submission.submitted_at,
    )
    if submission.opened_at is None:
        submission.opened_at = now
        submission.save(update_fields=["opened_at"])
    _handling_record(submission, acting_user, "submission.sign", organisation=organisation)
    return submission


def _decided(
    submission: Submission, acting_user, state: str, action: str, comment: str, notice: tuple
) -> SubmissionTransition:
    """Write the decision the caller's predicate allowed (`comment` goes to its transition row)."""
    submission.state = state
    submission.decided_at = timezone.now()
    submission.opened_at = submission.opened_at or submission.decided_at
    if state == SubmissionState.ACCEPTED:
        submission.return_comment = ""
    submission.save()
    return _handling_record(
        submission,
        acting_user,
        action,
        organisation=submission.receiver,
        from_state=SubmissionState.SUBMITTED,
        to_state=state,
        comment=comment,
        notice=notice,
    )


def _returned_rows(submission: Submission, projects) -> list[tuple[Project, str]]:
    """The named projects with their reasons, each one of the package's own projects and each with a reason."""
    rows = []
    package_projects = Project.objects.filter(
        owner__path__startswith=submission.organisation.path, year=submission.cycle.year
    )
    allowed = set(package_projects.filter(pk__in=[p.pk for p in projects]).values_list("pk", flat=True))
    errors = []
    for project, reason in projects.items():
        reason = (reason or "").strip()
        if project.pk not in allowed:
            errors.append(f"项目“{project.name}”不在{submission.organisation.name}的报送材料中。")
        elif not reason:
            errors.append(f"请写明项目“{project.name}”（{project.code}）需要补正的内容。")
        elif len(reason) > 300:
            errors.append(f"项目“{project.name}”的补正内容不能超过 300 字。")
        else:
            rows.append((project, reason))
    if errors:
        raise ValidationError(errors)
    return sorted(rows, key=lambda row: row[0].code)


@transaction.atomic
def submission_return(
    *, submission: Submission, comment: str, acting_user, projects: dict | None = None
) -> Submission:
    """退回补正: the sender gets its material back, editable, with the reason and (optionally) the projects
    to fix, each with its own reason (`projects` maps a project to that reason)."""
    comment = (comment or "").strip()
    projects = projects or {}
    if not comment and not projects:
        raise ValidationError("退回时请写明需要补正的内容，或指明需要补正的项目。")
    submission = _locked(submission)
    can_return(acting_user, submission).enforce()
    rows = _returned_rows(submission, projects)
    named = "；".join(f"{project.code} {reason}" for project, reason in rows)
    audit_comment = "；".join(part for part in (comment, f"需补正的项目：{named}" if named else "") if part)
    submission.return_comment = comment
    summary = comment or f"{len(rows)} 个项目需要补正"
    notice = (
        people_of(submission.organisation_id, UNIT_ROLES),
        f"监控材料被{submission.receiver.name}退回：{summary[:100]}",
        _url(submission),
    )
    step = _decided(
        submission, acting_user, SubmissionState.RETURNED, "submission.return", audit_comment, notice
    )
    record = SubmissionReturn.objects.create(
        submission=submission, transition=step, comment=comment, returned_by=acting_user
    )
    ReturnedProject.objects.bulk_create(
        ReturnedProject(submission_return=record, project=project, reason=reason) for project, reason in rows
    )
    _set_reports_locked(submission, False)
    return submission


@transaction.atomic
def submission_accept(*, submission: Submission, acting_user, comment: str = "") -> Submission:
    submission = _locked(submission)
    can_accept(acting_user, submission).enforce()
    # Acceptance may turn the package into a supplement (补报), which its notice names.
    submission.supplement = submission.supplement or _supplement_time(submission)
    kind = "作为补报" if submission.supplement else ""
    notice = (
        people_of(submission.organisation_id, UNIT_ROLES),
        f"监控材料已由{submission.receiver.name}审核通过{kind}。",
        _url(submission),
    )
    _decided(submission, acting_user, SubmissionState.ACCEPTED, "submission.accept", comment.strip(), notice)
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
    can_prepare(acting_user, submission).enforce()
    _refuse_unless(submission.step == Step.UNIT_TO_BUREAU, "只有报送区财政局的材料需要整体报告。")
    submission.overall_report = text.strip()
    if upload is not None:
        _check_docx(upload)
        submission.overall_report_file.save(
            f"{submission.organisation.code}_{submission.cycle.year}.docx", upload, save=False
        )
    submission.save()
    _handling_record(
        submission,
        acting_user,
        "submission.overall_report",
        comment=f"上传定稿：{upload.name}" if upload is not None else "",
    )
    return submission


@transaction.atomic
def submission_extend(*, submission: Submission, due_date, reason: str, acting_user) -> Submission:
    """Move one unit's due date, with the reason on record; lateness is then counted from the new date."""
    submission = _locked(submission)
    can_extend(acting_user, submission).enforce()
    _refuse_unless(bool(reason.strip()), "延期须说明原因。")
    previous = submission.due_date
    submission.due_date = due_date
    submission.extension_reason = reason.strip()
    submission.save(update_fields=["due_date", "extension_reason"])
    _handling_record(
        submission,
        acting_user,
        "submission.extend",
        from_state=previous.isoformat(),
        to_state=due_date.isoformat(),
        comment=submission.extension_reason,
        notice=(
            people_of(submission.organisation_id, UNIT_ROLES),
            f"区财政局已将报送截止日期延至 {due_date:%Y-%m-%d}：{submission.extension_reason}",
            _url(submission),
        ),
    )
    return submission


def submission_close_review(*, cycle: MonitoringCycle, organisation: Organisation) -> None:
    """The bureau has approved the unit's 附件2 (called by review inside its approval): from now on its
    step-2 package can no longer be returned."""
    Submission.objects.filter(cycle=cycle, organisation=organisation, step=Step.UNIT_TO_BUREAU).update(
        review_closed=True
    )


def aggregated_table_export(*, submission: Submission, acting_user, target) -> None:
    """汇总表 of a town or first-level unit and its accepted subordinates, saved into `target` (a background
    job's result file), the export on record."""
    aggregated_table_workbook(unit=submission.organisation, cycle=submission.cycle).save(target)
    audit_record(actor=acting_user, action="package.export", target=submission.organisation, comment="汇总表")


def overall_report_export(*, submission: Submission, acting_user, target) -> None:
    """The overall report as Word, saved into `target` (a background job's result file): the uploaded final
    version if there is one, else the edited text (or, before anything is saved, the draft); the export on
    record."""
    if submission.overall_report_file:
        with submission.overall_report_file.open("rb") as source:
            shutil.copyfileobj(source, target)
    else:
        if not submission.overall_report:
            submission.overall_report = overall_report_draft(
                unit=submission.organisation, cycle=submission.cycle
            )
        overall_report_document(submission=submission).save(target)
    audit_record(
        actor=acting_user, action="package.export", target=submission.organisation, comment="整体报告"
    )
