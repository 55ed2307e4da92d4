from django.db import migrations

from jixiao.core.db import covering_index


class Migration(migrations.Migration):
    """The key-item ranking reads each reviewed project's warning level of the cycle: from this index alone,
    not from the reports' rows (with their texts)."""

    dependencies = [
        ("monitoring", "0008_report_counted_level"),
    ]

    operations = [
        covering_index(
            "monitoring_analysisreport", "report_cycle_project_level", ["cycle_id", "project_id"], ["level"]
        ),
    ]
