"""The supervision ledger in Excel, for leaders: 督办台账, 协调台账, 统计, 逾期清单, 单位任务
(io/ledger_units.py: one row per handling unit's task).

    export_ledger("台账.xlsx", ItemFilter(year=2026), progress=callback)

One workbook, written in openpyxl's ``write_only`` mode, streamed from the database
(one query per sheet, related rows fetched in bulk: no query per item), atomically
(``io.files.atomic_write``: a cancelled or failed export leaves no half file and spoils
no existing one). ``progress(done, total, text)`` is called every few hundred rows;
returning False cancels with ``io.files.Cancelled``.

How the window's filter applies to each sheet:

- 督办台账 and 单位任务: the whole filter (year, state, unit, source, text, overdue only);
- 统计 and 逾期清单: the filter's scope only (year, unit, source, text). State and
  "overdue only" are left out there, because 办结率 and 按期办结率 need every state,
  and the overdue list is overdue by definition;
- 协调台账: year (of 受托日期), unit (a party or a task's unit) and text (title, number,
  requester); the supervision states and sources do not apply to cases.

The filter in force is printed under each sheet's title, so a printout says what it covers.

Colours and the 情况 column are domain/state.py's, as in the window: red = 逾期 (the
handling unit's lateness: the same definition as the 统计 sheet, the 逾期清单 and the
overdue filter), yellow = 办理中 and due within the office's "due soon" working days,
green = 已办结, grey = 已撤销 / 不予立项. A result reported on time that waits for the
office's review or feedback is not red (its tones, "waiting" and "office_late", are
coloured where io/xlsx.py's FILLS has them, plain otherwise).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import peewee as pw
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet.pagebreak import Break

from ..db.models import (
    CaseParty,
    CaseTask,
    CoordinationCase,
    SupervisionItem,
    Unit,
    UnitTask,
    database,
)
from ..domain import settings
from ..domain import state as states
from ..domain.dates import format_cn
from ..domain.ledger import OPEN, ItemFilter, condition
from ..domain.statistics import (
    DEFINITIONS,
    GROUPINGS,
    UNIT_DEFINITIONS,
    statistics,
    unit_role_statistics,
)
from ..domain.units import get_unit
from ..domain.vocab import (
    CASE_KINDS,
    CASE_SOURCES,
    CASE_STATES,
    CASE_STEPS,
    ITEM_SOURCES,
    ITEM_STATES,
    RECORD_KINDS,
)
from .files import Cancelled, atomic_write
from .ledger_columns import (
    CASES_SHEET,
    LEDGER_COLUMNS,
    LEDGER_SHEET,
    OVERDUE_SHEET,
    STATS_SHEET,
)
from .xlsx import (
    FILLS,
    CellSpec,
    RowStream,
    StyleBook,
    print_setup,
    set_default_font,
    set_widths,
)

Progress = Callable[[int, int, str], bool]
STEP = 500  # rows between progress reports

# what "current step" each case state is at (the five steps of 协调)
_CASE_STEP = {
    "intake": "screening", "verification": "verification", "consultation": "consultation",
    "closed": "resolution", "declined": "screening", "escalated": "screening", "voided": "intake",
}


@dataclass(frozen=True)
class ExportResult:
    path: Path
    items: int  # rows on 督办台账
    cases: int  # rows on 协调台账
    overdue: int  # rows on 逾期清单
    cut_cells: int  # cells cut to Excel's 32,767 characters (marked in the cell)


def _day(value) -> dt.date | None:
    """A date from a raw database value (SQLite gives text, a server gives dates)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _rows(query):
    """Raw rows of a query (no per-value conversion: 100,000 rows stay fast)."""
    return database.execute(query)


def scope_of(f: ItemFilter) -> ItemFilter:
    """The filter without state and "overdue only" (for 统计 and 逾期清单)."""
    return f._replace(state=None, overdue_only=False)


def describe_filter(f: ItemFilter, *, scope_only: bool = False) -> str:
    parts = []
    if f.year:
        parts.append(f"{f.year}年登记")
    if f.unit:
        parts.append(f"承办单位:{get_unit(f.unit).name}(主办或协办)")
    if f.source:
        parts.append(f"立项依据:{ITEM_SOURCES.get(f.source, f.source)}")
    if f.text.strip():
        parts.append(f"含“{f.text.strip()}”")
    if not scope_only:
        if f.state == OPEN:
            parts.append("状态:未办结")
        elif f.state:
            parts.append(f"状态:{ITEM_STATES.get(f.state, f.state)}")
        if f.overdue_only:
            parts.append("仅逾期")
    return "、".join(parts) if parts else "全部"


class _Ticker:
    def __init__(self, progress: Progress | None, total: int):
        self.progress = progress
        self.total = max(total, 1)
        self.done = 0

    def tick(self, count: int = 1, text: str = "") -> None:
        before = self.done
        self.done += count
        report = self.progress is not None and (self.done // STEP != before // STEP or text)
        if report and self.progress(min(self.done, self.total), self.total, text) is False:
            raise Cancelled("已取消导出，没有生成文件。")


def _escape_hf(text: str) -> str:
    return text.replace("&", "&&")[:100]


class _Sheet:
    """A write-only sheet with a title row, a subtitle row and a header row."""

    def __init__(self, wb: Workbook, styles: StyleBook | None, name: str, widths: list[float], *,
                 title: str, subtitle: str, header_row: bool = True, office: str, today: dt.date):
        self.ws = wb.create_sheet(name)
        self.styles = styles or StyleBook(self.ws)
        self.width = len(widths)
        set_widths(self.ws, widths)
        self.ws.sheet_view.zoomScale = 100
        self.stream = RowStream(self.ws, self.styles, widths)
        self.title, self.subtitle = title, subtitle
        self.header_row = header_row
        print_setup(self.ws, title_rows="3:3" if header_row else None)
        self.ws.oddHeader.left.text = _escape_hf(title)
        self.ws.oddHeader.left.size = 9
        self.ws.oddHeader.right.text = f"导出日期：{format_cn(today)}"
        self.ws.oddHeader.right.size = 9
        self.office = office

    def letter(self, column: int) -> str:
        from openpyxl.utils import get_column_letter

        return get_column_letter(column)

    def merge_row(self, row: int, first: int = 1, last: int | None = None) -> None:
        last = last or self.width
        if last > first:
            self.ws.merged_cells.add(f"{self.letter(first)}{row}:{self.letter(last)}{row}")

    def write_title(self) -> None:
        title = CellSpec("text", "title", size=16)
        self.stream.write([self.title] + [None] * (self.width - 1), [title] * self.width,
                          height=32)
        self.merge_row(1)

    def write_header(self, headers: list[str]) -> None:
        spec = CellSpec("center", "header", size=10, bold=True)
        self.stream.write(headers, [spec] * len(headers), min_height=30)

    def write_heading(self, headers: list[str], freeze: str) -> None:
        """The title, the subtitle across the sheet and the header row; panes frozen at
        ``freeze``."""
        self.ws.freeze_panes = freeze
        self.write_title()
        spec = CellSpec("text", "subtitle")
        self.stream.write([self.subtitle] + [None] * (self.width - 1), [spec] * self.width, height=22)
        self.merge_row(2)
        self.write_header(headers)


def _tone_specs(columns, tone: str) -> list[CellSpec]:
    return [CellSpec(c.kind, tone) for c in columns]


# ------------------------------------------------------------------ 督办台账


def _assisting_names(cond) -> dict[int, str]:
    ids = SupervisionItem.select(SupervisionItem.id).where(cond)
    query = (UnitTask.select(UnitTask.item, Unit.name, UnitTask.role)
             .join(Unit, on=(UnitTask.unit == Unit.id))
             .where(UnitTask.item.in_(ids) & (UnitTask.role != "lead"))
             .order_by(UnitTask.item, UnitTask.position))
    found: dict[int, list[str]] = defaultdict(list)
    for item_id, name, role in _rows(query):  # (a 配合单位 marked so, as an import reads it)
        found[item_id].append(name + ("（配合）" if role == "cooperate" else ""))
    return {k: "、".join(v) for k, v in found.items()}


class _Tones:
    """Row state, colour and days overdue: domain/state.py's, as every view has them."""

    def __init__(self, today: dt.date):
        self.rules = states.rules(today)
        self._late: dict[tuple, int] = {}

    def days_late(self, state: str, deadline: dt.date, reported_on: dt.date | None,
                  due_on: dt.date | None = None) -> int:
        key = (deadline, reported_on if state in states.REPORTED else None, due_on if state == "in_progress" else None)
        days = self._late.get(key)
        if days is None:
            days = self._late[key] = states.overdue_days(self.rules, state, deadline, reported_on, due_on)
        return days

    def item(self, state: str, deadline: dt.date, reported_on: dt.date | None,
             completed_on: dt.date | None, passed_on: dt.date | None, due_on: dt.date | None = None,
             late_units: int = 0) -> tuple[str, str]:
        """The item's state code and its tone (a key of FILLS or '')."""
        code = states.item_state(self.rules, state, deadline, reported_on, completed_on, due_on, late_units)
        tone = states.tone(code, states.office_late(self.rules, state, reported_on, passed_on))
        return code, tone if tone in FILLS else ""

    def case(self, state: str, deadline: dt.date | None) -> str:
        tone = states.tone(states.case_state(self.rules, state, deadline))
        return tone if tone in FILLS else ""


_ITEM_FIELDS = (
    SupervisionItem.id, SupervisionItem.number, SupervisionItem.title, SupervisionItem.source,
    SupervisionItem.instructing_leader, SupervisionItem.leader_instruction, Unit.name,
    SupervisionItem.responsible_person, SupervisionItem.registered_on, SupervisionItem.issued_on,
    SupervisionItem.deadline, SupervisionItem.original_deadline, SupervisionItem.urge_count,
    SupervisionItem.last_urged_on, SupervisionItem.state, SupervisionItem.completed_on,
    SupervisionItem.result, SupervisionItem.result_summary, SupervisionItem.result_reported_on,
    pw.Case(None, [(SupervisionItem.state == states.PASSED, states.passed_on_sql())], None),
    SupervisionItem.due_on, SupervisionItem.late_units,
)
# numbered items by year and sequence; numbers of another pattern after them; items not
# yet registered (no number) last
_ORDER = (pw.Case(None, [(SupervisionItem.number.is_null(), 1)], 0),
          pw.Case(None, [(SupervisionItem.seq_year.is_null(), 1)], 0),
          SupervisionItem.seq_year, SupervisionItem.seq, SupervisionItem.number, SupervisionItem.id)


def _write_items(wb, styles, f: ItemFilter, total: int, tones: _Tones, ticker: _Ticker, *,
                 office: str, today: dt.date) -> int:
    cols = LEDGER_COLUMNS
    subtitle = f"导出日期：{format_cn(today)}    范围：{describe_filter(f)}    共 {total} 件"
    sheet = _Sheet(wb, styles, LEDGER_SHEET, [c.width for c in cols], title=f"{office}督办台账",
                   subtitle=subtitle, office=office, today=today)
    ws = sheet.ws
    ws.freeze_panes = "D4"
    sheet.write_title()
    # subtitle row: the facts on the left, the colour legend on the right
    info = CellSpec("text", "subtitle", size=10)
    legend_at = [i for i, c in enumerate(cols) if c.kind == "date"][:4]
    values: list = [None] * len(cols)
    specs = [info] * len(cols)
    values[0] = subtitle
    for index, (tone, colour) in zip(legend_at, (("overdue", "红色"), ("due_soon", "黄色"),
                                                 ("closed", "绿色"), ("voided", "灰色")), strict=True):
        values[index] = f"{colour}：{states.TONE_LABELS[tone]}"
        specs[index] = CellSpec("center", tone, size=9)
    after = legend_at[-1] + 1
    values[after] = (f"已逾期：承办单位未在完成时限内报送办理结果；即将到期："
                     f"{tones.rules.due_soon_days} 个工作日内到期；蓝色：按期报送，{states.TONE_LABELS['waiting']}"
                     f"（不计逾期）；橙色：{states.TONE_LABELS['office_late']}；逾期天数按工作日计")
    sheet.stream.write(values, specs, height=30)  # the legend sentence takes two lines
    sheet.merge_row(2, 1, legend_at[0])
    sheet.merge_row(2, after + 1, len(cols))
    sheet.write_header([c.header for c in cols])

    cond = condition(f, today)
    assisting = _assisting_names(cond)
    by_tone = {tone: _tone_specs(cols, tone) for tone in ("", *FILLS)}
    query = (SupervisionItem.select(*_ITEM_FIELDS)
             .join(Unit, on=(SupervisionItem.lead_unit == Unit.id))
             .where(cond).order_by(*_ORDER))
    write = sheet.stream.write
    src, labels, judged = ITEM_SOURCES, ITEM_STATES, states.ITEM_STATES
    seq = 0
    for (item_id, number, title, source, leader, instruction, lead, person, registered, issued,
         deadline, original, urges, last_urged, state, completed, result, summary, reported,
         passed, due_on, late_units) in _rows(query):
        seq += 1
        deadline = _day(deadline)
        original = _day(original)
        completed, reported, due_on = _day(completed), _day(reported), _day(due_on)
        code, tone = tones.item(state, deadline, reported, completed, _day(passed), due_on, late_units)
        write((seq, number or "", title, src.get(source, source), leader, instruction, lead,
               assisting.get(item_id, ""), person, _day(registered), _day(issued), deadline,
               original if original != deadline else None, urges, _day(last_urged),
               labels.get(state, state), completed if state in ("passed", "closed") else None,
               result, summary,
               tones.days_late(state, deadline, reported, due_on) if code == states.OVERDUE else None,
               judged[code]),
              by_tone[tone])
        ticker.tick()
    if not seq:
        note = CellSpec("text", "note")
        sheet.stream.write(["(没有符合条件的督办事项)"] + [None] * (len(cols) - 1), [note] * len(cols))
        sheet.merge_row(4)
    ws.auto_filter.ref = f"A3:{sheet.letter(len(cols))}{max(sheet.stream.row, 4)}"
    return seq


# ------------------------------------------------------------------ 协调台账

_CASE_COLUMNS = (
    ("序号", 5, "int"), ("编号", 12, "center"), ("协调事项", 24, "text"), ("受托来源", 10, "center"),
    ("委托方", 11, "center"), ("受托日期", 13, "date"), ("协调类型", 8, "center"),
    ("涉及单位", 16, "text"), ("经办人", 7, "center"), ("办结时限", 13, "date"),
    ("当前环节", 6, "center"), ("状态", 7, "center"), ("处理决定", 28, "text"),
    ("处理日期", 13, "date"), ("纪要或协议", 12, "center"),
)


def _case_condition(f: ItemFilter):
    case = CoordinationCase
    expr = pw.SQL("1 = 1")
    if f.year:
        expr &= case.requested_on.between(dt.date(f.year, 1, 1), dt.date(f.year, 12, 31))
    if f.unit:
        parties = CaseParty.select(CaseParty.case).where(CaseParty.unit == f.unit)
        tasks = CaseTask.select(CaseTask.case).where(CaseTask.unit == f.unit)
        expr &= case.id.in_(parties) | case.id.in_(tasks)
    for word in f.text.split():
        expr &= (case.title.contains(word) | case.number.contains(word)
                 | case.requester.contains(word))
    return expr


def _write_cases(wb, styles, f: ItemFilter, tones: _Tones, ticker: _Ticker, *, office: str,
                 today: dt.date) -> int:
    case = CoordinationCase
    cond = _case_condition(f)
    total = case.select().where(cond).count()
    scope = []
    if f.year:
        scope.append(f"{f.year}年受托")
    if f.unit:
        scope.append(f"涉及单位:{get_unit(f.unit).name}")
    if f.text.strip():
        scope.append(f"含“{f.text.strip()}”")
    subtitle = f"导出日期：{format_cn(today)}    范围：{'、'.join(scope) or '全部'}    共 {total} 件"
    sheet = _Sheet(wb, styles, CASES_SHEET, [c[1] for c in _CASE_COLUMNS],
                   title=f"{office}协调台账", subtitle=subtitle, office=office, today=today)
    sheet.write_heading([c[0] for c in _CASE_COLUMNS], "D4")

    parties: dict[int, list[str]] = defaultdict(list)
    ids = case.select(case.id).where(cond)
    for case_id, name in _rows(CaseParty.select(CaseParty.case, Unit.name)
                               .join(Unit, on=(CaseParty.unit == Unit.id))
                               .where(CaseParty.case.in_(ids))
                               .order_by(CaseParty.case, CaseParty.position)):
        parties[case_id].append(name)
    kinds = [c[2] for c in _CASE_COLUMNS]
    by_tone = {tone: [CellSpec(k, tone) for k in kinds] for tone in ("", *FILLS)}
    query = (case.select(case.id, case.number, case.title, case.source, case.requester,
                         case.requested_on, case.kind, case.handler, case.deadline, case.state,
                         case.decision, case.resolved_on, case.record_kind, case.record_number)
             .where(cond).order_by(case.seq_year, case.seq, case.id))
    seq = 0
    for (case_id, number, title, source, requester, requested, kind, handler, deadline, state,
         decision, resolved, record_kind, record_number) in _rows(query):
        seq += 1
        deadline = _day(deadline)
        tone = tones.case(state, deadline)
        record = " ".join(x for x in (RECORD_KINDS.get(record_kind, record_kind), record_number) if x)
        sheet.stream.write(
            (seq, number, title, CASE_SOURCES.get(source, source), requester, _day(requested),
             CASE_KINDS.get(kind, kind), "、".join(parties.get(case_id, ())), handler, deadline,
             CASE_STEPS.get(_CASE_STEP.get(state, ""), ""), CASE_STATES.get(state, state),
             decision, _day(resolved), record),
            by_tone[tone])
        ticker.tick()
    if not seq:
        note = CellSpec("text", "note")
        sheet.stream.write(["(没有符合条件的协调事项)"] + [None] * (sheet.width - 1), [note] * sheet.width)
        sheet.merge_row(4)
    sheet.ws.auto_filter.ref = f"A3:{sheet.letter(sheet.width)}{max(sheet.stream.row, 4)}"
    return seq


# ------------------------------------------------------------------ 统计

_STAT_HEADERS = ("交办", "办结", "按期办结", "未办结", "逾期", "办结率", "按期办结率")
_BLOCK_TITLES = {"unit": "一、按承办单位(主办)统计", "source": "二、按立项依据统计",
                 "month": "三、按立项月份统计", "unit_role": "四、各单位承担任务统计（主办、协办分列）"}


def _write_statistics(wb, styles, f: ItemFilter, ticker: _Ticker, *, office: str,
                      today: dt.date) -> None:
    scope = scope_of(f)
    where = condition(scope, today)
    widths = [27, 9, 9, 10, 9, 9, 11, 12]
    subtitle = (f"统计日期：{format_cn(today)}    范围：{describe_filter(scope, scope_only=True)}"
                "(按登记日期;不含待批准、不予立项和已撤销的事项)")
    sheet = _Sheet(wb, styles, STATS_SHEET, widths, title=f"{office}督办工作统计",
                   subtitle=subtitle, header_row=False, office=office, today=today)
    sheet.write_title()
    width = sheet.width
    info = CellSpec("text", "subtitle")
    sheet.stream.write([subtitle] + [None] * (width - 1), [info] * width, height=22)
    sheet.merge_row(2)
    header = CellSpec("center", "header", bold=True)
    group = CellSpec("text", "group", bold=True)
    body = [CellSpec("text")] + [CellSpec("int")] * 5 + [CellSpec("percent")] * 2
    total_specs = [CellSpec("center", bold=True)] + [CellSpec("int", bold=True)] * 5 + \
        [CellSpec("percent", bold=True)] * 2
    dash = CellSpec("center")
    unit_rows: tuple[int, int] | None = None
    for by in (*GROUPINGS, "unit_role"):
        if by == "unit_role":  # each unit's own tasks, by its role, each by its own deadline
            rows, total = unit_role_statistics(today=today, where=where)
        else:
            rows, total = statistics(by, today=today, where=where)
        sheet.stream.blank()
        sheet.stream.write([_BLOCK_TITLES[by]] + [None] * (width - 1), [group] * width, height=22)
        sheet.merge_row(sheet.stream.row)
        sheet.stream.write([GROUPINGS.get(by, "承办单位（角色）"), *_STAT_HEADERS], [header] * width, height=22)
        first = sheet.stream.row + 1
        for row in rows + [total]:
            is_total = row is total
            rates = [row.completion_rate, row.on_time_rate]
            values = [row.label, row.assigned, row.closed, row.closed_on_time, row.open,
                      row.overdue, *(r if r is not None else "—" for r in rates)]
            specs = list(total_specs if is_total else body)
            for index, rate in zip((6, 7), rates, strict=True):
                if rate is None:
                    specs[index] = CellSpec("center", bold=is_total)
            if not rows and is_total:
                specs = [dash] * width
            sheet.stream.write(values, specs)
        if by == "unit" and rows:
            unit_rows = (first, sheet.stream.row - 1)  # without the 合计 row
        ticker.tick(len(rows) + 1)
    sheet.stream.blank()
    note = CellSpec("text", "note", size=9)
    sheet.stream.write(["说明：" + DEFINITIONS + UNIT_DEFINITIONS] + [None] * (width - 1), [note] * width,
                       height=90)
    sheet.merge_row(sheet.stream.row)
    if unit_rows:
        first, last = unit_rows
        shown = min(last - first + 1, CHART_UNITS)  # the table lists units by 交办, most first
        last = first + shown - 1
        chart = BarChart()
        chart.type = "bar"
        chart.style = 10
        chart.title = ("各承办单位交办、办结、逾期件数" if shown == unit_rows[1] - first + 1
                       else f"交办最多的 {shown} 个承办单位:交办、办结、逾期件数")
        chart.y_axis.title = "件数"
        chart.x_axis.scaling.orientation = "maxMin"  # first unit on top, as in the table
        chart.legend.position = "b"
        for column in (2, 3, 6):  # 交办, 办结, 逾期
            data = Reference(sheet.ws, min_col=column, min_row=first - 1, max_row=last)
            chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sheet.ws, min_col=1, min_row=first, max_row=last))
        for series, colour in zip(chart.series, CHART_COLOURS, strict=True):
            # solid bars: LibreOffice draws the style's default as thin outlines
            series.graphicalProperties.solidFill = colour
            series.graphicalProperties.line.solidFill = colour
        chart.gapWidth = 60
        chart.x_axis.tickLblSkip = 1  # every unit's name
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.width = 25
        chart.height = max(8.0, min(17.0, 3.0 + 0.95 * (last - first + 1)))
        # the chart on a page of its own, sized to fit it
        sheet.ws.row_breaks.append(Break(id=sheet.stream.row + 1))
        sheet.ws.add_chart(chart, f"A{sheet.stream.row + 2}")


CHART_UNITS = 15
CHART_COLOURS = ("2F5D9E", "3C8D40", "B42318")  # 交办 blue, 办结 green, 逾期 red


# ------------------------------------------------------------------ 逾期清单

_OVERDUE_COLUMNS = (
    ("序号", 5, "int"), ("编号", 12, "center"), ("督办事项", 30, "text"), ("协办单位", 14, "center"),
    ("具体负责人", 8, "center"), ("登记日期", 13, "date"), ("完成时限", 13, "date"),
    ("逾期天数(工作日)", 8, "int"), ("催办次数", 6, "int"), ("最近催办", 13, "date"),
    ("状态", 7, "center"),
)


def _write_overdue(wb, styles, f: ItemFilter, tones: _Tones, ticker: _Ticker, *, office: str,
                   today: dt.date) -> int:
    item = SupervisionItem
    scope = scope_of(f)
    cond = condition(scope._replace(overdue_only=True), today)
    assisting = _assisting_names(cond)
    query = (item.select(Unit.name, item.id, item.number, item.title, item.responsible_person,
                         item.registered_on, item.deadline, item.urge_count, item.last_urged_on,
                         item.state, item.result_reported_on, item.due_on)
             .join(Unit, on=(item.lead_unit == Unit.id))
             .where(cond).order_by(Unit.name, item.deadline, item.seq_year, item.seq, item.id))
    groups: dict[str, list] = defaultdict(list)
    for row in _rows(query):
        groups[row[0]].append(row[1:])
    total = sum(len(v) for v in groups.values())
    subtitle = (f"截至 {format_cn(today)},逾期未办结 {total} 件,涉及 {len(groups)} 个主办单位"
                f"    范围：{describe_filter(scope, scope_only=True)}    逾期天数按工作日计")
    sheet = _Sheet(wb, styles, OVERDUE_SHEET, [c[1] for c in _OVERDUE_COLUMNS],
                   title=f"{office}逾期未办结事项清单", subtitle=subtitle, office=office, today=today)
    sheet.write_heading([c[0] for c in _OVERDUE_COLUMNS], "A4")
    width = sheet.width
    specs = [CellSpec(c[2]) for c in _OVERDUE_COLUMNS]
    specs[7] = CellSpec("int", "overdue", bold=True)
    group = CellSpec("text", "group", bold=True)
    seq = 0
    # the units with most overdue items first
    for unit in sorted(groups, key=lambda name: (-len(groups[name]), name)):
        rows = groups[unit]
        sheet.stream.write([f"{unit}:逾期 {len(rows)} 件"] + [None] * (width - 1), [group] * width, height=22)
        sheet.merge_row(sheet.stream.row)
        rows.sort(key=lambda r: (_day(r[5]), r[0]))
        for (item_id, number, title, person, registered, deadline, urges, last_urged,
             state, reported, due_on) in rows:
            seq += 1
            deadline = _day(deadline)
            sheet.stream.write(
                (seq, number or "", title, assisting.get(item_id, ""), person, _day(registered),
                 deadline, tones.days_late(state, deadline, _day(reported), _day(due_on)), urges, _day(last_urged),
                 ITEM_STATES.get(state, state)), specs)
            ticker.tick()
    if not seq:
        note = CellSpec("text", "note")
        sheet.stream.write(["(没有逾期未办结的事项)"] + [None] * (width - 1), [note] * width)
        sheet.merge_row(sheet.stream.row)
    return seq


# ------------------------------------------------------------------ the workbook


def _count_overdue(f: ItemFilter, today: dt.date) -> int:
    cond = condition(scope_of(f)._replace(overdue_only=True), today)
    return SupervisionItem.select().where(cond).count()


def export_ledger(dest: Path | str, f: ItemFilter | None = None, *, today: dt.date | None = None,
                  progress: Progress | None = None) -> ExportResult:
    """Write the ledger workbook to ``dest`` (atomically); see the module docstring."""
    today = today or dt.date.today()
    f = (f or ItemFilter()).validated()
    office = str(settings.get("office_name"))
    item_total = SupervisionItem.select().where(condition(f, today)).count()
    case_total = CoordinationCase.select().where(_case_condition(f)).count()
    overdue_total = _count_overdue(f, today)
    task_total = (UnitTask.select().join(SupervisionItem, on=(UnitTask.item == SupervisionItem.id))
                  .where(condition(f, today)).count())
    ticker = _Ticker(progress, item_total + case_total + overdue_total + task_total + 60)
    ticker.tick(0, "正在准备……")
    tones = _Tones(today)
    counts: dict[str, int] = {}

    def write(tmp: Path) -> None:
        wb = Workbook(write_only=True)
        set_default_font(wb)
        scratch = wb.create_sheet("_")  # style arrays belong to the workbook; made via a scratch sheet
        styles = StyleBook(scratch)
        wb.remove(scratch)
        counts["items"] = _write_items(wb, styles, f, item_total, tones, ticker, office=office,
                                       today=today)
        ticker.tick(0, "正在写入协调台账……")
        counts["cases"] = _write_cases(wb, styles, f, tones, ticker, office=office, today=today)
        ticker.tick(0, "正在统计……")
        _write_statistics(wb, styles, f, ticker, office=office, today=today)
        ticker.tick(0, "正在写入逾期清单……")
        counts["overdue"] = _write_overdue(wb, styles, f, tones, ticker, office=office, today=today)
        from .ledger_units import write_unit_tasks  # (it builds on this module's sheets)

        ticker.tick(0, "正在写入单位任务……")
        write_unit_tasks(wb, styles, f, ticker, office=office, today=today)
        ticker.tick(0, "正在保存文件……")
        counts["cut"] = styles.cut
        wb.save(tmp)

    path = atomic_write(dest, write)
    if progress is not None:
        progress(ticker.total, ticker.total, "导出完成")
    return ExportResult(path, counts["items"], counts["cases"], counts["overdue"], counts["cut"])
