"""The list of coordination cases: filter and sort in SQL, ids first, rows in batches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import peewee as pw

from ..db.ids import distinct_desc, ids_of
from ..db.models import CaseParty, ConsultationSession, CoordinationCase, Unit
from . import state
from .errors import ValidationError
from .vocab import CASE_KINDS, CASE_OPEN_STATES, CASE_STATES

OPEN = "open"


class CaseFilter(NamedTuple):
    text: str = ""
    state: str | None = None  # a state code or "open"
    kind: str | None = None
    year: int | None = None
    overdue_only: bool = False


def condition(f: CaseFilter, today: dt.date | None = None) -> pw.Expression:
    case = CoordinationCase
    if f.state not in (None, OPEN) and f.state not in CASE_STATES:
        raise ValidationError("state", f"没有“{f.state}”这种状态。")
    if f.kind is not None and f.kind not in CASE_KINDS:
        raise ValidationError("kind", f"没有“{f.kind}”这种协调类型。")
    expr: pw.Expression = pw.SQL("1 = 1")
    if f.state == OPEN:
        expr &= case.state.in_(CASE_OPEN_STATES)
    elif f.state:
        expr &= case.state == f.state
    if f.kind:
        expr &= case.kind == f.kind
    if f.year:
        expr &= case.requested_on.between(dt.date(f.year, 1, 1), dt.date(f.year, 12, 31))
    if f.overdue_only:
        expr &= state.case_overdue_sql(today or dt.date.today())
    for word in f.text.split():
        units = Unit.select(Unit.id).where(Unit.name.contains(word))
        with_party = CaseParty.select(CaseParty.case).where(CaseParty.unit.in_(units))
        expr &= (case.title.contains(word) | case.number.contains(word) | case.requester.contains(word)
                 | case.description.contains(word) | case.decision.contains(word)
                 | case.id.in_(with_party))
    return expr


SORT_KEYS = {
    "number": (CoordinationCase.seq_year, CoordinationCase.seq),
    "title": (CoordinationCase.title,),
    "kind": (CoordinationCase.kind,),
    "requester": (CoordinationCase.requester,),
    "requested_on": (CoordinationCase.requested_on,),
    "deadline": (CoordinationCase.deadline,),
    "state": (CoordinationCase.state,),
}


def case_ids(f: CaseFilter = CaseFilter(), sort: str = "number", descending: bool = False,
             today: dt.date | None = None, lazy: bool = False) -> Sequence[int]:
    case = CoordinationCase
    order = [k.desc() if descending else k.asc() for k in SORT_KEYS[sort]]
    order.append(case.id.desc() if descending else case.id.asc())
    query = case.select(case.id).where(condition(f, today)).order_by(*order)
    return ids_of(query, lazy)


def count(f: CaseFilter = CaseFilter(), today: dt.date | None = None) -> int:
    return CoordinationCase.select().where(condition(f, today)).count()


class CaseRow(NamedTuple):
    id: int
    number: str
    title: str
    kind: str
    requester: str
    requested_on: dt.date
    deadline: dt.date | None
    state: str
    sessions: int


def rows_for(ids: Iterable[int]) -> dict[int, CaseRow]:
    ids = list(ids)
    if not ids:
        return {}
    case = CoordinationCase
    sessions = (ConsultationSession.select(pw.fn.COUNT(ConsultationSession.id))
                .where(ConsultationSession.case == case.id))
    query = case.select(case.id, case.number, case.title, case.kind, case.requester, case.requested_on,
                        case.deadline, case.state, sessions.alias("n")).where(case.id.in_(ids)).tuples()
    return {r[0]: CaseRow(*r) for r in query}


def years() -> list[int]:
    """Registration years present, newest first (db/ids.py: distinct_desc)."""
    return distinct_desc(CoordinationCase.seq_year)
