"""An import's plan and its problems: the vocabulary every part of importing shares.

The rows of a file (``SourceRow``), the problems found in them (``Problem``, with a
level: 错误 / 跳过 / 提示 / 需确认), the plan (``ImportPlan``: each row's ``PlannedRow``,
the notices, the new units, the numbers that jump) and the result. The reader
(``io.ledger_import``) makes SourceRows; ``import_interpret`` reads each row's values,
``import_plan`` plans, ``import_write`` writes (see ``importing`` for the whole).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from . import numbering
from .errors import DomainError
from .vocab import ITEM_STATES

# import field -> label shown in the mapping (the office's words)
FIELDS: dict[str, str] = {
    "number": "编号",
    "title": "督办事项",
    "content": "项目内容",
    "source": "立项依据",
    "basis": "依据文件或会议",
    "leader_instruction": "领导批示",
    "instructing_leader": "批示领导",
    "instruction_date": "批示日期",
    "lead_unit": "主办单位",
    "assisting": "协办单位",
    "cooperating": "配合单位",
    "responsible_person": "具体负责人",
    "registered_on": "登记日期",
    "issued_on": "发出时间",
    "deadline": "完成时限",
    "original_deadline": "原定时限",
    "urge_count": "催办次数",
    "last_urged_on": "最近催办",
    "state": "状态",
    "completed_on": "办结日期",
    "result": "办理结果",
    "result_summary": "查办结果摘要",
    "note": "备注",
}
IGNORE = ""  # a column that is not imported
SEQ_VALUE = "_seq"  # a SourceRow's 序号 (not imported: it tells one item's rows from the next)
DATE_FIELDS = ("registered_on", "issued_on", "deadline", "original_deadline", "last_urged_on",
               "completed_on", "instruction_date")
NOT_GIVEN = "未注明"
PLAIN_NUMBERS_NOTICE = ("“{label}”列的内容都是简单的数字,看起来像序号。如果它不是督办事项的编号,"
                        "请把这一列改为“不导入”,程序会按年份自动编号。")

ERROR, SKIP, WARNING, CONFIRM = "error", "skip", "warning", "confirm"
LEVELS = {ERROR: "错误", SKIP: "跳过", WARNING: "提示", CONFIRM: "需确认"}


@dataclass
class SourceRow:
    """One row of the file: its row number and the cell value of each mapped field."""

    row: int
    values: dict[str, object]


@dataclass(frozen=True)
class Problem:
    row: int  # the row number in the file (0: the file as a whole)
    column: str  # the column's name in the file, or ""
    message: str
    level: str = ERROR

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "整个表格"
        if self.column:
            where += f"“{self.column}”"
        return f"{where}:{self.message}"


@dataclass
class PlannedRow:
    row: int
    status: str  # "new" | "duplicate" | "error"
    values: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def state(self) -> str:
        return self.values.get("state", "")


@dataclass(frozen=True)
class JumpRow:
    """A row whose number is far beyond its year's numbers (``numbering.find_jumps``):
    imported only when the user confirms it."""

    row: int
    number: str
    jump: numbering.Jump

    def __str__(self) -> str:
        return f"第 {self.row} 行：{self.jump.describe(self.number)}"


@dataclass
class ImportPlan:
    rows: list[PlannedRow]
    notices: list[str]
    new_units: list[str]
    labels: dict[str, str]  # field -> the column's name in the file
    jumps: list[JumpRow] = field(default_factory=list)  # rows to import whose number jumps

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def to_import(self) -> int:
        return self.count("new")

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def duplicates(self) -> int:
        return self.count("duplicate")

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.rows for p in r.problems]

    def states(self) -> dict[str, int]:
        counts = Counter(r.state for r in self.rows if r.status == "new")
        return {ITEM_STATES[s]: n for s, n in counts.items() if s}


@dataclass(frozen=True)
class ImportResult:
    created: int
    skipped_duplicates: int
    skipped_errors: int
    new_units: list[str]
    numbers: list[str]  # the numbers of the items created, in file order


class ImportRefused(DomainError):
    """The file has problems the user has not chosen to skip; nothing was written."""


class NumberJumpsNotConfirmed(ImportRefused):
    """Some numbers jump far beyond their year's numbers and the user has not confirmed
    them; nothing was written."""

    def __init__(self, jumps: list[JumpRow]):
        super().__init__(f"{jumps_summary(jumps)}，没有导入任何内容。"
                         "请核对这些编号；如是笔误，请改正表格；如编号无误，请确认后再导入。")
        self.jumps = jumps


def jumps_summary(jumps: list[JumpRow]) -> str:
    """One sentence naming the rows whose number jumps (the first three)."""
    shown = "；".join(str(j) for j in jumps[:3]) + ("……" if len(jumps) > 3 else "")
    return f"有 {len(jumps)} 行的编号远远超出这一年现有的编号（{shown}）"


_JUMPS_CONFIRMED: ContextVar[bool] = ContextVar("number_jumps_confirmed", default=False)


def jumps_confirmed() -> bool:
    """Whether this thread is inside ``number_jumps_confirmed``."""
    return _JUMPS_CONFIRMED.get()


@contextmanager
def number_jumps_confirmed(confirmed: bool = True) -> Iterator[None]:
    """The user confirmed the plan's number jumps: imports inside this block accept them.

    For callers that reach ``import_rows`` through a function that does not pass
    ``accept_number_jumps`` on (``io.ledger_import.import_ledger``). Set it in the thread
    that imports (a worker's own function), it does not cross threads."""
    token = _JUMPS_CONFIRMED.set(confirmed)
    try:
        yield
    finally:
        _JUMPS_CONFIRMED.reset(token)
