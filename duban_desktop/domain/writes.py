"""Where a step's records go: one set of record functions, two ways of storing them.

The record functions (``item_records``, ``case_records``) say what a step writes: the
fields of the item or case it changes, its own record (an urge, a report, a review, a
session ...) and its history rows. The steps run them on a model instance with
``LiveWrites`` (each record stored at once, as the step's transaction goes); the
importer and the sample data run the very same functions on ``Row``s (plain column
values not stored yet) with ``BulkWrites``, which collects the rows and stores them in
bulk. So what an import or the demo writes is what the steps would have written: the
same records, counters, history rows and (through the search triggers) search text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..db.bulk import bulk_insert
from ..db.models import ChangeLog
from . import history

# the columns that point at the item or case a record belongs to (a Row until stored)
_REFERENCES = ("item", "case", "entity_id")


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
    """The steps' way: each record is created at once (inside the step's transaction)."""

    def __init__(self, operator: str | None = None):
        self.operator = operator or history.current_operator()

    def add(self, model, **values):
        return model.create(**values)

    def log(self, entity: str, target, action: str, *, field: str = "", old="", new="",
            note: str = "", day: dt.date | None = None) -> None:
        history.record(entity, target.id, action, field=field, old=old, new=new, note=note,
                       operator=self.operator)


class BulkWrites:
    """The importer's and the sample data's way: records collected per model and stored
    together by ``flush`` (after the items or cases they belong to, whose ids are known
    by then). ``at(day)`` dates a history row from the day of its step (the sample
    data's history reads as if it had happened); by default every row is dated now."""

    def __init__(self, operator: str, at: Callable[[dt.date | None], dt.datetime] | None = None):
        self.operator = operator
        now = dt.datetime.now().replace(microsecond=0)
        self._at = at or (lambda day: now)
        self.rows: dict[type, list[Row]] = {}

    def add(self, model, **values) -> Row:
        row = Row(values)
        self.rows.setdefault(model, []).append(row)
        return row

    def log(self, entity: str, target, action: str, *, field: str = "", old="", new="",
            note: str = "", day: dt.date | None = None) -> None:
        self.add(ChangeLog, at=self._at(day), operator=self.operator, entity=entity, entity_id=target,
                 action=action, field=field, old_value=history.as_text(old),
                 new_value=history.as_text(new), note=note)

    def flush(self, *models) -> None:
        """Store the rows of ``models`` (in that order); references to Rows become ids."""
        for model in models:
            rows = self.rows.pop(model, [])
            for row in rows:
                for key in _REFERENCES:
                    value = row.get(key)
                    if isinstance(value, Row):
                        row[key] = value["id"]
            bulk_insert(model, rows)
