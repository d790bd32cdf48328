"""The syntax of a number pattern such as ``{prefix}〔{year}〕{seq}号``: pure text rules.

Apart from ``numbering`` (which reads the office's settings and keeps the counters) so
that ``settings`` can check a pattern before storing it without importing
``numbering``: settings -> number_pattern <- numbering, no cycle.
"""

from __future__ import annotations

import re
import string

from .dates import MAX_YEAR
from .errors import ValidationError

MIN_SEQ, MAX_SEQ = 1, 99_999
MAX_NUMBER_LEN = 64  # as the number field stores it

_ALLOWED = {"prefix", "year", "seq"}


def _fields(pattern: str) -> list[tuple[str, str]]:
    try:
        return [(name, spec) for _, name, spec, _ in string.Formatter().parse(pattern)
                if name is not None]
    except ValueError:
        raise ValidationError("number_pattern", "“编号格式”中的花括号不成对，请检查。") from None


def format_number(pattern: str, prefix: str, year: int, seq: int) -> str:
    return pattern.format(prefix=prefix, year=year, seq=seq)


def validate_pattern(pattern: str, *, longest_prefix: int) -> None:
    """Refuse a pattern without {year} and {seq}, with unknown fields, or making numbers
    longer than a number can be stored (with a prefix of ``longest_prefix`` characters)."""
    names = [name for name, _ in _fields(pattern)]
    bad = [n for n in names if n not in _ALLOWED]
    if bad:
        raise ValidationError(
            "number_pattern",
            f"“编号格式”中的“{{{bad[0]}}}”无法识别，只能使用 {{prefix}}（字头）、{{year}}（年份）、{{seq}}（序号）。",
        )
    if "seq" not in names or "year" not in names:
        raise ValidationError("number_pattern", "“编号格式”必须包含 {year}（年份）和 {seq}（序号）。")
    try:
        longest = format_number(pattern, "字" * longest_prefix, MAX_YEAR, MAX_SEQ)
    except (ValueError, KeyError, IndexError, OverflowError):
        raise ValidationError("number_pattern", "“编号格式”写法有误，例如：{prefix}〔{year}〕{seq}号。") from None
    if len(longest) > MAX_NUMBER_LEN:
        raise ValidationError("number_pattern", f"“编号格式”生成的编号太长（最多 {MAX_NUMBER_LEN} 个字），"
                              "请去掉多余的文字或宽度设置。")


def pattern_regex(pattern: str, prefix: str) -> re.Pattern:
    """A regular expression matching the pattern's numbers, with groups year and seq."""
    parts = []
    for literal, name, _spec, _conv in string.Formatter().parse(pattern):
        parts.append(re.escape(literal))
        if name == "prefix":
            parts.append(re.escape(prefix))
        elif name == "year":
            parts.append(r"(?P<year>\d{4})")
        elif name == "seq":
            parts.append(r"(?P<seq>\d+)")
    return re.compile("^" + "".join(parts) + "$")
