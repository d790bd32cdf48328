"""协调: 受托 -> 审理 -> 核查 -> 协商 -> 处理, as the book prescribes.

Each function is one transaction; a step out of order is refused with the reason.
Every 决定事项 (who carries out what by when) can become a supervision item in one
step, linked both ways (item.case_task <-> task.items).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..db import write_transaction
from ..db.connection import lock_row
from ..db.models import CaseParty, CaseTask, ConsultationSession, CoordinationCase, SupervisionItem
from . import case_records, history, numbering, stale_edit, supervision
from .dates import format_cn, require_not_future, require_order, to_date
from .errors import NotFound, StepNotAllowed, ValidationError
from .text import clean, require_choice
from .units import resolve_unit
from .vocab import (
    CASE_KINDS,
    CASE_SOURCES,
    CASE_STATES,
    CONSULTATION_MODES,
    MEANS,
    METHODS,
    RECORD_KINDS,
    RELATION_SUBKINDS,
    SCREENING_DECISIONS,
)
from .writes import LiveWrites, insert_unique, save_changes

SERIES = "coordination"
LONG = 20000

STEP_LABELS = {
    "screen": "审理",
    "verify": "核查",
    "approve_hard": "记录领导批准硬协调",
    "consult": "记录协商",
    "resolve": "处理",
    "archive": "立卷归档",
    "void": "撤销",
    "edit": "修改",
    "create_item": "生成督办事项",
}

ALLOWED = {
    "screen": ("intake",),
    "verify": ("verification",),
    "approve_hard": ("verification", "consultation"),
    "consult": ("consultation",),
    "resolve": ("consultation",),
    "archive": ("closed",),
    "void": ("intake", "verification", "consultation"),
    "edit": ("intake", "verification", "consultation"),
    "create_item": ("closed",),
}

_WHY = {
    "intake": "尚未审理是否受理",
    "verification": "尚未完成核查和协调方案",
    "consultation": "正在协商,尚未作出处理决定",
    "closed": "该事项已处理完毕",
    "declined": "该事项不予受理",
    "escalated": "该事项已上报上级协调",
    "voided": "该事项已撤销",
}

# the step each state is at, for the five-step strip
CURRENT_STEP = {
    "intake": "screening",
    "verification": "verification",
    "consultation": "consultation",
    "closed": "resolution",
    "declined": "screening",
    "escalated": "screening",
    "voided": "intake",
}


def today() -> dt.date:
    return dt.date.today()


def allowed_steps(case: CoordinationCase) -> list[str]:
    return [step for step, states in ALLOWED.items() if case.state in states]


def _require(case: CoordinationCase, step: str) -> None:
    if case.state in ALLOWED[step]:
        return
    raise StepNotAllowed(
        f"协调事项“{case.number}”当前状态为“{CASE_STATES.get(case.state, case.state)}”,"
        f"不能{STEP_LABELS[step]}:{_WHY.get(case.state, '当前状态不允许此操作')}。"
    )


def _missing(case_id: int) -> NotFound:
    return NotFound(f"找不到协调事项(内部编号 {case_id}),它可能已被删除。")


def get_case(case_id: int) -> CoordinationCase:
    case = CoordinationCase.get_or_none(CoordinationCase.id == case_id)
    if case is None:
        raise _missing(case_id)
    return case


def _locked(case_id: int) -> CoordinationCase:
    """The case read for a step, locked until the step's transaction ends (another desk's
    step on it waits; this one works on the values as they are now)."""
    case = lock_row(CoordinationCase.select().where(CoordinationCase.id == case_id))
    if case is None:
        raise _missing(case_id)
    return case


def case_for_edit(case_id: int) -> CoordinationCase:
    """The case as the edit dialog opens it, with ``version`` and ``seen_history`` to pass
    back to ``update_case``."""
    case = stale_edit.for_edit(CoordinationCase, "case", case_id)
    if case is None:
        raise _missing(case_id)
    return case


def find_by_number(number: str) -> CoordinationCase:
    case = CoordinationCase.get_or_none(CoordinationCase.number == str(number).strip())
    if case is None:
        raise NotFound(f"找不到编号为“{number}”的协调事项,请检查编号(例如 协字〔2026〕3号)。")
    return case


def _t(value, field, label, *, required=False, max_len=LONG, single=False) -> str:
    return clean(value, field=field, label=label, required=required, max_len=max_len,
                 single_line=single)


def _d(value, field, label, *, required=True):
    return to_date(value, field=field, label=label, required=required)


def _not_future(field: str, label: str, day: dt.date, now: dt.date) -> None:
    require_not_future(day, now, field=field, label=label)


def _touch(case: CoordinationCase) -> None:
    """Store the fields the step changed, one more version, the server's time."""
    save_changes(case)


def parties(case: CoordinationCase):
    return [p.unit for p in case.parties.order_by(CaseParty.position)]


def _parties(values: Iterable) -> list:
    units = []
    for value in values or ():
        if isinstance(value, str) and not value.strip():
            continue
        unit = resolve_unit(value, field="parties", label="协调各方")
        if all(u.id != unit.id for u in units):
            units.append(unit)
    return units


def _set_parties(case: CoordinationCase, units: list) -> list:
    CaseParty.delete().where(CaseParty.case == case).execute()
    for position, unit in enumerate(units):
        CaseParty.create(case=case, unit=unit, position=position)
    return units


# ------------------------------------------------------------------------ 受托


def intake(*, title, source, requester, kind, requested_on=None, description="",
           relation_subkind="", parties=(), deadline=None, deadline_workdays=None, handler="",
           now: dt.date | None = None) -> CoordinationCase:
    """受托: register every request (the basis of later audit) and number it."""
    now = now or today()
    title = _t(title, "title", "协调事项", required=True, max_len=200, single=True)
    description = _t(description, "description", "事项内容")
    source = require_choice(source, CASE_SOURCES, field="source", label="受托来源")
    requester = _t(requester, "requester", "委托方", required=True, max_len=100, single=True)
    kind = require_choice(kind, CASE_KINDS, field="kind", label="协调类型")
    if kind == "relations":
        relation_subkind = require_choice(relation_subkind, RELATION_SUBKINDS,
                                          field="relation_subkind", label="关系协调类别")
    elif relation_subkind:
        raise ValidationError("relation_subkind", "只有“关系协调”才需要选择关系类别。")
    handler = _t(handler, "handler", "经办人", max_len=50, single=True) or history.current_operator()
    requested_on = _d(requested_on, "requested_on", "受托日期") if requested_on else now
    _not_future("requested_on", "受托日期", requested_on, now)
    limit = None
    if deadline or deadline_workdays:
        limit = supervision.resolve_deadline(deadline, deadline_workdays, requested_on)
        require_order(requested_on, limit, field="deadline", earlier_label="受托日期",
                      later_label="办结时限")
    with write_transaction():
        number, seq = numbering.next_number(
            SERIES, requested_on.year,
            lambda n: CoordinationCase.select().where(CoordinationCase.number == n).exists())
        case = CoordinationCase(
            number=number, seq_year=requested_on.year, seq=seq, state="intake", title=title,
            description=description, source=source, requester=requester,
            requested_on=requested_on, kind=kind, relation_subkind=relation_subkind,
            deadline=limit, handler=handler, registrar=history.current_operator())
        insert_unique(case.save, f"编号“{number}”刚刚被另一位操作员使用，编号不能重复。请再保存一次。")
        case_records.taken_in(case, LiveWrites(case.registrar), _parties(parties))
    return case


def update_case(case_id: int, *, expected_version: int | None = None, seen_history: int | None = None,
                **values) -> CoordinationCase:
    """Correct intake fields of an open case. ``expected_version`` and ``seen_history``
    (from ``case_for_edit`` when the dialog opened): a case changed since is refused
    (``StaleEdit``, saying who changed what), nothing stored."""
    texts = {"title": ("协调事项", 200, True), "description": ("事项内容", LONG, False),
             "requester": ("委托方", 100, True), "handler": ("经办人", 50, False)}
    with write_transaction():
        case = _locked(case_id)
        stale_edit.refuse_if_changed("case", case, expected_version, seen_history)
        _require(case, "edit")
        changes = {}
        for field, value in values.items():
            if field in texts:
                label, max_len, required = texts[field]
                new = _t(value, field, label, required=required, max_len=max_len,
                         single=field != "description")
            elif field == "deadline":
                new = _d(value, "deadline", "办结时限", required=False)
                require_order(case.requested_on, new, field="deadline", earlier_label="受托日期",
                              later_label="办结时限")
            elif field == "parties":
                old = "、".join(u.name for u in parties(case))
                new_units = _parties(value)
                new = "、".join(u.name for u in new_units)
                if old != new:
                    _set_parties(case, new_units)
                    changes["parties"] = (old, new)
                continue
            else:
                raise ValidationError(field, f"“{field}”不能在这里修改。")
            old = getattr(case, field)
            if old != new:
                changes[field] = (old, new)
                setattr(case, field, new)
        if changes:
            _touch(case)
            history.record_changes("case", case.id, changes)
    return case


# ------------------------------------------------------------------------ 审理


def screen(case_id: int, *, decision, reason="", escalated_to="", screened_on=None,
           now: dt.date | None = None) -> CoordinationCase:
    """审理: accept (受理), decline with a reason, or send it up a level (分级协调)."""
    now = now or today()
    decision = require_choice(decision, SCREENING_DECISIONS, field="decision", label="审理结论")
    reason = _t(reason, "reason", "理由")
    escalated_to = _t(escalated_to, "escalated_to", "上报对象", max_len=100, single=True)
    if decision == "decline" and not reason:
        raise ValidationError("reason", "不予受理时请写明理由。")
    if decision == "escalate":
        if not escalated_to:
            raise ValidationError("escalated_to", "上报上级协调时请填写“上报对象”。")
        if not reason:
            raise ValidationError("reason", "上报上级协调时请写明理由(为何本级无法协调)。")
    screened_on = _d(screened_on, "screened_on", "审理日期") if screened_on else now
    _not_future("screened_on", "审理日期", screened_on, now)
    with write_transaction():
        case = _locked(case_id)
        _require(case, "screen")
        require_order(case.requested_on, screened_on, field="screened_on",
                      earlier_label="受托日期", later_label="审理日期")
        case_records.screened(case, LiveWrites(), decision=decision, reason=reason,
                              escalated_to=escalated_to, screened_on=screened_on)
        _touch(case)
    return case


# ------------------------------------------------------------------------ 核查


def _methods(values: Iterable) -> str:
    codes = []
    for value in values or ():
        code = require_choice(value, METHODS, field="methods", label="协调方式")
        if code not in codes:
            codes.append(code)
    return ",".join(codes)


def approve_hard_means(case_id: int, *, approved_by, approved_on=None, note="",
                       now: dt.date | None = None) -> CoordinationCase:
    """Record the leader's approval for 硬协调 (required before hard means are used)."""
    now = now or today()
    approved_by = _t(approved_by, "hard_approved_by", "批准领导", required=True, max_len=50, single=True)
    note = _t(note, "hard_approval_note", "批准意见")
    approved_on = _d(approved_on, "hard_approved_on", "批准日期") if approved_on else now
    _not_future("hard_approved_on", "批准日期", approved_on, now)
    with write_transaction():
        case = _locked(case_id)
        _require(case, "approve_hard")
        case.hard_approved_by, case.hard_approved_on, case.hard_approval_note = approved_by, approved_on, note
        history.record("case", case.id, "approve_hard", field="hard_approved_by", new=approved_by,
                       note=note)
        _touch(case)
    return case


def _check_means(case: CoordinationCase, means: str) -> None:
    if means == "hard" and not case.hard_approved_by:
        raise ValidationError(
            "means", "硬协调须经请示领导同意。请先“记录领导批准硬协调”,再选择硬协调。")


def verify(case_id: int, *, plan, background="", rules_consulted="", investigation="",
           authority_opinion="", means="soft", methods=(), verified_on=None,
           now: dt.date | None = None) -> CoordinationCase:
    """核查: background, rules consulted, investigation, the responsible body's opinion,
    and the coordination plan (协调方案)."""
    now = now or today()
    values = {
        "background": _t(background, "background", "背景材料"),
        "rules_consulted": _t(rules_consulted, "rules_consulted", "有关政策规定"),
        "investigation": _t(investigation, "investigation", "调查情况"),
        "authority_opinion": _t(authority_opinion, "authority_opinion", "主管机关意见"),
        "plan": _t(plan, "plan", "协调方案", required=True),
    }
    means = require_choice(means, MEANS, field="means", label="协调手段")
    method_codes = _methods(methods)
    if not method_codes:
        raise ValidationError("methods", "请至少选择一种协调方式(公文、会议、情况、制度、面商或现场办公)。")
    verified_on = _d(verified_on, "verified_on", "核查日期") if verified_on else now
    _not_future("verified_on", "核查日期", verified_on, now)
    with write_transaction():
        case = _locked(case_id)
        _require(case, "verify")
        _check_means(case, means)
        require_order(case.screened_on, verified_on, field="verified_on",
                      earlier_label="审理日期", later_label="核查日期")
        case_records.verified(case, LiveWrites(), values=values, means=means, methods=method_codes,
                              verified_on=verified_on)
        _touch(case)
    return case


def change_means(case_id: int, *, means) -> CoordinationCase:
    """Switch to hard means when soft coordination failed (needs the recorded approval)."""
    means = require_choice(means, MEANS, field="means", label="协调手段")
    with write_transaction():
        case = _locked(case_id)
        _require(case, "approve_hard")
        _check_means(case, means)
        if case.means != means:
            history.record("case", case.id, "update", field="means", old=case.means, new=means)
            case.means = means
            _touch(case)
    return case


# ------------------------------------------------------------------------ 协商


def consult(case_id: int, *, held_on, modes: dict, outcome, participants="", positions="",
            place="", agreed=False, now: dt.date | None = None) -> ConsultationSession:
    """协商: one session; ``modes`` picks one of each pair (CONSULTATION_MODES)."""
    now = now or today()
    held_on = _d(held_on, "held_on", "协商日期")
    _not_future("held_on", "协商日期", held_on, now)
    chosen = {}
    for field, pair in CONSULTATION_MODES.items():
        if field not in modes:
            raise ValidationError(field, f"请选择协商方式:{'或'.join(pair.values())}。")
        chosen[field] = require_choice(modes[field], pair, field=field, label="协商方式")
    values = {
        "participants": _t(participants, "participants", "参加人员"),
        "positions": _t(positions, "positions", "各方意见"),
        "outcome": _t(outcome, "outcome", "协商结果", required=True),
        "place": _t(place, "place", "地点", max_len=100, single=True),
    }
    with write_transaction():
        case = _locked(case_id)
        _require(case, "consult")
        require_order(case.verified_on, held_on, field="held_on", earlier_label="核查日期",
                      later_label="协商日期")
        session = case_records.consulted(case, LiveWrites(), held_on=held_on, modes=chosen, values=values,
                                         agreed=agreed, sessions_before=case.sessions.count())
        _touch(case)
    return session


# ------------------------------------------------------------------------ 处理


def resolve(case_id: int, *, decision, record_kind, tasks: Iterable[dict] = (),
            signatories="", record_number="", resolved_on=None, create_items: bool = False,
            now: dt.date | None = None) -> CoordinationCase:
    """处理: the agreed decision, recorded as 会议纪要 or 协议书, and who carries out
    what by when. With ``create_items`` each task becomes a supervision item at once."""
    now = now or today()
    decision = _t(decision, "decision", "处理决定", required=True)
    record_kind = require_choice(record_kind, RECORD_KINDS, field="record_kind", label="记录形式")
    signatories = _t(signatories, "signatories", "签署各方")
    record_number = _t(record_number, "record_number", "纪要或协议编号", max_len=64, single=True)
    resolved_on = _d(resolved_on, "resolved_on", "处理日期") if resolved_on else now
    _not_future("resolved_on", "处理日期", resolved_on, now)
    cleaned_tasks = []
    for index, task in enumerate(tasks or (), start=1):
        label = f"第 {index} 项决定事项"
        what = _t(task.get("task"), "tasks", f"{label}的内容", required=True)
        deadline = _d(task.get("deadline"), "tasks", f"{label}的完成时限")
        require_order(resolved_on, deadline, field="tasks", earlier_label="处理日期",
                      later_label=f"{label}的完成时限")
        person = _t(task.get("responsible_person", ""), "tasks", f"{label}的负责人", max_len=50,
                    single=True)
        if create_items and not person:
            raise ValidationError("tasks", f"生成督办事项需要“具体负责人”,请填写{label}的负责人。")
        if not task.get("unit"):
            raise ValidationError("tasks", f"请填写{label}的承办单位。")
        cleaned_tasks.append((task["unit"], what, deadline, person))
    with write_transaction():
        case = _locked(case_id)
        _require(case, "resolve")
        if not case.sessions.exists():
            raise StepNotAllowed(
                f"协调事项“{case.number}”还没有协商记录。请先与各方协商,取得一致意见后再作处理决定。")
        last_session = case.sessions.order_by(ConsultationSession.held_on.desc()).first()
        require_order(last_session.held_on, resolved_on, field="resolved_on",
                      earlier_label="最后一次协商日期", later_label="处理日期")
        tasks = [(resolve_unit(unit, field="tasks", label="决定事项的承办单位"), what, deadline, person)
                 for unit, what, deadline, person in cleaned_tasks]
        case_records.resolved(case, LiveWrites(), decision=decision, record_kind=record_kind,
                              signatories=signatories, record_number=record_number,
                              resolved_on=resolved_on, tasks=tasks)
        _touch(case)
        if create_items:
            for task in case.tasks.order_by(CaseTask.position):
                create_item_from_task(task.id, now=now)
    return case


def sessions_of(case: CoordinationCase) -> list[ConsultationSession]:
    return list(case.sessions.order_by(ConsultationSession.held_on, ConsultationSession.id))


def tasks_of(case: CoordinationCase) -> list[CaseTask]:
    return list(case.tasks.order_by(CaseTask.position))


def item_of_task(task: CaseTask) -> SupervisionItem | None:
    return SupervisionItem.get_or_none(SupervisionItem.case_task == task)


def create_item_from_task(task_id: int, *, now: dt.date | None = None) -> SupervisionItem:
    """决定事项落实: one task of the decision becomes a supervision item, linked both ways."""
    now = now or today()
    with write_transaction():
        task = CaseTask.get_or_none(CaseTask.id == task_id)
        if task is None:
            raise NotFound("找不到该决定事项。")
        case = _locked(task.case_id)  # two desks making the same task's item: the second waits, then is refused
        _require(case, "create_item")
        existing = item_of_task(task)
        if existing is not None:
            raise StepNotAllowed(f"该决定事项已生成督办事项“{existing.number}”,不能重复生成。")
        # (registered the day the decision assigned the task)
        values = case_records.task_item_values(case, task.task)
        item = supervision.register_item(
            **values, lead_unit=task.unit, responsible_person=task.responsible_person or "待定",
            deadline=task.deadline, case_task=task, now=now)
        case_records.linked(case, LiveWrites(), item_number=item.number, title=values["title"])
    return item


def archive(case_id: int, *, archived_on=None, now: dt.date | None = None) -> CoordinationCase:
    """立卷归档 of a resolved case."""
    now = now or today()
    archived_on = _d(archived_on, "archived_on", "归档日期") if archived_on else now
    _not_future("archived_on", "归档日期", archived_on, now)
    with write_transaction():
        case = _locked(case_id)
        _require(case, "archive")
        if case.archived_on:
            raise StepNotAllowed(f"协调事项“{case.number}”已于{format_cn(case.archived_on)}归档。")
        require_order(case.resolved_on, archived_on, field="archived_on", earlier_label="处理日期",
                      later_label="归档日期")
        case_records.archived(case, LiveWrites(), archived_on=archived_on)
        _touch(case)
    return case


def void(case_id: int, *, reason, now: dt.date | None = None) -> CoordinationCase:
    now = now or today()
    reason = _t(reason, "void_reason", "撤销理由", required=True)
    with write_transaction():
        case = _locked(case_id)
        _require(case, "void")
        case_records.voided(case, LiveWrites(), reason=reason, voided_on=now)
        _touch(case)
    return case
