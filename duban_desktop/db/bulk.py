"""Fast bulk inserts: one prepared INSERT, many parameter rows (sample data, imports).

peewee's insert_many builds SQL text for every row, which costs most of the time at
100,000 rows; here the statement is generated once and the rows go through the DB-API
``executemany``. Missing keys take the field's default, like Model.create would.
"""

from __future__ import annotations

from collections.abc import Iterable

import peewee as pw

from .models import database


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
    sql, _ = model.insert({field: None for field in fields}).sql()
    # db_value() per value costs more than the insert itself: call it only for values
    # the driver cannot take as they are (None, text and numbers for text and number
    # columns pass straight through; dates, times, flags go through the field)
    pairs = [(field.name, _converter(field)) for field in fields]
    cursor = database.cursor()
    for start in range(0, len(rows), chunk):
        params = [[convert(row.get(name, defaults[name])) for name, convert in pairs]
                  for row in rows[start:start + chunk]]
        cursor.executemany(sql, params)
    return len(rows)


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
