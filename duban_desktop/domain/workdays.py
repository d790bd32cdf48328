"""Working days: the official calendar (chinesecalendar) plus the office's own overrides.

chinesecalendar knows the State Council's holidays and make-up workdays (调休) for the
years it ships with. For later years the office enters them itself (WorkdayOverride);
a year that neither knows falls back to weekends only, and ``fallback_notice`` says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache
from itertools import accumulate

import chinese_calendar
import peewee as pw

from ..db import write_transaction
from ..db.models import WorkdayOverride
from . import history
from .dates import format_cn, to_date
from .errors import ValidationError
from .text import clean

ONE_DAY = dt.timedelta(days=1)


@cache
def official_year(year: int) -> bool:
    """True if chinesecalendar has the official arrangement for ``year``."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@cache
def _official_exceptions() -> dict[int, list[tuple[dt.date, bool]]]:
    """chinesecalendar's own data by year: its holidays (False), then its make-up workdays
    (True), which win, as in its is_workday() (read once, without its per-call checks)."""
    by_year: dict[int, list[tuple[dt.date, bool]]] = {}
    for days, is_workday in ((chinese_calendar.holidays, False), (chinese_calendar.workdays, True)):
        for day in days:
            by_year.setdefault(day.year, []).append((day, is_workday))
    return by_year


class WorkCalendar:
    """Answers what is a working day, and counts them, quickly (per-year tables)."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None):
        self.overrides = dict(overrides or {})
        self._office_years = {d.year for d in self.overrides}
        self._cum: dict[int, list[int]] = {}
        # one running count over whole years (first ordinal, last ordinal, counts): a
        # count between two dates is two list lookups, however many years apart
        self._span: tuple[int, int, list[int]] = (0, -1, [])
        self._span_years = (0, -1)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if official_year(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def year_source(self, year: int) -> str:
        """'official', 'office' (entered by the office) or 'weekends' (fallback)."""
        if official_year(year):
            return "official"
        if year in self._office_years:
            return "office"
        return "weekends"

    def _table(self, year: int) -> list[int]:
        """cum[i]: working days from 1 January to day i of the year (0-based), inclusive."""
        table = self._cum.get(year)
        if table is None:
            first = dt.date(year, 1, 1)
            monday = first.weekday()  # Monday is 0: day n is a weekday if (monday + n) % 7 < 5
            works = [1 if (monday + n) % 7 < 5 else 0 for n in range((dt.date(year + 1, 1, 1) - first).days)]
            # then the year's exceptions: the official ones, then the office's own
            exceptions = _official_exceptions().get(year, []) if official_year(year) else []
            for day, is_workday in [*exceptions, *((d, w) for d, w in self.overrides.items() if d.year == year)]:
                works[(day - first).days] = int(is_workday)
            table = self._cum[year] = list(accumulate(works))
        return table

    def _widen(self, first_year: int, last_year: int) -> None:
        """Make the running count cover ``first_year`` to ``last_year`` (and every year up
        to the ones it has): rebuilt once for both ends of a count."""
        low, high = self._span_years
        low, high = ((first_year, last_year) if high < low
                     else (min(low, first_year), max(high, last_year)))
        counts: list[int] = []
        total = 0
        for each in range(low, high + 1):
            table = self._table(each)
            counts.extend(total + n for n in table)
            total += table[-1]
        self._span = (dt.date(low, 1, 1).toordinal(), dt.date(high, 12, 31).toordinal(), counts)
        self._span_years = (low, high)

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.workdays_between(end, start)
        first, last, counts = self._span
        low, high = start.toordinal(), end.toordinal()
        if low < first or high > last:  # (both counted from the same start)
            self._widen(start.year, end.year)
            first, last, counts = self._span
        return counts[high - first] - counts[low - first]

    def add_workdays(self, start: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``start`` (``start`` itself for 0)."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        while count:
            day += ONE_DAY
            if self.is_workday(day):
                count -= 1
        return day

    def remaining(self, today: dt.date, deadline: dt.date) -> int:
        """Working days left until the deadline (0 = due today); negative = overdue.

        Overdue is decided by the dates alone; an overdue deadline counts at least one
        day late even when only a weekend has passed since.
        """
        if deadline >= today:
            return self.workdays_between(today, deadline)
        return -max(1, self.workdays_between(deadline, today))

    def fallback_years(self, days: Iterable[dt.date]) -> list[int]:
        return sorted({d.year for d in days if self.year_source(d.year) == "weekends"})


def fallback_notice(years: Iterable[int]) -> str:
    """A plain note for years counted by weekends only ('' when there are none)."""
    years = sorted(set(years))
    if not years:
        return ""
    names = "、".join(f"{y}年" for y in years)
    return (f"{names}的法定节假日和调休安排尚未录入,暂按周六、周日休息计算工作日。"
            "请在“设置—工作日安排”中录入。")


def _signature() -> tuple:
    return tuple(WorkdayOverride.select(pw.fn.COUNT(WorkdayOverride.id),
                                        pw.fn.MAX(WorkdayOverride.id)).tuples().get())


_cache: dict[str, object] = {}


def current_calendar() -> WorkCalendar:
    """The calendar with the office's overrides, reloaded when they change."""
    sig = _signature()
    if _cache.get("sig") != sig or _cache.get("db") is not WorkdayOverride._meta.database.obj:
        overrides = {row.day: row.is_workday for row in WorkdayOverride.select()}
        _cache.update(sig=sig, db=WorkdayOverride._meta.database.obj, cal=WorkCalendar(overrides))
    return _cache["cal"]


# --------------------------------------------------------------- office's overrides


def list_overrides(year: int | None = None) -> list[WorkdayOverride]:
    query = WorkdayOverride.select().order_by(WorkdayOverride.day)
    if year is not None:
        query = query.where(WorkdayOverride.day.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    return list(query)


def set_override(day, is_workday: bool, note: str = "") -> WorkdayOverride:
    """Mark a date as a holiday (is_workday False) or a make-up workday (True)."""
    day = to_date(day, field="day", label="日期")
    note = clean(note, field="note", label="说明", max_len=100, single_line=True)
    with write_transaction():
        old = WorkdayOverride.get_or_none(WorkdayOverride.day == day)
        if old is not None:
            old.delete_instance()
        row = WorkdayOverride.create(day=day, is_workday=bool(is_workday), note=note)
        kind = "调休上班" if is_workday else "放假"
        history.record("workday", row.id, "update" if old else "create", field=day.isoformat(),
                       old=("调休上班" if old.is_workday else "放假") if old else "", new=kind,
                       note=note)
    return row


def set_range(first, last, is_workday: bool, note: str = "") -> int:
    """Mark every date from ``first`` to ``last`` (inclusive); returns how many."""
    first = to_date(first, field="first", label="开始日期")
    last = to_date(last, field="last", label="结束日期")
    if last < first:
        raise ValidationError("last", "“结束日期”不能早于“开始日期”。")
    if (last - first).days > 31:
        raise ValidationError("last", "一次最多录入 31 天,请分段录入。")
    count = 0
    with write_transaction():
        day = first
        while day <= last:
            set_override(day, is_workday, note)
            day += ONE_DAY
            count += 1
    return count


def remove_override(day) -> bool:
    day = to_date(day, field="day", label="日期")
    with write_transaction():
        row = WorkdayOverride.get_or_none(WorkdayOverride.day == day)
        if row is None:
            return False
        history.record("workday", row.id, "delete", field=day.isoformat(),
                       old="调休上班" if row.is_workday else "放假", note=format_cn(day))
        row.delete_instance()
    return True
