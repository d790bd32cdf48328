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

from ..db.models import AssistingUnit, Extension, Feedback, ResultReport, Review, Urge
from .vocab import FEEDBACK_KINDS, FOUR_LOOKS, URGE_METHODS, VERDICTS

ALL_PASS = {look: (True, "") for look in FOUR_LOOKS}  # the four looks passed, no notes


def created(item, w, helpers=()) -> None:
    """确定项目 (the item itself is stored by the caller): its assisting units and history."""
    for position, unit in enumerate(helpers):
        w.add(AssistingUnit, item=item, unit=unit, position=position)
    w.log("item", item, "create", field="number", new=item.number or "", note=item.title,
          day=item.registered_on)


def approved(item, w, *, approved_by: str, approved_on: dt.date, note: str, deadline: dt.date,
             number: str, year: int, seq: int | None) -> None:
    """A leader approved a 群众反映 item: registered that day, with its number (of
    ``year``; the steps number it in the year of approval)."""
    item.approved_by, item.approved_on, item.approval_note = approved_by, approved_on, note
    item.deadline = item.original_deadline = deadline
    item.registered_on = approved_on
    if item.issued_on is None or item.issued_on < approved_on:
        item.issued_on = approved_on
    item.state = "in_progress"
    item.number, item.seq_year, item.seq = number, year if seq is not None else None, seq
    w.log("item", item, "approve", field="number", new=number,
          note=f"{approved_by}批准立项。{note}".strip(), day=approved_on)
    w.changed(item)


def rejected(item, w, *, reason: str, day: dt.date | None = None) -> None:
    item.state, item.rejection_reason = "rejected", reason
    w.log("item", item, "reject", field="state", old="pending_approval", new="rejected", note=reason,
          day=day)
    w.changed(item)


def urged(item, w, *, urged_on: dt.date, method: str, content: str = "", reply_days: int | None = None,
          reply_by: dt.date | None = None, new_deadline: dt.date | None = None):
    """检查催办: the urge record; the item's urge count, last urge and perhaps its deadline."""
    record = w.add(Urge, item=item, urged_on=urged_on, method=method, content=content,
                   reply_days=reply_days, reply_by=reply_by, new_deadline=new_deadline,
                   urged_by=w.operator)
    w.count(item, "urge_count")  # in SQL (urge_count + 1) for a step: another desk's urge is never lost
    if item.last_urged_on is None or urged_on >= item.last_urged_on:
        item.last_urged_on = urged_on
    note = f"{URGE_METHODS[method]}。{content}".strip()
    if new_deadline and new_deadline != item.deadline:
        w.log("item", item, "urge", field="deadline", old=item.deadline, new=new_deadline, note=note,
              day=urged_on)
        item.deadline = new_deadline
    else:
        w.log("item", item, "urge", field="urge_count", old=item.urge_count - 1, new=item.urge_count,
              note=note, day=urged_on)
    w.changed(item)
    return record


def extended(item, w, *, requested_on: dt.date, reason: str, approved_by: str, new_deadline: dt.date):
    """延期: the extension record; the deadline moves."""
    record = w.add(Extension, item=item, requested_on=requested_on, reason=reason,
                   approved_by=approved_by, old_deadline=item.deadline, new_deadline=new_deadline,
                   recorded_by=w.operator)
    w.log("item", item, "extend", field="deadline", old=item.deadline, new=new_deadline,
          note=f"{approved_by}批准。{reason}", day=requested_on)
    item.deadline = new_deadline
    w.changed(item)
    return record


def reported(item, w, *, unit, unit_name: str, is_lead: bool, reported_on: dt.date, content: str):
    """A handling unit's result; the lead unit's sends the item to review."""
    record = w.add(ResultReport, item=item, unit=unit, reported_on=reported_on, content=content,
                   recorded_by=w.operator)
    if is_lead:
        w.log("item", item, "report", field="result", old=item.result, new=content, note=unit_name,
              day=reported_on)
        item.result, item.result_reported_on = content, reported_on
        item.state = "awaiting_review"
        w.changed(item)
    else:
        w.log("item", item, "report", field="assisting_result", new=content, note=unit_name,
              day=reported_on)
    return record


def reviewed(item, w, *, reviewed_on: dt.date, verdict: str, looks: dict[str, tuple[bool, str]] = ALL_PASS,
             comment: str = "", new_deadline: dt.date | None = None):
    """情况审理: the review record; passed, or back to the handling unit."""
    fields = {}
    for look, (ok, note) in looks.items():
        fields[look], fields[f"{look}_note"] = ok, note
    record = w.add(Review, item=item, reviewed_on=reviewed_on, verdict=verdict, comment=comment,
                   reviewer=w.operator, **fields)
    failing = [FOUR_LOOKS[k] for k, (ok, _) in looks.items() if not ok]
    old_state = item.state
    if verdict == "pass":
        item.state, item.completed_on = "passed", item.result_reported_on
    else:
        item.state = "in_progress"
        if verdict == "redo":
            item.result, item.result_reported_on = "", None
    note = VERDICTS[verdict] + ("。未通过：" + "、".join(failing) if failing else "")
    note += f"。{comment}" if comment else ""
    w.log("item", item, "review", field="state", old=old_state, new=item.state, note=note, day=reviewed_on)
    if new_deadline and new_deadline != item.deadline:
        w.log("item", item, "review", field="deadline", old=item.deadline, new=new_deadline, day=reviewed_on)
        item.deadline = new_deadline
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
    w.changed(item)
    return record


def voided(item, w, *, reason: str, voided_on: dt.date) -> None:
    """撤销: the number stays with the item."""
    old = item.state
    item.state, item.void_reason, item.voided_on = "voided", reason, voided_on
    w.log("item", item, "void", field="state", old=old, new="voided", note=reason, day=voided_on)
    w.changed(item)
