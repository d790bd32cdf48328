"""One row of a ledger read as the office wrote it, and checked by the steps' rules.

``RowReader`` takes a ``SourceRow`` (what each mapped cell held) and gives the values
an item will be written with: title and content, the lead and assisting units, the
person, every date (with the year a date typed without one belongs to), the urges, the
leader's instruction and source, the state and result. It checks them against the same
limits and orders as ``supervision.register_item`` and the steps after it, and collects
every problem of the row instead of stopping at the first. The words themselves
(states, sources, units, dates as typed) are read by ``ledger_text``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Callable

from . import numbering
from .dates import format_cn
from .import_types import DATE_FIELDS, ERROR, FIELDS, NOT_GIVEN, WARNING, Problem, SourceRow
from .ledger_text import (
    interpret_source,
    interpret_state,
    leader_from_instruction,
    looks_done,
    parse_ledger_date,
    split_unit_roles,
    unit_roles,
)
from .supervision import TEXT_FIELDS
from .text import strip_illegal


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


class RowReader:
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
        if name in _SINGLE:
            text = " ".join(text.split())
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

    def units(self) -> tuple[str, list[tuple[str, str]]]:
        """The row's lead unit and its helping units with their roles: from the unit
        column (marked, or the first leads), the 协办单位 and the 配合单位 columns."""
        lead, extra = split_unit_roles(self.text("lead_unit"))
        if extra:
            self.notes["several_units"] += 1
        helpers: list[tuple[str, str]] = []
        for name, role in (extra + unit_roles(self.text("assisting"), "assist")
                           + unit_roles(self.text("cooperating"), "cooperate")):
            if name != lead and all(name != n for n, _ in helpers):
                helpers.append((name, role if role in ("assist", "cooperate") else "assist"))
        for name in [lead, *(n for n, _ in helpers)]:
            if len(name) > 100:
                self.problem("lead_unit", f"单位名称“{name[:20]}……”超过 100 个字。")
        return lead, helpers

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

        lead, helpers = self.units()
        if not lead:
            self.problem("lead_unit", "缺少承办(主办)单位,这一行无法导入。")
        v["lead_unit"], v["helpers"] = lead, [{"unit": name, "role": role} for name, role in helpers]
        v["assisting"] = [name for name, _ in helpers]

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
        if v["deadline"] and v["original_deadline"] > v["deadline"]:
            # a deadline moves later by 延期 only: one earlier than the original is taken as the deadline
            self.problem("original_deadline", f"原定时限（{format_cn(v['original_deadline'])}）晚于完成时限"
                         f"（{format_cn(v['deadline'])}）：按完成时限导入，原定时限记为完成时限。", WARNING)
            v["original_deadline"] = v["deadline"]
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
