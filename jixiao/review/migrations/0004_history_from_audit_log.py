# The history of 附件2 and rectification items from before transition rows existed, copied once from the
# audit log; the last random draw's population and digest, and the last compose time, stored on their rows.

from django.db import migrations

HISTORIES = (
    ("review.feedback", "Feedback", "FeedbackTransition"),
    ("review.feedbackitem", "FeedbackItem", "RectificationTransition"),
)


def copy_history(apps, schema_editor):
    AuditRecord = apps.get_model("audit", "AuditRecord")
    for object_type, subject_name, history_name in HISTORIES:
        subjects = {str(s.pk): s for s in apps.get_model("review", subject_name).objects.all()}
        history = apps.get_model("review", history_name)
        for record in AuditRecord.objects.filter(object_type=object_type).order_by("occurred_at", "id"):
            subject = subjects.get(record.object_id)
            if subject is None:
                continue
            step = history.objects.create(
                subject=subject,
                action=record.action,
                from_state=record.from_state,
                to_state=record.to_state,
                actor_id=record.actor_id,
                actor_name=record.actor_name,
                organisation_id=record.organisation_id,
                comment=record.comment,
            )
            history.objects.filter(pk=step.pk).update(at=record.occurred_at)
            if record.action == "feedback.compose":
                subject.composed_at = record.occurred_at
                subject.save(update_fields=["composed_at"])
    KeyItemSelection = apps.get_model("review", "KeyItemSelection")
    for selection in KeyItemSelection.objects.filter(sample_size__gt=0):
        record = (
            AuditRecord.objects.filter(
                action="key_items.sample", object_type="review.keyitemselection", object_id=str(selection.pk)
            )
            .order_by("-occurred_at", "-id")
            .first()
        )
        if record is None:
            continue
        selection.population_size = record.changes.get("population", 0)
        selection.population_digest = record.changes.get("population_sha256", "")
        selection.drawn_at = record.occurred_at
        selection.drawn_by_id = record.actor_id
        selection.save(update_fields=["population_size", "population_digest", "drawn_at", "drawn_by"])


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0004_occurred_at_default"),
        ("review", "0003_transitions_and_stored_draws"),
    ]

    operations = [migrations.RunPython(copy_history, migrations.RunPython.noop)]
