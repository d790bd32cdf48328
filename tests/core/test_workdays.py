"""Working days: the official calendar, the office's own entries, the weekend fallback."""

from __future__ import annotations

import datetime as dt

import pytest

from duban_desktop.domain import workdays
from duban_desktop.domain.errors import ValidationError
from duban_desktop.domain.workdays import WorkCalendar, current_calendar, fallback_notice

D = dt.date


def test_official_holidays_and_makeup_days():
    cal = WorkCalendar()
    assert not cal.is_workday(D(2026, 10, 1))  # National Day
    assert cal.is_workday(D(2026, 10, 10))  # a make-up Saturday (调休)
    assert not cal.is_workday(D(2026, 10, 11))  # an ordinary Sunday
    assert cal.year_source(2026) == "official"


def test_add_and_count_workdays_across_national_day():
    cal = WorkCalendar()
    assert cal.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert cal.workdays_between(D(2026, 9, 30), D(2026, 10, 8)) == 1
    assert cal.workdays_between(D(2026, 10, 8), D(2026, 9, 30)) == -1
    assert cal.add_workdays(D(2026, 6, 15), 0) == D(2026, 6, 15)


def test_remaining_due_today_is_not_overdue():
    cal = WorkCalendar()
    assert cal.remaining(D(2026, 6, 15), D(2026, 6, 15)) == 0
    assert cal.remaining(D(2026, 6, 15), D(2026, 6, 17)) == 2
    assert cal.remaining(D(2026, 6, 16), D(2026, 6, 15)) == -1
    # deadline Friday, today Saturday: overdue although no working day has passed
    assert cal.remaining(D(2026, 6, 13), D(2026, 6, 12)) == -1


def test_year_without_data_falls_back_to_weekends_and_says_so():
    cal = WorkCalendar()
    assert cal.year_source(2027) == "weekends"
    assert cal.is_workday(D(2027, 1, 1))  # a Friday; unknown holiday, weekends only
    assert not cal.is_workday(D(2027, 1, 2))
    assert cal.fallback_years([D(2026, 12, 31), D(2027, 1, 4)]) == [2027]
    notice = fallback_notice([2027])
    assert "2027年" in notice and "周六、周日" in notice
    assert fallback_notice([]) == ""


def test_counts_span_years():
    cal = WorkCalendar()
    assert cal.workdays_between(D(2026, 12, 31), D(2027, 1, 4)) == 2  # Fri 1 Jan, Mon 4 Jan
    assert cal.add_workdays(D(2026, 12, 30), 3) == D(2027, 1, 4)


def test_office_enters_next_years_holidays(db):
    workdays.set_range(D(2027, 1, 1), D(2027, 1, 3), False, "元旦")
    workdays.set_override(D(2027, 2, 20), True, "春节调休")
    cal = current_calendar()
    assert cal.year_source(2027) == "office"
    assert not cal.is_workday(D(2027, 1, 1))
    assert cal.is_workday(D(2027, 2, 20))  # a Saturday
    assert cal.add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert [o.note for o in workdays.list_overrides(2027)] == ["元旦"] * 3 + ["春节调休"]
    assert workdays.remove_override(D(2027, 2, 20))
    assert not current_calendar().is_workday(D(2027, 2, 20))


def test_override_validation(db):
    with pytest.raises(ValidationError, match="结束日期"):
        workdays.set_range(D(2027, 1, 3), D(2027, 1, 1), False)
    with pytest.raises(ValidationError, match="不是有效日期"):
        workdays.set_override("2027-02-30", False)


def test_year_tables_agree_with_chinesecalendar_day_by_day():
    import chinese_calendar

    cal = WorkCalendar()
    day = D(2024, 1, 1)
    while day <= D(2026, 12, 31):
        expected = chinese_calendar.is_workday(day)
        assert cal.workdays_between(day - dt.timedelta(days=1), day) == int(expected), day
        day += dt.timedelta(days=1)


def test_year_tables_agree_with_is_workday_with_overrides_and_fallback_years():
    """The running count is built from weekdays plus each year's exceptions; day by day it
    must say what is_workday says: official years, the office's overrides (which win, on
    a weekday or a weekend, in an official year or not) and years counted by weekends."""
    overrides = {D(2025, 10, 11): False, D(2025, 10, 13): False, D(2025, 10, 1): True,
                 D(2040, 2, 3): False, D(2040, 2, 4): True, D(2040, 12, 31): False}
    cal = WorkCalendar(overrides)
    for first, last in ((D(2025, 1, 1), D(2025, 12, 31)), (D(2039, 12, 1), D(2041, 1, 31))):
        day = first
        while day <= last:
            assert cal.workdays_between(day - dt.timedelta(days=1), day) == int(cal.is_workday(day)), day
            day += dt.timedelta(days=1)
    assert not cal.is_workday(D(2040, 12, 31)) and cal.is_workday(D(2040, 2, 4))
