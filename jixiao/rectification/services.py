"""Step 5 and 6 of the round (第十一条 4, 第十三条): the unit answers every item of its issued 附件2 with
what it did, when, and evidence; the bureau verifies (销号) or sends the answer back, until every item is
closed.

Writes are service functions that lock the item, check actor and state, write the change, its 办理记录
row and its audit record in one transaction (`transition_record`) and notify after commit.
"""

import hashlib
from datetime import date
from uuid import uuid4

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jixiao.core.files import DOCX_TYPE, XLSX_TYPE, office_kind
from jixiao.notifications.services import people_of, transition_record
from jixiao.organisations.models import Membership, Organisation, Role, User
from jixiao.organisations.selectors import UNIT_ROLES, memberships_of
from jixiao.rectification.policy import (
    can_change_evidence,
    can_respond,
    can_send_back,
    can_start_verification,
    can_verify,
)
from jixiao.review.models import Evidence, Feedback, FeedbackItem, RectificationState, RectificationTransition

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
# Services


def _locked(item: FeedbackItem) -> FeedbackItem:
    return (
        FeedbackItem.objects.select_for_update(of=("self",))
        .select_related("feedback__organisation", "feedback__cycle")
        .get(pk=item.pk)
    )


def _verifier_organisation(user, feedback: Feedback) -> Organisation | None:
    """The bureau section the verifier acts for, for the audit row."""
    section_id = feedback.organisation.counterpart_section_id
    for m in memberships_of(user):
        if m.role == Role.COUNTERPART_STAFF and m.organisation_id == section_id:
            return m.organisation
    return next((m.organisation for m in memberships_of(user) if m.role == Role.SUPERVISION_STAFF), None)


def _verifiers(feedback: Feedback) -> list[User]:
    """Both sections receive the rectification report (第十一条 4)."""
    people = people_of(feedback.organisation.counterpart_section_id, {Role.COUNTERPART_STAFF})
    supervision = Membership.objects.filter(role=Role.SUPERVISION_STAFF, organisation__is_active=True)
    extra = User.objects.filter(is_active=True, pk__in=supervision.values("user")).exclude(
        pk__in=[p.pk for p in people]
    )
    return people + list(extra)


def item_url(item: FeedbackItem) -> str:
    return f"{reverse('rectification:feedback', args=[item.feedback_id])}#item-{item.pk}"


@transaction.atomic
def rectification_respond(
    *,
    item: FeedbackItem,
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
    late = max((timezone.localdate() - item.feedback.cycle.due_rectification_report).days, 0)
    transition_record(
        history=RectificationTransition,
        acting_user=acting_user,
        action="rectification.respond",
        subject=item,
        organisation=item.feedback.organisation,
        from_state=previous,
        to_state=item.state,
        comment=f"逾期 {late} 天报送" if late else "",
        notice=(
            _verifiers(item.feedback),
            f"{item.feedback.organisation.name}已报送第 {item.position} 项整改落实情况，请核查。",
            item_url(item),
        ),
    )
    return item


@transaction.atomic
def rectification_verify(*, item: FeedbackItem, acting_user, comment: str = ""):
    """The bureau checks the answer and closes the item (销号)."""
    item = _locked(item)
    can_verify(acting_user, item).enforce()
    item.state = RectificationState.VERIFIED
    item.verification_comment = (comment or "").strip()
    item.verified_at = timezone.now()
    item.verification_started_at = item.verification_started_at or item.verified_at
    item.save(update_fields=["state", "verification_comment", "verified_at", "verification_started_at"])
    transition_record(
        history=RectificationTransition,
        acting_user=acting_user,
        action="rectification.verify",
        subject=item,
        organisation=_verifier_organisation(acting_user, item.feedback),
        from_state=RectificationState.RESPONDED,
        to_state=item.state,
        comment=item.verification_comment,
        notice=(
            people_of(item.feedback.organisation_id, UNIT_ROLES),
            f"第 {item.position} 项整改已核查销号。",
            item_url(item),
        ),
    )
    return item


@transaction.atomic
def rectification_start_verification(*, item: FeedbackItem, acting_user):
    """开始核查: from now on the unit's evidence for this answer is fixed (until it is sent back)."""
    item = _locked(item)
    can_start_verification(acting_user, item).enforce()
    item.verification_started_at = timezone.now()
    item.save(update_fields=["verification_started_at"])
    transition_record(
        history=RectificationTransition,
        acting_user=acting_user,
        action="rectification.start_verification",
        subject=item,
        organisation=_verifier_organisation(acting_user, item.feedback),
    )
    return item


@transaction.atomic
def rectification_send_back(*, item: FeedbackItem, comment: str, acting_user):
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
    transition_record(
        history=RectificationTransition,
        acting_user=acting_user,
        action="rectification.send_back",
        subject=item,
        organisation=_verifier_organisation(acting_user, item.feedback),
        from_state=RectificationState.RESPONDED,
        to_state=item.state,
        comment=comment,
        notice=(
            people_of(item.feedback.organisation_id, UNIT_ROLES),
            f"第 {item.position} 项整改核查未通过，请继续整改后重新报送：{comment[:100]}",
            item_url(item),
        ),
    )
    return item


@transaction.atomic
def evidence_add(*, item: FeedbackItem, upload, acting_user) -> Evidence:
    """Store one checked supporting file under MEDIA_ROOT with a random name (never the client's)."""
    item = _locked(item)
    can_change_evidence(acting_user, item).enforce()
    if item.evidence.count() >= MAX_EVIDENCE_PER_ITEM:
        raise ValidationError(f"每个事项最多上传 {MAX_EVIDENCE_PER_ITEM} 个佐证材料。")
    data, extension = evidence_check(upload)
    evidence = Evidence(item=item, original_name=_display_name(upload.name), uploaded_by=acting_user)
    evidence.file.save(f"{uuid4().hex}.{extension}", ContentFile(data), save=False)
    try:
        evidence.save()
        transition_record(
            history=RectificationTransition,
            acting_user=acting_user,
            action="evidence.upload",
            subject=item,
            organisation=item.feedback.organisation,
            comment=evidence.original_name,
            changes={
                "evidence": evidence.pk,
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            },
        )
    except BaseException:
        evidence.file.delete(save=False)
        raise
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, acting_user) -> None:
    """Take back a file uploaded by mistake; the stored file goes once the removal has committed."""
    item = _locked(evidence.item)
    can_change_evidence(acting_user, item).enforce()
    evidence = Evidence.objects.filter(pk=evidence.pk, item=item).first()
    if evidence is None:
        raise ValidationError("该佐证材料已被删除。")
    transition_record(
        history=RectificationTransition,
        acting_user=acting_user,
        action="evidence.remove",
        subject=item,
        organisation=item.feedback.organisation,
        comment=evidence.original_name,
        changes={"evidence": evidence.pk},
    )
    stored = evidence.file
    evidence.delete()
    transaction.on_commit(lambda: stored.storage.delete(stored.name))
