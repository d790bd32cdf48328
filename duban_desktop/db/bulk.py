"""Fast bulk inserts: one prepared INSERT, many parameter rows (sample data, imports, the
copy of a register onto the server).

peewee's insert_many builds SQL text for every row, which costs most of the time at
100,000 rows; here the statement is generated once. On SQLite the rows go through the
DB-API ``executemany``; on PostgreSQL ``executemany`` would be one round trip per row, so
the rows go as multi-row VALUES lists of PAGE rows each (psycopg2's ``execute_values``).
Missing keys take the field's default, like Model.create would. Rows stored with their
ids given move the table's id sequence past them on PostgreSQL (``server.reset_sequences``),
so that the next registration gets a new id.
"""

from __future__ import annotations

from collections.abc import Iterable

import peewee as pw

from .models import database

PAGE = 1000  # rows in one statement on PostgreSQL


def bulk_insert(model, rows: Iterable[dict], chunk: int = 5000) -> int:
    rows = list(rows)
    if not rows:
        return 0
    keys = set().union(*rows)
    primary = model._meta.primary_key
    # every column (peewee adds defaulted ones itself), the key only when given
    fields = [f for f in model._meta.sorted_fields if f is not primary or f.name in keys]
    unknown = keys - {f.name for f in fields}
    if unknown:
        raise KeyError(f"{model.__name__} has no fields {sorted(unknown)}")
    defaults = {}
    for field in fields:
        default = field.default
        defaults[field.name] = default() if callable(default) else default
    # db_value() per value costs more than the insert itself: call it only for values
    # the driver cannot take as they are (None, text and numbers for text and number
    # columns pass straight through; dates, times, flags go through the field)
    pairs = [(field.name, _converter(field)) for field in fields]
    db = database.obj
    if isinstance(db, pw.PostgresqlDatabase):
        insert_values(db, model._meta.table_name, [f.column_name for f in fields],
                      ([convert(row.get(name, defaults[name])) for name, convert in pairs] for row in rows))
        if primary is not None and primary.name in keys:
            from .server import reset_sequences

            reset_sequences(db, [model])
        return len(rows)
    sql, _ = model.insert({field: None for field in fields}).sql()
    cursor = database.cursor()
    for start in range(0, len(rows), chunk):
        params = [[convert(row.get(name, defaults[name])) for name, convert in pairs]
                  for row in rows[start:start + chunk]]
        cursor.executemany(sql, params)
    return len(rows)


def insert_values(db: pw.PostgresqlDatabase, table: str, columns: list[str], rows: Iterable) -> None:
    """Insert ``rows`` (sequences of driver values, in ``columns``' order) into ``table``
    on PostgreSQL, PAGE rows a statement."""
    from psycopg2.extras import execute_values

    names = ", ".join(f'"{c}"' for c in columns)
    sql = f'INSERT INTO "{table}" ({names}) VALUES %s'
    cursor = db.cursor()
    page: list = []
    for row in rows:
        page.append(row)
        if len(page) >= PAGE:
            execute_values(cursor, sql, page, page_size=PAGE)
            page = []
    if page:
        execute_values(cursor, sql, page, page_size=PAGE)


def _converter(field):
    db_value = field.db_value
    if isinstance(field, (pw.CharField, pw.TextField)):
        plain: type = str
    elif isinstance(field, (pw.IntegerField, pw.AutoField, pw.ForeignKeyField)):
        plain = int  # (a key of another type is not an int: it goes through db_value)
    else:
        return db_value

    def convert(value):
        if value is None or type(value) is plain:
            return value
        return db_value(value)

    return convert
