"""Hand-written SQL for the few statements every request runs (the signed-in person, their memberships,
the current cycle): compiling the equivalent queryset costs several times what running it does.

Each statement is built once per process from the models' own metadata, in SQL that SQLite and PostgreSQL
read alike, and run through `Model.objects.raw()`, which converts the values as the ORM would."""

from django.db import connection, models


def quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def table(model: type[models.Model]) -> str:
    return quoted(model._meta.db_table)


def column(model: type[models.Model], field: str, alias: str) -> str:
    return f"{alias}.{quoted(model._meta.get_field(field).column)}"


def columns(model: type[models.Model], alias: str) -> str:
    """Every concrete column of `model`, qualified by `alias`."""
    return ", ".join(f"{alias}.{quoted(field.column)}" for field in model._meta.concrete_fields)
