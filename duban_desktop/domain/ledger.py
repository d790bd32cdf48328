"""督办台账: filtering and sorting the register in SQL, fetching rows for display.

One query filters and sorts and returns only ids; rows are fetched in small batches for
what is on screen (the window) or streamed in order (the Excel export). The same
``ItemFilter`` serves the window's filter bar, the ledger export and the command line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

import peewee as pw

from ..db import search
from ..db.ids import distinct_desc, ids_of
from ..db.models import SupervisionItem, Unit, UnitTask
from . import state as states
from .dates import stored_date
from .errors import ValidationError
from .vocab import ITEM_OPEN_STATES, ITEM_SOURCES, ITEM_STATES

OPEN = "open"  # pseudo-state: every open state (办理中、待审理、待反馈)


class ItemFilter(NamedTuple):
    text: str = ""
    state: str | None = None  # a state code, or "open"
    unit: int | None = None  # a unit id: lead or assisting
    source: str | None = None
    year: int | None = None  # registration year
    overdue_only: bool = False  # 只看逾期: domain/state.py's overdue

    def validated(self) -> ItemFilter:
        if self.state not in (None, OPEN) and self.state not in ITEM_STATES:
            raise ValidationError("state", f"没有“{self.state}”这种状态。可选:{'、'.join(ITEM_STATES.values())}。")
        if self.source is not None and self.source not in ITEM_SOURCES:
            raise ValidationError("source", f"没有“{self.source}”这种立项依据。")
        if self.year is not None and not 1990 <= self.year <= 2100:
            raise ValidationError("year", f"年份 {self.year} 不合理。")
        return self


def condition(f: ItemFilter, today: dt.date | None = None) -> pw.Expression:
    """The WHERE expression for a filter (True when nothing is filtered)."""
    f = f.validated()
    item = SupervisionItem
    parts: list[pw.Expression] = []
    if f.state == OPEN:
        parts.append(item.state.in_(ITEM_OPEN_STATES))
    elif f.state:
        parts.append(item.state == f.state)
    if f.source:
        parts.append(item.source == f.source)
    if f.year:
        parts.append(item.registered_on.between(dt.date(f.year, 1, 1), dt.date(f.year, 12, 31)))
    if f.unit:
        # (any role: the lead unit's task is one of the unit's tasks)
        parts.append(item.id.in_(UnitTask.select(UnitTask.item).where(UnitTask.unit == f.unit)))
    if f.overdue_only:
        parts.append(states.overdue_sql(today or dt.date.today()))
    for word in f.text.split():
        # the search line holds the units' names too: one lookup per word
        text = search.item_text_match(word)
        if text is None:  # no search table (another database server): the columns themselves
            units = Unit.select(Unit.id).where(Unit.name.contains(word))
            assisting = UnitTask.select(UnitTask.item).where(UnitTask.unit.in_(units))
            text = (item.title.contains(word) | item.number.contains(word)
                    | item.leader_instruction.contains(word) | item.instructing_leader.contains(word)
                    | item.responsible_person.contains(word) | item.lead_unit.in_(units)
                    | item.id.in_(assisting))
        parts.append(text)
    expr: pw.Expression = pw.SQL("1 = 1")
    for part in parts:
        expr = expr & part
    return expr


# column key -> ORDER BY fields (ascending); ties always break by id
SORT_KEYS = {
    "number": (SupervisionItem.seq_year, SupervisionItem.seq),
    "title": (SupervisionItem.title,),
    "source": (SupervisionItem.source,),
    "lead_unit": (Unit.name,),
    "responsible_person": (SupervisionItem.responsible_person,),
    "registered_on": (SupervisionItem.registered_on,),
    "deadline": (SupervisionItem.deadline,),
    "days_left": (SupervisionItem.deadline,),
    "urge_count": (SupervisionItem.urge_count,),
    "state": (SupervisionItem.state,),
}


def item_ids(f: ItemFilter = ItemFilter(), sort: str = "number", descending: bool = False,
             today: dt.date | None = None, lazy: bool = False) -> Sequence[int]:
    """Ids of the items matching ``f``, in order: one query, ids only (``lazy``: made
    into ints as they are used, db/ids.py: IdList)."""
    if sort not in SORT_KEYS:
        raise ValueError(sort)
    item = SupervisionItem
    query = item.select(item.id)
    if sort == "lead_unit":
        query = query.join(Unit, on=(item.lead_unit == Unit.id))
    order = [k.desc() if descending else k.asc() for k in SORT_KEYS[sort]]
    order.append(item.id.desc() if descending else item.id.asc())
    query = query.where(condition(f, today)).order_by(*order)
    # not peewee rows: building 100,000 of them would cost ten times the query
    return ids_of(query, lazy)


def count(f: ItemFilter = ItemFilter(), today: dt.date | None = None) -> int:
    return SupervisionItem.select().where(condition(f, today)).count()


class ItemRow(NamedTuple):
    """What the register shows of one item."""

    id: int
    number: str
    title: str
    source: str
    lead_unit: str
    responsible_person: str
    registered_on: dt.date
    deadline: dt.date
    original_deadline: dt.date
    urge_count: int
    last_urged_on: dt.date | None
    state: str
    # what domain/state.py judges the row by
    result_reported_on: dt.date | None = None
    completed_on: dt.date | None = None
    due_on: dt.date | None = None  # what its unit tasks come to (state.py)
    late_units: int = 0
    unit_count: int = 1
    units_done: int = 0
    passed_on: dt.date | None = None  # asked only of items awaiting feedback


_ROW_FIELDS = (SupervisionItem.id, SupervisionItem.number, SupervisionItem.title,
               SupervisionItem.source, Unit.name, SupervisionItem.responsible_person,
               SupervisionItem.registered_on, SupervisionItem.deadline,
               SupervisionItem.original_deadline, SupervisionItem.urge_count,
               SupervisionItem.last_urged_on, SupervisionItem.state,
               SupervisionItem.result_reported_on, SupervisionItem.completed_on,
               SupervisionItem.due_on, SupervisionItem.late_units, SupervisionItem.unit_count,
               SupervisionItem.units_done)


def rows_for(ids: Iterable[int]) -> dict[int, ItemRow]:
    """Display rows for a batch of ids (keep batches a few hundred long)."""
    ids = list(ids)
    if not ids:
        return {}
    passed_on = pw.Case(None, [(SupervisionItem.state == states.PASSED, states.passed_on_sql())], None)
    query = (SupervisionItem.select(*_ROW_FIELDS, passed_on)
             .join(Unit, on=(SupervisionItem.lead_unit == Unit.id))
             .where(SupervisionItem.id.in_(ids)).tuples())
    # (the passing review's date comes through an expression: peewee converts only fields)
    return {r[0]: ItemRow(r[0], r[1] or "", *r[2:-1], stored_date(r[-1])) for r in query}


def iter_items(f: ItemFilter = ItemFilter(), sort: str = "number", descending: bool = False,
               today: dt.date | None = None, batch: int = 500) -> Iterator[SupervisionItem]:
    """Full item records in order, fetched in batches (for exports)."""
    ids = item_ids(f, sort, descending, today)
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        found = {i.id: i for i in SupervisionItem.select().where(SupervisionItem.id.in_(chunk))}
        for item_id in chunk:
            yield found[item_id]


def years() -> list[int]:
    """Registration years present, newest first (for the year filter); one index
    lookup per year (db/ids.py: distinct_desc)."""
    return distinct_desc(SupervisionItem.seq_year)
