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
ui/startup/preload.py).

On PostgreSQL the ids come back the same way (``string_agg`` in the query's order: one
value of a few hundred kilobytes instead of 100,000 rows, each with its own message
and Python tuple); rows are stepped, as lists, with the driver's values (dates as dates).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import peewee as pw

from .models import database


class IdList(Sequence):
    """Ids read as one string ("7,3,12"), made into ints as they are needed: the first
    ``HEAD`` at once, the rest at the first use beyond them. A list shows its first rows
    and its count at once, and 100,000 ids would otherwise cost 10 ms of Python (holding
    the GIL) before the window can paint them."""

    __slots__ = ("_count", "_head", "_ids", "_text")
    HEAD = 1000

    def __init__(self, text: str):
        self._text = text
        self._count = text.count(",") + 1 if text else 0
        self._ids: list[int] | None = None
        pieces = text.split(",", self.HEAD) if text else []
        self._head = [int(piece) for piece in pieces[:self.HEAD]]

    def _all(self) -> list[int]:
        if self._ids is None:
            self._ids = json.loads(f"[{self._text}]") if self._text else []
            self._text = ""
        return self._ids

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if self._ids is None:
            head = self._head
            if isinstance(index, slice):
                if index.step is None and (index.start or 0) >= 0 and index.stop is not None \
                        and 0 <= index.stop <= len(head):
                    return head[index]
            elif 0 <= index < len(head):
                return head[index]
        return self._all()[index]

    def __iter__(self) -> Iterator[int]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IdList):
            other = other._all()
        return self._all() == other if isinstance(other, list) else NotImplemented

    __hash__ = None  # like a list

    def __repr__(self) -> str:
        return f"IdList({self._all()!r})"


def ids_of(query: pw.SelectQuery, lazy: bool = False) -> list[int] | IdList:
    """The values of ``query``'s one selected column, which must be named ``id``, in the
    query's order; with ``lazy``, as an IdList (on SQLite) for a list on screen."""
    db = database.obj
    sql, params = query.sql()
    if isinstance(db, pw.SqliteDatabase):
        text = db.execute_sql(f"SELECT group_concat(found.id) FROM ({sql}) AS found", params).fetchone()[0]
        if lazy:
            return IdList(text or "")
        return json.loads(f"[{text}]") if text else []
    if isinstance(db, pw.PostgresqlDatabase):
        # (PostgreSQL's manual, "Aggregate Functions": values from a sorted subquery reach
        # the aggregate in its order when the outer query does nothing else)
        text = db.execute_sql(f"SELECT string_agg(found.id::text, ',') FROM ({sql}) AS found",
                              params).fetchone()[0]
        if lazy:
            return IdList(text or "")
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
    return [list(row) for row in db.execute(query)]


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
