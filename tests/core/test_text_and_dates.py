from __future__ import annotations

import datetime as dt

import pytest

from duban_desktop.domain.dates import format_cn, parse_date_text, to_date
from duban_desktop.domain.errors import ValidationError
from duban_desktop.domain.text import clean

D = dt.date


@pytest.mark.parametrize("text, day", [
    ("2026-01-05", D(2026, 1, 5)), ("2026年1月5日", D(2026, 1, 5)), ("2026.1.5", D(2026, 1, 5)),
    ("2026/1/5", D(2026, 1, 5)), ("2026年6月30日前", D(2026, 6, 30)), ("20260105", D(2026, 1, 5)),
    (" 2026 年 6 月 3 号 ", D(2026, 6, 3)), ("2026-02-30", None), ("明天", None), ("3026-1-1", None),
])
def test_parse_dates_as_offices_write_them(text, day):
    assert parse_date_text(text) == day


def test_format_has_no_leading_zeros():
    assert format_cn(D(2026, 1, 5)) == "2026年1月5日"
    assert format_cn(None) == ""


def test_to_date_messages_name_the_field():
    with pytest.raises(ValidationError) as err:
        to_date("2026-13-01", field="deadline", label="完成时限")
    assert err.value.field == "deadline" and "完成时限" in str(err.value)
    with pytest.raises(ValidationError, match="请填写“完成时限”"):
        to_date("", field="deadline", label="完成时限")


def test_clean_removes_what_documents_cannot_hold():
    assert clean("a\x00b\x08c\x0bd\x1fe\x7f\ufffef\ud800g", field="f", label="L") == "abcdefg"
    assert clean("  行一\r\n行二 ", field="f", label="L") == "行一\n行二"
    assert clean("a \n b", field="f", label="L", single_line=True) == "a b"
    assert clean("<&>😀{{number}}", field="f", label="L") == "<&>😀{{number}}"
