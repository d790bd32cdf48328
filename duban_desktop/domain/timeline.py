"""What happened to an item or a case, in order: steps and the change history."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from ..db.models import (
    ConsultationSession,
    CoordinationCase,
    Extension,
    Feedback,
    ResultReport,
    Review,
    SupervisionItem,
    Urge,
)
from . import unit_tasks
from .dates import format_cn
from .history import ACTION_LABELS, history_of
from .vocab import (
    CONSULTATION_MODES,
    FEEDBACK_KINDS,
    FOUR_LOOKS,
    ITEM_STATES,
    RECORD_KINDS,
    SCREENING_DECISIONS,
    URGE_METHODS,
    VERDICTS,
)


class Entry(NamedTuple):
    day: dt.date | dt.datetime
    kind: str  # registration, urge, extension, report, review, feedback, history, ...
    title: str
    detail: str = ""
    who: str = ""

    @property
    def sort_key(self):
        day = self.day if isinstance(self.day, dt.datetime) else dt.datetime.combine(self.day, dt.time())
        return day


FIELD_LABELS = {
    "title": "催办项目", "content": "项目内容", "basis": "依据", "leader_instruction": "领导批示",
    "instructing_leader": "批示领导", "responsible_person": "具体负责人", "result_summary": "查办结果摘要",
    "proposed_action": "拟办意见", "instruction_date": "批示日期", "issued_on": "发出时间",
    "lead_unit": "主办单位", "assisting": "协办单位", "deadline": "完成时限", "source": "立项依据",
    "state": "状态", "number": "编号", "result": "办理结果", "urge_count": "催办次数",
    "assisting_result": "协办单位办理结果", "description": "事项内容", "requester": "委托方",
    "handler": "经办人", "parties": "协调各方", "means": "协调手段", "sessions": "协商次数",
    "archived_on": "归档日期", "hard_approved_by": "批准硬协调的领导", "item": "督办事项",
    "name": "名称", "contact_person": "联系人", "phone": "联系电话", "note": "备注",
    "signed_on": "签收日期", "unit_deadline": "单位完成时限", "joint_result": "牵头单位办理结果（待其他单位报送）",
    "covered_units": "由牵头单位一并报送的单位数",
}


def _value(field: str, value: str) -> str:
    if field == "state":
        return ITEM_STATES.get(value, value)
    if len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            return format_cn(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return value


def change_entries(entity: str, entity_id: int, rows=None) -> list[Entry]:
    """The change history as entries; ``rows``: its ChangeLog rows when already read."""
    out = []
    for row in history_of(entity, entity_id) if rows is None else rows:
        label = ACTION_LABELS.get(row.action, row.action)
        field = FIELD_LABELS.get(row.field, row.field)
        if row.old_value or row.new_value:
            text = f"{field}:{_value(row.field, row.old_value) or '(空)'} → {_value(row.field, row.new_value) or '(空)'}"
        else:
            text = field
        if row.note:
            text = f"{text}({row.note})" if text else row.note
        out.append(Entry(row.at, "history", label, text, row.operator))
    return out


def item_timeline(item: SupervisionItem, records=None) -> list[Entry]:
    """The steps of an item, oldest first (the change history is separate). ``records``:
    its urges, extensions, reports, reviews and feedbacks when already read, each in the
    order read here (domain/item_view.py: ItemView), else they are read here."""
    if records is None:
        urges = item.urges.order_by(Urge.urged_on, Urge.id)
        extensions = item.extensions.order_by(Extension.requested_on, Extension.id)
        reports = item.reports.order_by(ResultReport.reported_on, ResultReport.id)
        reviews = item.reviews.order_by(Review.reviewed_on, Review.id)
        feedbacks = item.feedbacks.order_by(Feedback.fed_back_on, Feedback.id)
    else:
        urges, extensions, reports = records.urges, records.extensions, records.reports
        reviews, feedbacks = records.reviews, records.feedbacks
    entries = [Entry(item.registered_on, "registration", "确定项目(立项)",
                     f"{item.number or '待批准'},主办 {item.lead_unit.name},完成时限 {format_cn(item.original_deadline)}",
                     item.registrar)]
    if item.approved_by:
        entries.append(Entry(item.approved_on, "approval", "领导批准立项", f"{item.approved_by} {item.approval_note}".strip()))
    for task in unit_tasks.tasks(item):  # (read with the item when ItemView read it)
        if task.signed_on:
            entries.append(Entry(task.signed_on, "sign", "签收", task.unit.name))
    for u in urges:
        detail = URGE_METHODS.get(u.method, u.method)
        if u.content:
            detail += f":{u.content}"
        if u.reply_by:
            detail += f"(请于{format_cn(u.reply_by)}前反馈)"
        if u.new_deadline:
            detail += f";新的完成时限 {format_cn(u.new_deadline)}"
        entries.append(Entry(u.urged_on, "urge", "检查催办", detail, u.urged_by))
    for e in extensions:
        entries.append(Entry(e.requested_on, "extension", "延期",
                             f"{format_cn(e.old_deadline)} → {format_cn(e.new_deadline)},{e.approved_by}批准。{e.reason}",
                             e.recorded_by))
    for r in reports:
        role = "主办" if r.unit_id == item.lead_unit_id else "协办"
        entries.append(Entry(r.reported_on, "report", f"报送办理结果({role})", f"{r.unit.name}:{r.content}",
                             r.recorded_by))
    for r in reviews:
        failing = [label for key, label in FOUR_LOOKS.items() if not getattr(r, key)]
        notes = [f"{FOUR_LOOKS[key]}:{getattr(r, key + '_note')}" for key in FOUR_LOOKS
                 if getattr(r, key + "_note")]
        detail = VERDICTS.get(r.verdict, r.verdict)
        detail += ("。未通过：" + "、".join(failing)) if failing else "。四看均通过"
        if notes:
            detail += "。" + ";".join(notes)
        if r.comment:
            detail += f"。{r.comment}"
        entries.append(Entry(r.reviewed_on, "review", "情况审理", detail, r.reviewer))
    for f in feedbacks:
        detail = f"{FEEDBACK_KINDS.get(f.kind, f.kind)},报送{f.recipient}"
        if f.document_number:
            detail += f"({f.document_number})"
        entries.append(Entry(f.fed_back_on, "feedback", "结果反馈", detail, f.recorded_by))
    if item.state == "voided":
        entries.append(Entry(item.voided_on, "void", "撤销", item.void_reason))
    if item.state == "rejected":
        entries.append(Entry(item.updated_at, "reject", "不予立项", item.rejection_reason))
    entries.sort(key=lambda e: e.sort_key)
    return entries


def case_timeline(case: CoordinationCase) -> list[Entry]:
    entries = [Entry(case.requested_on, "intake", "受托", f"{case.requester}委托:{case.title}", case.handler)]
    if case.screened_on:
        text = SCREENING_DECISIONS.get(case.screening_decision, "")
        if case.screening_reason:
            text += f":{case.screening_reason}"
        if case.escalated_to:
            text += f"(上报{case.escalated_to})"
        entries.append(Entry(case.screened_on, "screening", "审理", text))
    if case.hard_approved_by:
        entries.append(Entry(case.hard_approved_on, "approval", "批准硬协调",
                             f"{case.hard_approved_by} {case.hard_approval_note}".strip()))
    if case.verified_on:
        entries.append(Entry(case.verified_on, "verification", "核查", f"协调方案:{case.plan}"))
    for s in case.sessions.order_by(ConsultationSession.held_on, ConsultationSession.id):
        modes = "、".join(CONSULTATION_MODES[f][getattr(s, f)] for f in CONSULTATION_MODES)
        text = f"{modes}。{s.outcome}" + ("(达成一致)" if s.agreed else "")
        entries.append(Entry(s.held_on, "consultation", "协商", text, s.recorded_by))
    if case.resolved_on:
        entries.append(Entry(case.resolved_on, "resolution", "处理",
                             f"{RECORD_KINDS.get(case.record_kind, '')}:{case.decision}"))
    if case.archived_on:
        entries.append(Entry(case.archived_on, "archive", "立卷归档", ""))
    if case.state == "voided":
        entries.append(Entry(case.voided_on, "void", "撤销", case.void_reason))
    entries.sort(key=lambda e: e.sort_key)
    return entries
