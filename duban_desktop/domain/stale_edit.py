"""A stale edit refused: the edit dialogs open a record at a version and save only if it
is still that version.

Every change of an item or a case adds one to its ``version`` (``writes.save_changes``)
and writes its history rows in the same transaction. The dialog opens the record with
``for_edit`` (its version and ``seen_history``, the id of the last history row of the
record then, read in one statement) and hands both back; ``refuse_if_changed``, run on
the record read locked, raises ``StaleEdit`` when another desk changed it meanwhile,
saying who, when and what (the history rows newer than the ones the dialog saw).
"""

from __future__ import annotations

import datetime as dt

import peewee as pw

from ..db.connection import server_now
from ..db.models import ChangeLog
from .dates import format_cn
from .errors import StaleEdit
from .history import ACTION_LABELS
from .timeline import FIELD_LABELS
from .vocab import CASE_STATES, ITEM_STATES

NOUNS = {"item": "此事项", "case": "此协调事项"}
SHOWN = 8  # changes listed at most; more are counted
LONGEST = 40  # characters of a value shown


def for_edit(model, entity: str, record_id: int):
    """The record with ``seen_history`` (its last history row's id, 0 if none), or None."""
    seen = (ChangeLog.select(pw.fn.COALESCE(pw.fn.MAX(ChangeLog.id), 0))
            .where((ChangeLog.entity == entity) & (ChangeLog.entity_id == record_id)))
    return (model.select(model, seen.alias("seen_history"))
            .where(model._meta.primary_key == record_id).get_or_none())


def refuse_if_changed(entity: str, record, expected_version: int | None,
                      seen_history: int | None) -> None:
    """Raise ``StaleEdit`` if ``record`` (read locked) is no longer at ``expected_version``
    (None: no check, as for the command line)."""
    if expected_version is None or record.version == expected_version:
        return
    rows = list(ChangeLog.select().where(
        (ChangeLog.entity == entity) & (ChangeLog.entity_id == record.id)
        & (ChangeLog.id > (seen_history or 0))).order_by(ChangeLog.id))
    last = rows[-1] if rows else (ChangeLog.select().where(
        (ChangeLog.entity == entity) & (ChangeLog.entity_id == record.id))
        .order_by(ChangeLog.id.desc()).first())
    who = (last.operator if last is not None else "") or "另一位操作员"
    when = _when(last.at if last is not None else record.updated_at)
    message = f"{NOUNS.get(entity, '此记录')}已被{who}在 {when} 修改，请刷新后再改。"
    if seen_history is not None and rows:
        changes = [_describe(entity, row) for row in rows[:SHOWN]]
        more = f"等 {len(rows)} 处" if len(rows) > SHOWN else ""
        message += "修改的内容：" + "；".join(changes) + more + "。"
    message += "您这次的修改没有保存。"
    raise StaleEdit(message)


def _when(at: dt.datetime | None) -> str:
    if at is None:
        return "刚才"
    if at.date() == server_now().date():
        return at.strftime("%H:%M")
    return f"{format_cn(at.date())} {at.strftime('%H:%M')}"


def _value(entity: str, field: str, text: str) -> str:
    if not text:
        return "（空）"
    if field == "state":
        return (ITEM_STATES if entity == "item" else CASE_STATES).get(text, text)
    if len(text) == 10 and text[4:5] == "-" and text[7:8] == "-":
        try:
            return format_cn(dt.date.fromisoformat(text))
        except ValueError:
            pass
    text = " ".join(text.split())
    return text if len(text) <= LONGEST else text[:LONGEST] + "……"


def _describe(entity: str, row: ChangeLog) -> str:
    """One change: 催办项目：“旧” → “新”, with the step for another step's change."""
    label = FIELD_LABELS.get(row.field, row.field)
    if row.old_value or row.new_value:
        text = f"{label}：{_value(entity, row.field, row.old_value)} → {_value(entity, row.field, row.new_value)}"
    else:
        text = label
    if row.action != "update":
        text = f"{ACTION_LABELS.get(row.action, row.action)}（{text}）" if text else ACTION_LABELS.get(
            row.action, row.action)
    return text
