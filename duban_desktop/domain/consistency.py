"""Rule-level checks of stored records (used by ``check``): what the rules promise.

Besides each record's own rules, a matter's history must lead to its state: the state
its last step left (``create``, ``approve`` or a change of ``state`` in the history) is
its stored state (the lead unit's report, recorded as its result, sends an
item to review), and an item has one ``urge`` row per urge counted. Every writer (the
steps, the importer, the sample data) writes through the same record functions, so
every writer's matters pass. (Items brought in by an older version's import have one
``import`` row and no ``create`` row: their history is not replayed.)
"""

from __future__ import annotations

import peewee as pw

from ..db.models import (
    ChangeLog,
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
    found.extend(history_problems())
    case = CoordinationCase
    sessions = ConsultationSession.select().where(ConsultationSession.case == case.id)
    for row in case.select(case.number).where(case.state == "closed", ~pw.fn.EXISTS(sessions)).limit(20):
        found.append(f"协调事项 {row.number} 已处理但没有协商记录")
    return found


def _history_of(entity: str, model, alias: str):
    log = ChangeLog.alias(alias)
    return log, (log.entity == entity) & (log.entity_id == model.id)


def _replayed_state(entity: str, model, created_state) -> pw.Node:
    """The state the last state-setting row of a matter's history left (SQL)."""
    log, mine = _history_of(entity, model, "last_step")
    # (the lead unit's report is recorded as its result: it sends the item to review)
    reported = (log.action == "report") & (log.field == "result")
    steps = (log.field == "state") | log.action.in_(("create", "approve")) | reported
    return (log.select(pw.Case(None, [(log.action == "create", created_state(log)),
                                      (log.action == "approve", "in_progress"),
                                      (reported, "awaiting_review")], log.new_value))
            .where(mine & steps).order_by(log.id.desc()).limit(1))


def _created(entity: str, model) -> pw.Node:
    log, mine = _history_of(entity, model, "created")
    return pw.fn.EXISTS(log.select(log.id).where(mine & (log.action == "create")))


def history_problems(limit: int = 20) -> list[str]:
    """Matters whose history does not lead to what is stored."""
    found: list[str] = []
    item = SupervisionItem
    # (an item registered without a number waits for approval)
    replayed = _replayed_state("item", item, lambda log: pw.Case(
        None, [(log.new_value == "", "pending_approval")], "in_progress"))
    for row in item.select(item.id, item.number).where(_created("item", item), item.state != replayed).limit(limit):
        found.append(f"督办事项 {row.number or '#' + str(row.id)} 的状态与其办理记录（修改历史）不一致")
    log, mine = _history_of("item", item, "urges")
    urged = log.select(pw.fn.COUNT(log.id)).where(mine & (log.action == "urge"))
    for row in item.select(item.id, item.number).where(_created("item", item), item.urge_count != urged).limit(limit):
        found.append(f"督办事项 {row.number or '#' + str(row.id)} 的催办次数与修改历史中的催办记录不一致")
    case = CoordinationCase
    replayed = _replayed_state("case", case, lambda log: "intake")
    for row in case.select(case.number).where(_created("case", case), case.state != replayed).limit(limit):
        found.append(f"协调事项 {row.number} 的状态与其办理记录（修改历史）不一致")
    return found
