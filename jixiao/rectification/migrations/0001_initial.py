# The rectification register: items, their 办理记录 and evidence (data copied from review by 0002).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('monitoring', '0005_report_locked'),
        ('organisations', '0002_alter_membership_role'),
        ('projects', '0001_initial'),
        ('review', '0004_history_from_audit_log'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RectificationItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('feedback', '综合意见反馈表'), ('oversight', '监督检查发现'), ('parent', '主管部门要求'), ('self', '单位自查发现')], max_length=16, verbose_name='问题来源')),
                ('source_label', models.CharField(max_length=200, verbose_name='出处')),
                ('problem', models.TextField(verbose_name='发现的主要问题')),
                ('requirement', models.TextField(verbose_name='整改意见及要求')),
                ('due_date', models.DateField(verbose_name='整改时限')),
                ('opened_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='提出时间')),
                ('state', models.CharField(choices=[('open', '待整改'), ('responded', '已报整改情况'), ('sent_back', '核查未通过'), ('verified', '已核查销号')], default='open', max_length=16, verbose_name='整改状态')),
                ('response', models.TextField(blank=True, verbose_name='整改落实情况')),
                ('completed_on', models.DateField(blank=True, null=True, verbose_name='完成时间')),
                ('responded_at', models.DateTimeField(blank=True, null=True, verbose_name='报送时间')),
                ('no_evidence_reason', models.TextField(blank=True, verbose_name='无佐证材料的原因')),
                ('verification_started_at', models.DateTimeField(blank=True, null=True, verbose_name='开始核查时间')),
                ('verification_comment', models.TextField(blank=True, verbose_name='核查意见')),
                ('verified_at', models.DateTimeField(blank=True, null=True, verbose_name='核查时间')),
                ('cycle', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='rectification_items', to='monitoring.monitoringcycle', verbose_name='监控周期')),
                ('feedback_item', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='rectification', to='review.feedbackitem', verbose_name='反馈表问题')),
                ('issuing_organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='issued_rectification_items', to='organisations.organisation', verbose_name='提出与核查单位')),
                ('opened_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rectification_items', to='organisations.organisation', verbose_name='整改单位')),
                ('project', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='projects.project', verbose_name='项目')),
            ],
            options={
                'verbose_name': '整改事项',
                'verbose_name_plural': '整改事项',
                'ordering': ['due_date', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Evidence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(upload_to='evidence/%Y/%m/', verbose_name='文件')),
                ('original_name', models.CharField(max_length=200, verbose_name='文件名')),
                ('uploaded_at', models.DateTimeField(auto_now_add=True, verbose_name='上传时间')),
                ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('item', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evidence', to='rectification.rectificationitem')),
            ],
            options={
                'verbose_name': '佐证材料',
                'verbose_name_plural': '佐证材料',
            },
        ),
        migrations.CreateModel(
            name='RectificationTransition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(max_length=64, verbose_name='操作')),
                ('from_state', models.CharField(blank=True, max_length=32, verbose_name='原状态')),
                ('to_state', models.CharField(blank=True, max_length=32, verbose_name='新状态')),
                ('actor_name', models.CharField(max_length=150, verbose_name='办理人')),
                ('comment', models.TextField(blank=True, verbose_name='说明')),
                ('at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='时间')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation')),
                ('subject', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transitions', to='rectification.rectificationitem')),
            ],
            options={
                'verbose_name': '整改办理记录',
                'verbose_name_plural': '整改办理记录',
                'ordering': ['at', 'id'],
                'abstract': False,
            },
        ),
        migrations.AddIndex(
            model_name='rectificationitem',
            index=models.Index(fields=['organisation', 'state'], name='rectificati_organis_c634b0_idx'),
        ),
        migrations.AddIndex(
            model_name='rectificationitem',
            index=models.Index(fields=['state', 'due_date'], name='rectificati_state_a20d63_idx'),
        ),
    ]
