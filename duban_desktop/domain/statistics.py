"""The numbers leaders ask for: by unit, by source, by month.

Definitions (printed under the ledger's statistics sheet too):
- 交办 assigned: registered items, not voided (items waiting for approval or not
  registered do not count);
- 办结 closed: result reviewed and fed back;
- 按期办结 closed on time: closed, and the result that passed review was reported on or
  before the deadline in force (approved extensions move it);
- 未办结 open: assigned and not closed; 逾期 overdue: the handling unit's lateness, as
  domain/state.py says it (not reported by the deadline in force, or reported after it
  and not yet closed); a result reported on time that waits for the office's review or
  feedback is not overdue;
- 办结率 = 办结 / 交办; 按期办结率 = 按期办结 / 办结.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from ..db.models import SupervisionItem, Unit, UnitTask
from . import state
from .vocab import ITEM_OPEN_STATES, ITEM_SOURCES

OPEN_STATES = ITEM_OPEN_STATES
ASSIGNED_STATES = (*OPEN_STATES, "closed")

DEFINITIONS = (
    "交办：已立项且未撤销的事项；办结：已审理通过并反馈；"
    "按期办结：办结且通过审理的办理结果在完成时限（含批准延期）内报送；"
    "逾期：未办结，且承办单位未在完成时限内报送办理结果（含逾期后才报送、尚待审理或反馈的）；"
    "承办单位按期报送、等待本办审理或反馈的，不计逾期。"
    "办结率＝办结÷交办；按期办结率＝按期办结÷办结。"
)

GROUPINGS = {"unit": "承办单位", "source": "立项依据", "month": "立项月份"}
# a unit's tasks counted apart by its role: 主办, and 协办 with 配合
ROLE_GROUPS = {"lead": "主办", "assist": "协办"}  # (协办 with 配合: the labels stay short)
UNIT_DEFINITIONS = (
    "各单位按其在事项中的角色分列：主办；协办（含配合）。交办：该单位承担任务的事项；办结：事项已办结；"
    "按期办结：事项办结且该单位在其完成时限内报送；逾期：事项未办结，且该单位未在其完成时限内报送"
    "（含逾期后才报送的）。")


@dataclass
class StatRow:
    key: object
    label: str
    assigned: int = 0
    closed: int = 0
    closed_on_time: int = 0
    open: int = 0
    overdue: int = 0

    @property
    def completion_rate(self) -> float | None:
        return self.closed / self.assigned if self.assigned else None

    @property
    def on_time_rate(self) -> float | None:
        return self.closed_on_time / self.closed if self.closed else None

    def add(self, other: StatRow) -> None:
        for name in ("assigned", "closed", "closed_on_time", "open", "overdue"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _count(condition) -> pw.Expression:
    return pw.fn.SUM(pw.Case(None, [(condition, 1)], 0))


def unit_role_statistics(*, year: int | None = None, today: dt.date | None = None,
                         where=None) -> tuple[list[StatRow], StatRow]:
    """Each unit's tasks, 主办 and 协办 (with 配合) counted apart, each judged by its own
    deadline (state.task_overdue_sql); rows labelled “单位（主办）”, most assigned first."""
    today = today or dt.date.today()
    item, task = SupervisionItem, UnitTask
    group = pw.Case(None, [(task.role == "lead", "lead")], "assist")
    columns = [
        pw.fn.COUNT(task.id).alias("assigned"),
        _count(item.state == "closed").alias("closed"),
        _count(state.task_closed_on_time_sql()).alias("closed_on_time"),
        _count(item.state.in_(OPEN_STATES)).alias("open"),
        _count(state.task_overdue_sql(today)).alias("overdue"),
    ]
    query = (task.select(Unit.id, Unit.name, group.alias("g"), *columns)
             .join(item, on=(task.item == item.id)).switch(task).join(Unit, on=(task.unit == Unit.id))
             .where(item.state.in_(ASSIGNED_STATES)))
    if year is not None:
        query = query.where(item.registered_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    if where is not None:
        query = query.where(where)
    rows = []
    for unit_id, name, role, *counts in query.group_by(Unit.id, Unit.name, group).tuples():
        rows.append(StatRow((unit_id, role), f"{name}（{ROLE_GROUPS[role]}）", *[int(v or 0) for v in counts]))
    # a unit's two rows together (主办 first), the units with most tasks first
    per_unit: dict[int, int] = {}
    for row in rows:
        per_unit[row.key[0]] = per_unit.get(row.key[0], 0) + row.assigned
    rows.sort(key=lambda r: (-per_unit[r.key[0]], r.label.rsplit("（", 1)[0], r.key[1] != "lead"))
    total = StatRow(None, "合计")
    for row in rows:
        total.add(row)
    return rows, total


def statistics(by: str, *, year: int | None = None, today: dt.date | None = None,
               where=None) -> tuple[list[StatRow], StatRow]:
    """Rows grouped ``by`` unit / source / month, and the 合计 row."""
    if by not in GROUPINGS:
        raise ValueError(by)
    today = today or dt.date.today()
    item = SupervisionItem
    closed = item.state == "closed"
    is_open = item.state.in_(OPEN_STATES)
    columns = [
        pw.fn.COUNT(item.id).alias("assigned"),
        _count(closed).alias("closed"),
        _count(state.closed_on_time_sql()).alias("closed_on_time"),
        _count(is_open).alias("open"),
        _count(state.overdue_sql(today)).alias("overdue"),
    ]
    if by == "unit":
        keys = [Unit.id, Unit.name]
        query = item.select(*keys, *columns).join(Unit, on=(item.lead_unit == Unit.id))
    elif by == "source":
        keys = [item.source]
        query = item.select(*keys, *columns)
    else:
        keys = [item.registered_on.year, item.registered_on.month]
        query = item.select(keys[0].alias("y"), keys[1].alias("m"), *columns)
    query = query.where(item.state.in_(ASSIGNED_STATES))
    if year is not None:
        query = query.where(item.registered_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    if where is not None:
        query = query.where(where)
    query = query.group_by(*keys)

    rows = []
    for rec in query.tuples():
        head, counts = rec[: len(keys)], [int(v or 0) for v in rec[len(keys):]]
        if by == "unit":
            key, label = head[0], head[1]
        elif by == "source":
            key, label = head[0], ITEM_SOURCES.get(head[0], head[0])
        else:
            key = (int(head[0]), int(head[1]))
            label = f"{key[0]}年{key[1]}月"
        rows.append(StatRow(key, label, *counts))
    if by == "source":
        order = list(ITEM_SOURCES)
        rows.sort(key=lambda r: order.index(r.key) if r.key in order else len(order))
    elif by == "month":
        rows.sort(key=lambda r: r.key)
    else:
        rows.sort(key=lambda r: (-r.assigned, r.label))
    total = StatRow(None, "合计")
    for row in rows:
        total.add(row)
    return rows, total
