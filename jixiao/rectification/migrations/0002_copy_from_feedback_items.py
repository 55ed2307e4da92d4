# Every item of an issued 附件2 becomes a rectification item with the same id (links in notifications keep
# working), with its answer, verification, evidence files (the stored files do not move) and 办理记录.
# Items of forms not yet issued get theirs when the form is issued.

from django.core.management.color import no_style
from django.db import migrations
from django.utils import timezone

ANSWER_FIELDS = (
    "state",
    "response",
    "completed_on",
    "responded_at",
    "no_evidence_reason",
    "verification_started_at",
    "verification_comment",
    "verified_at",
)
TRANSITION_FIELDS = (
    "id",
    "action",
    "from_state",
    "to_state",
    "actor_id",
    "actor_name",
    "organisation_id",
    "comment",
    "at",
)


def copy_items(apps, schema_editor):
    FeedbackItem = apps.get_model("review", "FeedbackItem")
    OldEvidence = apps.get_model("review", "Evidence")
    OldTransition = apps.get_model("review", "RectificationTransition")
    Organisation = apps.get_model("organisations", "Organisation")
    Item = apps.get_model("rectification", "RectificationItem")
    Evidence = apps.get_model("rectification", "Evidence")
    Transition = apps.get_model("rectification", "RectificationTransition")

    bureau = Organisation.objects.filter(kind="finance_bureau").order_by("pk").first()
    issued = (
        FeedbackItem.objects.filter(feedback__state="issued")
        .select_related("feedback__cycle", "feedback__organisation")
        .order_by("pk")
    )
    items = []
    for old in issued.iterator():
        feedback = old.feedback
        unit = feedback.organisation
        items.append(
            Item(
                id=old.pk,
                kind="feedback",
                feedback_item_id=old.pk,
                source_label=f"{feedback.cycle.name} 附件2 第{old.position}条",
                organisation_id=unit.pk,
                issuing_organisation_id=bureau.pk if bureau else unit.counterpart_section_id or unit.pk,
                project_id=old.project_id,
                cycle_id=feedback.cycle_id,
                problem=old.problem,
                requirement=old.requirement,
                due_date=old.due_date,
                opened_at=feedback.issued_at or timezone.now(),
                **{name: getattr(old, name) for name in ANSWER_FIELDS},
            )
        )
    Item.objects.bulk_create(items, batch_size=500)
    copied = {item.pk for item in items}

    evidence = [
        Evidence(
            id=old.pk,
            item_id=old.item_id,
            file=old.file.name,
            original_name=old.original_name,
            uploaded_by_id=old.uploaded_by_id,
            uploaded_at=old.uploaded_at,
        )
        for old in OldEvidence.objects.filter(item_id__in=copied).order_by("pk").iterator()
    ]
    # `uploaded_at` and `at` are auto_now_add: bulk_create stamps them now, so the originals go back after.
    uploaded = {row.pk: row.uploaded_at for row in evidence}
    Evidence.objects.bulk_create(evidence, batch_size=500)
    for pk, at in uploaded.items():
        Evidence.objects.filter(pk=pk).update(uploaded_at=at)

    steps = [
        Transition(subject_id=old.subject_id, **{name: getattr(old, name) for name in TRANSITION_FIELDS})
        for old in OldTransition.objects.filter(subject_id__in=copied).order_by("pk").iterator()
    ]
    stamped = {row.pk: row.at for row in steps}
    Transition.objects.bulk_create(steps, batch_size=500)
    for pk, at in stamped.items():
        Transition.objects.filter(pk=pk).update(at=at)

    # Rows were written with their old ids: move each table's sequence past them (PostgreSQL).
    statements = schema_editor.connection.ops.sequence_reset_sql(no_style(), [Item, Evidence, Transition])
    with schema_editor.connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ("organisations", "0002_alter_membership_role"),
        ("review", "0004_history_from_audit_log"),
        ("rectification", "0001_initial"),
    ]

    operations = [migrations.RunPython(copy_items, migrations.RunPython.noop)]
