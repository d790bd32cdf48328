"""What each step of a supervision item writes, once, for every writer.

Each function takes the item (a ``SupervisionItem`` or a ``writes.Row``), a writer
(``writes.LiveWrites`` or ``writes.BulkWrites``) and the step's values, already
checked: it changes the item's fields, adds the step's record and its history rows.
The steps in ``supervision`` check first and then call these; the importer and the
sample data call them directly for records whose dates and order they know to be
right. Nothing here validates or refuses, and nothing here stores the item itself: the
step saves the fields changed here (``LiveWrites.save``), the importer stores its Rows.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from ..db.models import Extension, Feedback, ResultReport, Review, UnitTask, Urge
from .vocab import FEEDBACK_KINDS, FOUR_LOOKS, URGE_METHODS, VERDICTS

ALL_PASS = {look: (True, "") for look in FOUR_LOOKS}  # the four looks passed, no notes


class TaskSpec(NamedTuple):
    """A helping unit's task as registered: the unit (a Unit or its id), its role, its
    part, its deadline (None: the item's), the person answering for it and a phone; and
    ``parent``, the unit (a Unit) whose task it is a part of (分解: one level), if any."""

    unit: object
    role: str = "assist"
    part: str = ""
    deadline: dt.date | None = None
    responsible_person: str = ""
    phone: str = ""
    parent: object = None


def created(item, w, helpers=(), signed_on: dt.date | None = None) -> list:
    """确定项目 (the item itself is stored by the caller): its unit tasks, the lead unit's
    first (the item's deadline and responsible person), then one for each of ``helpers``
    (units, or ``TaskSpec``s), each 待签收 unless ``signed_on`` (an import of work long
    under way); and its history."""
    tasks = [w.add(UnitTask, item=item, unit=item.lead_unit, role="lead", deadline=item.deadline,
                   responsible_person=item.responsible_person, signed_on=signed_on, position=0)]
    specs = [(n, h if isinstance(h, TaskSpec) else TaskSpec(h)) for n, h in enumerate(helpers, start=1)]
    # (a part of another unit's task after that task: it points at it)
    for position, spec in sorted(specs, key=lambda s: s[1].parent is not None):
        parent = (next(t for t in tasks if _unit_id(t) == _id(spec.parent))
                  if spec.parent is not None else None)
        tasks.append(w.add(UnitTask, item=item, unit=spec.unit, role=spec.role, part=spec.part,
                           deadline=spec.deadline or item.deadline, responsible_person=spec.responsible_person,
                           phone=spec.phone, signed_on=signed_on, position=position, parent=parent))
    w.log("item", item, "create", field="number", new=item.number or "", note=item.title,
          day=item.registered_on)
    summarize(item, w)
    return tasks


def lead_task(item, w):
    """The lead unit's task of the item."""
    return next(t for t in w.tasks(item) if t.role == "lead")


def task_of(item, w, unit_id: int):
    """The task of the unit ``unit_id`` in the item (None if it has none)."""
    return next((t for t in w.tasks(item) if _unit_id(t) == unit_id), None)


def _id(value) -> int:
    return value if isinstance(value, int) else value.id


def _unit_name(task) -> str:
    """(A stored task of a step is read with its unit.)"""
    return task.unit.name if not isinstance(task, dict) else ""


def _unit_id(task) -> int:
    """(A Row holds the unit's id; a stored task is read without its unit.)"""
    return _id(task["unit"]) if isinstance(task, dict) else task.unit_id


def summarize(item, w) -> None:
    """What the item's unit tasks come to, on the item (state.py judges by it): the
    earliest deadline of a unit still at work while the item is in progress (``due_on``),
    and how many units reported after their deadline (``late_units``)."""
    tasks = w.tasks(item)
    working = [t.deadline for t in tasks if t.state == "open"]
    due_on = min(working) if working and item.state == "in_progress" else None
    late = sum(1 for t in tasks if t.state != "open" and t.reported_on is not None and t.reported_on > t.deadline)
    done = sum(1 for t in tasks if t.state == "done")
    for field, value in (("due_on", due_on), ("late_units", late), ("unit_count", len(tasks)),
                         ("units_done", done)):
        if getattr(item, field) != value:
            setattr(item, field, value)


def _no_unit_at_work(item) -> None:
    """(closed, voided or refused: no unit is at work on it any more)"""
    if item.due_on is not None:
        item.due_on = None


def deadline_moved(item, w, old: dt.date, new: dt.date) -> None:
    """The item's deadline moved: the lead's task and every open task that had the item's
    deadline (by default each unit's) move with it; a unit given a deadline of its own
    keeps it."""
    for task in w.tasks(item):
        follows = task.role == "lead" or (task.deadline == old and task.state != "done")
        if follows and task.deadline != new:
            task.deadline = new
            w.save_task(task)


def signed(item, w, task, *, signed_on: dt.date, unit_name: str) -> None:
    """签收: the unit acknowledged its task."""
    task.signed_on = signed_on
    w.save_task(task)
    w.log("item", item, "sign", field="signed_on", new=signed_on, note=unit_name, day=signed_on)
    w.changed(item)


def approved(item, w, *, approved_by: str, approved_on: dt.date, note: str, deadline: dt.date,
             number: str, year: int, seq: int | None) -> None:
    """A leader approved a 群众反映 item: registered that day, with its number (of
    ``year``; the steps number it in the year of approval)."""
    item.approved_by, item.approved_on, item.approval_note = approved_by, approved_on, note
    if deadline != item.deadline:
        deadline_moved(item, w, item.deadline, deadline)
    item.deadline = item.original_deadline = deadline
    item.registered_on = approved_on
    if item.issued_on is None or item.issued_on < approved_on:
        item.issued_on = approved_on
    item.state = "in_progress"
    item.number, item.seq_year, item.seq = number, year if seq is not None else None, seq
    w.log("item", item, "approve", field="number", new=number,
          note=f"{approved_by}批准立项。{note}".strip(), day=approved_on)
    summarize(item, w)
    w.changed(item)


def rejected(item, w, *, reason: str, day: dt.date | None = None) -> None:
    item.state, item.rejection_reason = "rejected", reason
    w.log("item", item, "reject", field="state", old="pending_approval", new="rejected", note=reason,
          day=day)
    _no_unit_at_work(item)
    w.changed(item)


def urged(item, w, *, urged_on: dt.date, method: str, content: str = "", reply_days: int | None = None,
          reply_by: dt.date | None = None, new_deadline: dt.date | None = None, task=None):
    """检查催办: the urge record, addressed to a unit's task (by default the lead unit's:
    the book's one handling unit: a unit's urges are the urges of its task); the item's
    urge count and last urge, and perhaps the item's deadline."""
    task = task or lead_task(item, w)
    record = w.add(Urge, item=item, unit_task=task, urged_on=urged_on, method=method, content=content,
                   reply_days=reply_days, reply_by=reply_by, new_deadline=new_deadline,
                   urged_by=w.operator)
    w.count(item, "urge_count")  # in SQL (urge_count + 1) for a step: another desk's urge is never lost
    if item.last_urged_on is None or urged_on >= item.last_urged_on:
        item.last_urged_on = urged_on
    note = f"{URGE_METHODS[method]}。{content}".strip()
    if new_deadline and new_deadline != item.deadline:
        w.log("item", item, "urge", field="deadline", old=item.deadline, new=new_deadline, note=note,
              day=urged_on)
        deadline_moved(item, w, item.deadline, new_deadline)
        item.deadline = new_deadline
    else:
        w.log("item", item, "urge", field="urge_count", old=item.urge_count - 1, new=item.urge_count,
              note=note, day=urged_on)
    w.save_task(task)
    summarize(item, w)
    w.changed(item)
    return record


def extended(item, w, *, requested_on: dt.date, reason: str, approved_by: str, new_deadline: dt.date,
             task=None):
    """延期: the extension record; the item's deadline moves (and the units that had it),
    or, for ``task`` (a helping unit's), that unit's deadline alone."""
    if task is not None and task.role != "lead":
        record = w.add(Extension, item=item, unit_task=task, requested_on=requested_on, reason=reason,
                       approved_by=approved_by, old_deadline=task.deadline, new_deadline=new_deadline,
                       recorded_by=w.operator)
        w.log("item", item, "extend", field="unit_deadline", old=task.deadline, new=new_deadline,
              note=f"{_unit_name(task)}：{approved_by}批准。{reason}", day=requested_on)
        task.deadline = new_deadline
        w.save_task(task)
        summarize(item, w)
        w.changed(item)
        return record
    record = w.add(Extension, item=item, unit_task=lead_task(item, w), requested_on=requested_on, reason=reason,
                   approved_by=approved_by, old_deadline=item.deadline, new_deadline=new_deadline,
                   recorded_by=w.operator)
    w.log("item", item, "extend", field="deadline", old=item.deadline, new=new_deadline,
          note=f"{approved_by}批准。{reason}", day=requested_on)
    deadline_moved(item, w, item.deadline, new_deadline)
    item.deadline = new_deadline
    summarize(item, w)
    w.changed(item)
    return record


def reported(item, w, *, unit, unit_name: str, is_lead: bool, reported_on: dt.date, content: str,
             covers_units: bool = False):
    """A handling unit's result, recorded with its task. The lead unit's is the joint
    report (由牵头单位负责报告): its task is reported, and the item goes to review once no
    other unit is still at work on it; a helping unit's task is done, and when it was the
    last one at work after the lead's report, the item goes to review then.
    ``covers_units``: the lead's report covers the units still at work (their parts are in
    it): their tasks are done with it."""
    task = task_of(item, w, _id(unit))
    record = w.add(ResultReport, item=item, unit=unit, unit_task=task, reported_on=reported_on, content=content,
                   recorded_by=w.operator)
    if task is not None:
        task.state, task.reported_on = ("reported" if is_lead else "done"), reported_on
        w.save_task(task)
    if is_lead and covers_units:
        covered = [t for t in w.tasks(item) if t is not task and t.state == "open"]
        for other in covered:
            other.state, other.reported_on = "done", reported_on
            w.save_task(other)
        if covered:
            w.log("item", item, "report", field="covered_units", new=len(covered), note=unit_name,
                  day=reported_on)
    others_working = any(t.state == "open" for t in w.tasks(item) if t is not task)
    if is_lead:
        # (a report that sends the item to review is its "result"; one that waits for
        # other units is the lead's joint result, not yet a step of the item's state)
        w.log("item", item, "report", field="joint_result" if others_working else "result", old=item.result,
              new=content, note=unit_name, day=reported_on)
        item.result, item.result_reported_on = content, reported_on
        if not others_working:
            item.state = "awaiting_review"
        w.changed(item)
    else:
        w.log("item", item, "report", field="assisting_result", new=content, note=unit_name,
              day=reported_on)
        lead = lead_task(item, w)
        if item.state == "in_progress" and lead.state == "reported" and not others_working:
            item.state = "awaiting_review"
            w.log("item", item, "report", field="state", old="in_progress", new="awaiting_review",
                  note=f"{unit_name}报送后，各承办单位均已报送", day=reported_on)
        w.changed(item)
    summarize(item, w)
    return record


def reviewed(item, w, *, reviewed_on: dt.date, verdict: str, looks: dict[str, tuple[bool, str]] = ALL_PASS,
             comment: str = "", new_deadline: dt.date | None = None):
    """情况审理: the review record; passed, or back to the handling unit."""
    fields = {}
    for look, (ok, note) in looks.items():
        fields[look], fields[f"{look}_note"] = ok, note
    task = lead_task(item, w)
    record = w.add(Review, item=item, unit_task=task, reviewed_on=reviewed_on, verdict=verdict, comment=comment,
                   reviewer=w.operator, **fields)
    failing = [FOUR_LOOKS[k] for k, (ok, _) in looks.items() if not ok]
    old_state = item.state
    if verdict == "pass":
        item.state, item.completed_on = "passed", item.result_reported_on
        task.state = "done"
    else:
        item.state, task.state = "in_progress", "open"
        if verdict == "redo":
            item.result, item.result_reported_on = "", None
            task.reported_on = None
    note = VERDICTS[verdict] + ("。未通过：" + "、".join(failing) if failing else "")
    note += f"。{comment}" if comment else ""
    w.log("item", item, "review", field="state", old=old_state, new=item.state, note=note, day=reviewed_on)
    if new_deadline and new_deadline != item.deadline:
        w.log("item", item, "review", field="deadline", old=item.deadline, new=new_deadline, day=reviewed_on)
        deadline_moved(item, w, item.deadline, new_deadline)
        item.deadline = new_deadline
    w.save_task(task)
    summarize(item, w)
    w.changed(item)
    return record


def fed_back(item, w, *, kind: str, recipient: str, fed_back_on: dt.date, document_number: str = "",
             note: str = "", result_summary: str | None = None, proposed_action: str | None = None):
    """结果反馈: the feedback record (with 查办结果摘要 and 拟办意见 if given); closes the item."""
    changes = {}
    for field, value in (("result_summary", result_summary), ("proposed_action", proposed_action)):
        if value is not None and value != getattr(item, field):
            changes[field] = (getattr(item, field), value)
            setattr(item, field, value)
    record = w.add(Feedback, item=item, kind=kind, fed_back_on=fed_back_on, recipient=recipient,
                   document_number=document_number, note=note, recorded_by=w.operator)
    for field, (old, new) in changes.items():
        w.log("item", item, "update", field=field, old=old, new=new, day=fed_back_on)
    item.state, item.closed_on = "closed", fed_back_on
    w.log("item", item, "feedback", field="state", old="passed", new="closed",
          note=f"{FEEDBACK_KINDS[kind]}，报送{recipient}", day=fed_back_on)
    _no_unit_at_work(item)
    w.changed(item)
    return record


def voided(item, w, *, reason: str, voided_on: dt.date) -> None:
    """撤销: the number stays with the item."""
    old = item.state
    item.state, item.void_reason, item.voided_on = "voided", reason, voided_on
    w.log("item", item, "void", field="state", old=old, new="voided", note=reason, day=voided_on)
    _no_unit_at_work(item)
    w.changed(item)
