"""The steps of one handling unit's task (单位任务): 签收 so far.

Like every step (supervision.py), each function is one transaction: it checks first,
locks the item (its lock covers its unit tasks: every writer of a task locks its item),
writes through the record functions and records history; nothing is half-written.
"""

from __future__ import annotations

import datetime as dt

from ..db import write_transaction
from ..db.models import SupervisionItem, UnitTask
from . import item_records, unit_tasks
from .dates import format_cn, require_order
from .errors import StepNotAllowed, ValidationError
from .supervision import _date, _locked, _not_future, today
from .units import resolve_unit
from .writes import LiveWrites

# the item's stored states in which its units may still sign for their tasks
SIGNABLE = ("in_progress", "awaiting_review", "passed")


def unsigned_tasks(item: SupervisionItem) -> list[UnitTask]:
    """The item's tasks no unit has signed for yet (lead first)."""
    return [t for t in unit_tasks.tasks(item) if t.signed_on is None]


def can_sign(item: SupervisionItem) -> bool:
    """Whether 签收 is a step to offer: the item is in progress and a unit still at work
    on it has not signed (a unit that has reported needs no reminder of it)."""
    return item.state == "in_progress" and any(t.state == "open" for t in unsigned_tasks(item))


def sign(item_id: int, *, units=None, signed_on=None, now: dt.date | None = None) -> list[UnitTask]:
    """签收: the units (names or ids; None: every unit that has not signed) acknowledged
    their tasks on ``signed_on`` (default today)."""
    now = now or today()
    signed_on = _date("signed_on", signed_on, label="签收日期") if signed_on else now
    _not_future("signed_on", "签收日期", signed_on, now)
    with write_transaction():
        item = _locked(item_id)
        if item.state not in SIGNABLE:
            raise StepNotAllowed("该事项" + ("尚未立项" if item.state == "pending_approval" else "已办结或已撤销")
                                 + "，不能签收。")
        require_order(item.issued_on or item.registered_on, signed_on, field="signed_on",
                      earlier_label="发出时间", later_label="签收日期")
        w = LiveWrites(batch=True)
        tasks = w.tasks(item)
        if units is None:
            chosen = [t for t in tasks if t.signed_on is None]
            if not chosen:
                raise ValidationError("units", "各承办单位都已签收。")
        else:
            if not units:
                raise ValidationError("units", "请勾选已经签收的承办单位。")
            chosen = []
            for value in units:
                unit = resolve_unit(value, field="units", label="签收单位", create=False)
                task = next((t for t in tasks if t.unit_id == unit.id), None)
                if task is None:
                    raise ValidationError("units", f"“{unit.name}”不是该事项的承办单位。")
                if task.signed_on is not None:
                    raise ValidationError("units", f"“{unit.name}”已于{format_cn(task.signed_on)}签收。")
                chosen.append(task)
        names = {t.id: t.unit.name for t in chosen}
        for task in chosen:
            item_records.signed(item, w, task, signed_on=signed_on, unit_name=names[task.id])
        w.save(item)
    return chosen
