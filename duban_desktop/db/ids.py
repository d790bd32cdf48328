"""Long lists of ids and rows, fast: the register asks for 100,000 ids at every start,
the alerts for thousands of rows.

Stepping a cursor makes one Python tuple per row, which costs several times what SQLite
spends finding the rows. On SQLite the ids come back as one string instead
(``group_concat`` over the ordered query: an aggregate over a subquery that has an
ORDER BY keeps that order, since SQLite never flattens such a subquery into it) and are
read in one go (as a JSON array: the C parser reads ints twice as fast as int() on each
piece); other servers step the cursor. Rows come back the same way (``json_group_array``
of one ``json_array`` per row): one step of the statement instead of one per row, which
also keeps a worker thread from waiting for the GIL after every row (see
ui/preload.py).
"""

from __future__ import annotations

import json

import peewee as pw

from .models import database


def ids_of(query: pw.SelectQuery) -> list[int]:
    """The values of ``query``'s one selected column, which must be named ``id``, in the
    query's order."""
    db = database.obj
    sql, params = query.sql()
    if isinstance(db, pw.SqliteDatabase):
        text = db.execute_sql(f"SELECT group_concat(found.id) FROM ({sql}) AS found", params).fetchone()[0]
        return json.loads(f"[{text}]") if text else []
    return [row[0] for row in db.execute_sql(sql, params)]


def rows_of(query: pw.SelectQuery) -> list:
    """The rows of ``query`` in its order, each a sequence of the values as stored (no
    peewee conversion: dates are the stored text). Every selected value must be text, a
    number or NULL."""
    db = database.obj
    if isinstance(db, pw.SqliteDatabase):
        columns = list(query.selected_columns)
        sql, params = query.clone().select(*(c.alias(f"c{n}") for n, c in enumerate(columns))).sql()
        values = ", ".join(f"found.c{n}" for n in range(len(columns)))
        text = db.execute_sql(f"SELECT json_group_array(json_array({values})) FROM ({sql}) AS found",
                              params).fetchone()[0]
        return json.loads(text) if text else []
    return list(db.execute(query))


def distinct_desc(field: pw.Field) -> list[int]:
    """The distinct values of an indexed column (e.g. the registration years), largest
    first, in one statement that looks each one up in the index: a recursive query
    asking "the largest value below the last one found" until there is none. A
    DISTINCT would read every row; this costs the same at a thousand rows as at a
    million."""
    model = field.model
    first = model.select(pw.fn.MAX(field).alias("value")).cte("found", recursive=True, columns=("value",))
    older = model.alias()
    below = older.select(pw.fn.MAX(getattr(older, field.name))).where(getattr(older, field.name) < first.c.value)
    found = first.union_all(pw.Select(from_list=[first], columns=[below]).where(first.c.value.is_null(False)))
    query = found.select_from(found.c.value).where(found.c.value.is_null(False)).tuples()
    return [row[0] for row in query]
