"""Where a step's records go: one set of record functions, two ways of storing them.

The record functions (``item_records``, ``case_records``) say what a step writes: the
fields of the item or case it changes, its own record (an urge, a report, a review, a
session ...) and its history rows. The steps run them on a model instance with
``LiveWrites`` (each record stored at once, as the step's transaction goes); the
importer and the sample data run the very same functions on ``Row``s (plain column
values not stored yet) with ``BulkWrites``, which collects the rows and stores them in
bulk. So what an import or the demo writes is what the steps would have written: the
same records, counters, history rows and (through the search triggers) search text.

Several desks may work on one register at once (a shared server): a step reads its item
or case locked (``db.connection.lock_row``), and ``LiveWrites.save`` writes back only
the fields the step changed, counters as ``+ n`` in SQL, one more ``version`` and the
server's time, so that no desk's change undoes another's.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import peewee as pw

from ..db.bulk import bulk_insert
from ..db.connection import BUSY_LIMIT_S, classify_lock, describe_open, is_server, server_now
from ..db.errors import DatabaseBusyError, RecordBusyError
from ..db.models import ChangeLog, Unit, UnitTask, Urge, database
from . import history
from .errors import NotFound, ValidationError

# the columns that point at the item, case or unit task a record belongs to (a Row until stored)
_REFERENCES = ("item", "case", "entity_id", "unit_task", "parent")


class Row(dict):
    """A record not stored yet, as its column values, read and set like a model's fields
    (a foreign key holds the other record's id, or the other Row)."""

    __slots__ = ()

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value) -> None:
        self[name] = value

    @classmethod
    def of(cls, model, **values) -> Row:
        """A new record of ``model``: every field's default, then ``values``."""
        plain, computed = _defaults(model)
        row = cls(plain)
        for name, make in computed:
            if name not in values:
                row[name] = make()
        row.update(values)
        return row


_DEFAULTS: dict[type, tuple[dict, list]] = {}


def _defaults(model) -> tuple[dict, list]:
    """A model's field defaults: (name -> value, [(name, function)] for computed ones)."""
    if model not in _DEFAULTS:
        plain, computed = {}, []
        for field in model._meta.sorted_fields:
            if field is not model._meta.primary_key:
                if callable(field.default):
                    computed.append((field.name, field.default))
                else:
                    plain[field.name] = field.default
        _DEFAULTS[model] = plain, computed
    return _DEFAULTS[model]


class LiveWrites:
    """The steps' way: each record is created at once (inside the step's transaction).

    ``batch``: the step ends by ``save``-ing its item, which also stores what was put off
    until then: the unit tasks it changed (in one UPDATE however many) and its history
    rows (in one INSERT). On the office's server every statement is a round trip."""

    def __init__(self, operator: str | None = None, *, batch: bool = False):
        self.operator = operator or history.current_operator()
        self._counted: dict[tuple[type, int, str], int] = {}
        self._tasks: dict[int, list] = {}
        self._batch = batch
        self._pending_tasks: dict[int, object] = {}
        self._pending_log: list[dict] = []
        self._pending_records: list = []  # urges, several units urged in one step

    def add(self, model, **values):
        if self._batch and model is Urge:  # stored with the item's save, all in one INSERT
            made = model(**values)
            self._pending_records.append(made)
            return made
        made = model.create(**values)
        if model is UnitTask and made.item_id in self._tasks:
            self._tasks[made.item_id].append(made)
        return made

    def tasks(self, item) -> list:
        """The item's unit tasks with their units, lead first (read once a step; the step
        holds the item's lock, which covers its tasks: every writer of a task locks its
        item first)."""
        if item.id not in self._tasks:
            self._tasks[item.id] = list(UnitTask.select(UnitTask, Unit).join(Unit, on=(UnitTask.unit == Unit.id))
                                        .where(UnitTask.item == item.id)
                                        .order_by(UnitTask.position, UnitTask.id))
        return self._tasks[item.id]

    def save_task(self, task) -> None:
        """Store what the step changed on a unit task (as ``save`` does for the item; in
        a batch, with the item's save)."""
        if self._batch:
            self._pending_tasks[task.id] = task
        elif task.dirty_fields:
            self.save(task)

    def count(self, target, field: str, by: int = 1) -> None:
        """Add ``by`` to the counter ``field`` of ``target``: in memory now, in the
        database by ``save`` as ``field = field + by`` (never a value read earlier)."""
        target.__data__[field] = (target.__data__.get(field) or 0) + by
        key = (type(target), target.id, field)
        self._counted[key] = self._counted.get(key, 0) + by

    def changed(self, target) -> None:
        """The step changed ``target``: its version goes up by one when ``save`` stores it."""

    def save(self, target) -> None:
        """Store the fields of ``target`` (an item or a case) that the step changed, its
        counters in SQL, one more version and the server's time as updated_at, in one
        UPDATE; the instance gets the stored values. (In a batch, the unit tasks and the
        history rows put off first.)"""
        if self._pending_tasks:
            _save_together([t for t in self._pending_tasks.values() if t.dirty_fields])
            self._pending_tasks.clear()
        if self._pending_records:
            _insert_together(self._pending_records)
            self._pending_records.clear()
        if self._pending_log:
            ChangeLog.insert_many(self._pending_log).execute()
            self._pending_log.clear()
        save_changes(target, {field: by for (model, pk, field), by in self._counted.items()
                              if model is type(target) and pk == target.id})
        for key in [k for k in self._counted if k[0] is type(target) and k[1] == target.id]:
            del self._counted[key]

    def log(self, entity: str, target, action: str, *, field: str = "", old="", new="",
            note: str = "", day: dt.date | None = None) -> None:
        if self._batch:
            self._pending_log.append({"at": server_now(), "operator": self.operator, "entity": entity,
                                      "entity_id": target.id, "action": action, "field": field,
                                      "old_value": history.as_text(old), "new_value": history.as_text(new),
                                      "note": note})
            return
        history.record(entity, target.id, action, field=field, old=old, new=new, note=note,
                       operator=self.operator)


class BulkWrites:
    """The importer's and the sample data's way: records collected per model and stored
    together by ``flush`` (after the items or cases they belong to, whose ids are known
    by then). ``at(day)`` dates a history row from the day of its step (the sample
    data's history reads as if it had happened); by default every row is dated now."""

    def __init__(self, operator: str, at: Callable[[dt.date | None], dt.datetime] | None = None):
        self.operator = operator
        now = server_now() if at is None else None  # the server's clock, as the steps' rows
        self._at = at or (lambda day: now)
        self.rows: dict[type, list[Row]] = {}
        self._tasks: dict[int, list[Row]] = {}  # id() of an item's Row -> its task Rows

    def add(self, model, **values) -> Row:
        # (a unit task is read and counted by the later steps: every field there from the start)
        row = Row.of(model, **values) if model is UnitTask else Row(values)
        self.rows.setdefault(model, []).append(row)
        if model is UnitTask:
            self._tasks.setdefault(id(values["item"]), []).append(row)
        return row

    def tasks(self, item: Row) -> list[Row]:
        """The unit tasks added for the item's Row, lead first."""
        return self._tasks.get(id(item), [])

    def save_task(self, task: Row) -> None:
        """(A Row is stored as it is at ``flush``.)"""

    def count(self, target, field: str, by: int = 1) -> None:
        """Add ``by`` to the counter ``field`` of a Row (stored with it)."""
        target[field] = (target.get(field) or 0) + by

    def changed(self, target) -> None:
        """A step changed the Row ``target``: one more version, as the step's save gives."""
        target["version"] = (target.get("version") or 1) + 1

    def log(self, entity: str, target, action: str, *, field: str = "", old="", new="",
            note: str = "", day: dt.date | None = None) -> None:
        self.add(ChangeLog, at=self._at(day), operator=self.operator, entity=entity, entity_id=target,
                 action=action, field=field, old_value=history.as_text(old),
                 new_value=history.as_text(new), note=note)

    def flush(self, *models) -> None:
        """Store the rows of ``models`` (in that order); references to Rows become ids.
        Unit tasks are given the ids they were stored with (found again by their item and
        unit, which are unique), so that the urges and reports after them can point at
        them."""
        for model in models:
            rows = self.rows.pop(model, [])
            for row in rows:
                for key in _REFERENCES:
                    value = row.get(key)
                    if isinstance(value, Row):
                        row[key] = value["id"]
            bulk_insert(model, rows)
            if model is UnitTask:
                _find_task_ids(rows)
                self._tasks.clear()


def _insert_together(records: list) -> None:
    """Insert new records of one model in one statement; each is given its id."""
    model = type(records[0])
    rows = [{f.name: r.__data__[f.name] for f in model._meta.sorted_fields
             if f is not model._meta.primary_key and f.name in r.__data__} for r in records]
    ids = model.insert_many(rows).returning(model._meta.primary_key).tuples().execute()
    for record, (record_id,) in zip(records, ids, strict=True):
        record.id = record_id
        record._dirty.clear()


def _save_together(tasks: list) -> None:
    """Store the changed fields of several unit tasks in one UPDATE (each field a CASE on
    the task's id), one more version each."""
    if not tasks:
        return
    if len(tasks) == 1:
        save_changes(tasks[0])
        return
    fields = {f for t in tasks for f in t.dirty_fields if f.name not in ("id", "version")}
    values = {field: pw.Case(UnitTask.id, [(t.id, field.db_value(t.__data__[field.name])) for t in tasks
                                           if field in t.dirty_fields], field)
              for field in fields}
    values[UnitTask.version] = UnitTask.version + 1
    UnitTask.update(values).where(UnitTask.id.in_([t.id for t in tasks])).execute()
    for t in tasks:
        t.__data__["version"] = (t.__data__.get("version") or 1) + 1
        t._dirty.clear()


def _find_task_ids(rows: list[Row], chunk: int = 500) -> None:
    """Give stored unit task Rows their ids (by their unique item and unit)."""
    wanting = {(row["item"], row["unit"]): row for row in rows if row.get("id") is None}
    items = sorted({item for item, _unit in wanting})
    for start in range(0, len(items), chunk):
        query = (UnitTask.select(UnitTask.id, UnitTask.item, UnitTask.unit)
                 .where(UnitTask.item.in_(items[start:start + chunk])).tuples())
        for task_id, item_id, unit_id in query:
            row = wanting.get((item_id, unit_id))
            if row is not None:
                row["id"] = task_id


def save_changes(target, counted: dict[str, int] | None = None) -> None:
    """One UPDATE of ``target`` (a SupervisionItem or CoordinationCase, read locked by the
    step): the fields changed on it (peewee's dirty fields; a field never touched is never
    written, so another desk's change to it stays), each counter of ``counted`` as
    ``field = field + n``, ``version = version + 1`` and updated_at by the server's clock.
    The instance is given what was stored (RETURNING)."""
    model = type(target)
    counted = counted or {}
    fields = model._meta.fields
    values = {f: target.__data__[f.name] for f in target.dirty_fields
              if f.name not in counted and f.name not in ("version", "updated_at", "id")}
    for name, by in counted.items():
        values[fields[name]] = fields[name] + by
    values[model.version] = model.version + 1
    back = [model.version, *(fields[name] for name in counted)]
    if "updated_at" in fields:  # (a unit task has none: its item's says when)
        values[model.updated_at] = server_now()
        back.insert(1, model.updated_at)
    query = (model.update(values).where(model._meta.primary_key == target.id)
             .returning(*back).tuples())
    stored = list(query.execute())
    if not stored:
        raise NotFound("要修改的记录已不存在，它可能已被删除。")
    for field, value in zip(back, stored[0], strict=True):
        target.__data__[field.name] = field.python_value(value)
    target._dirty.clear()


def wait_for_others(statement: Callable[[], object]):
    """Run ``statement`` (one write) and return what it returns. On the server a write
    that meets another desk's uncommitted row (the same new unit name, the same year's
    first number) waits for that desk's transaction: a quarter second at a time (the
    transaction's lock_timeout), each try in a savepoint, up to BUSY_LIMIT_S."""
    if not is_server():
        return statement()  # SQLite: the write transaction already keeps every other writer out
    db = database.obj
    started = time.monotonic()
    while True:
        try:
            with db.atomic():
                return statement()
        except pw.OperationalError as exc:
            if not isinstance(classify_lock(exc), DatabaseBusyError):
                raise
            waited = time.monotonic() - started
            if waited >= BUSY_LIMIT_S:
                raise RecordBusyError(describe_open(), waited) from exc


def is_unique_violation(exc: BaseException) -> bool:
    """True when ``exc`` (peewee's IntegrityError) is a UNIQUE constraint refusing a row."""
    seen: BaseException | None = exc
    for _ in range(8):  # peewee's error and the driver's it was raised from
        if seen is None:
            break
        if getattr(seen, "pgcode", None) == "23505" or "UNIQUE constraint failed" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def insert_unique(statement: Callable[[], object], message: str, field: str = "number"):
    """``wait_for_others(statement)``; a UNIQUE constraint refusing it (another desk stored
    the same number or name a moment earlier) becomes a ValidationError saying
    ``message`` (nothing is stored: the step's transaction is rolled back)."""
    try:
        return wait_for_others(statement)
    except pw.IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise ValidationError(field, message) from exc
