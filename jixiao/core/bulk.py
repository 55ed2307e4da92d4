"""Writing many rows at once, for the loads of a whole province: PostgreSQL's COPY and one UPDATE per
chunk from arrays where the database is PostgreSQL, the ORM's bulk insert and update elsewhere.

Columns are named by attribute (`project_id`); the values are those the model stores (no defaults are
filled in, so every column a row needs is given).
"""

import json
from collections.abc import Iterable
from itertools import islice

from django.db import connection, models

CHUNK = 5000


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _fields(model, columns: list[str]) -> list[models.Field]:
    return [model._meta.get_field(name) for name in columns]


def _batches(rows: Iterable, size: int = CHUNK):
    rows = iter(rows)
    while batch := list(islice(rows, size)):
        yield batch


def insert_rows(model, columns: list[str], rows: Iterable[tuple]) -> None:
    """Insert the rows (values in the order of `columns`)."""
    fields = _fields(model, columns)
    if not is_postgresql():
        for batch in _batches(rows):
            model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in batch])
        return
    as_json = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            if as_json:
                row = list(row)
                for index in as_json:
                    row[index] = json.dumps(row[index], ensure_ascii=False)
            copy.write_row(row)


def insert_rows_returning_ids(model, columns: list[str], rows: list[tuple]) -> list[int]:
    """Insert the rows and give their new ids, in the same order."""
    if not rows:
        return []
    if not is_postgresql():
        created = model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows])
        return [instance.pk for instance in created]
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    insert_rows(model, [pk.attname, *columns], ((id_, *row) for id_, row in zip(ids, rows, strict=True)))
    return ids


def update_rows(model, columns: list[str], rows: Iterable[tuple]) -> None:
    """Set the columns of the rows given as (pk, *values)."""
    fields = _fields(model, columns)
    if not is_postgresql():
        for batch in _batches(rows, 1000):
            model.objects.bulk_update(
                [model(pk=row[0], **dict(zip(columns, row[1:], strict=True))) for row in batch], columns
            )
        return
    pk = model._meta.pk
    types = [pk.db_type(connection), *(f.db_type(connection) for f in fields)]
    names = [pk.column, *(f.column for f in fields)]
    quote = connection.ops.quote_name
    arrays = ", ".join(f"%s::{kind}[]" for kind in types)
    settings = ", ".join(f"{quote(f.column)} = new.{quote(f.column)}" for f in fields)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} AS old SET {settings} "
        f"FROM unnest({arrays}) AS new ({', '.join(quote(n) for n in names)}) "
        f"WHERE old.{quote(pk.column)} = new.{quote(pk.column)}"
    )
    with connection.cursor() as cursor:
        for batch in _batches(rows):
            cursor.execute(sql, [list(column) for column in zip(*batch, strict=True)])
