"""Numbers like 催字〔2026〕12号: a sequence per series and year, unique, never reused."""

from __future__ import annotations

import re
import string

from ..db.models import NumberSequence
from . import settings
from .errors import ValidationError

SERIES_PREFIX_SETTING = {
    "supervision": "number_prefix",
    "coordination": "case_number_prefix",
}

_ALLOWED = {"prefix", "year", "seq"}
# what an office's own ledger may use: 〔2026〕12号, [2026]12号, (2026)第12号 ...
_GENERIC = re.compile(r"[〔\[(（【](?P<year>\d{4})[〕\])）】]\s*第?\s*(?P<seq>\d+)\s*号?\s*$")


def _fields(pattern: str) -> list[tuple[str, str]]:
    try:
        return [(name, spec) for _, name, spec, _ in string.Formatter().parse(pattern)
                if name is not None]
    except ValueError:
        raise ValidationError("number_pattern", "“编号格式”中的花括号不成对,请检查。") from None


def validate_pattern(pattern: str) -> None:
    names = [name for name, _ in _fields(pattern)]
    bad = [n for n in names if n not in _ALLOWED]
    if bad:
        raise ValidationError(
            "number_pattern",
            f"“编号格式”中的“{{{bad[0]}}}”无法识别,只能使用 {{prefix}}(字头)、{{year}}(年份)、{{seq}}(序号)。",
        )
    if "seq" not in names or "year" not in names:
        raise ValidationError("number_pattern", "“编号格式”必须包含 {year}(年份)和 {seq}(序号)。")
    try:
        format_number(pattern, "催字", 2026, 12)
    except (ValueError, KeyError, IndexError):
        raise ValidationError("number_pattern", "“编号格式”写法有误,例如:{prefix}〔{year}〕{seq}号。") from None


def format_number(pattern: str, prefix: str, year: int, seq: int) -> str:
    return pattern.format(prefix=prefix, year=year, seq=seq)


def _regex(pattern: str, prefix: str) -> re.Pattern:
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


def parse_number(series: str, number: str) -> tuple[int, int] | None:
    """(year, seq) of a number in this office's pattern, or in the common 〔年〕号 form."""
    prefix = settings.get(SERIES_PREFIX_SETTING[series])
    m = _regex(settings.get("number_pattern"), prefix).match(number.strip())
    if m is None:
        if not number.strip().startswith(prefix):
            return None
        m = _GENERIC.search(number)
    if m is None:
        return None
    return int(m["year"]), int(m["seq"])


def preview(series: str, year: int) -> str:
    """The number the next record of that year would get (nothing is claimed)."""
    row = NumberSequence.get_or_none(series=series, year=year)
    last = row.last if row else 0
    prefix = settings.get(SERIES_PREFIX_SETTING[series])
    return format_number(settings.get("number_pattern"), prefix, year, last + 1)


def next_number(series: str, year: int, taken) -> tuple[str, int]:
    """Claim the next number of ``series`` in ``year``. Call inside a write transaction.

    ``taken(number) -> bool`` tells whether a number is already in use (for example
    brought in by an import); such numbers are skipped, never given twice.
    """
    prefix = settings.get(SERIES_PREFIX_SETTING[series])
    pattern = settings.get("number_pattern")
    row, _ = NumberSequence.get_or_create(series=series, year=year, defaults={"last": 0})
    seq = row.last
    while True:
        seq += 1
        number = format_number(pattern, prefix, year, seq)
        if not taken(number):
            break
    NumberSequence.update(last=seq).where(
        (NumberSequence.series == series) & (NumberSequence.year == year)
    ).execute()
    return number, seq


def claim(series: str, year: int, seq: int) -> None:
    """Note that ``seq`` of ``year`` is used (imports), so it is never given again."""
    row, _ = NumberSequence.get_or_create(series=series, year=year, defaults={"last": 0})
    if seq > row.last:
        NumberSequence.update(last=seq).where(
            (NumberSequence.series == series) & (NumberSequence.year == year)
        ).execute()
