"""Dates as an office writes them: parsing what people type, printing 2026年1月5日."""

from __future__ import annotations

import datetime as dt
import re

from .errors import ValidationError

MIN_YEAR, MAX_YEAR = 1990, 2100

_PATTERNS = [
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$"),
    re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_TRAILERS = ("之前", "以前", "前", "止", "截止")


def stored_date(value) -> dt.date | None:
    """A date from a raw database value (SQLite gives 'YYYY-MM-DD' text, a server gives
    dates): for queries that skip peewee's per-value conversion to stay fast."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def format_cn(day: dt.date | None) -> str:
    """2026年1月5日 (full year, no leading zeros), '' for no date."""
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


def format_cn_month_day(day: dt.date | None) -> str:
    if day is None:
        return ""
    return f"{day.month}月{day.day}日"


def parse_date_text(text: str) -> dt.date | None:
    """A date from text as offices type it, or None if it is not one."""
    s = text.strip().replace(" ", "")
    for tail in _TRAILERS:
        if s.endswith(tail):
            s = s[: -len(tail)]
            break
    s = s.replace("T00:00:00", "").split(" ")[0]
    for pattern in _PATTERNS:
        m = pattern.match(s)
        if m:
            try:
                day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
            if MIN_YEAR <= day.year <= MAX_YEAR:
                return day
            return None
    return None


def to_date(value, *, field: str, label: str, required: bool = True) -> dt.date | None:
    """Accept a date, a datetime or text; refuse anything else with a clear message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(field, f"请填写“{label}”。")
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise ValidationError(field, f"“{label}”的年份 {value.year} 不合理,请检查。")
        return value
    day = parse_date_text(str(value))
    if day is None:
        raise ValidationError(
            field,
            f"“{label}”填写的“{value}”不是有效日期,请按 2026-01-05 或 2026年1月5日 的格式填写。",
        )
    return day


def require_order(earlier: dt.date | None, later: dt.date | None, *, field: str,
                  earlier_label: str, later_label: str) -> None:
    if earlier and later and later < earlier:
        raise ValidationError(
            field, f"“{later_label}”({format_cn(later)})不能早于“{earlier_label}”({format_cn(earlier)})。"
        )


def require_not_future(day: dt.date, now: dt.date, *, field: str, label: str) -> None:
    """Steps are recorded when they happened: never after today."""
    if day > now:
        raise ValidationError(field, f"“{label}”({format_cn(day)})不能晚于今天({format_cn(now)})。")
