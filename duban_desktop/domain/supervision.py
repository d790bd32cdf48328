"""督查督办: 确定项目 -> 检查催办 -> 情况审理 -> 结果反馈, as the book prescribes.

Every function here is one transaction: it validates everything first, refuses a step
the current state does not allow with a message that says why, writes, and records
history. Nothing is half-written.
"""

from __future__ import annotations

import datetime as dt

from ..db import write_transaction
from ..db.connection import lock_row
from ..db.models import (
    Extension,
    Feedback,
    ResultReport,
    Review,
    SupervisionItem,
    Unit,
    Urge,
)
from . import history, item_records, numbering, stale_edit, unit_tasks
from .dates import format_cn, require_not_future, require_order, to_date
from .errors import NotFound, StepNotAllowed, ValidationError
from .text import clean, require_choice, to_int
from .units import resolve_unit
from .vocab import (
    FEEDBACK_KINDS,
    FOUR_LOOKS,
    ITEM_SOURCES,
    ITEM_STATES,
    ITEM_STEP_LABELS,
    URGE_METHODS,
    VERDICTS,
)
from .workdays import current_calendar
from .writes import LiveWrites, insert_unique, save_changes

SERIES = "supervision"
LONG = 20000

# field -> (label, max length, required, single line)
TEXT_FIELDS = {
    "title": ("催办项目", 200, True, True),
    "content": ("项目内容", LONG, False, False),
    "basis": ("依据文件或会议", 200, False, True),
    "leader_instruction": ("领导批示", LONG, False, False),
    "instructing_leader": ("批示领导", 50, False, True),
    "responsible_person": ("具体负责人", 50, True, True),
    "result_summary": ("查办结果摘要", LONG, False, False),
    "proposed_action": ("拟办意见", LONG, False, False),
}
DATE_LABELS = {
    "registered_on": "登记日期",
    "issued_on": "发出时间",
    "deadline": "完成时限",
    "instruction_date": "批示日期",
}

# step -> states in which the book allows it
ALLOWED = {
    "approve": ("pending_approval",),
    "reject": ("pending_approval",),
    "urge": ("in_progress",),
    "extend": ("in_progress",),
    "report": ("in_progress",),
    "review": ("awaiting_review",),
    "feedback": ("passed",),
    "void": ("pending_approval", "in_progress", "awaiting_review", "passed"),
    "edit": ("pending_approval", "in_progress", "awaiting_review", "passed"),
}

_WHY = {
    "pending_approval": "群众反映的事项须经领导批准立项后才能办理",
    "in_progress": "承办单位尚未报送办理结果",
    "awaiting_review": "办理结果已报送,请先进行情况审理",
    "passed": "已审理通过,下一步是结果反馈",
    "closed": "该事项已办结",
    "voided": "该事项已撤销",
    "rejected": "该事项未予立项",
}


def today() -> dt.date:
    return dt.date.today()


def display_number(item: SupervisionItem) -> str:
    return item.number or f"(待立项 #{item.id})"


def allowed_steps(item: SupervisionItem) -> list[str]:
    return [step for step, states in ALLOWED.items() if item.state in states]


def _require(item: SupervisionItem, step: str) -> None:
    if item.state in ALLOWED[step]:
        return
    state = ITEM_STATES.get(item.state, item.state)
    raise StepNotAllowed(
        f"督办事项“{display_number(item)}”当前状态为“{state}”,不能{ITEM_STEP_LABELS[step]}:"
        f"{_WHY.get(item.state, '当前状态不允许此操作')}。"
    )


def _missing(item_id: int) -> NotFound:
    return NotFound(f"找不到督办事项(内部编号 {item_id}),它可能已被删除。")


def get_item(item_id: int) -> SupervisionItem:
    item = SupervisionItem.get_or_none(SupervisionItem.id == item_id)
    if item is None:
        raise _missing(item_id)
    return item


def _locked(item_id: int) -> SupervisionItem:
    """The item read for a step, locked until the step's transaction ends: another desk's
    step on it waits, and this step works on the values as they are now."""
    item = lock_row(SupervisionItem.select().where(SupervisionItem.id == item_id))
    if item is None:
        raise _missing(item_id)
    return item


def item_for_edit(item_id: int) -> SupervisionItem:
    """The item as the edit dialog opens it, with ``version`` and ``seen_history`` (the
    last history row it has) to pass back to ``update_item``."""
    item = stale_edit.for_edit(SupervisionItem, "item", item_id)
    if item is None:
        raise _missing(item_id)
    return item


def find_by_number(number: str) -> SupervisionItem:
    item = SupervisionItem.get_or_none(SupervisionItem.number == str(number).strip())
    if item is None:
        raise NotFound(f"找不到编号为“{number}”的督办事项,请检查编号(例如 催字〔2026〕12号)。")
    return item


def _text(field: str, value) -> str:
    label, max_len, required, single = TEXT_FIELDS[field]
    return clean(value, field=field, label=label, max_len=max_len, required=required,
                 single_line=single)


def _date(field: str, value, required: bool = True, label: str | None = None):
    return to_date(value, field=field, label=label or DATE_LABELS.get(field, field), required=required)


def _not_future(field: str, label: str, day: dt.date, now: dt.date) -> None:
    require_not_future(day, now, field=field, label=label)


def resolve_deadline(deadline=None, workdays=None, start: dt.date | None = None) -> dt.date:
    """A deadline given as a date, or as N working days from ``start``."""
    if workdays not in (None, ""):
        count = to_int(workdays, field="deadline", label="完成时限的工作日数", low=1, high=1000)
        return current_calendar().add_workdays(start or today(), count)
    return _date("deadline", deadline)


def assisting_units(item: SupervisionItem) -> list[Unit]:
    """The item's helping units (协办 and 配合), as registered."""
    return unit_tasks.helping_units(item)


def _next_number(year: int) -> tuple[str, int]:
    return numbering.next_number(
        SERIES, year, lambda n: SupervisionItem.select().where(SupervisionItem.number == n).exists())


def _take_number(number: str, accept_jump: bool) -> tuple[str, int | None, int | None]:
    """A number typed by hand: unique, in range, and not far beyond its year's numbers
    unless confirmed (numbering's rules, as for an import). The year's counter is locked
    first, so a desk giving or typing a number of that year at the same moment waits."""
    number = clean(number, field="number", label="编号", max_len=numbering.MAX_NUMBER_LEN, required=True,
                   single_line=True)
    parsed = numbering.parse_number(SERIES, number)
    if parsed is not None:
        numbering.lock_counter(SERIES, parsed[0])
    if SupervisionItem.select().where(SupervisionItem.number == number).exists():
        raise ValidationError("number", f"编号“{number}”已被其他督办事项使用,编号不能重复。")
    if parsed is None:
        return number, None, None
    year, seq = parsed
    if SupervisionItem.select().where(
        (SupervisionItem.seq_year == year) & (SupervisionItem.seq == seq)
    ).exists():
        raise ValidationError("number", f"{year}年第 {seq} 号已被其他督办事项使用,编号不能重复。")
    numbering.check_hand_number(SERIES, number, year, seq, accept_jump=accept_jump)
    numbering.claim(SERIES, year, seq)
    return number, year, seq


# ------------------------------------------------------------------ 确定项目


def register_item(*, title, lead_unit, responsible_person, source, deadline=None,
                  deadline_workdays=None, content="", basis="", leader_instruction="",
                  instructing_leader="", instruction_date=None, assisting=(), units=None,
                  registered_on=None, issued_on=None, number=None, case_task=None,
                  accept_number_jump: bool = False, now: dt.date | None = None) -> SupervisionItem:
    """确定项目: fix content, units, deadline and person; give it a number.

    ``units``: the helping units as rows, each with its role, part, deadline and person
    (unit_tasks.specs_from), in place of ``assisting`` (units only, each 协办 with the
    item's deadline).

    Items from 群众反映 (public_report) wait for a leader's approval and get their
    number only then. A ``number`` given by hand far beyond its year's numbers is refused
    (``numbering.NumberJump``) unless ``accept_number_jump`` (the user confirmed it).
    """
    now = now or today()
    source = require_choice(source, ITEM_SOURCES, field="source", label="立项依据")
    values = {f: _text(f, v) for f, v in (
        ("title", title), ("content", content), ("basis", basis),
        ("leader_instruction", leader_instruction), ("instructing_leader", instructing_leader),
        ("responsible_person", responsible_person))}
    registered_on = _date("registered_on", registered_on) if registered_on else now
    _not_future("registered_on", "登记日期", registered_on, now)
    issued_on = _date("issued_on", issued_on, required=False) or registered_on
    require_order(registered_on, issued_on, field="issued_on", earlier_label="登记日期",
                  later_label="发出时间")
    instruction_date = _date("instruction_date", instruction_date, required=False)
    require_order(instruction_date, registered_on, field="instruction_date",
                  earlier_label="批示日期", later_label="登记日期")
    if source == "leader_instruction":
        if not values["leader_instruction"]:
            raise ValidationError("leader_instruction", "立项依据为“领导批示”时,请填写“领导批示”的内容。")
        if not values["instructing_leader"]:
            raise ValidationError("instructing_leader", "立项依据为“领导批示”时,请填写“批示领导”。")
    final_deadline = resolve_deadline(deadline, deadline_workdays, registered_on)
    require_order(registered_on, final_deadline, field="deadline", earlier_label="登记日期",
                  later_label="完成时限")

    with write_transaction():
        lead = resolve_unit(lead_unit, field="lead_unit", label="主办单位")
        helpers = (unit_tasks.specs_from(units, lead, registered_on, final_deadline) if units is not None
                   else unit_tasks.helpers_from(assisting, lead))
        item = SupervisionItem(
            state="pending_approval" if source == "public_report" else "in_progress",
            source=source, lead_unit=lead, registered_on=registered_on, issued_on=issued_on,
            instruction_date=instruction_date, deadline=final_deadline,
            original_deadline=final_deadline, registrar=history.current_operator(),
            case_task=case_task, **values,
        )
        if item.state == "in_progress":
            if number:
                item.number, item.seq_year, item.seq = _take_number(number, accept_number_jump)
            else:
                item.number, item.seq = _next_number(registered_on.year)
                item.seq_year = registered_on.year
        insert_unique(item.save, _NUMBER_TAKEN.format(number=item.number))
        item_records.created(item, LiveWrites(item.registrar), helpers)
        if item.dirty_fields:
            item.save()  # (what its unit tasks come to: the registration's own, no new version)
    return item


# another desk stored the same number between the check and the save (a number typed by hand)
_NUMBER_TAKEN = "编号“{number}”刚刚被另一位操作员使用，编号不能重复。请换一个编号后再保存。"


def approve_item(item_id: int, *, approved_by, approved_on=None, note="", deadline=None,
                 now: dt.date | None = None) -> SupervisionItem:
    """A leader approved a 群众反映 item: register it and give it its number."""
    now = now or today()
    approved_by = clean(approved_by, field="approved_by", label="批准领导", required=True,
                        max_len=50, single_line=True)
    note = clean(note, field="approval_note", label="批准意见", max_len=LONG)
    approved_on = _date("approved_on", approved_on, label="批准日期") if approved_on else now
    _not_future("approved_on", "批准日期", approved_on, now)
    with write_transaction():
        item = _locked(item_id)
        _require(item, "approve")
        require_order(item.registered_on, approved_on, field="approved_on",
                      earlier_label="登记日期", later_label="批准日期")
        new_deadline = _date("deadline", deadline) if deadline else item.deadline
        require_order(approved_on, new_deadline, field="deadline", earlier_label="批准日期",
                      later_label="完成时限")
        number, seq = _next_number(approved_on.year)
        w = LiveWrites(batch=True)
        item_records.approved(item, w, approved_by=approved_by, approved_on=approved_on,
                              note=note, deadline=new_deadline, number=number,
                              year=approved_on.year, seq=seq)
        w.save(item)
    return item


def reject_item(item_id: int, *, reason) -> SupervisionItem:
    reason = clean(reason, field="rejection_reason", label="不予立项理由", required=True, max_len=LONG)
    with write_transaction():
        item = _locked(item_id)
        _require(item, "reject")
        w = LiveWrites(batch=True)
        item_records.rejected(item, w, reason=reason)
        w.save(item)
    return item


EDITABLE = ("title", "content", "basis", "leader_instruction", "instructing_leader",
            "responsible_person", "result_summary", "proposed_action", "instruction_date",
            "issued_on", "lead_unit", "assisting", "units", "deadline", "source")


def update_item(item_id: int, *, expected_version: int | None = None, seen_history: int | None = None,
                **values) -> SupervisionItem:
    """Correct an item's fields. The deadline may be corrected only before anyone was
    urged or an extension was given; after that it moves by 延期 only.

    ``expected_version`` (and ``seen_history``), from ``item_for_edit`` when the edit
    dialog opened: if the item has changed since, the edit is refused (``StaleEdit``,
    saying who changed what) and nothing is stored."""
    unknown = [k for k in values if k not in EDITABLE]
    if unknown:
        raise ValidationError(unknown[0], f"“{unknown[0]}”不能在这里修改。")
    with write_transaction():
        item = _locked(item_id)
        stale_edit.refuse_if_changed("item", item, expected_version, seen_history)
        _require(item, "edit")
        changes: dict[str, tuple] = {}
        new_lead = new_helpers = None
        for field, value in values.items():
            if field in TEXT_FIELDS:
                new = _text(field, value)
            elif field == "source":
                new = require_choice(value, ITEM_SOURCES, field="source", label="立项依据")
                if (new == "public_report") != (item.source == "public_report"):
                    raise ValidationError("source", "“群众反映”事项须经领导批准立项,立项依据不能与其他来源互改。")
            elif field == "lead_unit":
                new = resolve_unit(value, field="lead_unit", label="主办单位")
                if new.id == item.lead_unit_id:
                    continue
                changes["lead_unit"] = (item.lead_unit.name, new.name)
                new_lead = item.lead_unit = new
                continue
            elif field in ("assisting", "units"):
                new_helpers = (field, value)
                continue
            elif field == "deadline":
                new = _date("deadline", value)
                if new != item.deadline and (item.urge_count or item.extensions.exists()):
                    raise ValidationError(
                        "deadline", "已经催办或延期的事项不能直接修改完成时限,请使用“延期”并写明理由和批准人。")
                require_order(item.registered_on, new, field="deadline", earlier_label="登记日期",
                              later_label="完成时限")
                if new != item.deadline:
                    item.original_deadline = new
            else:
                new = _date(field, value, required=field != "instruction_date" and field != "issued_on")
            old = getattr(item, field)
            if old != new:
                changes[field] = (old, new)
                setattr(item, field, new)
        if new_lead is not None or new_helpers is not None:
            before = unit_tasks.roster(item)
            unit_tasks.set_units(item, item.lead_unit, _helpers(item, new_helpers),
                                 "units" if new_helpers and new_helpers[0] == "units" else "assisting_units")
            if unit_tasks.roster(item) != before:
                changes["assisting"] = (before, unit_tasks.roster(item))
        if "deadline" in changes or new_lead is not None or new_helpers is not None:
            w = LiveWrites()
            if "deadline" in changes:
                item_records.deadline_moved(item, w, *changes["deadline"])
            item_records.summarize(item, w)
        if item.source == "leader_instruction" and not (item.leader_instruction and item.instructing_leader):
            raise ValidationError("leader_instruction", "立项依据为“领导批示”时,请填写“领导批示”和“批示领导”。")
        require_order(item.instruction_date, item.registered_on, field="instruction_date",
                      earlier_label="批示日期", later_label="登记日期")
        if item.issued_on:
            require_order(item.registered_on, item.issued_on, field="issued_on",
                          earlier_label="登记日期", later_label="发出时间")
        if changes:
            save_changes(item)
            history.record_changes("item", item.id, changes)
    return item


def _helpers(item, given: tuple | None) -> list:
    """The helping units an edit gives (``("units", rows)`` or ``("assisting", names)``);
    none given: those the item has (the lead changed), without the new lead."""
    if given is None:
        return [unit_tasks.spec_of(item, t) for t in unit_tasks.tasks(item)
                if t.role != "lead" and t.unit_id != item.lead_unit_id]
    field, value = given
    if field == "units":
        return unit_tasks.specs_from(value, item.lead_unit, item.registered_on, item.deadline)
    kept = {t.unit_id: t for t in unit_tasks.tasks(item) if t.role != "lead"}
    return [unit_tasks.spec_of(item, kept[u.id]) if u.id in kept else u
            for u in unit_tasks.helpers_from(value, item.lead_unit)]


# ------------------------------------------------------------------ 检查催办


def urge(item_id: int, *, method, content="", urged_on=None, reply_days=None,
         new_deadline=None, units=None, now: dt.date | None = None) -> Urge:
    """检查催办: one follow-up with its method; optionally a reply limit (working days)
    and a new time limit for completion. ``units``: the handling units urged (names or
    ids; each still at work on it), one urge record each; none: the lead unit. The first
    record is returned."""
    now = now or today()
    method = require_choice(method, URGE_METHODS, field="method", label="催办方式")
    content = clean(content, field="content", label="催办内容", max_len=LONG)
    urged_on = _date("urged_on", urged_on, label="催办日期") if urged_on else now
    _not_future("urged_on", "催办日期", urged_on, now)
    days = None
    if reply_days not in (None, ""):
        days = to_int(reply_days, field="reply_days", label="反馈期限", low=1, high=90, unit=" 个工作日")
    limit = _date("new_deadline", new_deadline, required=False, label="新的完成时限")
    with write_transaction():
        item = _locked(item_id)
        _require(item, "urge")
        require_order(item.registered_on, urged_on, field="urged_on", earlier_label="登记日期",
                      later_label="催办日期")
        require_order(urged_on, limit, field="new_deadline", earlier_label="催办日期",
                      later_label="新的完成时限")
        reply_by = current_calendar().add_workdays(urged_on, days) if days else None
        w = LiveWrites(batch=True)
        chosen = [None] if units is None else unit_tasks.still_at_work(w.tasks(item), units, "催办")
        records = [item_records.urged(item, w, urged_on=urged_on, method=method, content=content,
                                      reply_days=days, reply_by=reply_by, new_deadline=limit, task=task)
                   for task in chosen]
        w.save(item)
    return records[0]



def urge_many(item_ids: list[int], **kwargs) -> list[Urge]:
    """Urge several items in one step (one urge record each), all or nothing. The items
    are locked first, in id order (two desks urging overlapping selections never wait for
    each other in a circle)."""
    if not item_ids:
        raise ValidationError("items", "请先选择要催办的事项。")
    with write_transaction():
        for item_id in sorted(set(item_ids)):
            _locked(item_id)
        return [urge(item_id, **kwargs) for item_id in item_ids]


def extend(item_id: int, *, new_deadline, reason, approved_by, requested_on=None, unit=None,
           now: dt.date | None = None) -> Extension:
    """延期: the deadline moves later, with the reason and who approved it. ``unit``: a
    helping unit still at work whose own deadline alone moves (none: the item's)."""
    now = now or today()
    new_deadline = _date("new_deadline", new_deadline, label="延期后的完成时限")
    reason = clean(reason, field="reason", label="延期理由", required=True, max_len=LONG)
    approved_by = clean(approved_by, field="approved_by", label="批准人", required=True,
                        max_len=50, single_line=True)
    requested_on = _date("requested_on", requested_on, label="申请日期") if requested_on else now
    _not_future("requested_on", "申请日期", requested_on, now)
    with write_transaction():
        item = _locked(item_id)
        _require(item, "extend")
        w = LiveWrites(batch=True)
        task = None
        if unit not in (None, ""):
            [task] = unit_tasks.still_at_work(w.tasks(item), [unit], "延期")
            task = task if task.role != "lead" else None
        current = task.deadline if task is not None else item.deadline
        if new_deadline <= current:
            raise ValidationError(
                "new_deadline",
                f"“延期后的完成时限”应晚于现在的完成时限（{format_cn(current)}）。")
        record = item_records.extended(item, w, requested_on=requested_on, reason=reason,
                                       approved_by=approved_by, new_deadline=new_deadline, task=task)
        w.save(item)
    return record


def report_result(item_id: int, *, content, unit=None, reported_on=None, covers_units: bool = False,
                  now: dt.date | None = None) -> ResultReport:
    """A handling unit reports its result. The lead unit's report sends the item to review."""
    now = now or today()
    content = clean(content, field="result", label="办理结果", required=True, max_len=LONG)
    reported_on = _date("reported_on", reported_on, label="报送日期") if reported_on else now
    _not_future("reported_on", "报送日期", reported_on, now)
    with write_transaction():
        item = _locked(item_id)
        w = LiveWrites(batch=True)
        tasks = w.tasks(item)  # with their units
        lead = next(t for t in tasks if t.role == "lead").unit
        who = lead if unit is None else resolve_unit(unit, field="unit", label="报送单位", create=False)
        is_lead = who.id == lead.id
        if not is_lead and who.id not in {t.unit_id for t in tasks}:
            raise ValidationError("unit", f"“{who.name}”不是该事项的承办单位。")
        if is_lead or item.state not in ("awaiting_review",):
            _require(item, "report")
        require_order(item.registered_on, reported_on, field="reported_on",
                      earlier_label="登记日期", later_label="报送日期")
        report = item_records.reported(item, w, unit=who, unit_name=who.name, is_lead=is_lead,
                                       reported_on=reported_on, content=content,
                                       covers_units=bool(covers_units) and is_lead)
        w.save(item)  # (a helping unit's report changes what the units come to: 2/4)
    return report


def unit_results(item: SupervisionItem, reports=None, helpers=None) -> list[tuple[Unit, str, str, dt.date | None]]:
    """Each handling unit with its role and its latest reported result (unit_tasks.py)."""
    return unit_tasks.unit_results(item, reports, helpers)


# ------------------------------------------------------------------ 情况审理


def review(item_id: int, *, verdict, looks: dict, comment="", reviewed_on=None,
           new_deadline=None, now: dt.date | None = None) -> Review:
    """情况审理 by the four looks. ``looks``: look -> bool or (bool, note).

    pass needs all four looks; a failing look needs a note saying what is wrong;
    improve and redo send the item back to the handling unit (检查催办).
    """
    now = now or today()
    verdict = require_choice(verdict, VERDICTS, field="verdict", label="审理结论")
    comment = clean(comment, field="comment", label="审理意见", max_len=LONG)
    reviewed_on = _date("reviewed_on", reviewed_on, label="审理日期") if reviewed_on else now
    _not_future("reviewed_on", "审理日期", reviewed_on, now)
    checked = {}
    for look, label in FOUR_LOOKS.items():
        if look not in looks:
            raise ValidationError(look, f"请对“{label}”作出判断。")
        value = looks[look]
        ok, note = (value if isinstance(value, tuple) else (value, ""))
        note = clean(note, field=look, label=f"{label}的说明", max_len=LONG)
        if not ok and not note:
            raise ValidationError(look, f"“{label}”未通过,请写明问题所在。")
        checked[look] = (bool(ok), note)
    failing = [FOUR_LOOKS[k] for k, (ok, _) in checked.items() if not ok]
    if verdict == "pass" and failing:
        raise ValidationError("verdict", f"“{failing[0]}”未通过,不能审理通过;请选择“退回改进”或“退回重办”。")
    if verdict != "pass" and not failing and not comment:
        raise ValidationError("comment", "退回时请在“审理意见”中写明需要改进或重办的内容。")
    limit = _date("new_deadline", new_deadline, required=False, label="新的完成时限")
    with write_transaction():
        item = _locked(item_id)
        _require(item, "review")
        require_order(item.result_reported_on, reviewed_on, field="reviewed_on",
                      earlier_label="报送日期", later_label="审理日期")
        require_order(reviewed_on, limit, field="new_deadline", earlier_label="审理日期",
                      later_label="新的完成时限")
        w = LiveWrites(batch=True)
        record = item_records.reviewed(item, w, reviewed_on=reviewed_on, verdict=verdict,
                                       looks=checked, comment=comment, new_deadline=limit)
        w.save(item)
    return record


# ------------------------------------------------------------------ 结果反馈


def feedback(item_id: int, *, kind, recipient="", fed_back_on=None, document_number="",
             note="", result_summary=None, proposed_action=None,
             now: dt.date | None = None) -> Feedback:
    """结果反馈 to the leader; closes the item (件件有结果、事事有回音)."""
    now = now or today()
    kind = require_choice(kind, FEEDBACK_KINDS, field="kind", label="反馈方式")
    recipient = clean(recipient, field="recipient", label="报送对象", max_len=100, single_line=True)
    document_number = clean(document_number, field="document_number", label="文号", max_len=64,
                            single_line=True)
    note = clean(note, field="note", label="备注", max_len=LONG)
    fed_back_on = _date("fed_back_on", fed_back_on, label="反馈日期") if fed_back_on else now
    _not_future("fed_back_on", "反馈日期", fed_back_on, now)
    with write_transaction():
        item = _locked(item_id)
        _require(item, "feedback")
        summary = _text("result_summary", result_summary) if result_summary is not None else None
        action = _text("proposed_action", proposed_action) if proposed_action is not None else None
        if kind == "instruction_report":
            recipient = recipient or item.instructing_leader
            if not (item.result_summary if summary is None else summary):
                raise ValidationError("result_summary", "报送“领导同志批示件办理情况”前,请填写“查办结果摘要”。")
        if not recipient:
            raise ValidationError("recipient", "请填写“报送对象”(报送给哪位领导或哪个机关)。")
        require_order(item.completed_on, fed_back_on, field="fed_back_on",
                      earlier_label="办结日期", later_label="反馈日期")
        w = LiveWrites(batch=True)
        record = item_records.fed_back(item, w, kind=kind, recipient=recipient,
                                       fed_back_on=fed_back_on, document_number=document_number,
                                       note=note, result_summary=summary, proposed_action=action)
        w.save(item)
    return record


def void(item_id: int, *, reason, voided_on=None, now: dt.date | None = None) -> SupervisionItem:
    """撤销: needs a reason; the number stays with the item and is never given again."""
    now = now or today()
    reason = clean(reason, field="void_reason", label="撤销理由", required=True, max_len=LONG)
    voided_on = _date("voided_on", voided_on, label="撤销日期") if voided_on else now
    _not_future("voided_on", "撤销日期", voided_on, now)
    with write_transaction():
        item = _locked(item_id)
        _require(item, "void")
        w = LiveWrites(batch=True)
        item_records.voided(item, w, reason=reason, voided_on=voided_on)
        w.save(item)
    return item
