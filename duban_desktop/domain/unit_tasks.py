"""单位任务: the handling units of an item, each with its own task (db/models.py UnitTask).

An item has one task per handling unit: the lead unit's (主办, the item's ``lead_unit``)
and one for each assisting (协办) or cooperating (配合) unit. The record functions
(``item_records``) write them for every writer; this module reads them for the views
and changes the set of units when an item is corrected.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from ..db.models import ResultReport, Unit, UnitTask, Urge
from .dates import format_cn
from .errors import ValidationError
from .item_records import TaskSpec
from .text import clean
from .units import resolve_unit
from .vocab import UNIT_ROLES, UNIT_TASK_STATES

HELPING_ROLES = ("assist", "cooperate")
_WORKDAYS = re.compile(r"(\d+)\s*个?工作日(?:内)?")
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
    deadline_workdays, responsible_person, phone, and parent: the unit whose task this one
    is a part of), each checked: a unit found (or made), not the lead, not twice; a role
    of 协办 or 配合; a deadline not before the registration (none: the item's, or its
    parent's); a part of the lead's or of another listed unit's task, itself not a part
    (one level), due no later than that task."""
    from .supervision import resolve_deadline  # (the item's own rule for a deadline)

    specs: list[TaskSpec] = []
    seen = {lead.id: "主办单位"}
    wheres: list[str] = []
    parents: list[str] = []
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
        given, workdays = row.get("deadline"), row.get("deadline_workdays")
        if isinstance(given, str) and (m := _WORKDAYS.fullmatch(given.strip())):
            given, workdays = None, m[1]  # (“5个工作日”, as a dialog's row says it)
        if given or workdays:
            try:
                own = resolve_deadline(given, workdays, registered_on)
            except ValidationError as exc:
                raise ValidationError(field, f"{where}“{unit.name}”：{exc.message}") from None
            if own < registered_on:
                raise ValidationError(field, f"{where}“{unit.name}”的完成时限早于登记日期，请改正。")
        part = clean(row.get("part", ""), field=field, label=f"{where}的任务", max_len=LONG)
        person = clean(row.get("responsible_person", ""), field=field, label=f"{where}的负责人", max_len=50,
                       single_line=True)
        phone = clean(row.get("phone", ""), field=field, label=f"{where}的电话", max_len=50, single_line=True)
        specs.append(TaskSpec(unit, role, part, own if own != deadline else None, person, phone))
        wheres.append(f"{where}“{unit.name}”")
        parents.append(str(row.get("parent") or "").strip())
    split = {spec.unit.name for spec, name in zip(specs, parents, strict=True) if name}
    return [_with_parent(spec, name, where, lead, deadline, specs, split, field)
            for spec, name, where in zip(specs, parents, wheres, strict=True)]


def _with_parent(spec: TaskSpec, name: str, where: str, lead: Unit, deadline: dt.date,
                 specs: list[TaskSpec], split: set[str], field: str) -> TaskSpec:
    """``spec`` as a part of the task of the unit named ``name`` (the lead or one listed,
    not itself a part of another: ``split``): checked, and due by that task's deadline
    unless it has its own."""
    if not name:
        return spec
    if name == lead.name:
        parent, due = None, deadline
    else:
        parent = next((s for s in specs if s.unit.name == name), None)
        if parent is None:
            raise ValidationError(field, f"{where}所属的“{name}”不是该事项的承办单位，请从列表中选择。")
        if parent is spec:
            raise ValidationError(field, f"{where}不能分解给自己。")
        if name in split:
            raise ValidationError(field, f"{where}所属的“{name}”本身是分解出的任务，只能再分解一级。")
        due = parent.deadline or deadline
    if (spec.deadline or due) > due:
        raise ValidationError(field, f"{where}的完成时限晚于所属的“{name}”的完成时限（{format_cn(due)}），请改正。")
    return spec._replace(parent=lead if parent is None else parent.unit,
                         deadline=spec.deadline if spec.deadline is not None else (due if due != deadline else None))


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
            or _moved_only_by_extension(task))


def set_units(item, lead: Unit, helpers: list, field: str = "units") -> None:
    """Correct the item's handling units (the item is locked by the caller): the lead's
    task moves to ``lead``; ``helpers`` (Units, or TaskSpecs with role, part, deadline,
    person and the task each is a part of) are the helping units from now on, in order:
    a unit not listed any more loses its task, a kept one takes what its row says, a new
    one gets a task. Refused, naming the unit: removing (or making the lead) a unit that
    has reported or been urged; moving the deadline of a task urged or extended (that
    moves by 延期 only)."""
    specs = [h if isinstance(h, TaskSpec) else TaskSpec(h) for h in helpers]
    current = tasks(item)
    lead_task = next(t for t in current if t.role == "lead")
    wanted = {_unit_key(s.unit): s for s in specs}
    for task in current:
        if task.role != "lead" and (task.unit_id not in wanted or task.unit_id == lead.id) and _has_work(task):
            if task.unit_id == lead.id:
                raise ValidationError("lead_unit", f"“{task.unit.name}”作为{UNIT_ROLES[task.role]}单位已报送、被催办或延期过，"
                                      "不能改为主办单位。")
            raise ValidationError(field, f"“{task.unit.name}”已报送办理结果、被催办或延期过，不能从承办单位中去掉。")
    kept = {t.unit_id: t for t in current if t.role != "lead" and t.unit_id in wanted and t.unit_id != lead.id}
    gone = [t.id for t in current if t.role != "lead" and t.unit_id not in kept]
    if gone:  # (a kept part of a task taken off is a task of its own, or points anew below)
        UnitTask.update(parent=None).where(UnitTask.parent.in_(gone) & UnitTask.id.not_in(gone)).execute()
        UnitTask.delete().where(UnitTask.id.in_(gone)).execute()
    if lead_task.unit_id != lead.id:  # (the lead's urges and reports stay with the lead's task)
        lead_task.unit = lead
        lead_task.save()
    made: dict[int, UnitTask] = {}
    # (parts of another unit's task after that task: each points at it)
    for position, spec in sorted(enumerate(specs, start=1), key=lambda s: s[1].parent is not None):
        key = _unit_key(spec.unit)
        parent = None
        if spec.parent is not None:  # (a part of a unit no longer listed: a task of its own)
            parent = lead_task if _unit_key(spec.parent) == lead.id else (
                kept.get(_unit_key(spec.parent)) or made.get(_unit_key(spec.parent)))
        deadline = spec.deadline or (parent.deadline if parent is not None and parent is not lead_task
                                     else item.deadline)
        task = kept.get(key)
        if task is None:
            made[key] = UnitTask.create(item=item, unit=spec.unit, role=spec.role, part=spec.part,
                                        deadline=deadline, responsible_person=spec.responsible_person,
                                        phone=spec.phone, position=position, parent=parent)
            continue
        if task.deadline != deadline and _moved_only_by_extension(task):
            raise ValidationError(field, f"“{task.unit.name}”已经催办或延期，它的完成时限只能通过“延期”改变。")
        for name, value in (("role", spec.role), ("part", spec.part), ("deadline", deadline),
                            ("responsible_person", spec.responsible_person), ("phone", spec.phone),
                            ("position", position), ("parent", parent.id if parent is not None else None)):
            if getattr(task, name if name != "parent" else "parent_id") != value:
                setattr(task, name, value)
        if task.dirty_fields:
            task.save()
    item.__dict__.pop("_unit_tasks", None)  # (read afresh from here on)


def spec_of(item, task: UnitTask) -> TaskSpec:
    """A helping unit's task as it is, as a row of ``set_units``."""
    parent = next((t for t in tasks(item) if t.id == task.parent_id), None)
    return TaskSpec(task.unit, task.role, task.part, task.deadline, task.responsible_person, task.phone,
                    None if parent is None else item.lead_unit if parent.role == "lead" else parent.unit)


def rows_of(item) -> list[dict]:
    """The helping units' tasks as the registration dialog's rows (a deadline only where
    it is not the item's; ``parent``: the name of the unit whose task it is a part of)."""
    by_id = {t.id: t for t in tasks(item)}
    return [{"unit": t.unit.name, "role": t.role, "part": t.part,
             "deadline": t.deadline if t.deadline != item.deadline else None,
             "responsible_person": t.responsible_person, "phone": t.phone,
             "parent": by_id[t.parent_id].unit.name if t.parent_id in by_id else ""}
            for t in tasks(item) if t.role != "lead"]


def _unit_key(unit) -> int:
    return unit if isinstance(unit, int) else unit.id


def _moved_only_by_extension(task: UnitTask) -> bool:
    from ..db.models import Extension

    return (Extension.select().where(Extension.unit_task == task.id).exists()
            or Urge.select().where(Urge.unit_task == task.id).exists())


def roster(item) -> str:
    """The item's helping units as the history says them: each with its role (协办 goes
    without saying), the unit whose task it is a part of, and its deadline where it is
    not the item's."""
    by_id = {t.id: t for t in tasks(item)}
    out = []
    for task in tasks(item):
        if task.role == "lead":
            continue
        notes = [UNIT_ROLES[task.role]] if task.role != "assist" else []
        if task.parent_id and task.parent_id in by_id:
            notes.append(f"属{by_id[task.parent_id].unit.name}")
        if task.deadline != item.deadline:
            notes.append(f"{format_cn(task.deadline)}前")
        out.append(task.unit.name + (f"（{'，'.join(notes)}）" if notes else ""))
    return "、".join(out)


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
