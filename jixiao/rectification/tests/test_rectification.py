"""Step 5 (第十一条 4, 第十三条): every transition allowed and refused by actor and state, evidence checked on
its bytes before it is stored, scope in both directions (another unit's item or file is a 404), the overdue
flag, the closing of a 附件2 and of the round, and the pages with and without htmx."""

import io
import zipfile
from datetime import timedelta

import docx
import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jixiao.audit.models import AuditRecord
from jixiao.notifications.models import Notification
from jixiao.organisations.models import Role
from jixiao.rectification import services
from jixiao.rectification.models import Evidence, RectificationItem, RectificationSource, RectificationState
from jixiao.rectification.selectors import (
    cycle_rectification_closed,
    feedback_closed,
    overdue_items,
    rectification_item_list,
    rectification_progress,
)
from jixiao.rectification.services import (
    evidence_add,
    evidence_remove,
    rectification_respond,
    rectification_send_back,
    rectification_start_verification,
    rectification_verify,
)
from jixiao.review.models import FeedbackState
from jixiao.review.services import feedback_issue
from jixiao.testing import feedback_approved, feedback_issued, rectification_items, unit_leader

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def today():
    return timezone.localdate()


@pytest.fixture
def town_feedback(district):
    return feedback_issued(district, district.town, items=2)


@pytest.fixture
def item(town_feedback):
    return rectification_items(town_feedback)[0]


def town_people(district) -> set[str]:
    """Who hears of the town's items: its filler and its leader."""
    return {district.town_filler.username, unit_leader(district.town).username}


NO_EVIDENCE = "整改为内部制度修订，无纸质材料"


def answer(item, user):
    return rectification_respond(
        item=item,
        response="已完成资金拨付。",
        completed_on=today(),
        no_evidence_reason=NO_EVIDENCE,
        acting_user=user,
    )


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("整改说明")
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "整改台账"
    workbook.save(buffer)
    return buffer.getvalue()


def macro_docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
        )
        archive.writestr("word/vbaProject.bin", b"\x00" * 16)
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"This program cannot be run in DOS mode."


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


# ---------------------------------------------------------------------------------------------------
# Answering


@pytest.mark.parametrize("role", [Role.FILLER, Role.UNIT_LEADER])
def test_the_units_people_answer_and_both_sections_are_told(
    district, item, make_user, role, django_capture_on_commit_callbacks
):
    user = make_user(district.town, role)
    with django_capture_on_commit_callbacks(execute=True):
        answered = answer(item, user)
    assert answered.state == RectificationState.RESPONDED
    assert answered.responded_at is not None and answered.completed_on == today()
    record = AuditRecord.objects.get(action="rectification.respond")
    assert (record.from_state, record.to_state, record.actor_id, record.organisation_id) == (
        "open",
        "responded",
        user.pk,
        district.town.pk,
    )
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"counterpart_a", "supervision_staff"}


def test_nothing_is_told_before_commit(district, item, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answer(item, district.town_filler)
    assert callbacks and not Notification.objects.exists()


@pytest.mark.parametrize(
    "username",
    [
        "counterpart_a",
        "supervision_staff",
        "bureau_leader",
        "p1_leader",
        "s1_filler",
        "agency_staff",
        "nobody",
    ],
)
def test_only_the_units_people_answer(district, item, username):
    with pytest.raises(PermissionDenied):
        answer(item, district.users[username])
    item.refresh_from_db()
    assert item.state == RectificationState.OPEN


def test_an_answer_needs_what_was_done_and_when_not_in_the_future(district, item):
    with pytest.raises(ValidationError) as refused:
        rectification_respond(item=item, response="  ", completed_on=None, acting_user=district.town_filler)
    assert set(refused.value.message_dict) == {"response", "completed_on", "no_evidence_reason"}
    with pytest.raises(ValidationError) as refused:
        rectification_respond(
            item=item,
            response="正在整改",
            completed_on=today() + timedelta(days=1),
            acting_user=district.town_filler,
        )
    assert "不能晚于今天" in refused.value.message_dict["completed_on"][0]
    assert not AuditRecord.objects.filter(action="rectification.respond").exists()


def test_issuing_the_feedback_opens_one_item_per_problem(district):
    feedback = feedback_approved(district, district.town, items=2)
    assert not RectificationItem.objects.exists(), "nothing to rectify before the form is issued"
    feedback = feedback_issue(feedback=feedback, acting_user=district.counterpart_a)
    first, second = rectification_items(feedback)
    problem = feedback.items.get(position=1)
    assert (first.kind, first.feedback_item, first.organisation, first.issuing_organisation) == (
        RectificationSource.FEEDBACK,
        problem,
        district.town,
        district.bureau,
    )
    assert (first.problem, first.requirement, first.due_date, first.cycle) == (
        problem.problem,
        problem.requirement,
        problem.due_date,
        district.cycle,
    )
    assert first.source_label == f"{district.cycle.name} 附件2 第1条"
    assert second.source_label.endswith("第2条") and first.state == second.state == RectificationState.OPEN
    assert [t.action for t in first.transitions.all()] == ["rectification.open"]


def test_the_issue_and_its_items_are_one_transaction(district, monkeypatch):
    feedback = feedback_approved(district, district.town, items=2)

    def no_bureau():
        raise ValidationError("系统中没有区财政局")

    monkeypatch.setattr(services, "_bureau", no_bureau)
    with pytest.raises(ValidationError):
        feedback_issue(feedback=feedback, acting_user=district.counterpart_a)
    feedback.refresh_from_db()
    assert feedback.state == FeedbackState.APPROVED and not RectificationItem.objects.exists()


def test_an_answered_or_verified_item_is_not_answered_again(district, item):
    answer(item, district.town_filler)
    with pytest.raises(ValidationError, match="已报整改情况"):
        answer(item, district.town_filler)
    rectification_verify(item=item, acting_user=district.counterpart_a)
    with pytest.raises(ValidationError, match="已核查销号"):
        answer(item, district.town_filler)
    assert AuditRecord.objects.filter(action="rectification.respond").count() == 1


# ---------------------------------------------------------------------------------------------------
# Verifying and sending back


@pytest.mark.parametrize(
    ("username", "section"), [("counterpart_a", "section_a"), ("supervision_staff", "supervision")]
)
def test_the_counterpart_or_the_supervision_section_verifies(
    district, item, username, section, django_capture_on_commit_callbacks
):
    answer(item, district.town_filler)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        verified = rectification_verify(item=item, acting_user=district.users[username], comment="材料齐全")
    assert verified.state == RectificationState.VERIFIED and verified.verified_at is not None
    record = AuditRecord.objects.get(action="rectification.verify")
    assert (record.from_state, record.to_state, record.comment) == ("responded", "verified", "材料齐全")
    assert record.organisation == getattr(district, section)
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == town_people(district)


@pytest.mark.parametrize(
    "username", ["counterpart_b", "bureau_leader", "town_filler", "p1_leader", "agency_staff"]
)
def test_others_do_not_verify_or_send_back(district, item, username):
    answer(item, district.town_filler)
    user = district.users[username]
    with pytest.raises(PermissionDenied):
        rectification_verify(item=item, acting_user=user)
    with pytest.raises(PermissionDenied):
        rectification_send_back(item=item, comment="不合格", acting_user=user)
    item.refresh_from_db()
    assert item.state == RectificationState.RESPONDED


def test_only_an_answered_item_is_verified_or_sent_back(district, item):
    with pytest.raises(ValidationError, match="待整改"):
        rectification_verify(item=item, acting_user=district.counterpart_a)
    with pytest.raises(ValidationError, match="待整改"):
        rectification_send_back(item=item, comment="不合格", acting_user=district.counterpart_a)
    answer(item, district.town_filler)
    rectification_verify(item=item, acting_user=district.counterpart_a)
    with pytest.raises(ValidationError):
        rectification_verify(item=item, acting_user=district.counterpart_a)
    assert AuditRecord.objects.filter(action="rectification.verify").count() == 1


def test_send_back_needs_a_reason_tells_the_unit_and_reopens_the_answer(
    district, item, django_capture_on_commit_callbacks
):
    answer(item, district.town_filler)
    with pytest.raises(ValidationError) as refused:
        rectification_send_back(item=item, comment=" ", acting_user=district.counterpart_a)
    assert "comment" in refused.value.message_dict
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        back = rectification_send_back(item=item, comment="缺少拨付凭证", acting_user=district.counterpart_a)
    assert back.state == RectificationState.SENT_BACK and back.verification_comment == "缺少拨付凭证"
    notices = Notification.objects.all()
    assert {n.recipient.username for n in notices} == town_people(district)
    assert all("第 1 项整改核查未通过" in n.message and "缺少拨付凭证" in n.message for n in notices)
    again = answer(item, district.town_filler)
    assert again.state == RectificationState.RESPONDED
    record = AuditRecord.objects.filter(action="rectification.respond").latest("id")
    assert (record.from_state, record.to_state) == ("sent_back", "responded")


# ---------------------------------------------------------------------------------------------------
# Evidence


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("拨付凭证.pdf", pdf_bytes(), "pdf"),
        ("现场照片.JPG", JPG, "jpg"),
        ("现场照片.jpeg", JPG, "jpg"),
        ("截图.png", PNG, "png"),
        ("整改说明.docx", docx_bytes(), "docx"),
        ("整改台账.xlsx", xlsx_bytes(), "xlsx"),
    ],
)
def test_allowed_types_are_stored_under_a_random_name(district, item, media_root, name, content, extension):
    evidence = evidence_add(item=item, upload=upload(name, content), acting_user=district.town_filler)
    assert evidence.original_name == name
    assert evidence.file.name.startswith("evidence/") and evidence.file.name.endswith(f".{extension}")
    assert name.rpartition(".")[0] not in evidence.file.name
    assert [path.read_bytes() for path in stored_files(media_root)] == [content]
    record = AuditRecord.objects.get(action="evidence.upload")
    assert record.comment == name and len(record.changes["sha256"]) == 64


def test_a_program_renamed_pdf_is_refused_and_nothing_is_stored(district, item, media_root):
    with pytest.raises(ValidationError) as refused:
        evidence_add(item=item, upload=upload("整改报告.pdf", EXE), acting_user=district.town_filler)
    assert "扩展名与内容不符" in refused.value.messages[0]
    assert not Evidence.objects.exists()
    assert stored_files(media_root) == []
    assert not AuditRecord.objects.filter(action="evidence.upload").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", EXE, "类型不允许上传"),
        ("无扩展名", pdf_bytes(), "类型不允许上传"),
        ("整改说明.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "类型不允许上传"),
        ("报告.pdf", docx_bytes(), "不是 PDF"),
        ("说明.docx", xlsx_bytes(), "不是 Word"),
        ("台账.xlsx", docx_bytes(), "不是 Excel"),
        ("照片.png", JPG, "不是 PNG"),
        ("说明.docx", macro_docx_bytes(), "含宏"),
        ("空白.pdf", b"", "空文件"),
    ],
)
def test_wrong_files_are_refused_with_the_reason(district, item, media_root, name, content, message):
    with pytest.raises(ValidationError) as refused:
        evidence_add(item=item, upload=upload(name, content), acting_user=district.town_filler)
    assert message in refused.value.messages[0]
    assert not Evidence.objects.exists() and stored_files(media_root) == []


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(district, item, media_root, monkeypatch):
    monkeypatch.setattr(services, "MAX_EVIDENCE_BYTES", 1024)
    big = upload("大文件.pdf", pdf_bytes() + b"0" * 2048)
    with pytest.raises(ValidationError, match="超过"):
        evidence_add(item=item, upload=big, acting_user=district.town_filler)
    assert big.tell() == 0
    assert stored_files(media_root) == []


def test_evidence_is_the_units_and_frozen_once_the_bureau_starts_verifying(district, item, media_root):
    with pytest.raises(PermissionDenied):
        evidence_add(item=item, upload=upload("a.pdf", pdf_bytes()), acting_user=district.counterpart_a)
    evidence = evidence_add(item=item, upload=upload("a.pdf", pdf_bytes()), acting_user=district.town_filler)
    answer(item, district.town_filler)
    # After the answer, until the bureau starts verifying, the unit may still add or take back files.
    late = evidence_add(item=item, upload=upload("补充.pdf", pdf_bytes()), acting_user=district.town_filler)
    evidence_remove(evidence=late, acting_user=district.town_filler)
    rectification_start_verification(item=item, acting_user=district.counterpart_a)
    # What the bureau checks is what the unit sent: no changes while it is being verified, nor after.
    with pytest.raises(ValidationError, match="佐证材料不能再修改"):
        evidence_add(item=item, upload=upload("补充.pdf", pdf_bytes()), acting_user=district.town_filler)
    with pytest.raises(ValidationError, match="佐证材料不能再修改"):
        evidence_remove(evidence=evidence, acting_user=district.town_filler)
    rectification_verify(item=item, acting_user=district.counterpart_a)
    with pytest.raises(ValidationError, match="佐证材料不能再修改"):
        evidence_add(item=item, upload=upload("b.pdf", pdf_bytes()), acting_user=district.town_filler)
    assert [e.original_name for e in item.evidence.all()] == ["a.pdf"]


def test_an_answer_without_evidence_says_why_and_one_with_evidence_need_not(district, item, media_root):
    with pytest.raises(ValidationError) as refused:
        rectification_respond(
            item=item, response="已整改", completed_on=today(), acting_user=district.town_filler
        )
    assert set(refused.value.message_dict) == {"no_evidence_reason"}
    evidence_add(item=item, upload=upload("a.pdf", pdf_bytes()), acting_user=district.town_filler)
    answered = rectification_respond(
        item=item, response="已整改", completed_on=today(), acting_user=district.town_filler
    )
    assert answered.state == RectificationState.RESPONDED and answered.no_evidence_reason == ""


def test_removing_evidence_deletes_the_file_after_commit(
    district, item, media_root, django_capture_on_commit_callbacks
):
    evidence = evidence_add(
        item=item, upload=upload("错传.pdf", pdf_bytes()), acting_user=district.town_filler
    )
    with pytest.raises(PermissionDenied):
        evidence_remove(evidence=evidence, acting_user=district.counterpart_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        evidence_remove(evidence=evidence, acting_user=district.town_filler)
    assert not Evidence.objects.exists() and len(stored_files(media_root)) == 1
    for callback in callbacks:  # the commit
        callback()
    assert stored_files(media_root) == []
    assert AuditRecord.objects.get(action="evidence.remove").comment == "错传.pdf"


# ---------------------------------------------------------------------------------------------------
# Scope, overdue, closing


def test_each_person_sees_the_items_of_their_own_scope(district, town_feedback):
    p1_feedback = feedback_issued(district, district.p1, items=1)
    p2_feedback = feedback_issued(district, district.p2, items=1)
    expected = {
        "town_filler": {town_feedback},
        "p1_leader": {p1_feedback},
        "s1_filler": set(),
        "counterpart_a": {town_feedback, p1_feedback},
        "counterpart_b": {p2_feedback},
        "supervision_staff": {town_feedback, p1_feedback, p2_feedback},
        "bureau_leader": {town_feedback, p1_feedback, p2_feedback},
        "agency_staff": set(),
        "sysadmin": set(),
        "nobody": set(),
    }
    for username, feedbacks in expected.items():
        seen = {i.feedback_item.feedback for i in rectification_item_list(user=district.users[username])}
        assert seen == feedbacks, username


def test_an_item_not_verified_after_its_due_date_is_overdue(district):
    late = feedback_issued(district, district.town, items=3, due=today() - timedelta(days=1))
    first, second, third = rectification_items(late)
    answer(second, district.town_filler)
    answer(third, district.town_filler)
    rectification_verify(item=third, acting_user=district.counterpart_a)
    feedback_issued(district, district.p2, items=1, due=today() - timedelta(days=5))
    first.refresh_from_db()
    assert first.is_overdue
    third.refresh_from_db()
    assert not third.is_overdue
    town_items = [first.pk, second.pk]
    assert [i.pk for i in overdue_items(user=district.town_filler)] == town_items
    assert [i.pk for i in overdue_items(user=district.counterpart_a)] == town_items
    assert overdue_items(user=district.bureau_leader).count() == 3
    assert overdue_items(user=district.counterpart_b).count() == 1
    assert not overdue_items(user=district.p1_leader).exists()


def test_due_today_is_not_yet_overdue(district):
    feedback = feedback_issued(district, district.town, items=1, due=today())
    assert not rectification_items(feedback)[0].is_overdue
    assert not overdue_items(user=district.town_filler).exists()


def test_a_feedback_and_the_round_close_when_every_item_is_verified(district, town_feedback):
    assert not cycle_rectification_closed(district.cycle)
    p1_feedback = feedback_approved(district, district.p1, items=1)
    empty = feedback_issued(district, district.p2, items=0)
    assert feedback_closed(empty)
    for item in rectification_items(town_feedback):
        answer(item, district.town_filler)
        assert not feedback_closed(town_feedback)
        rectification_verify(item=item, acting_user=district.supervision_staff)
    assert feedback_closed(town_feedback)
    assert not cycle_rectification_closed(district.cycle), "p1's 附件2 is not issued yet"
    p1_feedback = feedback_issue(feedback=p1_feedback, acting_user=district.counterpart_a)
    assert not cycle_rectification_closed(district.cycle)
    [p1_item] = rectification_items(p1_feedback)
    answer(p1_item, district.p1_leader)
    rectification_verify(item=p1_item, acting_user=district.counterpart_a)
    assert cycle_rectification_closed(district.cycle)


def test_progress_counts_per_unit_in_scope(district, town_feedback):
    feedback_issued(district, district.p2, items=1, due=today() - timedelta(days=2))
    first, second = rectification_items(town_feedback)
    answer(first, district.town_filler)
    answer(second, district.town_filler)
    rectification_send_back(item=second, comment="不完整", acting_user=district.counterpart_a)
    rows = rectification_progress(user=district.counterpart_a, cycle=district.cycle)
    assert [(r.feedback, r.total, r.open, r.responded, r.sent_back, r.verified, r.overdue) for r in rows] == [
        (town_feedback, 2, 0, 1, 1, 0, 0)
    ]
    district_rows = rectification_progress(user=district.bureau_leader, cycle=district.cycle)
    assert {(r.feedback.organisation.code, r.overdue, r.closed) for r in district_rows} == {
        ("T", 0, False),
        ("P2", 1, False),
    }


# ---------------------------------------------------------------------------------------------------
# Pages


def page(client, user, name, *args, **kwargs):
    client.force_login(user)
    return client.get(reverse(name, args=args), **kwargs)


def test_the_unit_page_shows_answer_forms_and_due_badges(client, district, town_feedback):
    response = page(client, district.town_filler, "rectification:feedback", town_feedback.pk)
    text = response.content.decode()
    assert response.status_code == 200
    assert text.count("报送整改落实情况</button>") == 2
    # Due a number of working days after issue: how many calendar days that is depends on today.
    days = (rectification_items(town_feedback)[0].due_date - today()).days
    assert f"还剩 {days} 天" in text and "核查通过" not in text


def test_the_bureau_page_shows_verification_of_answered_items(client, district, town_feedback, item):
    answer(item, district.town_filler)
    text = page(client, district.counterpart_a, "rectification:feedback", town_feedback.pk).content.decode()
    assert text.count("核查通过，销号") == 1 and "报送整改落实情况</button>" not in text


def test_an_overdue_item_is_flagged_on_the_page_and_the_overview(client, district):
    feedback = feedback_issued(district, district.town, items=1, due=today() - timedelta(days=4))
    text = page(client, district.town_filler, "rectification:feedback", feedback.pk).content.decode()
    assert "已逾期 4 天" in text
    overview = page(client, district.bureau_leader, "rectification:cycle", district.cycle.pk).content.decode()
    assert "已逾期 4 天" in overview and "本轮整改尚未闭环" in overview
    register = page(client, district.town_filler, "rectification:index").content.decode()
    assert "已逾期 4 天" in register and ">逾期</span>" in register


@pytest.mark.parametrize("username", ["p1_leader", "s1_filler", "counterpart_b"])
def test_another_units_feedback_item_and_file_are_not_found(client, district, item, username):
    evidence = evidence_add(item=item, upload=upload("a.pdf", pdf_bytes()), acting_user=district.town_filler)
    client.force_login(district.users[username])
    assert (
        client.get(reverse("rectification:feedback", args=[item.feedback_item.feedback_id])).status_code
        == 404
    )
    assert client.get(reverse("rectification:item", args=[item.pk])).status_code == 404
    assert client.get(reverse("rectification:evidence_download", args=[evidence.pk])).status_code == 404
    for name in ("respond", "verify", "send_back", "evidence_upload"):
        assert client.post(reverse(f"rectification:{name}", args=[item.pk])).status_code == 404
    assert client.post(reverse("rectification:evidence_delete", args=[evidence.pk])).status_code == 404
    item.refresh_from_db()
    assert item.state == RectificationState.OPEN and Evidence.objects.count() == 1


@pytest.mark.parametrize("username", ["sysadmin", "auditor", "agency_staff", "nobody"])
def test_people_without_a_business_role_are_refused(client, district, town_feedback, username):
    assert page(client, district.users[username], "rectification:index").status_code == 403
    assert (
        page(client, district.users[username], "rectification:feedback", town_feedback.pk).status_code == 403
    )


def test_a_feedback_not_issued_has_no_rectification_page(client, district):
    approved = feedback_approved(district, district.town, items=2)
    assert page(client, district.town_filler, "rectification:feedback", approved.pk).status_code == 404


@pytest.mark.parametrize("username", ["town_filler", "counterpart_a", "supervision_staff", "bureau_leader"])
def test_evidence_downloads_to_those_who_see_the_item(client, district, item, username):
    evidence = evidence_add(
        item=item, upload=upload("拨付凭证.pdf", pdf_bytes()), acting_user=district.town_filler
    )
    response = page(client, district.users[username], "rectification:evidence_download", evidence.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert client.get(f"/{settings.MEDIA_URL}{evidence.file.name}").status_code == 404, "never public"


def test_answer_through_the_page_without_and_with_htmx(client, district, town_feedback):
    first, second = rectification_items(town_feedback)
    client.force_login(district.town_filler)
    url = reverse("rectification:respond", args=[first.pk])
    response = client.post(
        url, {"response": "已整改", "completed_on": today().isoformat(), "no_evidence_reason": NO_EVIDENCE}
    )
    assert response.status_code == 302 and response.url.endswith(f"#item-{first.pk}")
    refused = client.post(
        reverse("rectification:respond", args=[second.pk]), {"response": ""}, headers={"HX-Request": "true"}
    )
    text = refused.content.decode()
    assert refused.status_code == 200 and f'id="item-{second.pk}"' in text and "请填写整改落实情况" in text
    assert "<html" not in text
    done = client.post(
        reverse("rectification:respond", args=[second.pk]),
        {"response": "已整改", "completed_on": today().isoformat(), "no_evidence_reason": NO_EVIDENCE},
        headers={"HX-Request": "true"},
    )
    assert "已报整改情况" in done.content.decode()
    assert RectificationItem.objects.filter(state=RectificationState.RESPONDED).count() == 2


def test_a_refused_answer_without_htmx_keeps_what_was_typed(client, district, item):
    client.force_login(district.town_filler)
    response = client.post(
        reverse("rectification:respond", args=[item.pk]),
        {
            "response": "我们已经整改",
            "completed_on": (today() + timedelta(days=3)).isoformat(),
            "no_evidence_reason": NO_EVIDENCE,
        },
    )
    text = response.content.decode()
    assert response.status_code == 200 and "我们已经整改" in text and "不能晚于今天" in text


def test_upload_through_the_page_keeps_good_files_and_names_refused_ones(client, district, item, media_root):
    client.force_login(district.town_filler)
    response = client.post(
        reverse("rectification:evidence_upload", args=[item.pk]),
        {"files": [upload("凭证.pdf", pdf_bytes()), upload("病毒.pdf", EXE)]},
        headers={"HX-Request": "true"},
    )
    text = response.content.decode()
    assert "已上传 1 个佐证材料" in text and "病毒.pdf" in text and "扩展名与内容不符" in text
    assert list(Evidence.objects.values_list("original_name", flat=True)) == ["凭证.pdf"]
    assert len(stored_files(media_root)) == 1


def test_send_back_and_verify_through_the_page(client, district, town_feedback):
    first, second = rectification_items(town_feedback)
    answer(first, district.town_filler)
    answer(second, district.town_filler)
    client.force_login(district.counterpart_a)
    refused = client.post(
        reverse("rectification:send_back", args=[first.pk]), {"comment": ""}, headers={"HX-Request": "true"}
    )
    assert "退回时请写明核查意见" in refused.content.decode()
    client.post(reverse("rectification:send_back", args=[first.pk]), {"comment": "凭证不全"})
    client.post(reverse("rectification:verify", args=[second.pk]), {"comment": ""})
    states = dict(RectificationItem.objects.values_list("feedback_item__position", "state"))
    assert states == {1: RectificationState.SENT_BACK, 2: RectificationState.VERIFIED}


def test_the_overview_counts_units_and_shows_the_round_closing(client, district, town_feedback):
    feedback_issued(district, district.p2, items=1)
    text = page(client, district.counterpart_a, "rectification:overview").content.decode()
    assert "东镇" in text and "区农业农村局" not in text and "本轮整改尚未闭环" in text
    assert "区农业农村局" in page(client, district.bureau_leader, "rectification:overview").content.decode()
    for item in RectificationItem.objects.select_related("organisation"):
        answer(item, district.town_filler if item.organisation == district.town else unit_leader(district.p2))
        rectification_verify(item=item, acting_user=district.supervision_staff)
    text = page(client, district.counterpart_a, "rectification:overview").content.decode()
    assert "本轮整改已闭环" in text and "已全部销号" in text


def test_the_unit_overview_has_no_round_status(client, district, town_feedback):
    text = page(client, district.town_filler, "rectification:overview").content.decode()
    assert "东镇" in text and "本轮整改" not in text


def _read_page(client, feedback):
    """The page's problem table, and the queries the page made."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("review:feedback", args=[feedback.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index('id="feedback-items"')
    return page[start : page.index("</table>", start)], len(queries)


def test_the_issued_forms_rows_are_kept_until_an_answer_or_its_evidence_is_committed(
    client, district, town_feedback, item, django_capture_on_commit_callbacks
):
    """The issued 附件2's read page draws its rows once per state of what they show."""
    client.force_login(district.town_filler)
    first, cold = _read_page(client, town_feedback)
    again, warm = _read_page(client, town_feedback)
    assert again == first and warm < cold
    with django_capture_on_commit_callbacks(execute=True):
        evidence_add(item=item, upload=upload("拨付凭证.pdf", pdf_bytes()), acting_user=district.town_filler)
    page, _ = _read_page(client, town_feedback)
    assert "拨付凭证.pdf" in page and "拨付凭证.pdf" not in first
    with django_capture_on_commit_callbacks(execute=True):
        rectification_respond(
            item=item,
            response="已完成资金拨付并公示。",
            completed_on=today(),
            acting_user=district.town_filler,
        )
    page, _ = _read_page(client, town_feedback)
    assert "已完成资金拨付并公示。" in page
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(evidence=Evidence.objects.get(item=item), acting_user=district.town_filler)
    assert "拨付凭证.pdf" not in _read_page(client, town_feedback)[0]
