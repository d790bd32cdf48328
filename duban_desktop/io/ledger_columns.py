"""The columns of the 督办台账 sheet: what the export writes and the import reads back.

Keeping one list for both is what makes the round trip exact: a ledger exported,
imported into an empty database and exported again is the same ledger.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str  # the import field it fills ("" = derived, not read back)
    header: str
    width: float
    kind: str = "text"  # text | center | date | int


LEDGER_SHEET = "督办台账"
CASES_SHEET = "协调台账"
STATS_SHEET = "统计"
OVERDUE_SHEET = "逾期清单"

LEDGER_COLUMNS: tuple[Column, ...] = (
    Column("", "序号", 5, "int"),
    Column("number", "编号", 11.5, "center"),
    Column("title", "督办事项", 22),
    Column("source", "立项依据", 7, "center"),
    Column("instructing_leader", "批示领导", 7.5, "center"),
    Column("leader_instruction", "领导批示", 20),
    Column("lead_unit", "主办单位", 11, "center"),
    Column("assisting", "协办单位", 11, "center"),
    Column("responsible_person", "具体负责人", 7, "center"),
    Column("registered_on", "登记日期", 13, "date"),
    Column("issued_on", "发出时间", 13, "date"),
    Column("deadline", "完成时限", 13, "date"),
    Column("original_deadline", "原定时限", 13, "date"),
    Column("urge_count", "催办次数", 5, "int"),
    Column("last_urged_on", "最近催办", 13, "date"),
    Column("state", "状态", 7, "center"),
    Column("completed_on", "办结日期", 13, "date"),
    Column("result", "办理结果", 20),
    Column("result_summary", "查办结果摘要", 18),
    Column("", "逾期天数(工作日)", 6.5, "int"),
    Column("", "情况", 8, "center"),  # domain/state.py's state: 已逾期, 待审理, 逾期办结, ...
)

LEDGER_HEADERS = tuple(c.header for c in LEDGER_COLUMNS)
