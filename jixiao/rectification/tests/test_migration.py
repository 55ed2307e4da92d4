"""The move of rectification out of review migrates a database that has data: every issued 附件2 item's
answer, verification, evidence and 办理记录 arrive in the register under the same ids; items of a form not
yet issued open nothing; new rows continue after the copied ids."""

from datetime import date, datetime, time

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from jixiao.rectification.models import Evidence, RectificationItem, RectificationTransition
from jixiao.review.models import FeedbackItem

BEFORE = [("review", "0004_history_from_audit_log"), ("rectification", "0001_initial")]


def migrate(targets=None):
    """Migrate to `targets` (every app's latest migration when None); the models as they were there."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_issued_items_their_evidence_and_history_are_copied(district):
    d = district
    old = migrate(BEFORE)
    try:
        Feedback = old.get_model("review", "Feedback")
        OldItem = old.get_model("review", "FeedbackItem")
        OldEvidence = old.get_model("review", "Evidence")
        OldTransition = old.get_model("review", "RectificationTransition")
        issued_at = timezone.make_aware(datetime(2026, 10, 20, 10))
        issued = Feedback.objects.create(
            cycle_id=d.cycle.pk, organisation_id=d.town.pk, state="issued", issued_at=issued_at
        )
        draft = Feedback.objects.create(cycle_id=d.cycle.pk, organisation_id=d.p1.pk, state="draft")
        answered = OldItem.objects.create(
            feedback=issued,
            position=1,
            project_id=d.project_town.pk,
            problem="支付进度滞后",
            requirement="加快支付",
            due_date=date(2026, 11, 30),
            source="counterpart",
            state="verified",
            response="已拨付",
            completed_on=date(2026, 11, 2),
            responded_at=timezone.make_aware(datetime(2026, 11, 3, 9)),
            verification_comment="同意销号",
            verified_at=timezone.make_aware(datetime(2026, 11, 5, 9)),
            verification_started_at=timezone.make_aware(datetime(2026, 11, 4, 9)),
        )
        waiting = OldItem.objects.create(
            feedback=issued,
            position=2,
            problem="指标偏低",
            requirement="重新测算",
            due_date=date(2026, 11, 30),
            source="supervision",
        )
        not_issued = OldItem.objects.create(
            feedback=draft,
            position=1,
            problem="草稿",
            requirement="草稿",
            due_date=date(2026, 11, 30),
            source="counterpart",
        )
        file = OldEvidence.objects.create(
            item=answered,
            file="evidence/2026/11/abc.pdf",
            original_name="凭证.pdf",
            uploaded_by_id=d.town_filler.pk,
        )
        step = OldTransition.objects.create(
            subject=answered,
            action="rectification.respond",
            from_state="open",
            to_state="responded",
            actor_id=d.town_filler.pk,
            actor_name="town_filler",
            organisation_id=d.town.pk,
        )
        responded_at = timezone.make_aware(datetime.combine(date(2026, 11, 3), time(9)))
        OldTransition.objects.filter(pk=step.pk).update(at=responded_at)
        OldEvidence.objects.filter(pk=file.pk).update(uploaded_at=responded_at)
    finally:
        migrate()

    copied = RectificationItem.objects.get(pk=answered.pk)
    assert copied.feedback_item == FeedbackItem.objects.get(pk=answered.pk)
    assert (copied.kind, copied.organisation, copied.issuing_organisation, copied.cycle, copied.project) == (
        "feedback",
        d.town,
        d.bureau,
        d.cycle,
        d.project_town,
    )
    assert (copied.state, copied.response, copied.completed_on, copied.verification_comment) == (
        "verified",
        "已拨付",
        date(2026, 11, 2),
        "同意销号",
    )
    assert copied.verified_at == timezone.make_aware(datetime(2026, 11, 5, 9))
    assert copied.opened_at == issued_at
    assert copied.source_label == f"{d.cycle.name} 附件2 第1条"
    assert RectificationItem.objects.get(pk=waiting.pk).state == "open"
    assert not RectificationItem.objects.filter(feedback_item_id=not_issued.pk).exists()
    evidence = Evidence.objects.get(pk=file.pk)
    assert (evidence.item_id, evidence.file.name, evidence.original_name, evidence.uploaded_at) == (
        answered.pk,
        "evidence/2026/11/abc.pdf",
        "凭证.pdf",
        responded_at,
    )
    history = RectificationTransition.objects.get(pk=step.pk)
    assert (history.subject_id, history.action, history.at) == (
        answered.pk,
        "rectification.respond",
        responded_at,
    )
    later = RectificationItem.objects.create(
        kind="self",
        source_label="自查",
        organisation=d.s1,
        issuing_organisation=d.s1,
        problem="p",
        requirement="r",
        due_date=date(2026, 12, 31),
    )
    assert later.pk > waiting.pk
