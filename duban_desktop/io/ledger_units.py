"""The ledger's 单位任务 sheet: one row per handling unit's task (单位任务) of the items
the ledger holds, each judged by the unit's own deadline (domain/state.py:
``unit_task_state``), coloured as the 督办台账 is."""

from __future__ import annotations

import datetime as dt

from ..db.models import SupervisionItem, Unit, UnitTask
from ..domain import state as states
from ..domain.dates import format_cn
from ..domain.ledger import ItemFilter, condition
from ..domain.vocab import UNIT_ROLES
from .ledger_export import _ORDER, FILLS, CellSpec, _day, _rows, _Sheet, describe_filter

UNITS_SHEET = "单位任务"
_COLUMNS = (
    ("序号", 5, "int"), ("编号", 15, "center"), ("督办事项", 24, "text"), ("承办单位", 15, "center"),
    ("角色", 5, "center"), ("任务", 16, "text"), ("负责人", 7, "center"), ("完成时限", 13, "date"),
    ("签收日期", 13, "date"), ("报送日期", 13, "date"), ("逾期天数（工作日）", 6.5, "int"), ("情况", 8, "center"),
)


def write_unit_tasks(wb, styles, f: ItemFilter, ticker, *, office: str, today: dt.date) -> int:
    """The sheet; the number of task rows written."""
    rules = states.rules(today)
    cond = condition(f, today)
    item, task = SupervisionItem, UnitTask
    query = (task.select(item.number, item.title, Unit.name, task.role, task.part, task.responsible_person,
                         task.deadline, task.signed_on, task.reported_on, task.state, item.state)
             .join(item, on=(task.item == item.id)).switch(task).join(Unit, on=(task.unit == Unit.id))
             .where(cond).order_by(*_ORDER, task.position, task.id))
    subtitle = (f"导出日期：{format_cn(today)}    范围：{describe_filter(f)}    "
                "每个承办单位一行，按该单位自己的完成时限判断是否逾期；逾期天数按工作日计")
    sheet = _Sheet(wb, styles, UNITS_SHEET, [c[1] for c in _COLUMNS], title=f"{office}督办事项单位任务",
                   subtitle=subtitle, office=office, today=today)
    sheet.write_heading([c[0] for c in _COLUMNS], "E4")
    width = sheet.width
    by_tone = {tone: [CellSpec(kind, tone) for _h, _w, kind in _COLUMNS] for tone in ("", *FILLS)}
    labels = states.TASK_STATES
    seq = 0
    for (number, title, unit, role, part, person, deadline, signed, reported, task_state,
         item_state) in _rows(query):
        seq += 1
        deadline, reported = _day(deadline), _day(reported)
        code = states.unit_task_state(rules, item_state, task_state, deadline, reported)
        tone = states.tone(code)
        late = (states.days_late(rules, "awaiting_review" if task_state != "open" else "in_progress",
                                 deadline, reported) if code == states.OVERDUE else None)
        sheet.stream.write((seq, number or "", title, unit, UNIT_ROLES.get(role, role), part, person, deadline,
                            _day(signed), reported, late, labels[code]),
                           by_tone[tone if tone in FILLS else ""])
        ticker.tick()
    if not seq:
        note = CellSpec("text", "note")
        sheet.stream.write(["（没有符合条件的单位任务）"] + [None] * (width - 1), [note] * width)
        sheet.merge_row(4)
    sheet.ws.auto_filter.ref = f"A3:{sheet.letter(width)}{max(sheet.stream.row, 4)}"
    return seq
