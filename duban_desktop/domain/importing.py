"""Bringing an office's existing ledger in: the rules for rows read from a file.

The reader (``io.ledger_import``) turns a spreadsheet into ``SourceRow``s: the row
number and, per field, what the cell held (text, a number or a date). This module
interprets them as the office writes them (dates like 2026年6月30日前, states like
已办结, several units in one cell), checks every row against the same rules as
``supervision.register_item`` and the steps after it, and writes the accepted rows in
one transaction.

Why a domain-level import rather than calling register_item, report_result, review
and feedback row by row: (1) the plan must list every problem of every row before
anything is written, while the step functions stop at the first refusal and write as
they go; (2) an imported item's history is "brought in from the old ledger", not a
review or a feedback that somebody made today, and its dates are the ledger's, which
the step functions would refuse (they date each step when it is recorded); (3) speed:
10,000 rows in a few seconds, with bulk inserts. The records written are the ones
the steps would leave (a closed item has its result report, its passing review and its
feedback; urges are counted by urge records), so ``consistency.problems()`` stays
empty, and each item gets one history entry with action ``import`` naming the file
and row.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from ..db import write_transaction
from ..db.bulk import bulk_insert
from ..db.models import (
    AssistingUnit,
    ChangeLog,
    Feedback,
    ResultReport,
    Review,
    SupervisionItem,
    Unit,
    Urge,
)
from . import history, numbering, settings
from .dates import format_cn
from .errors import DomainError
from .ledger_text import (
    interpret_source,
    interpret_state,
    leader_from_instruction,
    looks_done,
    parse_ledger_date,
    split_units,
)
from .supervision import SERIES, TEXT_FIELDS
from .text import strip_illegal
from .vocab import ITEM_STATES, URGE_METHODS

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


# ------------------------------------------------------------------ checking rows


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return format_cn(value)
    return strip_illegal(str(value)).strip()


_LIMITS = {"number": 64, "lead_unit": 100, "note": 20000, "result": 20000, "basis": 200}
_SINGLE = {"number", "title", "basis", "instructing_leader", "responsible_person"}


class _Row:
    """Interprets one SourceRow; collects problems instead of stopping at the first."""

    def __init__(self, source: SourceRow, labels: dict[str, str], today: dt.date, notes: Counter,
                 parse_number: Callable):
        self.parse_number = parse_number
        self.row = source.row
        self.raw = source.values
        self.labels = labels
        self.today = today
        self.notes = notes
        self.problems: list[Problem] = []
        self.values: dict = {}

    def problem(self, field_name: str, message: str, level: str = ERROR) -> None:
        self.problems.append(Problem(self.row, self.labels.get(field_name, FIELDS.get(field_name, "")),
                                     message, level))

    def text(self, name: str) -> str:
        text = _as_text(self.raw.get(name))
        if name in _SINGLE or name in ("lead_unit", "assisting"):
            text = " ".join(text.split()) if name not in ("lead_unit", "assisting") else text
        limit = TEXT_FIELDS[name][1] if name in TEXT_FIELDS else _LIMITS.get(name)
        if limit and len(text) > limit and name != "title":
            self.problem(name, f"最多 {limit} 个字,现在有 {len(text)} 个字,请删减。")
            return text[:limit]
        return text

    def date(self, name: str, year: int | None) -> dt.date | None:
        value = self.raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        day, note = parse_ledger_date(value, year=year)
        if day is None:
            shown = _as_text(value)
            self.problem(name, f"“{shown}”{note},请填写日期,例如 2026年1月5日 或 2026-01-05。")
            return None
        if note:
            self.problem(name, f"“{_as_text(value)}”{note}({format_cn(day)})。", WARNING)
        return day

    def order(self, earlier: str, later: str, first: dt.date | None, second: dt.date | None) -> None:
        if first and second and second < first:
            self.problem(later, f"{FIELDS[later]}({format_cn(second)})不能早于"
                         f"{FIELDS[earlier]}({format_cn(first)})。")

    def interpret(self) -> dict:
        v = self.values
        v["row"] = self.row
        number = self.text("number")
        v["number"] = number
        title = self.text("title")
        content = self.text("content")
        if not title and content:
            title, content = content, ""
        if not title:
            self.problem("title", "缺少督办事项(事项名称),这一行无法导入。")
        elif len(title) > 200 or "\n" in title:
            short = re.split(r"[。;;\n]", title, maxsplit=1)[0].strip()[:200]
            if len(title) > 200:
                self.problem("title", f"事项名称有 {len(title)} 个字,超过 200 字:以第一句作为事项名称,"
                             "全文保存在项目内容中。", WARNING)
            content = title + ("\n" + content if content else "")
            title = short
        v["title"] = " ".join(title.split())
        v["content"] = content
        v["basis"] = self.text("basis")
        v["note"] = self.text("note")
        if v["note"]:
            v["content"] = (v["content"] + "\n" if v["content"] else "") + "备注:" + v["note"]
        if len(v["content"]) > TEXT_FIELDS["content"][1]:
            self.problem("content", f"项目内容最多 {TEXT_FIELDS['content'][1]} 个字,请删减。")

        lead_text = self.text("lead_unit")
        lead, extra = split_units(lead_text)
        if extra:
            self.notes["several_units"] += 1
        first, rest = split_units(self.text("assisting"))
        assisting = [first, *rest] if first else []
        helpers = []
        for name in extra + assisting:
            if name != lead and name not in helpers:
                helpers.append(name)
        for name in [lead, *helpers]:
            if len(name) > 100:
                self.problem("lead_unit", f"单位名称“{name[:20]}……”超过 100 个字。")
        if not lead:
            self.problem("lead_unit", "缺少承办(主办)单位,这一行无法导入。")
        v["lead_unit"], v["assisting"] = lead, helpers

        person = self.text("responsible_person")
        if not person:
            person = NOT_GIVEN
            if "responsible_person" in self.labels:
                self.problem("responsible_person", f"没有填写具体负责人,记为“{NOT_GIVEN}”。", WARNING)
        v["responsible_person"] = person

        # dates: the year for dates typed without one comes from the number or registration
        year = None
        try:
            parsed = self.parse_number(number) if number else None
        except numbering.NumberOutOfRange as exc:  # the range is numbering's rule
            self.problem("number", exc.message)
            parsed = None
        registered = self.date("registered_on", None)
        year = registered.year if registered else (parsed[0] if parsed else self.today.year)
        dates = {name: self.date(name, year) for name in DATE_FIELDS if name != "registered_on"}
        if registered is None:
            candidates = [d for d in (dates["issued_on"], dates["instruction_date"]) if d]
            if not candidates:
                candidates = [d for d in (dates["deadline"], dates["original_deadline"],
                                          dates["last_urged_on"], dates["completed_on"]) if d]
            registered = min([*candidates, self.today]) if candidates else self.today
            if "registered_on" in self.labels:
                self.problem("registered_on", f"没有登记日期,按 {format_cn(registered)} 记。", WARNING)
            else:
                self.notes["no_registered_column"] += 1
        if registered > self.today:
            self.problem("registered_on", f"登记日期({format_cn(registered)})不能晚于今天。")
        v["registered_on"] = registered
        v.update(dates)
        if v["deadline"] is None and v["original_deadline"] is not None:
            v["deadline"] = v["original_deadline"]
        if v["deadline"] is None and "deadline" not in self.problem_fields():
            raw = _as_text(self.raw.get("deadline"))
            self.problem("deadline", "缺少完成时限,请填写具体日期(例如 2026年12月31日)。" if not raw
                         else f"“{raw}”不是日期,请填写具体日期(例如 2026年12月31日)。")
        v["original_deadline"] = v["original_deadline"] or v["deadline"]
        self.order("registered_on", "issued_on", registered, v["issued_on"])
        self.order("instruction_date", "registered_on", v["instruction_date"], registered)
        self.order("registered_on", "deadline", registered, v["deadline"])
        self.order("registered_on", "original_deadline", registered, v["original_deadline"])
        self.order("registered_on", "last_urged_on", registered, v["last_urged_on"])
        self.order("registered_on", "completed_on", registered, v["completed_on"])
        for name in ("last_urged_on", "completed_on", "instruction_date", "issued_on"):
            if v[name] and v[name] > self.today:
                self.problem(name, f"{FIELDS[name]}({format_cn(v[name])})不能晚于今天。")

        # urges
        count_value = self.raw.get("urge_count")
        count = 0
        if count_value not in (None, ""):
            m = re.search(r"\d+", unicodedata.normalize("NFKC", str(count_value)))
            if isinstance(count_value, (int, float)) and not isinstance(count_value, bool):
                count = int(count_value)
            elif m:
                count = int(m[0])
            elif _as_text(count_value) not in ("无", "-", "—", "/"):
                self.problem("urge_count", f"“{_as_text(count_value)}”不是次数,请填写数字。")
            if not 0 <= count <= 1000:
                self.problem("urge_count", "催办次数应在 0 到 1000 之间。")
                count = 0
        if v["last_urged_on"] and count == 0:
            count = 1
        if count and not v["last_urged_on"]:
            v["last_urged_on"] = registered
            self.problem("urge_count", f"记载催办 {count} 次,但没有催办日期:按登记日期记。", WARNING)
        v["urge_count"] = count

        # leader's instruction and source
        instruction = self.text("leader_instruction")
        leader = self.text("instructing_leader")
        if instruction and not leader:
            leader = leader_from_instruction(instruction)
        v["leader_instruction"], v["instructing_leader"] = instruction, leader[:50]
        source_text = self.text("source")
        source, exact = interpret_source(source_text)
        if source is None:
            source = "leader_instruction" if instruction else ("document" if v["basis"] else "other")
            if "source" not in self.labels:
                self.notes["no_source_column"] += 1
        elif not exact and source_text and not v["basis"]:
            v["basis"] = source_text[:200]
        if source == "leader_instruction" and not (instruction and leader):
            if not instruction:
                self.problem("leader_instruction", "立项依据为“领导批示”,但没有领导批示的内容:按“其他”导入。",
                             WARNING)
            else:
                self.problem("instructing_leader", "有领导批示但没有写明批示领导:立项依据按“其他”导入,"
                             "请导入后补填批示领导。", WARNING)
            source = "other"
        v["source"] = source

        # state and result
        result = self.text("result")
        summary = self.text("result_summary")
        state_text = self.text("state")
        state, exact = interpret_state(state_text)
        if state is None and state_text:
            self.problem("state", f"状态“{state_text}”无法识别,按“办理中”导入。", WARNING)
            state = "in_progress"
        if state is None:
            if v["completed_on"]:
                state = "closed"
            elif looks_done(result):
                state = "closed"
                self.notes["closed_from_result"] += 1
            else:
                state = "in_progress"
        elif not exact and state_text:
            self.notes["state_guessed"] += 1
        if state == "pending_approval" and source != "public_report":
            self.problem("state", "只有“群众反映”的事项才会“待领导批准”;请检查立项依据或状态。")
        if source == "public_report" and state in ("pending_approval", "rejected") and number:
            self.problem("number", "尚未立项(待领导批准或不予立项)的事项不应有编号。")
        if state in ("passed", "closed") and not v["completed_on"]:
            fallback = min(max(v["deadline"] or registered, registered), self.today)
            v["completed_on"] = fallback
            self.problem("completed_on", f"已办结但没有办结日期:按{('完成时限' if fallback == v['deadline'] else '今天')}"
                         f"({format_cn(fallback)})记为办结日期。", WARNING)
        if state in ("passed", "closed") and not result:
            result = state_text or "已办结"
        if state == "awaiting_review" and not result:
            self.problem("result", "状态为“待审理”,但没有办理结果。")
        v["state"], v["result"], v["result_summary"] = state, result, summary
        return v

    def problem_fields(self) -> set[str]:
        reverse = {label: name for name, label in self.labels.items()}
        return {reverse.get(p.column, p.column) for p in self.problems if p.level == ERROR}


def number_parser(*, strict: bool = False) -> Callable[[str], tuple[int, int] | None]:
    """``numbering.parse_number`` for the supervision series, with the settings read once.
    ``strict`` raises ``numbering.NumberOutOfRange`` for a number out of range; otherwise
    such a number reads as None (its row is an error already)."""
    parse = numbering.parser(SERIES)
    if strict:
        return parse

    def tolerant(number: str) -> tuple[int, int] | None:
        try:
            return parse(number)
        except numbering.NumberOutOfRange:
            return None

    return tolerant


def _fingerprint(title: str, unit: str) -> tuple[str, str]:
    return (" ".join(title.split()), unit)


def plan_rows(rows: Iterable[SourceRow], labels: dict[str, str], *,
              today: dt.date | None = None) -> ImportPlan:
    """What an import would do, row by row; reads the database, writes nothing."""
    today = today or dt.date.today()
    notes: Counter = Counter()
    planned: list[PlannedRow] = []
    parse = number_parser()
    strict = number_parser(strict=True)
    for source in rows:
        row = _Row(source, labels, today, notes, strict)
        values = row.interpret()
        errors = [p for p in row.problems if p.level == ERROR]
        planned.append(PlannedRow(source.row, "error" if errors else "new", values, row.problems))

    # numbers: unique in the file, and not used by another item in the database
    existing_numbers = _existing(lambda chunk: SupervisionItem.select(
        SupervisionItem.number, SupervisionItem.title, Unit.name, SupervisionItem.deadline,
        SupervisionItem.original_deadline).join(Unit, on=(SupervisionItem.lead_unit == Unit.id))
        .where(SupervisionItem.number.in_(chunk)),
        [r.values["number"] for r in planned if r.values.get("number")])
    by_number = {rec[0]: rec for rec in existing_numbers}
    titles = [r.values["title"] for r in planned if r.values.get("title")]
    existing_titles = _existing(lambda chunk: SupervisionItem.select(
        SupervisionItem.title, Unit.name, SupervisionItem.deadline, SupervisionItem.original_deadline,
        SupervisionItem.number).join(Unit, on=(SupervisionItem.lead_unit == Unit.id))
        .where(SupervisionItem.title.in_(chunk)), titles)
    by_print: dict[tuple, list] = defaultdict(list)
    for title, unit, deadline, original, number in existing_titles:
        by_print[_fingerprint(title, unit)].append((_as_date(deadline), _as_date(original), number))
    seqs = _existing_seqs(planned, parse)
    seen_numbers: dict[str, int] = {}
    seen_prints: dict[tuple, int] = {}
    seen_seqs: dict[tuple[int, int], int] = {}
    for r in planned:
        v = r.values
        number = v.get("number")
        key = _fingerprint(v.get("title", ""), v.get("lead_unit", ""))
        deadline = v.get("deadline")
        if number:
            if number in seen_numbers:
                r.problems.append(Problem(r.row, labels.get("number", "编号"),
                                          f"编号“{number}”与第 {seen_numbers[number]} 行重复。"))
            else:
                seen_numbers[number] = r.row
            found = by_number.get(number)
            if found is not None:
                if _fingerprint(found[1], found[2]) == key:
                    r.status = "duplicate"
                    r.problems.append(Problem(r.row, labels.get("number", "编号"),
                                              f"编号“{number}”的事项已经在数据库中(以前导入过),跳过。", SKIP))
                    continue
                r.problems.append(Problem(r.row, labels.get("number", "编号"),
                                          f"编号“{number}”已被另一督办事项(“{found[1][:30]}”)使用,编号不能重复。"))
            parsed = parse(number)
            if parsed and found is None:
                if parsed in seqs:
                    r.problems.append(Problem(r.row, labels.get("number", "编号"),
                                              f"{parsed[0]}年第 {parsed[1]} 号已被督办事项“{seqs[parsed]}”使用,"
                                              "编号不能重复。"))
                elif parsed in seen_seqs:
                    r.problems.append(Problem(r.row, labels.get("number", "编号"),
                                              f"与第 {seen_seqs[parsed]} 行是同一个编号({parsed[0]}年第 {parsed[1]} 号)。"))
                else:
                    seen_seqs[parsed] = r.row
        elif key[0] and deadline:
            for old_deadline, old_original, old_number in by_print.get(key, ()):
                if deadline in (old_deadline, old_original):
                    r.status = "duplicate"
                    r.problems.append(Problem(
                        r.row, "", f"与已有的督办事项“{old_number or key[0][:30]}”相同(事项、主办单位和"
                        "完成时限一致),以前导入过,跳过。", SKIP))
                    break
            if r.status == "duplicate":
                continue
            if (key, deadline) in seen_prints:
                r.problems.append(Problem(r.row, "", f"与第 {seen_prints[(key, deadline)]} 行重复"
                                          "(事项、主办单位和完成时限都相同)。"))
            else:
                seen_prints[(key, deadline)] = r.row
        if any(p.level == ERROR for p in r.problems):
            r.status = "error"

    notices = _notices(notes, labels, planned)
    names = {r.values["lead_unit"] for r in planned if r.status == "new"}
    names |= {n for r in planned if r.status == "new" for n in r.values["assisting"]}
    known = {rec[0] for rec in _existing(lambda chunk: Unit.select(Unit.name).where(Unit.name.in_(chunk)),
                                          sorted(names))}
    new_units = sorted(names - known)
    return ImportPlan(planned, notices, new_units, labels, _jumps(planned, labels, parse))


def _jumps(planned: list[PlannedRow], labels: dict[str, str], parse) -> list[JumpRow]:
    """The rows to import whose number jumps far beyond its year's numbers (judged with
    the file's other numbers, ``numbering.find_jumps``); each gets a 需确认 problem."""
    numbered = [(r, parsed) for r in planned if r.status == "new" and r.values.get("number")
                and (parsed := parse(r.values["number"]))]
    found = numbering.find_jumps(SERIES, [parsed for _, parsed in numbered])
    jumps = []
    for r, parsed in numbered:
        jump = found.get(parsed)
        if jump is not None and all(j.jump != jump for j in jumps):
            jumps.append(JumpRow(r.row, r.values["number"], jump))
            r.problems.append(Problem(r.row, labels.get("number", "编号"),
                                      jump.describe(r.values["number"]) + "：如编号无误，请确认后导入；"
                                      "如是笔误，请改正表格。", CONFIRM))
    return jumps


def _as_date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _existing(make_query: Callable, keys: list, chunk: int = 400) -> list[tuple]:
    keys = sorted(set(keys))
    found: list[tuple] = []
    for start in range(0, len(keys), chunk):
        found.extend(make_query(keys[start:start + chunk]).tuples())
    return found


def _existing_seqs(planned: list[PlannedRow], parse) -> dict[tuple[int, int], str]:
    years = set()
    for r in planned:
        number = r.values.get("number")
        parsed = parse(number) if number else None
        if parsed:
            years.add(parsed[0])
    if not years:
        return {}
    query = (SupervisionItem.select(SupervisionItem.seq_year, SupervisionItem.seq, SupervisionItem.number)
             .where(SupervisionItem.seq_year.in_(sorted(years))).tuples())
    return {(y, s): n for y, s, n in query}


def _notices(notes: Counter, labels: dict[str, str], planned: list[PlannedRow]) -> list[str]:
    out = []
    if notes["no_registered_column"]:
        out.append("表中没有“登记日期”列:各事项的登记日期按发出时间、批示日期或完成时限中最早的一个记"
                   "(不晚于今天)。")
    if "responsible_person" not in labels:
        out.append(f"表中没有“具体负责人”列:各事项的具体负责人记为“{NOT_GIVEN}”,请导入后补填。")
    if notes["no_source_column"]:
        out.append("表中没有“立项依据”列:有领导批示的事项记为“领导批示”,其余记为“其他”。")
    if notes["several_units"]:
        out.append(f"有 {notes['several_units']} 行的承办单位写了多个单位:标明“牵头”的或第一个作为主办单位,"
                   "其余作为协办单位。")
    if notes["closed_from_result"]:
        out.append(f"有 {notes['closed_from_result']} 行根据“办理情况”的内容(如“已完成……”)判断为已办结。")
    if notes["state_guessed"]:
        out.append(f"有 {notes['state_guessed']} 行的状态是根据文字判断的(如“基本完成”按办理中),请在预览中核对。")
    numbers = [r.values.get("number", "") for r in planned if r.values.get("number")]
    if numbers and len(numbers) >= 3 and all(n.isdigit() and len(n) <= 5 for n in numbers):
        out.append(PLAIN_NUMBERS_NOTICE.format(label=labels.get("number", "编号")))
    return out


# ------------------------------------------------------------------ writing


def import_rows(rows: list[SourceRow], labels: dict[str, str], *, source_name: str = "",
                skip_errors: bool = False, dry_run: bool = False, today: dt.date | None = None,
                progress: Callable[[int, int, str], bool] | None = None,
                cancelled: Callable[[], Exception] | None = None,
                accept_number_jumps: bool | None = None) -> tuple[ImportPlan, ImportResult | None]:
    """Plan, and unless ``dry_run`` write, the rows in one transaction (all or nothing).

    Refused (``ImportRefused``) while a row has an error, unless ``skip_errors``; and
    (``NumberJumpsNotConfirmed``) while a number jumps far beyond its year's numbers,
    unless ``accept_number_jumps`` (None: as ``number_jumps_confirmed`` says).
    """
    today = today or dt.date.today()
    if accept_number_jumps is None:
        accept_number_jumps = _JUMPS_CONFIRMED.get()
    if dry_run:
        return plan_rows(rows, labels, today=today), None
    with write_transaction():
        plan = plan_rows(rows, labels, today=today)  # again, inside the lock
        if plan.errors and not skip_errors:
            first = next(p for p in plan.problems if p.level == ERROR)
            raise ImportRefused(f"表格中有 {plan.errors} 行有问题,没有导入任何内容。第一个问题:{first}")
        if not plan.to_import:
            raise ImportRefused("没有可以导入的新事项" + (
                f"(有 {plan.duplicates} 件以前已经导入过)。" if plan.duplicates else "。"))
        if plan.jumps and not accept_number_jumps:
            raise NumberJumpsNotConfirmed(plan.jumps)
        result = _write(plan, source_name, today, progress, cancelled)
    return plan, result


def _write(plan: ImportPlan, source_name: str, today: dt.date, progress, cancelled) -> ImportResult:
    operator = history.current_operator()
    now = dt.datetime.now().replace(microsecond=0)
    rows = [r for r in plan.rows if r.status == "new"]
    total = len(rows)

    # units: the existing ones by name, the new ones created (with their history)
    names = sorted({r.values["lead_unit"] for r in rows} | {n for r in rows for n in r.values["assisting"]})
    units = {name: uid for name, uid in _existing(
        lambda chunk: Unit.select(Unit.name, Unit.id).where(Unit.name.in_(chunk)), names)}
    for name in names:
        if name not in units:
            units[name] = Unit.insert(name=name, created_at=now).execute()
            history.record("unit", units[name], "create", field="name", new=name,
                           note="导入台账时新建", operator=operator)

    # numbers: the file's are kept (and claimed); the others get the next of their year
    taken = {n for r in rows if (n := r.values["number"])}
    wanting: dict[int, list[PlannedRow]] = defaultdict(list)
    parse = number_parser()
    highest: dict[int, int] = {}
    for r in rows:
        v = r.values
        if v["number"]:
            parsed = parse(v["number"])
            v["seq_year"], v["seq"] = parsed if parsed else (None, None)
            if parsed:
                highest[parsed[0]] = max(highest.get(parsed[0], 0), parsed[1])
        elif v["state"] in ("pending_approval", "rejected"):
            v["seq_year"] = v["seq"] = None
        else:
            wanting[v["registered_on"].year].append(r)
    for year, seq in highest.items():
        numbering.claim(SERIES, year, seq)
    for year, group in sorted(wanting.items()):
        existing = {n for (n,) in SupervisionItem.select(SupervisionItem.number)
                    .where(SupervisionItem.seq_year == year).tuples()}
        given = numbering.allocate(SERIES, year, len(group), (taken | existing).__contains__)
        for r, (number, seq) in zip(group, given, strict=True):
            r.values["number"], r.values["seq_year"], r.values["seq"] = number, year, seq

    method = settings.get("default_urge_method")
    if method not in URGE_METHODS:
        method = "phone"
    assisting_rows, urge_rows, report_rows, review_rows, feedback_rows, log_rows = [], [], [], [], [], []
    numbers = []
    where = f"《{source_name}》" if source_name else "原台账"
    records = []
    for r in rows:
        v = r.values
        state = v["state"]
        completed = v["completed_on"] if state in ("passed", "closed") else None
        reported = (completed or today) if state in ("awaiting_review", "passed", "closed") else None
        approved = v["source"] == "public_report" and state not in ("pending_approval", "rejected")
        records.append(dict(
            number=v["number"] or None, seq_year=v["seq_year"], seq=v["seq"], state=state,
            title=v["title"], content=v["content"], source=v["source"], basis=v["basis"],
            leader_instruction=v["leader_instruction"], instructing_leader=v["instructing_leader"],
            instruction_date=v["instruction_date"], lead_unit=units[v["lead_unit"]],
            responsible_person=v["responsible_person"], registered_on=v["registered_on"],
            issued_on=v["issued_on"], deadline=v["deadline"], original_deadline=v["original_deadline"],
            result=v["result"], result_reported_on=reported, completed_on=completed,
            result_summary=v["result_summary"], urge_count=v["urge_count"],
            last_urged_on=v["last_urged_on"], registrar=operator, created_at=now, updated_at=now,
            closed_on=completed if state == "closed" else None,
            approved_on=v["registered_on"] if approved else None,
            approval_note=f"从{where}导入,原台账中已立项。" if approved else "",
            rejection_reason=(v["result"] or "原台账标记为不予立项。") if state == "rejected" else "",
            void_reason=(v["result"] or "原台账标记为已撤销。") if state == "voided" else "",
            voided_on=(v["completed_on"] or today) if state == "voided" else None,
        ))
    # numbered items in batches, their ids found again by number (unique, and portable);
    # the few without a number (waiting for approval) one by one
    numbered = [rec for rec in records if rec["number"]]
    batch = 1000
    for start in range(0, len(numbered), batch):
        bulk_insert(SupervisionItem, numbered[start:start + batch])
        if progress is not None and progress(min(start + batch, total), total,
                                             f"正在导入第 {min(start + batch, total)} / {total} 件……") is False:
            raise (cancelled() if cancelled else ImportRefused("已取消导入,没有导入任何内容。"))
    ids = dict(_existing(lambda chunk: SupervisionItem.select(SupervisionItem.number, SupervisionItem.id)
                         .where(SupervisionItem.number.in_(chunk)), [rec["number"] for rec in numbered]))
    for r, rec in zip(rows, records, strict=True):
        v = r.values
        state = v["state"]
        lead = rec["lead_unit"]
        completed, reported = rec["completed_on"], rec["result_reported_on"]
        item_id = ids[rec["number"]] if rec["number"] else SupervisionItem.insert(**rec).execute()
        numbers.append(v["number"] or "")
        for position, name in enumerate(v["assisting"]):
            assisting_rows.append(dict(item=item_id, unit=units[name], position=position))
        if v["urge_count"]:
            note = (f"从{where}导入:原台账记载共催办 {v['urge_count']} 次,最近一次 "
                    f"{format_cn(v['last_urged_on'])};各次的日期和方式未记载。")
            for _ in range(v["urge_count"]):
                urge_rows.append(dict(item=item_id, urged_on=v["last_urged_on"], method=method,
                                      content=note, urged_by=operator, created_at=now))
        if reported:
            report_rows.append(dict(item=item_id, unit=lead, reported_on=reported, content=v["result"],
                                    recorded_by=operator, created_at=now))
        if state in ("passed", "closed"):
            review_rows.append(dict(item=item_id, reviewed_on=completed, facts_accurate=True,
                                    policy_compliant=True, problem_solved=True, writing_proper=True,
                                    verdict="pass", comment=f"从{where}导入,原台账中已办结。",
                                    reviewer=operator, created_at=now))
        if state == "closed":
            kind = {"leader_instruction": "instruction_report", "superior": "special_report"}.get(
                v["source"], "brief")
            if kind == "instruction_report" and not v["result_summary"]:
                kind = "brief"
            feedback_rows.append(dict(item=item_id, kind=kind, fed_back_on=completed,
                                      recipient=v["instructing_leader"] or "原台账未记载",
                                      note=f"从{where}导入,原台账中已办结。", recorded_by=operator,
                                      created_at=now))
        log_rows.append(dict(at=now, operator=operator, entity="item", entity_id=item_id,
                             action="import", field="number", old_value="", new_value=v["number"] or "",
                             note=f"从{where}第 {r.row} 行导入;状态:{ITEM_STATES[state]}。{v['title'][:100]}"))
    bulk_insert(AssistingUnit, assisting_rows)
    bulk_insert(Urge, urge_rows)
    bulk_insert(ResultReport, report_rows)
    bulk_insert(Review, review_rows)
    bulk_insert(Feedback, feedback_rows)
    bulk_insert(ChangeLog, log_rows)
    return ImportResult(total, plan.duplicates, plan.errors, [n for n in plan.new_units], numbers)


__all__ = ["FIELDS", "IGNORE", "ImportPlan", "ImportRefused", "ImportResult", "JumpRow",
           "NumberJumpsNotConfirmed", "PlannedRow", "Problem", "SourceRow", "import_rows",
           "interpret_source", "interpret_state", "jumps_summary", "leader_from_instruction",
           "number_jumps_confirmed",
           "parse_ledger_date", "plan_rows", "split_units"]
