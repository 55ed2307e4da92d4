# The reminder log now belongs to the reminders app, which keeps its table.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reminders', '0001_initial'),
        ('workflow', '0008_submission_review_closed'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ReminderLog')],
            database_operations=[],
        ),
    ]
