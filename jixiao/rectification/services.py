"""Rectification (第十一条 4, 第十三条): items open when a 附件2 is issued, when the supervision section
records a 监督检查 finding, when a first-level unit requires rectification of one of its second-level units,
or when a unit records what it found itself; the unit answers each with what it did, when, and evidence;
the issuing side verifies (销号) or sends the answer back, until every item is closed.

Writes are service functions that lock the item, check actor and state, write the change, its 办理记录
row and its audit record in one transaction (`transition_record`) and notify after commit.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.core.errors import ServiceError
from jixiao.core.files import DOCX_TYPE, XLSX_TYPE, office_kind
from jixiao.core.stored_files import delete_with_file, file_facts, save_with_file
from jixiao.monitoring.models import MonitoringCycle
from jixiao.notifications.services import people_of, transition_record
from jixiao.organisations.models import Membership, Organisation, OrganisationKind, Role, User
from jixiao.organisations.selectors import UNIT_ROLES, memberships_of
from jixiao.projects.models import Project
from jixiao.rectification.models import (
    Evidence,
    RectificationItem,
    RectificationSource,
    RectificationState,
    RectificationTransition,
)
from jixiao.rectification.policy import (
    BUREAU_SOURCES,
    can_change_evidence,
    can_open,
    can_respond,
    can_send_back,
    can_start_verification,
    can_verify,
)
from jixiao.review.models import Feedback

# ---------------------------------------------------------------------------------------------------
# Evidence files: checked on their bytes before anything is stored

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_EVIDENCE_PER_ITEM = 30


# Stored extension -> content type served on download.
EVIDENCE_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": DOCX_TYPE,
    "xlsx": XLSX_TYPE,
}
# Extension a person may upload -> the kind its bytes must be.
ALLOWED_EXTENSIONS = {"pdf": "pdf", "jpg": "jpg", "jpeg": "jpg", "png": "png", "docx": "docx", "xlsx": "xlsx"}
KIND_LABELS = {
    "pdf": "PDF",
    "jpg": "JPG 图片",
    "png": "PNG 图片",
    "docx": "Word（.docx）",
    "xlsx": "Excel（.xlsx）",
}
ALLOWED_TEXT = "只能上传 PDF、JPG、PNG、Word（.docx）或 Excel（.xlsx）文件"
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for ext in ALLOWED_EXTENSIONS)


def _content_kind(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"PK\x03\x04"):
        return office_kind(data)
    return None


def _display_name(name: str) -> str:
    """The uploaded file's own name without any client path, kept short enough to store."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    base = "".join(ch for ch in base if ch.isprintable()) or "佐证材料"
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = f"{stem[: 199 - len(ext)]}.{ext}" if dot and len(ext) < 10 else base[:200]
    return base


def evidence_check(upload) -> tuple[bytes, str]:
    """The file's bytes and its stored extension, or a ValidationError saying why it is refused.

    Size first (before reading), then the extension, then the bytes themselves: a renamed program or a
    Word file called .pdf is refused, because the extension alone proves nothing.
    """
    name = _display_name(getattr(upload, "name", ""))
    size = getattr(upload, "size", None)
    limit = f"{MAX_EVIDENCE_BYTES // 1024 // 1024} MB"
    if isinstance(size, int) and size > MAX_EVIDENCE_BYTES:
        raise ValidationError(f"文件“{name}”超过 {limit}，请压缩或拆分后上传。")
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    expected = ALLOWED_EXTENSIONS.get(extension)
    if expected is None:
        raise ValidationError(f"文件“{name}”的类型不允许上传：{ALLOWED_TEXT}。")
    upload.seek(0)
    data = upload.read(MAX_EVIDENCE_BYTES + 1)
    if len(data) > MAX_EVIDENCE_BYTES:
        raise ValidationError(f"文件“{name}”超过 {limit}，请压缩或拆分后上传。")
    if not data:
        raise ValidationError(f"文件“{name}”是空文件。")
    if _content_kind(data) != expected:
        raise ValidationError(
            f"文件“{name}”的内容不是 {KIND_LABELS[expected]} 文件（扩展名与内容不符），未保存。{ALLOWED_TEXT}。"
        )
    return data, expected


# ---------------------------------------------------------------------------------------------------
# Who is told, who acts for whom, where the item lives


def _locked(item: RectificationItem) -> RectificationItem:
    return (
        RectificationItem.objects.select_for_update(of=("self",))
        .select_related("organisation", "issuing_organisation", "cycle", "feedback_item", "project")
        .get(pk=item.pk)
    )


def _bureau() -> Organisation:
    bureau = Organisation.objects.filter(kind=OrganisationKind.FINANCE_BUREAU, is_active=True).order_by("pk")
    found = bureau.first()
    if found is None:
        raise ServiceError("系统中没有区财政局，请系统管理员先建立机构。")
    return found


def item_title(item: RectificationItem) -> str:
    """How notices and pages name the item: its 附件2 position, else where it came from."""
    if item.feedback_item_id:
        return f"第 {item.feedback_item.position} 项"
    return item.source_label


def _unit_people(item: RectificationItem) -> list[User]:
    return people_of(item.organisation_id, UNIT_ROLES)


def _verifiers(item: RectificationItem) -> list[User]:
    """The issuing side; for bureau items both sections receive the report (第十一条 4)."""
    if item.kind == RectificationSource.PARENT:
        return people_of(item.issuing_organisation_id, UNIT_ROLES)
    if item.kind == RectificationSource.SELF:
        return people_of(item.organisation_id, {Role.UNIT_LEADER})
    people = people_of(item.organisation.counterpart_section_id, {Role.COUNTERPART_STAFF})
    supervision = Membership.objects.filter(role=Role.SUPERVISION_STAFF, organisation__is_active=True)
    extra = User.objects.filter(is_active=True, pk__in=supervision.values("user")).exclude(
        pk__in=[p.pk for p in people]
    )
    return people + list(extra)


def _verifier_organisation(user, item: RectificationItem) -> Organisation | None:
    """The organisation the verifier acts for, for the 办理记录 and the audit row."""
    if item.kind not in BUREAU_SOURCES:
        return item.issuing_organisation
    section_id = item.organisation.counterpart_section_id
    for m in memberships_of(user):
        if m.role == Role.COUNTERPART_STAFF and m.organisation_id == section_id:
            return m.organisation
    return next((m.organisation for m in memberships_of(user) if m.role == Role.SUPERVISION_STAFF), None)


def _record(item, action, acting_user, *, organisation, tell=None, message="", **fields):
    """The item's 办理记录 row and audit record; `tell` (people) hear `message` after commit."""
    return transition_record(
        history=RectificationTransition,
        acting_user=acting_user,
        action=action,
        subject=item,
        organisation=organisation,
        notice=(tell, message, item.get_absolute_url()) if tell is not None else None,
        **fields,
    )


# ---------------------------------------------------------------------------------------------------
# Opening items


def _open(*, acting_user, notify_unit: bool, **values) -> RectificationItem:
    item = RectificationItem.objects.create(
        opened_by=acting_user if acting_user is not None and acting_user.is_authenticated else None, **values
    )
    _record(
        item,
        "rectification.open",
        acting_user,
        organisation=item.issuing_organisation,
        to_state=item.state,
        comment=item.source_label,
        tell=_unit_people(item) if notify_unit else None,
        message=f"{item.issuing_organisation.name}提出整改要求（{item.source_label}），"
        f"请于 {item.due_date:%Y-%m-%d} 前完成整改并报送。",
    )
    return item


def feedback_items_open(*, feedback: Feedback, acting_user) -> list[RectificationItem]:
    """One item per problem of a 附件2 being issued, in the issue's transaction (the issue tells the unit)."""
    bureau = _bureau()
    return [
        _open(
            acting_user=acting_user,
            notify_unit=False,
            kind=RectificationSource.FEEDBACK,
            feedback_item=problem,
            source_label=f"{feedback.cycle.name} 附件2 第{problem.position}条",
            organisation=feedback.organisation,
            issuing_organisation=bureau,
            project=problem.project,
            cycle=feedback.cycle,
            problem=problem.problem,
            requirement=problem.requirement,
            due_date=problem.due_date,
        )
        for problem in feedback.items.select_related("project").order_by("position")
    ]


@transaction.atomic
def item_open(
    *,
    actor,
    kind: str,
    organisation: Organisation,
    project: Project | None = None,
    cycle: MonitoringCycle | None = None,
    problem: str,
    requirement: str,
    due_date: date | None,
    source_label: str = "",
) -> RectificationItem:
    """Open an item by hand: a 监督检查 finding (the caller keeps its own link to the item), a first-level
    unit's requirement to one of its second-level units, or a problem the unit found itself."""
    can_open(actor, kind, organisation).enforce()
    problem, requirement = (problem or "").strip(), (requirement or "").strip()
    errors = {}
    if not problem:
        errors["problem"] = "请填写发现的主要问题。"
    if not requirement:
        errors["requirement"] = "请填写整改意见及要求。"
    if due_date is None:
        errors["due_date"] = "请填写整改时限。"
    elif due_date < timezone.localdate():
        errors["due_date"] = "整改时限不能早于今天。"
    if project is not None and project.owner_id != organisation.pk:
        errors["project"] = f"该项目不属于{organisation.name}。"
    if errors:
        raise ServiceError("整改事项未登记，请检查标出的内容。", errors)
    issuing = {
        RectificationSource.OVERSIGHT: _bureau,
        RectificationSource.PARENT: lambda: organisation.parent,
        RectificationSource.SELF: lambda: organisation,
    }[kind]()
    label = (source_label or "").strip()[:200]
    label = label or f"{RectificationSource(kind).label}（{timezone.localdate():%Y-%m-%d}）"
    return _open(
        acting_user=actor,
        notify_unit=kind != RectificationSource.SELF,
        kind=kind,
        source_label=label,
        organisation=organisation,
        issuing_organisation=issuing,
        project=project,
        cycle=cycle,
        problem=problem,
        requirement=requirement,
        due_date=due_date,
    )


# ---------------------------------------------------------------------------------------------------
# Answer and verification


@transaction.atomic
def rectification_respond(
    *,
    item: RectificationItem,
    response: str,
    completed_on: date | None,
    acting_user,
    no_evidence_reason: str = "",
):
    """The unit reports an item rectified: what it did and when (open or sent back → responded).

    An answer with no evidence file says why there is none (`no_evidence_reason`)."""
    item = _locked(item)
    can_respond(acting_user, item).enforce()
    errors = {}
    no_evidence_reason = (no_evidence_reason or "").strip()
    if not item.evidence.exists() and not no_evidence_reason:
        errors["no_evidence_reason"] = "未上传佐证材料，请说明原因（或先上传佐证材料）。"
    response = (response or "").strip()
    if not response:
        errors["response"] = "请填写整改落实情况。"
    if completed_on is None:
        errors["completed_on"] = "请填写完成时间；尚未完成的事项请完成后再报送。"
    elif completed_on > timezone.localdate():
        errors["completed_on"] = "完成时间不能晚于今天；尚未完成的事项请完成后再报送。"
    if errors:
        raise ValidationError(errors)
    previous = item.state
    item.state = RectificationState.RESPONDED
    item.response = response
    item.completed_on = completed_on
    item.responded_at = timezone.now()
    item.no_evidence_reason = "" if item.evidence.exists() else no_evidence_reason
    item.save(update_fields=["state", "response", "completed_on", "responded_at", "no_evidence_reason"])
    report_due = (
        item.cycle.due_rectification_report if item.kind == RectificationSource.FEEDBACK else item.due_date
    )
    late = max((timezone.localdate() - report_due).days, 0)
    _record(
        item,
        "rectification.respond",
        acting_user,
        organisation=item.organisation,
        from_state=previous,
        to_state=item.state,
        comment=f"逾期 {late} 天报送" if late else "",
        tell=_verifiers(item),
        message=f"{item.organisation.name}已报送{item_title(item)}整改落实情况，请核查。",
    )
    return item


@transaction.atomic
def rectification_verify(*, item: RectificationItem, acting_user, comment: str = ""):
    """The issuing side checks the answer and closes the item (销号)."""
    item = _locked(item)
    can_verify(acting_user, item).enforce()
    item.state = RectificationState.VERIFIED
    item.verification_comment = (comment or "").strip()
    item.verified_at = timezone.now()
    item.verification_started_at = item.verification_started_at or item.verified_at
    item.save(update_fields=["state", "verification_comment", "verified_at", "verification_started_at"])
    _record(
        item,
        "rectification.verify",
        acting_user,
        organisation=_verifier_organisation(acting_user, item),
        from_state=RectificationState.RESPONDED,
        to_state=item.state,
        comment=item.verification_comment,
        tell=_unit_people(item),
        message=f"{item_title(item)}整改已核查销号。",
    )
    return item


@transaction.atomic
def rectification_start_verification(*, item: RectificationItem, acting_user):
    """开始核查: from now on the unit's evidence for this answer is fixed (until it is sent back)."""
    item = _locked(item)
    can_start_verification(acting_user, item).enforce()
    item.verification_started_at = timezone.now()
    item.save(update_fields=["verification_started_at"])
    _record(
        item,
        "rectification.start_verification",
        acting_user,
        organisation=_verifier_organisation(acting_user, item),
    )
    return item


@transaction.atomic
def rectification_send_back(*, item: RectificationItem, comment: str, acting_user):
    """The answer does not close the problem: back to the unit with the reason (responded → sent back)."""
    item = _locked(item)
    can_send_back(acting_user, item).enforce()
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "退回时请写明核查意见（哪些方面尚未整改到位）。"})
    item.state = RectificationState.SENT_BACK
    item.verification_comment = comment
    item.verified_at = item.verification_started_at = None
    item.save(update_fields=["state", "verification_comment", "verified_at", "verification_started_at"])
    _record(
        item,
        "rectification.send_back",
        acting_user,
        organisation=_verifier_organisation(acting_user, item),
        from_state=RectificationState.RESPONDED,
        to_state=item.state,
        comment=comment,
        tell=_unit_people(item),
        message=f"{item_title(item)}整改核查未通过，请继续整改后重新报送：{comment[:100]}",
    )
    return item


@transaction.atomic
def evidence_add(*, item: RectificationItem, upload, acting_user) -> Evidence:
    """Store one checked supporting file under MEDIA_ROOT with a random name (never the client's)."""
    item = _locked(item)
    can_change_evidence(acting_user, item).enforce()
    if item.evidence.count() >= MAX_EVIDENCE_PER_ITEM:
        raise ValidationError(f"每个事项最多上传 {MAX_EVIDENCE_PER_ITEM} 个佐证材料。")
    data, extension = evidence_check(upload)
    evidence = Evidence(item=item, original_name=_display_name(upload.name), uploaded_by=acting_user)
    save_with_file(
        evidence,
        data=data,
        extension=extension,
        then=lambda: _record(
            item,
            "evidence.upload",
            acting_user,
            organisation=item.organisation,
            comment=evidence.original_name,
            changes={"evidence": evidence.pk, **file_facts(data)},
        ),
    )
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, acting_user) -> None:
    """Take back a file uploaded by mistake; the stored file goes once the removal has committed."""
    item = _locked(evidence.item)
    can_change_evidence(acting_user, item).enforce()
    evidence = Evidence.objects.filter(pk=evidence.pk, item=item).first()
    if evidence is None:
        raise ValidationError("该佐证材料已被删除。")
    _record(
        item,
        "evidence.remove",
        acting_user,
        organisation=item.organisation,
        comment=evidence.original_name,
        changes={"evidence": evidence.pk},
    )
    delete_with_file(evidence)
