# The history of packages sent before transition rows existed, copied once from the audit log: every step
# becomes a transition row, every 查阅 of the current sending a receipt, every return is linked to its step.

from django.db import migrations


def copy_history(apps, schema_editor):
    AuditRecord = apps.get_model("audit", "AuditRecord")
    Submission = apps.get_model("workflow", "Submission")
    SubmissionTransition = apps.get_model("workflow", "SubmissionTransition")
    SubmissionReceipt = apps.get_model("workflow", "SubmissionReceipt")
    SubmissionReturn = apps.get_model("workflow", "SubmissionReturn")
    submissions = {str(s.pk): s for s in Submission.objects.all()}
    records = AuditRecord.objects.filter(object_type="workflow.submission").order_by("occurred_at", "id")
    for record in records:
        submission = submissions.get(record.object_id)
        if submission is None:
            continue
        step = SubmissionTransition.objects.create(
            subject=submission,
            action=record.action,
            from_state=record.from_state,
            to_state=record.to_state,
            actor_id=record.actor_id,
            actor_name=record.actor_name,
            organisation_id=record.organisation_id,
            comment=record.comment,
        )
        SubmissionTransition.objects.filter(pk=step.pk).update(at=record.occurred_at)
        sent_at = submission.submitted_at
        if (
            record.action == "submission.open"
            and record.actor_id
            and record.organisation_id
            and sent_at is not None
            and record.occurred_at >= sent_at
        ):
            SubmissionReceipt.objects.get_or_create(
                submission=submission,
                organisation_id=record.organisation_id,
                sent_at=sent_at,
                defaults={"signed_by_id": record.actor_id, "signed_at": record.occurred_at},
            )
    for submission in submissions.values():
        steps = list(
            SubmissionTransition.objects.filter(subject=submission, action="submission.return").order_by("at", "id")
        )
        returns = list(SubmissionReturn.objects.filter(submission=submission).order_by("returned_at", "id"))
        if len(steps) == len(returns):
            for step, row in zip(steps, returns, strict=True):
                SubmissionReturn.objects.filter(pk=row.pk).update(transition=step)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0004_occurred_at_default"),
        ("workflow", "0006_transitions_and_receipts"),
    ]

    operations = [migrations.RunPython(copy_history, migrations.RunPython.noop)]
