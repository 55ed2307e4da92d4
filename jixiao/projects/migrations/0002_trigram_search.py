from django.db import migrations

from jixiao.core.db import trigram_indexes


class Migration(migrations.Migration):
    """The project list's text search (name or code) reads trigram indexes on PostgreSQL."""

    dependencies = [("projects", "0001_initial")]

    operations = [
        trigram_indexes(
            "projects_project",
            {"projects_project_name_trgm": "name", "projects_project_code_trgm": "code"},
        )
    ]
