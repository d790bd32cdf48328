"""The append-only change history: every create, change, step and delete."""

from __future__ import annotations

import datetime as dt
import getpass

from ..db.connection import is_server
from ..db.models import ChangeLog, Setting
from ..system import desk
from .vocab import ITEM_STEP_LABELS

ENTITY_LABELS = {
    "item": "督办事项",
    "case": "协调事项",
    "unit": "单位",
    "setting": "设置",
    "workday": "工作日安排",
}

ACTION_LABELS = {
    "create": "新建",
    "update": "修改",
    "delete": "删除",
    **ITEM_STEP_LABELS,  # a supervision item's steps
    "approve": "领导批准立项",
    "screen": "审理",
    "verify": "核查",
    "approve_hard": "批准硬协调",
    "consult": "协商",
    "resolve": "处理",
    "archive": "立卷归档",
    "link": "生成督办事项",
    "import": "导入",
    "demo": "生成示例数据",
    "restore": "从备份恢复",
}


def current_operator() -> str:
    """Who works at this desk: the name set on this PC (system/desk.py), else, on a
    register kept in one SQLite file, the name set in it by older versions, else this
    PC's user name. Never a name from the shared server: each desk names its own."""
    named = desk.operator()
    if named:
        return named
    if not is_server():
        row = Setting.get_or_none(Setting.key == "operator_name")
        if row is not None and row.value.strip():
            return row.value.strip()
    try:
        return getpass.getuser() or "未知用户"
    except (KeyError, OSError):  # no user name from the system
        return "未知用户"


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def record(entity: str, entity_id: int | None, action: str, *, field: str = "", old="",
           new="", note: str = "", operator: str | None = None) -> None:
    ChangeLog.create(
        operator=operator or current_operator(), entity=entity, entity_id=entity_id,
        action=action, field=field, old_value=as_text(old), new_value=as_text(new), note=note,
    )


def record_changes(entity: str, entity_id: int, changes: dict[str, tuple], *,
                   action: str = "update", note: str = "") -> None:
    """One history row per changed field."""
    who = current_operator()
    for field, (old, new) in changes.items():
        record(entity, entity_id, action, field=field, old=old, new=new, note=note, operator=who)


def history_of(entity: str, entity_id: int) -> list[ChangeLog]:
    return list(
        ChangeLog.select()
        .where((ChangeLog.entity == entity) & (ChangeLog.entity_id == entity_id))
        .order_by(ChangeLog.id)
    )
