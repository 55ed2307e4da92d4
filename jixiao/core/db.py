"""Database helpers that migrations share."""

from django.db import migrations


def trigram_indexes(table: str, indexes: dict[str, str]) -> migrations.RunPython:
    """Trigram indexes on PostgreSQL (nothing elsewhere) for `icontains` searches: Django compares
    UPPER(column::text) LIKE UPPER(pattern), so each index is on exactly that expression.

    `indexes` maps an index name to its column. Needs the pg_trgm extension (created here when missing,
    which takes a role allowed to create it; see README, Production)."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, column in indexes.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER({column}::text)) gin_trgm_ops)"
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in indexes:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(create, drop)


def covering_index(table: str, name: str, columns: list[str], include: list[str]) -> migrations.RunPython:
    """An index on `columns` that also carries `include`, on PostgreSQL (nothing elsewhere): a query that
    reads only those columns is answered from the index without visiting the table's wide rows. Written
    here rather than as `Meta.indexes` because SQLite has no covering indexes."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({', '.join(columns)}) INCLUDE ({', '.join(include)})"
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(create, drop)
