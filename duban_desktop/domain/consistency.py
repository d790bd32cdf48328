"""Rule-level checks of stored records (used by ``check``): what the rules promise."""

from __future__ import annotations

import peewee as pw

from ..db.models import (
    ConsultationSession,
    CoordinationCase,
    Feedback,
    SupervisionItem,
    Urge,
)
from . import numbering


def problems() -> list[str]:
    found: list[str] = []
    item = SupervisionItem
    numbered = item.state.not_in(("pending_approval", "rejected"))
    for row in item.select(item.id).where(numbered & item.number.is_null()).limit(20):
        found.append(f"督办事项 #{row.id} 已立项但没有编号")
    checks = [
        (item.state == "closed", item.closed_on.is_null(), "已办结但没有办结日期"),
        (item.state == "awaiting_review", item.result_reported_on.is_null(), "待审理但没有报送日期"),
        (item.state == "voided", item.void_reason == "", "已撤销但没有撤销理由"),
        (True, item.deadline < item.registered_on, "完成时限早于登记日期"),
    ]
    for state_cond, bad, text in checks:
        for row in item.select(item.id, item.number).where(state_cond, bad).limit(20):
            found.append(f"督办事项 {row.number or '#' + str(row.id)} {text}")
    no_feedback = item.select(item.id, item.number).where(
        item.state == "closed", ~pw.fn.EXISTS(Feedback.select().where(Feedback.item == item.id)))
    for row in no_feedback.limit(20):
        found.append(f"督办事项 {row.number} 已办结但没有结果反馈记录")
    urges = Urge.select(pw.fn.COUNT(Urge.id)).where(Urge.item == item.id)
    for row in item.select(item.id, item.number).where(item.urge_count != urges).limit(20):
        found.append(f"督办事项 {row.number} 的催办次数与催办记录不一致")
    found.extend(numbering.counter_problems())
    case = CoordinationCase
    sessions = ConsultationSession.select().where(ConsultationSession.case == case.id)
    for row in case.select(case.number).where(case.state == "closed", ~pw.fn.EXISTS(sessions)).limit(20):
        found.append(f"协调事项 {row.number} 已处理但没有协商记录")
    return found
