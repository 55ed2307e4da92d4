# Rectification moved to its own app: its state, answers, evidence and 办理记录 were copied into
# rectification.RectificationItem and friends by rectification 0002; here the old columns and tables go.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('review', '0004_history_from_audit_log'),
        ('rectification', '0002_copy_from_feedback_items'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='rectificationtransition',
            name='actor',
        ),
        migrations.RemoveField(
            model_name='rectificationtransition',
            name='organisation',
        ),
        migrations.RemoveField(
            model_name='rectificationtransition',
            name='subject',
        ),
        migrations.AlterModelOptions(
            name='feedbackitem',
            options={'ordering': ['feedback', 'position'], 'verbose_name': '反馈表问题', 'verbose_name_plural': '反馈表问题'},
        ),
        migrations.RemoveField(
            model_name='feedbackitem',
            name='completed_on',
        ),
        migrations.RemoveField(
            model_name='feedbackitem',
            name='no_evidence_reason',
        ),
        migrations.RemoveField(
            model_name='feedbackitem',
            name='responded_at',
        ),
        migrations.RemoveField(
            model_name='feedbackitem',
            name='response',
        ),
        migrations.RemoveField(
            model_name='feedbackitem',
            name='state',
        ),
        migrations.RemoveField(
            model_name='feedbackitem',
            name='verification_comment',
        ),
        migrations.RemoveField(
            model_name='feedbackitem',
            name='verification_started_at',
        ),
        migrations.RemoveField(
            model_name='feedbackitem',
            name='verified_at',
        ),
        migrations.DeleteModel(
            name='Evidence',
        ),
        migrations.DeleteModel(
            name='RectificationTransition',
        ),
    ]
