"""Hand-written SQL for the few statements every request runs (the signed-in person with their
memberships, the current cycle): compiling the equivalent queryset costs several times what running it
does.

Each statement is built once per process from the models' own metadata, in SQL that SQLite and PostgreSQL
read alike. Its rows become model instances through `instance_from_row`, which converts the values as the
ORM would (SQLite returns booleans and dates as numbers and text)."""

from collections.abc import Sequence
from functools import lru_cache

from django.db import connection, models


def quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def table(model: type[models.Model]) -> str:
    return quoted(model._meta.db_table)


def column(model: type[models.Model], field: str, alias: str) -> str:
    return f"{alias}.{quoted(model._meta.get_field(field).column)}"


def columns(model: type[models.Model], alias: str) -> str:
    """Every concrete column of `model`, qualified by `alias`, in the order `instance_from_row` reads."""
    return ", ".join(f"{alias}.{quoted(field.column)}" for field in model._meta.concrete_fields)


def rows_of(sql: str, params: Sequence) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@lru_cache
def _readers(model: type[models.Model], _alias: str, _vendor: str) -> tuple[list[str], list[tuple]]:
    """The attribute names of `model`'s columns and, per column, its expression with the converters the
    ORM's compiler applies to it (the backend's, then the field's): found once per process, as they depend
    only on the backend and the settings."""
    names, readers = [], []
    for field in model._meta.concrete_fields:
        expression = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        names.append(field.attname)
        readers.append((expression, converters))
    return names, readers


def instance_from_row(model: type[models.Model], row: Sequence, start: int = 0) -> models.Model:
    """The `model` whose `columns(model, …)` begin at `row[start]`, as the ORM would have read it."""
    names, readers = _readers(model, connection.alias, connection.vendor)
    values = []
    for (expression, converters), value in zip(readers, row[start : start + len(names)], strict=True):
        for convert in converters:
            value = convert(value, expression, connection)
        values.append(value)
    return model.from_db(connection.alias, names, values)
