# The reminder log moves here from workflow: its table and rows stay, only the model's owner changes.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('workflow', '0008_submission_review_closed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ReminderLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=120, verbose_name='提醒事项')),
                        ('sent_on', models.DateField(verbose_name='日期')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': '提醒记录',
                        'verbose_name_plural': '提醒记录',
                        'db_table': 'workflow_reminderlog',
                        'constraints': [models.UniqueConstraint(fields=('recipient', 'key', 'sent_on'), name='reminder_once_a_day')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
