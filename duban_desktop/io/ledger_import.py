"""Reading a ledger from Excel: our own export, or the office's old ledger.

    ledger = read_ledger("台账.xlsx")              # finds the sheet, the header, the columns
    plan = plan_import(ledger)                      # what would happen, row by row; no writes
    plan = plan_import(ledger, {3: "title", ...})   # with a corrected column mapping
    result = import_ledger(ledger, mapping, skip_errors=False, progress=callback)

Office ledgers are made by hand: title rows above the header, a header over two rows,
merged cells (one unit for several rows), section rows (一、重点工作), a 序号 column,
notes under the table (填表人:), dates typed as text or stored as Excel dates (also
with WPS's Chinese date formats, which openpyxl reads as plain numbers). The reader
copes with those; the rules for the values are in ``domain.importing``.

A 序号 column only counts rows. An item keeps its own number from a column such as
编号, 催字号 or 督办编号; items without one get the next number of their year.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from ..domain.importing import (
    DATE_FIELDS,
    FIELDS,
    IGNORE,
    SEQ_VALUE,
    ImportPlan,
    ImportResult,
    SourceRow,
    import_rows,
    plan_rows,
)
from ..system.oserrors import describe
from .files import Cancelled, FileError, refuse_live_database
from .ledger_columns import LEDGER_COLUMNS, LEDGER_SHEET
from .untrusted_xlsx import Merge, Sheet, UntrustedBook

SEQ = "_seq"  # the 序号 column: recognised, never imported
SCAN_ROWS = 30  # where to look for the header row
MAX_EMPTY_RUN = 200  # this many empty rows in a row end the table

# Field -> header names as offices write them (compared without spaces and brackets).
SYNONYMS: dict[str, tuple[str, ...]] = {
    SEQ: ("序号", "序", "编序", "排序", "no", "no.", "序列号"),
    "number": ("编号", "催字号", "督办编号", "催办编号", "督办号", "督查编号", "事项编号", "催文字号",
               "交办编号", "督办件编号", "台账编号", "督字号", "督办文号"),
    "title": ("督办事项", "事项名称", "工作任务", "督办事项名称", "事项", "任务名称", "督查事项",
              "催办项目", "项目名称", "重点工作", "工作事项", "交办事项", "任务", "督办内容",
              "督查内容", "督查督办事项", "项目", "工作名称", "目标任务", "重点任务", "督办任务",
              "事项内容", "任务事项"),
    "content": ("项目内容", "具体内容", "主要内容", "工作要求", "任务内容", "督办要求", "工作内容",
                "具体要求", "工作目标", "目标要求", "任务要求", "工作措施", "具体措施"),
    "source": ("立项依据", "来源", "事项来源", "交办来源", "督办来源", "任务来源", "事项类别", "督办类型",
               "类别", "类型", "督办类别", "立项来源"),
    "basis": ("依据文件或会议", "依据", "文件名称", "依据文件", "会议名称", "交办依据", "文件依据",
              "文件或会议", "出处"),
    "leader_instruction": ("领导批示", "批示内容", "批示", "领导指示", "批示意见", "领导批示内容",
                           "批示要求", "领导批示要求", "领导批示精神"),
    "instructing_leader": ("批示领导", "交办领导", "批示人", "批示领导同志"),
    "instruction_date": ("批示日期", "批示时间"),
    "lead_unit": ("主办单位", "承办单位", "责任单位", "牵头单位", "主责单位", "承办部门", "责任部门",
                  "牵头部门", "主办部门", "办理单位", "落实单位", "承办单位人", "责任单位部门", "单位",
                  "部门", "牵头责任单位", "主要责任单位"),
    "assisting": ("协办单位", "协办部门", "协办责任单位"),
    "cooperating": ("配合单位", "配合部门", "参与单位", "协同单位", "配合责任单位", "协助单位", "参与部门"),
    "responsible_person": ("具体负责人", "负责人", "责任人", "承办人", "联系人", "经办人", "具体承办人",
                           "责任领导", "分管领导", "具体责任人", "联系人及电话"),
    "registered_on": ("登记日期", "立项日期", "交办日期", "交办时间", "立项时间", "登记时间", "收文日期",
                      "督办日期", "收文时间"),
    "issued_on": ("发出时间", "发出日期", "下发日期", "下发时间", "发文日期", "转办日期", "转办时间"),
    "deadline": ("完成时限", "办结时限", "时限要求", "完成时间", "截止日期", "截止时间", "办理时限",
                 "时限", "期限", "计划完成时间", "要求完成时间", "完成期限", "办结期限", "反馈时限",
                 "办结要求", "要求办结时间"),
    "original_deadline": ("原定时限", "原完成时限", "原时限", "原定完成时间"),
    "urge_count": ("催办次数", "催办数", "督办次数"),
    "last_urged_on": ("最近催办", "最近催办日期", "催办日期", "催办时间", "最后催办日期", "最近一次催办"),
    "state": ("状态", "办理状态", "是否办结", "办结情况", "办理进度", "进度", "完成状态", "事项状态",
              "办结状态"),
    "completed_on": ("办结日期", "办结时间", "实际完成时间", "实际办结时间", "完成日期", "销号时间",
                     "销号日期", "实际完成日期"),
    "result": ("办理结果", "办理情况", "进展情况", "落实情况", "完成情况", "推进情况", "工作进展",
               "办理进展", "进展", "处理结果", "办理情况及结果", "落实进展", "反馈情况", "进展及成效",
               "目前进展", "工作推进情况", "完成进度"),
    "result_summary": ("查办结果摘要", "结果摘要", "办理结果摘要"),
    "note": ("备注", "说明", "附注"),
    IGNORE: ("逾期天数", "逾期天数工作日", "逾期工作日", "剩余天数", "联系电话", "电话"),
}

# keyword rules for headers not in the lists (first match wins)
_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (SEQ, ("序号",)),
    (IGNORE, ("逾期天数", "电话", "剩余")),
    ("result_summary", ("摘要",)),
    ("urge_count", ("催办次数",)),
    ("last_urged_on", ("催办",)),
    ("original_deadline", ("原定", "原时限", "原完成")),
    ("completed_on", ("办结日期", "办结时间", "实际完成", "销号")),
    ("deadline", ("时限", "截止", "期限", "完成时间", "办结要求")),
    ("instruction_date", ("批示日期", "批示时间")),
    ("instructing_leader", ("批示领导", "批示人")),
    ("leader_instruction", ("批示", "指示")),
    ("number", ("编号", "文号", "催字")),
    ("assisting", ("协办",)),
    ("cooperating", ("配合", "协同", "参与", "协助")),
    ("lead_unit", ("单位", "部门")),
    ("responsible_person", ("负责人", "责任人", "承办人", "联系人", "经办人", "责任领导")),
    ("registered_on", ("登记", "立项日期", "立项时间", "交办日期", "交办时间", "收文")),
    ("issued_on", ("发出", "下发", "转办")),
    ("state", ("状态", "是否办结")),
    ("result", ("情况", "进展", "结果", "进度", "成效")),
    ("source", ("来源", "依据", "类别", "类型")),
    ("note", ("备注",)),
    ("content", ("内容", "要求", "措施", "目标")),
    ("title", ("事项", "任务", "项目", "工作", "名称")),
)

_BRACKETS = re.compile(r"[((\[【][^))\]】]*[))\]】]")
_SECTION = re.compile(r"^\s*(?:[一二三四五六七八九十百]+\s*[、.．]|[((][一二三四五六七八九十]+[))]|第[一二三四五六七八九十]+[部分类项])")
_FOOTER = re.compile(r"^\s*(?:填表人|填报人|制表人|制表|审核人|审核|审签|核稿|注|说明|备注|联系人|联系电话|填报单位|报送单位|填表日期|填报日期)\s*[::]?")
_TOTAL = re.compile(r"^\s*(?:合\s*计|小\s*计|总\s*计)\s*$")
_OUR_HEADERS = {c.header: c.key or (SEQ if c.header == "序号" else IGNORE) for c in LEDGER_COLUMNS}


def normalize_header(text) -> str:
    s = unicodedata.normalize("NFKC", str(text or ""))
    s = re.sub(r"\s+", "", s).replace("*", "").replace("※", "").replace(":", "").replace(":", "").lower()
    return s


def match_header(text) -> str | None:
    """The field a header names (``SEQ``, a field, ``IGNORE``), or None if unknown."""
    raw = str(text or "").strip()
    if raw in _OUR_HEADERS:
        return _OUR_HEADERS[raw]
    s = normalize_header(raw)
    if not s:
        return None
    for candidate in (s, _BRACKETS.sub("", s)):
        for name, words in SYNONYMS.items():
            if candidate in words:
                return name
    s = _BRACKETS.sub("", s) or s
    if len(s) > 16:  # a sentence, not a header
        return None
    for name, words in _KEYWORDS:
        if any(w in s for w in words):
            return name
    return None


@dataclass
class SourceColumn:
    index: int  # 0-based
    letter: str
    header: str  # as written in the file ("" if none)
    samples: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.header or f"第 {self.letter} 列"


@dataclass
class LedgerFile:
    """A ledger sheet as read: where the header is, its columns, its data rows."""

    path: Path
    sheets: list[str]
    sheet: str
    header_row: int  # 1-based; data starts after header_row + header_rows - 1
    header_rows: int
    columns: list[SourceColumn]
    mapping: dict[int, str]  # column index -> field (IGNORE/SEQ: not imported)
    rows: list[tuple[int, list]]  # (row number in the file, cell values by column)
    skipped: list[tuple[int, str]]  # (row number, why): section, total, note rows
    notices: list[str]

    @property
    def data_rows(self) -> int:
        return len(self.rows)

    def mapping_labels(self, mapping: dict[int, str] | None = None) -> dict[str, str]:
        """field -> the name of the column it comes from."""
        labels = {}
        for index, name in (mapping or self.mapping).items():
            if name and name not in (SEQ, IGNORE) and name not in labels:
                labels[name] = self.columns[index].name
        return labels

    def source_rows(self, mapping: dict[int, str] | None = None) -> list[SourceRow]:
        mapping = mapping if mapping is not None else self.mapping
        pairs = [(i, f) for i, f in sorted(mapping.items()) if f and f not in (SEQ, IGNORE)]
        seq = next((i for i, f in sorted(mapping.items()) if f == SEQ), None)
        out = []
        for number, values in self.rows:
            # (the 序号 only counts rows, and tells the rows of one item apart from the next)
            picked: dict[str, object] = {SEQ_VALUE: values[seq]} if seq is not None and seq < len(values) else {}
            for index, name in pairs:
                value = values[index] if index < len(values) else None
                if name in picked:  # two columns for one field: join the texts
                    if value not in (None, ""):
                        picked[name] = f"{picked[name]}\n{value}" if picked[name] not in (None, "") else value
                    continue
                picked[name] = _date_cell(value) if name in DATE_FIELDS else value
            out.append(SourceRow(number, picked))
        return out


def _date_cell(value):
    """Excel serial numbers in a date column are dates (WPS's Chinese date formats)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 32874 <= value <= 73415:
        try:
            return from_excel(value).date()
        except (ValueError, OverflowError):
            return value
    if isinstance(value, dt.datetime):
        return value.date()
    return value


# ------------------------------------------------------------------ reading the file


def _open(path: Path) -> UntrustedBook:
    suffix = path.suffix.lower()
    if suffix in (".xls", ".et", ".ett"):
        kind = "Excel 97-2003 工作簿（.xls）" if suffix == ".xls" else "WPS 表格文件（.et）"
        raise FileError(f"“{path.name}”是{kind}，程序读不了这种旧格式。请在 Excel 或 WPS 中打开它，"
                        "“另存为”Excel 工作簿（*.xlsx）后再导入。")
    if suffix in (".csv", ".txt"):
        raise FileError(f"“{path.name}”不是 Excel 工作簿。请在 Excel 或 WPS 中打开它，"
                        "“另存为”Excel 工作簿（*.xlsx）后再导入。")
    if not path.exists():
        raise FileError(f"找不到文件“{path}”。")
    if path.is_dir():
        raise FileError(f"“{path}”是一个文件夹，请选择台账文件（.xlsx）。")
    refuse_live_database(path)  # opening it here would drop SQLite's locks (db/lock.py)
    try:
        return UntrustedBook(path)  # checked part by part, bounded: see io.untrusted_xlsx
    except OSError as exc:
        raise FileError(describe(exc, path, reading=True)) from exc


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _grid(ws: Sheet, first: int, last: int, width: int) -> list[list]:
    return list(ws.rows(first, last, width))


def _score(texts: list[str]) -> tuple[int, bool]:
    found = [match_header(t) for t in texts if t]
    fields = {f for f in found if f and f not in (SEQ, IGNORE)}
    key = bool(fields & {"title", "lead_unit", "deadline", "number"})
    return len(fields), key


def _down_merges(ws: Sheet, first_data_row: int) -> dict[int, list[Merge]]:
    """Vertically merged ranges reaching the data, by their first row (clipped to the data
    area by the scan, so filling them never goes past the rows that hold values)."""
    starts: dict[int, list[Merge]] = {}
    for rng in ws.merged:
        if rng.max_row > rng.min_row and rng.max_row >= first_data_row:
            starts.setdefault(rng.min_row, []).append(rng)
    return starts


def _wide_merges(ws: Sheet, width: int) -> set[int]:
    """Rows holding one cell merged across most of the table (section titles)."""
    rows = set()
    for rng in ws.merged:
        if rng.min_row == rng.max_row and rng.max_col - rng.min_col + 1 >= max(3, width // 2):
            rows.add(rng.min_row)
    return rows


def _sheet_width(ws: Sheet) -> int:
    return max(ws.max_column, 1)  # the scan refuses a value beyond MAX_COLUMNS


def _detect_header(ws: Sheet, width: int) -> tuple[int, int] | None:
    """(header row, rows it takes) — the row naming most known fields."""
    grid = _grid(ws, 1, SCAN_ROWS, width)
    best, best_row = (0, False), None
    for offset, values in enumerate(grid):
        score = _score([_cell_text(v) for v in values])
        if score[1] and score[0] >= 2 and score > best:
            best, best_row = score, offset + 1
    if best_row is None:
        return None
    rows = 1
    if best_row < len(grid):
        below = [_cell_text(v) for v in grid[best_row]]  # the row after the header
        spans = any(r.min_row == best_row and r.max_row > best_row for r in ws.merged)
        looks_header = all(not isinstance(v, (int, float, dt.date)) or isinstance(v, bool)
                           for v in grid[best_row] if v is not None)
        if spans and looks_header and _score(below)[0] >= 1:
            rows = 2
    return best_row, rows


def _headers(ws: Sheet, header_row: int, header_rows: int, width: int) -> list[str]:
    # a header merged across columns: the text belongs to each column it covers
    spans = [r for r in ws.merged if r.min_row <= header_row <= r.max_row and r.max_col > r.min_col]
    top_row = min([header_row] + [r.min_row for r in spans])
    grid = _grid(ws, top_row, header_row + 1, width)
    grid += [[None] * width] * (header_row + 2 - top_row - len(grid))
    across = {}
    for rng in spans:
        value = grid[rng.min_row - top_row][rng.min_col - 1] if rng.min_col <= width else None
        for col in range(rng.min_col, rng.max_col + 1):
            across[col] = value
    top = grid[header_row - top_row]
    below = grid[header_row + 1 - top_row] if header_rows == 2 else [None] * width
    names = []
    for index in range(width):
        parent = _cell_text(top[index] if top[index] is not None else across.get(index + 1))
        child = _cell_text(below[index]) if index < len(below) else ""
        if child and parent and parent != child and match_header(child) is None:
            names.append(parent + child)
        else:
            names.append(child or parent)
    return names


def _default_mapping(columns: list[SourceColumn]) -> tuple[dict[int, str], list[str]]:
    mapping: dict[int, str] = {}
    notes: list[str] = []
    used: set[str] = set()
    for col in columns:
        name = match_header(col.header)
        if name is None:
            mapping[col.index] = IGNORE
            if col.header:
                notes.append(f"“{col.header}”列无法识别,不导入(可在列对应中修改)。")
            continue
        if name in used and name not in (SEQ, IGNORE):
            if name == "title" and "content" not in used:
                name = "content"
            elif name == "lead_unit" and "assisting" not in used:
                name = "assisting"
            elif name == "result" and "note" not in used:
                name = "note"
            else:
                notes.append(f"“{col.header}”列与前面的列对应同一项({FIELDS.get(name, name)}),不导入。")
                name = IGNORE
        mapping[col.index] = name
        used.add(name)
    return mapping, notes


def _pick_sheet(wb: UntrustedBook, wanted: str | None) -> Sheet:
    if wanted:
        if wanted not in wb.sheetnames:
            raise FileError(f"文件中没有名为“{wanted}”的工作表。现有：{'、'.join(wb.sheetnames)}。")
        return wb.sheet(wanted)
    if LEDGER_SHEET in wb.sheetnames:
        return wb.sheet(LEDGER_SHEET)
    best, best_ws = None, None
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        found = _detect_header(ws, _sheet_width(ws))
        if found is None:
            continue
        score = _score([_cell_text(v) for v in _grid(ws, found[0], found[0], _sheet_width(ws))[0]])
        if best is None or score > best:
            best, best_ws = score, ws
    ws = best_ws or wb.active
    if ws is None:
        raise FileError(f"“{wb.name}”中没有表格，只有图表。请选择台账文件。")
    return ws


def read_ledger(path: Path | str, *, sheet: str | None = None, header_row: int | None = None,
                book: UntrustedBook | None = None) -> LedgerFile:
    """Read a ledger sheet: find its header and columns, collect its data rows.

    The workbook is checked and read within limits (``io.untrusted_xlsx``) and closed again,
    unless an open ``book`` is given.
    """
    path = Path(path).expanduser()
    wb = book or _open(path)
    try:
        return _read(path, wb, sheet, header_row)
    finally:
        if book is None:
            wb.close()


def _read(path: Path, wb: UntrustedBook, sheet: str | None, header_row: int | None) -> LedgerFile:
    ws = _pick_sheet(wb, sheet)
    width = _sheet_width(ws)
    if header_row is None:
        found = _detect_header(ws, width)
        if found is None:
            raise FileError(f"在工作表“{ws.title}”的前 {SCAN_ROWS} 行中找不到表头(例如“督办事项”“承办单位”"
                            "“完成时限”这样的列名)。请检查是否选对了工作表,或在表头行写上列名。")
        header_row, header_rows = found
    else:
        if not 1 <= header_row <= max(ws.max_row, 1):
            raise FileError(f"表头行号 {header_row} 超出了表格的范围(共 {ws.max_row} 行)。")
        header_rows = 1
    headers = _headers(ws, header_row, header_rows, width)
    while headers and not headers[-1]:
        headers.pop()  # trailing columns without a header hold nothing of ours
    width = max(len(headers), 1)
    columns = [SourceColumn(i, get_column_letter(i + 1), headers[i] if i < len(headers) else "")
               for i in range(width)]
    mapping, notes = _default_mapping(columns)
    first = header_row + header_rows
    starts = _down_merges(ws, first)
    wide = _wide_merges(ws, width)
    seq_cols = [i for i, f in mapping.items() if f == SEQ]
    rows: list[tuple[int, list]] = []
    skipped: list[tuple[int, str]] = []
    empty_run = 0
    header_norm = [normalize_header(h) for h in headers]
    filling: dict[int, tuple[object, int]] = {}  # column -> (value of a merged range, its last row)
    top = min([first, *starts])
    for number, values in enumerate(ws.rows(top, None, width), start=top):
        for rng in starts.get(number, ()):  # vertically merged cells: the value in every row
            if rng.min_col <= width:
                filling[rng.min_col - 1] = (values[rng.min_col - 1], rng.max_row)
        for col, (value, until) in list(filling.items()):
            if number > until:
                del filling[col]
            elif values[col] in (None, ""):
                values[col] = value
        if number < first:
            continue
        texts = [_cell_text(v) for v in values]
        filled = [i for i, t in enumerate(texts) if t]
        if not filled:
            empty_run += 1
            if empty_run >= MAX_EMPTY_RUN:
                break
            continue
        empty_run = 0
        content = [i for i in filled if i not in seq_cols]
        if not content:  # only the 序号 column: a template's numbered empty line, or a label
            text = texts[filled[0]]
            if not text.isdigit():
                why = ("合计行" if _TOTAL.match(text) else f"表下说明“{text[:20]}”"
                       if _FOOTER.match(text) else f"分类标题“{text[:20]}”")
                skipped.append((number, why))
            continue
        first_text = texts[content[0]]
        if _TOTAL.match(texts[filled[0]]) or (len(content) <= 2 and _TOTAL.match(first_text)):
            skipped.append((number, "合计行"))
            continue
        if sum(1 for i in filled if normalize_header(texts[i]) == header_norm[i]) >= max(2, len(filled) // 2):
            skipped.append((number, "重复的表头"))
            continue
        distinct = {texts[i] for i in content}
        if len(distinct) == 1 and (number in wide or _SECTION.match(first_text)):
            skipped.append((number, f"分类标题“{first_text[:20]}”"))
            continue
        if len(content) == 1 and _FOOTER.match(first_text):
            skipped.append((number, f"表下说明“{first_text[:20]}”"))
            continue
        rows.append((number, values))
    for col in columns:
        col.samples = [_cell_text(v[col.index]) for _, v in rows[:5]]
    notices = list(notes)
    if skipped:
        kinds = sorted({why.split("“")[0] for _, why in skipped})
        notices.append(f"跳过了 {len(skipped)} 行不是事项的行({'、'.join(kinds)}),"
                       f"如第 {skipped[0][0]} 行({skipped[0][1]})。")
    return LedgerFile(path, wb.sheetnames, ws.title, header_row, header_rows, columns, mapping,
                      rows, skipped, notices)


def reread(ledger: LedgerFile, *, sheet: str | None = None, header_row: int | None = None) -> LedgerFile:
    """The same file with another sheet or header row (read again: the file is not kept open,
    so the office can go on editing it in Excel or WPS)."""
    return read_ledger(ledger.path, sheet=sheet or ledger.sheet, header_row=header_row)


# ------------------------------------------------------------------ plan and import


def check_mapping(ledger: LedgerFile, mapping: dict[int, str]) -> list[str]:
    """Refusals of a mapping (Chinese messages); empty when it can be used."""
    problems = []
    chosen: dict[str, list[str]] = {}
    for index, name in mapping.items():
        if name and name not in (SEQ, IGNORE):
            chosen.setdefault(name, []).append(ledger.columns[index].name)
    for name, cols in chosen.items():
        if len(cols) > 1 and name not in ("result", "note", "content", "assisting", "cooperating"):
            problems.append(f"“{FIELDS[name]}”对应了多列({'、'.join(cols)}),只能对应一列。")
    if "title" not in chosen and "content" not in chosen:
        problems.append("请指定哪一列是“督办事项”(事项名称)。")
    if "lead_unit" not in chosen:
        problems.append("请指定哪一列是“主办单位”(承办单位、责任单位)。")
    if "deadline" not in chosen and "original_deadline" not in chosen:
        problems.append("请指定哪一列是“完成时限”。")
    return problems


def plan_import(ledger: LedgerFile, mapping: dict[int, str] | None = None, *,
                today: dt.date | None = None) -> ImportPlan:
    """What importing would do; reads the database, writes nothing."""
    mapping = mapping if mapping is not None else ledger.mapping
    refused = check_mapping(ledger, mapping)
    if refused:
        raise FileError("列对应有问题:" + " ".join(refused))
    plan = plan_rows(ledger.source_rows(mapping), ledger.mapping_labels(mapping), today=today)
    plan.notices[:0] = ledger.notices
    return plan


def import_ledger(ledger: LedgerFile, mapping: dict[int, str] | None = None, *,
                  skip_errors: bool = False, dry_run: bool = False, today: dt.date | None = None,
                  progress: Callable[[int, int, str], bool] | None = None
                  ) -> tuple[ImportPlan, ImportResult | None]:
    """Import all new rows in one transaction (or none); ``dry_run`` only plans."""
    mapping = mapping if mapping is not None else ledger.mapping
    refused = check_mapping(ledger, mapping)
    if refused:
        raise FileError("列对应有问题:" + " ".join(refused))
    plan, result = import_rows(
        ledger.source_rows(mapping), ledger.mapping_labels(mapping), source_name=ledger.path.name,
        skip_errors=skip_errors, dry_run=dry_run, today=today, progress=progress,
        cancelled=lambda: Cancelled("已取消导入，没有导入任何内容。"))
    plan.notices[:0] = ledger.notices
    return plan, result


def field_choices() -> list[tuple[str, str]]:
    """(field, label) for a mapping's choices, "不导入" first."""
    return [(IGNORE, "(不导入)"), (SEQ, "序号(不导入)")] + list(FIELDS.items())
