"""What an office's ledger says in its own words: states (已办结, 基本完成), sources
(领导批示, 常务会), units (县发改局（牵头）、县财政局), leaders (王建国县长批示：……) and dates
as typed (2026年6月底前, 第三季度). Plain functions of text; the importer
(``domain.importing``) uses them row by row."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from .dates import MAX_YEAR, MIN_YEAR, parse_date_text
from .vocab import ITEM_SOURCES, ITEM_STATES

# ------------------------------------------------------------------ interpreting text

_STATE_WORDS = {
    "pending_approval": ("待领导批准", "待批准", "待立项"),
    "rejected": ("不予立项",),
    "awaiting_review": ("待审理", "已报送", "待审核", "已上报结果"),
    "passed": ("待反馈", "审理通过"),
    "voided": ("已撤销", "撤销", "已取消", "取消", "作废", "终止", "不再督办"),
    "closed": ("已办结", "办结", "已完成", "完成", "已落实", "落实到位", "已销号", "销号", "已结案",
               "结案", "已解决", "已办理", "办理完毕", "已处理", "已反馈", "按期办结", "提前办结",
               "逾期办结", "超期办结"),
    "in_progress": ("办理中", "在办", "正在办理", "推进中", "进行中", "未完成", "未办结", "持续推进",
                    "序时推进", "正常推进", "落实中", "已逾期", "逾期", "超期", "滞后", "未启动",
                    "待办", "已交办", "未办", "督办中", "跟踪督办"),
}
_NOT_DONE = re.compile(r"未|尚未|没有|正在|推进|部分|基本|%|％|持续|逐步|力争|计划|拟|将于|预计")
_DONE = re.compile(r"^(已|全部|均已|按期|提前)?(办结|完成|落实到位|销号|结案|解决)|已办结|已全部完成|已完成[。!]?$")


def interpret_state(text: str) -> tuple[str | None, bool]:
    """(state code or None, exact) from what a ledger's 状态/办理情况 says."""
    s = _norm(text)
    if not s:
        return None, False
    for code, label in ITEM_STATES.items():
        if s == label:
            return code, True
    for code, words in _STATE_WORDS.items():
        if s in words:
            return code, True
    if _NOT_DONE.search(s):
        return "in_progress", False
    for code in ("voided", "closed", "in_progress"):
        if any(w in s for w in _STATE_WORDS[code]):
            return code, False
    return None, False


def looks_done(result: str) -> bool:
    """办理情况 text that says the work is done (已完成……, 已办结……)."""
    s = _norm(result)
    if not s or _NOT_DONE.search(s[:30]):
        return False
    return bool(_DONE.search(s[:30]))


_SOURCE_WORDS = (
    ("leader_instruction", ("批示", "领导交办", "领导指示", "批办")),
    ("public_report", ("群众", "信访", "来信", "来访", "热线", "12345", "网民", "投诉", "留言")),
    ("meeting_decision", ("会议", "常务会", "办公会", "纪要", "议定", "会")),
    ("superior", ("上级", "省委", "省政府", "市委", "市政府", "交办", "督办件", "中央", "国务院")),
    ("document", ("文件", "通知", "方案", "意见", "规划", "报告", "决定")),
)


def interpret_source(text: str) -> tuple[str | None, bool]:
    """(source code or None, exact) from a 立项依据/来源 cell."""
    s = _norm(text)
    if not s:
        return None, False
    for code, label in ITEM_SOURCES.items():
        if s in (label, code):
            return code, True
    if s in ("上级交办", "上级督办", "上级"):
        return "superior", True
    if s in ("会议", "会议议定", "会议纪要"):
        return "meeting_decision", True
    if s in ("文件", "文件精神"):
        return "document", True
    for code, words in _SOURCE_WORDS:
        if any(w in s for w in words):
            return code, False
    return "other", False


_LEADER = re.compile(
    r"^\s*(?:\d{4}年)?(?:\d{1,2}月\d{1,2}日)?[,,\s]*"
    r"(?P<who>[\u4e00-\u9fa5A-Za-z·]{2,20}?)(?:同志)?(?:于)?\s*"
    r"(?:\d{4}年)?(?:\d{1,2}月\d{1,2}日)?\s*(?:作出|作了)?(?:重要)?(?:批示|指示)\s*[::]")


def leader_from_instruction(text: str) -> str:
    """The leader named at the start of an instruction ("王建国县长批示:……"), or ''."""
    m = _LEADER.match(text or "")
    return m["who"] if m else ""


_UNIT_SPLIT = re.compile(r"[、,，;；/\n]+")
_LEAD_PAREN = re.compile(r"[（(]\s*(?:牵头|主办|主责)(?:单位|部门)?\s*[）)]")
_ASSIST_PAREN = re.compile(r"[（(]\s*(?:协办|责任)(?:单位|部门)?\s*[）)]")
_COOPERATE_PAREN = re.compile(r"[（(]\s*(?:配合|参与|协同|协助)(?:单位|部门)?\s*[）)]")
_LEAD_LABEL = re.compile(r"^(?:牵头|主办|主责)(?:单位|部门)?\s*[:：]")
_ASSIST_LABEL = re.compile(r"^(?:协办|责任)(?:单位|部门)?\s*[:：]")
_COOPERATE_LABEL = re.compile(r"^(?:配合|参与|协同|协助)(?:单位|部门)?\s*[:：]")


def unit_roles(text: str, default: str | None = None) -> list[tuple[str, str | None]]:
    """Each unit a cell names, once, with the role its mark gives ("县发改局（牵头）",
    "配合单位：县财政局、县交通局"): lead, assist (协办; 责任单位 beside a 牵头单位) or
    cooperate (配合、参与、协同、协助); an unmarked unit has ``default``."""
    entries: list[tuple[str, str | None]] = []
    mode = None
    for part in _UNIT_SPLIT.split(text or ""):
        name = part.strip()
        for label, role in ((_LEAD_LABEL, "lead"), (_ASSIST_LABEL, "assist"), (_COOPERATE_LABEL, "cooperate")):
            if label.match(name):
                mode, name = role, label.sub("", name)
        role = mode
        for mark, marked in ((_LEAD_PAREN, "lead"), (_ASSIST_PAREN, "assist"), (_COOPERATE_PAREN, "cooperate")):
            if mark.search(name):
                role, name = marked, mark.sub("", name)
        name = name.replace(":", "").replace("：", "").strip()
        if name and all(name != n for n, _ in entries):
            entries.append((name, role or default))
    return entries


def split_unit_roles(text: str, default: str = "assist") -> tuple[str, list[tuple[str, str]]]:
    """(lead unit, [(other unit, its role)]) from a cell that may name several units
    (``unit_roles``): the unit marked 牵头 leads, else the first unmarked one, else the
    first; the others have their marked role or ``default``."""
    entries = unit_roles(text)
    if not entries:
        return "", []
    lead = next((n for n, role in entries if role == "lead"), None)
    if lead is None:
        lead = next((n for n, role in entries if role is None), entries[0][0])
    return lead, [(n, role if role in ("assist", "cooperate") else default) for n, role in entries if n != lead]


def split_units(text: str) -> tuple[str, list[str]]:
    """(lead unit, other units) from a cell that may name several units (``split_unit_roles``)."""
    lead, others = split_unit_roles(text)
    return lead, [name for name, _ in others]


def _norm(text) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).strip().replace(" ", "")


# ------------------------------------------------------------------ dates as typed


def _month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


_YEAR_END = re.compile(r"^(\d{4})年(?:年)?底(?:前|之前|以前)?$")
_MONTH_END = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(?:底|末|份)(?:前|之前|以前)?$")
_HALF = re.compile(r"^(\d{4})年(上|下)半年(?:前|之前|以前|内)?$")
_QUARTER = re.compile(r"^(\d{4})年(?:第)?([一二三四1234])季度(?:末|底)?(?:前|之前|以前|内)?$")
_NO_YEAR = re.compile(r"^(\d{1,2})月(\d{1,2})[日号]?(?:前|之前|以前|止)?$")
_SHORT_YEAR = re.compile(r"^(\d{2})[./-](\d{1,2})[./-](\d{1,2})$")
_TIME_TAIL = re.compile(r"[T\s]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


def parse_ledger_date(value, *, year: int | None = None) -> tuple[dt.date | None, str]:
    """(date, note) from a cell as offices type dates; (None, why) when it is not one.

    Besides what ``dates.parse_date_text`` reads: full-width digits, a time after the
    date, 2026年底前, 2026年6月底前, 上半年, 第三季度, and month/day without a year
    (then ``year`` is used, and the note says so).
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            return None, f"年份 {value.year} 不合理"
        return value, ""
    s = unicodedata.normalize("NFKC", str(value)).strip()
    s = _TIME_TAIL.sub("", s) if ":" in s else s
    s = s.replace(" ", "").replace("\u3000", "")
    s = s.replace("号", "日").rstrip("。.")
    day = parse_date_text(s)
    if day:
        return day, ""
    m = _YEAR_END.match(s)
    if m:
        return dt.date(int(m[1]), 12, 31), ""
    m = _HALF.match(s)
    if m:
        return (dt.date(int(m[1]), 6, 30) if m[2] == "上" else dt.date(int(m[1]), 12, 31)), ""
    m = _QUARTER.match(s)
    if m:
        q = "一二三四".find(m[2]) + 1 if m[2] in "一二三四" else int(m[2])
        return _month_end(int(m[1]), q * 3), ""
    m = _MONTH_END.match(s)
    if m and 1 <= int(m[2]) <= 12:
        if m[1]:
            return _month_end(int(m[1]), int(m[2])), ""
        if year:
            return _month_end(year, int(m[2])), f"没有写年份,按 {year} 年计"
    m = _NO_YEAR.match(s)
    if m and year:
        try:
            return dt.date(year, int(m[1]), int(m[2])), f"没有写年份,按 {year} 年计"
        except ValueError:
            return None, "不是有效日期"
    m = _SHORT_YEAR.match(s)
    if m:
        try:
            return dt.date(2000 + int(m[1]), int(m[2]), int(m[3])), ""
        except ValueError:
            return None, "不是有效日期"
    return None, "不是日期"
