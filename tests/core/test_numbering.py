"""Numbers: per year, unique, never reused; pattern and prefix are settings."""

from __future__ import annotations

import datetime as dt

import pytest

from duban_desktop.domain import numbering, settings
from duban_desktop.domain import supervision as sv
from duban_desktop.domain.errors import ValidationError

from ..factories import TODAY, item

D = dt.date


def test_sequence_restarts_each_year(db):
    old = item(registered_on=D(2025, 12, 30), deadline=D(2026, 1, 20), instruction_date=None)
    new = item()
    assert old.number == "催字〔2025〕1号" and new.number == "催字〔2026〕1号"


def test_number_pattern_and_prefix_from_settings(db):
    settings.update({"number_prefix": "督办", "number_pattern": "{prefix}[{year}]第{seq}号"})
    assert item().number == "督办[2026]第1号"
    assert numbering.preview("supervision", 2026) == "督办[2026]第2号"


@pytest.mark.parametrize("pattern, words", [
    ("{prefix}{seq}号", "必须包含 {year}（年份）和 {seq}（序号）"),
    ("{prefix}〔{year}〕{num}号", "“{num}”无法识别"),
    ("{prefix}〔{year}〕{seq号", "花括号不成对"),
    ("{prefix}〔{year}〕{seq:s}号", "写法有误"),  # parses, but a number cannot be made
    ("{prefix}〔{year}〕{seq:080}号", "编号太长"),
])
def test_bad_patterns_are_refused(db, pattern, words):
    with pytest.raises(ValidationError) as err:
        settings.update({"number_pattern": pattern})
    assert err.value.field == "number_pattern"
    assert words in str(err.value), str(err.value)
    assert settings.get("number_pattern") == "{prefix}〔{year}〕{seq}号"


def test_given_numbers_are_kept_and_never_given_again(db):
    imported = item(number="催字〔2026〕7号")
    assert (imported.seq_year, imported.seq) == (2026, 7)
    assert item().number == "催字〔2026〕8号"
    with pytest.raises(ValidationError, match="已被其他督办事项使用"):
        item(number="催字〔2026〕7号")


def test_voided_number_not_reused(db):
    first = item()
    sv.void(first.id, reason="撤销", now=TODAY)
    assert item().number == "催字〔2026〕2号"


def test_parse_number_accepts_common_forms(db):
    assert numbering.parse_number("supervision", "催字〔2026〕12号") == (2026, 12)
    assert numbering.parse_number("supervision", "催字[2026]12号") == (2026, 12)
    assert numbering.parse_number("supervision", "其他字〔2026〕12号") is None
