"""单位任务: the handling units of an item, each with its own task (db/models.py UnitTask).

An item has one task per handling unit: the lead unit's (主办, the item's ``lead_unit``)
and one for each assisting (协办) or cooperating (配合) unit. The record functions
(``item_records``) write them for every writer; this module reads them for the views
and changes the set of units when an item is corrected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..db.models import ResultReport, Unit, UnitTask, Urge
from .errors import ValidationError
from .item_records import TaskSpec
from .text import clean
from .units import resolve_unit
from .vocab import UNIT_ROLES, UNIT_TASK_STATES

HELPING_ROLES = ("assist", "cooperate")
LONG = 20000


def tasks(item) -> list[UnitTask]:
    """The item's unit tasks with their units, lead first, then as registered: read once
    for the item as it was read (the detail pane, its buttons and its timeline ask in
    turn; a step reads its item afresh)."""
    found = item.__dict__.get("_unit_tasks")
    if found is None:
        found = item.__dict__["_unit_tasks"] = list(
            UnitTask.select(UnitTask, Unit).join(Unit).where(UnitTask.item == item.id)
            .order_by(UnitTask.position, UnitTask.id))
    return found


def helping_units(item) -> list[Unit]:
    """The units helping with the item (协办 and 配合), as registered."""
    return [t.unit for t in tasks(item) if t.role in HELPING_ROLES]


def helpers_from(values: Iterable, lead: Unit, field: str = "assisting_units",
                 label: str = "协办单位") -> list[Unit]:
    """The units typed as helping units: each found (or made), none twice, not the lead."""
    units: list[Unit] = []
    for value in values or ():
        if isinstance(value, str) and not value.strip():
            continue
        unit = resolve_unit(value, field=field, label=label)
        if unit.id == lead.id:
            raise ValidationError(field, f"“{unit.name}”已是主办单位，不能同时作为{label}。")
        if all(u.id != unit.id for u in units):
            units.append(unit)
    return units


def specs_from(rows: Iterable[dict], lead: Unit, registered_on: dt.date, deadline: dt.date,
               field: str = "units") -> list[TaskSpec]:
    """The helping units of a registration as rows (unit, role, part, deadline or
    deadline_workdays, responsible_person, phone), each checked: a unit found (or made),
    not the lead, not twice; a role of 协办 or 配合; a deadline not before the
    registration (none: the item's)."""
    from .supervision import resolve_deadline  # (the item's own rule for a deadline)

    specs: list[TaskSpec] = []
    seen = {lead.id: "主办单位"}
    for n, row in enumerate(rows or (), start=1):
        row = dict(row)
        if not str(row.get("unit") or "").strip():
            continue
        where = f"第 {n} 个协办（配合）单位"
        unit = resolve_unit(row["unit"], field=field, label=f"{where}的名称")
        if unit.id in seen:
            raise ValidationError(field, f"{where}“{unit.name}”已列为{seen[unit.id]}，同一单位不能列两次。")
        role = row.get("role") or "assist"
        if role not in HELPING_ROLES:
            raise ValidationError(field, f"{where}“{unit.name}”的角色应为“协办”或“配合”。")
        seen[unit.id] = UNIT_ROLES[role] + "单位"
        own = None
        if row.get("deadline") or row.get("deadline_workdays"):
            own = resolve_deadline(row.get("deadline"), row.get("deadline_workdays"), registered_on)
            if own < registered_on:
                raise ValidationError(field, f"{where}“{unit.name}”的完成时限早于登记日期，请改正。")
        part = clean(row.get("part", ""), field=field, label=f"{where}的任务", max_len=LONG)
        person = clean(row.get("responsible_person", ""), field=field, label=f"{where}的负责人", max_len=50,
                       single_line=True)
        phone = clean(row.get("phone", ""), field=field, label=f"{where}的电话", max_len=50, single_line=True)
        specs.append(TaskSpec(unit, role, part, own if own != deadline else None, person, phone))
    return specs


def still_at_work(tasks: list[UnitTask], units, step: str) -> list[UnitTask]:
    """The tasks of the units named (names or ids), each still at work on the item (for
    ``step``, as the office says it: 催办)."""
    if not units:
        raise ValidationError("units", f"请选择要{step}的承办单位。")
    chosen: list[UnitTask] = []
    for value in units:
        # (a name as the dialog gives it is one of the tasks' units: nothing to read)
        task = next((t for t in tasks if isinstance(value, str) and t.unit.name == value.strip()), None)
        unit = task.unit if task is not None else resolve_unit(value, field="units", label=f"{step}单位",
                                                                 create=False)
        task = task or next((t for t in tasks if t.unit_id == unit.id), None)
        if task is None:
            raise ValidationError("units", f"“{unit.name}”不是该事项的承办单位。")
        if task.state != "open":
            raise ValidationError("units", f"“{unit.name}”已报送办理结果，不需要再{step}。")
        if all(t is not task for t in chosen):
            chosen.append(task)
    return chosen


def _has_work(task: UnitTask) -> bool:
    return (ResultReport.select().where(ResultReport.unit_task == task.id).exists()
            or Urge.select().where(Urge.unit_task == task.id).exists())


def set_units(item, lead: Unit, helpers: list[Unit]) -> None:
    """Correct the item's handling units (the item is locked by the caller): the lead's
    task moves to ``lead``; helping units not listed any more lose their tasks, new ones
    get one (协办, the item's deadline). A unit that has reported or been urged keeps its
    task: removing it is refused, naming it."""
    current = tasks(item)
    lead_task = next(t for t in current if t.role == "lead")
    wanted = {u.id for u in helpers}
    for task in current:
        if task.role == "lead":
            continue
        if task.unit_id not in wanted and task.unit_id != lead.id and _has_work(task):
            raise ValidationError("assisting_units", f"“{task.unit.name}”已报送办理结果或被催办过，"
                                  "不能从承办单位中去掉。")
    gone = [t for t in current if t.role != "lead" and (t.unit_id not in wanted or t.unit_id == lead.id)]
    for task in gone:
        if task.unit_id == lead.id and _has_work(task):
            raise ValidationError("lead_unit", f"“{task.unit.name}”作为{UNIT_ROLES[task.role]}单位已报送或被催办过，"
                                  "不能改为主办单位。")
        task.delete_instance()
    if lead_task.unit_id != lead.id:  # (the lead's urges and reports stay with the lead's task)
        lead_task.unit = lead
        lead_task.save()
    kept = {t.unit_id for t in current if t not in gone and t.role != "lead"}
    position = max([t.position for t in current] + [0])
    for unit in helpers:
        if unit.id not in kept and unit.id != lead.id:
            position += 1
            UnitTask.create(item=item, unit=unit, role="assist", deadline=item.deadline, position=position)
    for task in (t for t in current if t not in gone and t.role != "lead"):
        order = next(n for n, u in enumerate(helpers, start=1) if u.id == task.unit_id)
        if task.position != order:
            task.position = order
            task.save()
    item.__dict__.pop("_unit_tasks", None)  # (read afresh from here on)


def unit_results(item, reports=None, helpers=None) -> list[tuple[Unit, str, str, dt.date | None]]:
    """Each handling unit with its role and its latest reported result. ``reports`` (in
    reported_on, id order) and ``helpers`` (the helping units' tasks, in order) when the
    caller has read them already (a batch of forms), else they are read here."""
    if reports is None:
        reports = item.reports.order_by(ResultReport.reported_on, ResultReport.id)
    latest: dict[int, ResultReport] = {report.unit_id: report for report in reports}
    helping = [t for t in tasks(item) if t.role != "lead"] if helpers is None else helpers
    rows = [(item.lead_unit, UNIT_ROLES["lead"])] + [(t.unit, UNIT_ROLES[t.role]) for t in helping]
    return [(u, role, latest[u.id].content if u.id in latest else "",
             latest[u.id].reported_on if u.id in latest else None) for u, role in rows]


def describe(task: UnitTask) -> dict:
    """A task as ``show --json`` gives it (glossary names)."""
    return {"unit": task.unit.name, "role": task.role, "role_label": UNIT_ROLES[task.role],
            "part": task.part, "deadline": task.deadline.isoformat(),
            "responsible_person": task.responsible_person, "task_phone": task.phone,
            "signed_on": task.signed_on.isoformat() if task.signed_on else None,
            "state": task.state, "state_label": UNIT_TASK_STATES[task.state],
            "reported_on": task.reported_on.isoformat() if task.reported_on else None,
            "urge_count": Urge.select().where(Urge.unit_task == task.id).count(),
            "parent": task.parent.unit.name if task.parent_id else None}
