"""Numbers like 催字〔2026〕12号: a sequence per series and year, unique, never reused.

Two rules keep a year's sequence from being poisoned by one bad number (an import's or
one typed by hand), and both live here so that every path applies them the same way:

- The range. A sequence is 1 to ``MAX_SEQ`` (99999): five digits, well beyond what one
  office gives in a year (a few hundred to a few thousand; the program is built for
  100,000 items in all), and far below SQLite's 64-bit integers, so a counter can always
  take its next number. ``parse`` refuses a number outside it (``NumberOutOfRange``), and
  ``claim`` and ``next_number`` never store a counter outside it. A counter stored out of
  range by an older version is recomputed from the numbers really stored the first time
  it is used (``_last``), and ``counter_problems`` reports it to ``check`` until then.
- The jump. A number far beyond the year's sequence (``is_jump``: more than ``JUMP_GAP``
  beyond the number before it and more than twice it, as 1200号 typed for 120号 is) would
  move the year's next number there for good. Such numbers are shown and must be
  confirmed (``find_jumps``; the importer's plan, ``supervision.register_item``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import peewee as pw

from ..db.connection import lock_row
from ..db.models import CoordinationCase, NumberSequence, SupervisionItem
from . import settings
from .dates import MAX_YEAR, MIN_YEAR
from .errors import ValidationError
from .number_pattern import MAX_NUMBER_LEN, MAX_SEQ, MIN_SEQ, format_number, pattern_regex
from .number_pattern import validate_pattern as _validate_pattern
from .writes import wait_for_others

log = logging.getLogger(__name__)

_PREFIX_SETTING = {
    "supervision": "number_prefix",
    "coordination": "case_number_prefix",
}
SERIES_MODEL = {"supervision": SupervisionItem, "coordination": CoordinationCase}
SERIES_LABEL = {"supervision": "督办", "coordination": "协调"}

JUMP_GAP = 100  # a jump is more than this beyond the number before it, and more than double it

__all__ = ["JUMP_GAP", "MAX_NUMBER_LEN", "MAX_SEQ", "MIN_SEQ", "Allocator", "Jump", "NumberFormat",
           "NumberJump", "NumberOutOfRange", "allocate", "check_hand_number", "claim", "counter_problems",
           "find_jumps", "format_number", "is_jump", "lock_counter", "next_number", "out_of_range", "parse_number",
           "parser", "preview", "repair_counters", "validate_pattern"]

# what an office's own ledger may use: 〔2026〕12号, [2026]12号, (2026)第12号 ...
_GENERIC = re.compile(r"[〔\[(（【](?P<year>\d{4})[〕\])）】]\s*第?\s*(?P<seq>\d+)\s*号?\s*$")


class NumberOutOfRange(ValidationError):
    """A number whose year or sequence is outside what a number can be."""


class NumberJump(ValidationError):
    """A number typed by hand far beyond its year's sequence, not yet confirmed."""


class Jump(NamedTuple):
    """A number far beyond its year's sequence: ``seq`` after ``before`` (the highest
    number of the year below it); the year's next number would become ``next_seq``."""

    year: int
    seq: int
    before: int
    next_seq: int

    def describe(self, number: str) -> str:
        if self.before:
            where = f"远远超出{self.year}年现有的最大序号（{self.before}号）"
        else:
            where = f"远远超出{self.year}年的编号（这一年还没有编号）"
        return f"编号“{number}”{where}，用这个编号，{self.year}年的下一个编号将变为 {self.next_seq}号"


def validate_pattern(pattern: str) -> None:
    """Refuse a pattern that cannot number (see ``number_pattern.validate_pattern``)."""
    _validate_pattern(pattern, longest_prefix=settings.SPECS["number_prefix"].max_len)


def out_of_range(seq: int) -> bool:
    return not MIN_SEQ <= seq <= MAX_SEQ


def _checked(number: str, year_text: str, seq_text: str) -> tuple[int, int]:
    digits = seq_text.lstrip("0")
    # (a run of thousands of digits is not even made into an int)
    if len(digits) > len(str(MAX_SEQ)) or out_of_range(int(digits or "0")):
        shown = digits if len(digits) <= 24 else digits[:20] + "……"
        raise NumberOutOfRange("number", f"编号“{number[:40]}”的序号 {shown or 0} 超出范围："
                               f"“编号”的序号应为 {MIN_SEQ} 到 {MAX_SEQ} 之间的整数，请核对编号。")
    year = int(year_text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise NumberOutOfRange("number", f"编号“{number[:40]}”中的年份 {year} 不合理："
                               f"“编号”的年份应在 {MIN_YEAR} 到 {MAX_YEAR} 年之间，请核对编号。")
    return year, int(digits)


@dataclass(frozen=True)
class NumberFormat:
    """How one series' numbers are written: the office's pattern and the series' prefix,
    read from the settings once (``read``) and then used for thousands of numbers."""

    series: str
    pattern: str
    prefix: str

    @classmethod
    def read(cls, series: str) -> NumberFormat:
        return cls(series, settings.get("number_pattern"), settings.get(_PREFIX_SETTING[series]))

    def format(self, year: int, seq: int) -> str:
        return format_number(self.pattern, self.prefix, year, seq)

    @cached_property
    def _own(self) -> re.Pattern:
        return pattern_regex(self.pattern, self.prefix)

    @cached_property
    def _answers(self) -> dict[str, tuple[int, int] | NumberOutOfRange | None]:
        return {}

    def parse(self, number: str) -> tuple[int, int] | None:
        """(year, seq) of a number in this pattern, or in the common 〔年〕号 form after
        the prefix; None for a number in neither (kept as it is, outside the sequence).
        Raises ``NumberOutOfRange`` for a number whose sequence or year cannot be.
        Answers are remembered, refusals too."""
        cache = self._answers
        if number not in cache:
            text = number.strip()
            m = self._own.match(text)
            if m is None and text.startswith(self.prefix):
                m = _GENERIC.search(text)
            try:
                cache[number] = _checked(text, m["year"], m["seq"]) if m else None
            except NumberOutOfRange as exc:
                cache[number] = exc
        found = cache[number]
        if isinstance(found, NumberOutOfRange):
            raise found
        return found


def parser(series: str) -> Callable[[str], tuple[int, int] | None]:
    """``parse_number`` for one series with the settings read once (an import parses
    thousands of numbers)."""
    return NumberFormat.read(series).parse


def parse_number(series: str, number: str) -> tuple[int, int] | None:
    """(year, seq) of a number in this office's pattern, or in the common 〔年〕号 form;
    None for a number in neither. Raises ``NumberOutOfRange`` for a number whose
    sequence or year cannot be."""
    return NumberFormat.read(series).parse(number)


def _highest_stored(series: str, year: int) -> int:
    model = SERIES_MODEL[series]
    top = (model.select(pw.fn.MAX(model.seq))
           .where((model.seq_year == year) & model.seq.between(MIN_SEQ, MAX_SEQ)).scalar())
    return top or 0


def _counter_query(series: str, year: int):
    return NumberSequence.select().where((NumberSequence.series == series) & (NumberSequence.year == year))


def lock_counter(series: str, year: int) -> NumberSequence:
    """The year's counter row, made if missing and locked until the write transaction
    ends: a desk numbering the same series and year meanwhile waits (on PostgreSQL
    ``SELECT ... FOR UPDATE``; on SQLite the write transaction already holds the file).
    Two desks making the year's row at once both succeed (``ON CONFLICT DO NOTHING``)."""
    row = lock_row(_counter_query(series, year))
    if row is None:
        wait_for_others(lambda: NumberSequence.insert(series=series, year=year, last=0)
                        .on_conflict_ignore().execute())
        row = lock_row(_counter_query(series, year))
    return row


def _last(series: str, year: int, *, heal: bool = False) -> int:
    """The year's counter: the last sequence given. One stored out of range (by an older
    version) is recomputed from the numbers stored, which hold every number ever given
    (records are never deleted; a voided one keeps its number); ``heal`` stores that
    (the writers: ``allocate``, ``claim``, ``repair_counters``), and reads the counter
    locked (``lock_counter``): numbers given by several desks at once are never the
    same, and none is skipped."""
    row = lock_counter(series, year) if heal else NumberSequence.get_or_none(series=series, year=year)
    if row is None:
        return 0
    if 0 <= row.last <= MAX_SEQ:
        return row.last
    last = _highest_stored(series, year)
    if heal:
        log.warning("%s counter of %d was %d, out of range: recomputed as %d", series, year, row.last, last)
        _store(series, year, last)
    return last


def repair_counters() -> list[str]:
    """Recompute every counter stored out of range now; what was done, in Chinese.
    Call inside a write transaction."""
    done = []
    for row in NumberSequence.select().where(~NumberSequence.last.between(0, MAX_SEQ)):
        if row.series in SERIES_MODEL:
            last = _last(row.series, row.year, heal=True)
            done.append(f"{row.year}年的{SERIES_LABEL[row.series]}编号计数由 {row.last} 改为 {last}"
                        "（按已用的最大序号重新计数）")
    return done


def _store(series: str, year: int, last: int) -> None:
    if out_of_range(last) and last != 0:
        raise NumberOutOfRange("number", f"{year}年的编号已用到 {MAX_SEQ}号，不能再编号。")
    (NumberSequence.insert(series=series, year=year, last=last)
     .on_conflict(conflict_target=[NumberSequence.series, NumberSequence.year],
                  update={NumberSequence.last: last})
     .execute())


def preview(series: str, year: int, fmt: NumberFormat | None = None) -> str:
    """The number the next record of that year would get (nothing is claimed)."""
    return (fmt or NumberFormat.read(series)).format(year, _last(series, year) + 1)


class Allocator:
    """Numbers for many records in one write transaction (the steps take one at a time,
    an import or the sample data thousands): each year's counter is read once, numbers
    are given after it and never twice, and ``store`` writes the counters back.

    ``taken(number) -> bool`` tells whether a number is already in use (for example
    brought in by an import); such numbers are skipped."""

    def __init__(self, series: str, *, fmt: NumberFormat | None = None,
                 taken: Callable[[str], bool] | None = None):
        self.series = series
        self.fmt = fmt or NumberFormat.read(series)
        self._taken = taken
        self._last: dict[int, int] = {}
        self._changed: set[int] = set()

    def _counter(self, year: int) -> int:
        if year not in self._last:
            self._last[year] = _last(self.series, year, heal=True)
        return self._last[year]

    def next(self, year: int) -> tuple[str, int]:
        """The next free number of ``year``: (number, seq)."""
        seq = self._counter(year)
        while True:
            seq += 1
            if seq > MAX_SEQ:
                raise NumberOutOfRange("number", f"{year}年的{SERIES_LABEL[self.series]}编号已用到 {MAX_SEQ}号，"
                                       "不能再编号。")
            number = self.fmt.format(year, seq)
            if self._taken is None or not self._taken(number):
                self._last[year] = seq
                self._changed.add(year)
                return number, seq

    def claim(self, year: int, seq: int) -> None:
        """Note that ``seq`` of ``year`` is used (a number brought in), so it is never given."""
        if out_of_range(seq):
            raise NumberOutOfRange("number", f"序号 {seq} 超出范围：“编号”的序号应为 {MIN_SEQ} 到 {MAX_SEQ} 之间的整数。")
        if seq > self._counter(year):
            self._last[year] = seq
            self._changed.add(year)

    def store(self) -> None:
        for year in sorted(self._changed):
            _store(self.series, year, self._last[year])
        self._changed.clear()


def allocate(series: str, year: int, count: int, taken: Callable[[str], bool]) -> list[tuple[str, int]]:
    """Claim the next ``count`` numbers of ``series`` in ``year``. Call inside a write
    transaction. ``taken(number) -> bool`` tells whether a number is already in use (for
    example brought in by an import); such numbers are skipped, never given twice."""
    numbers = Allocator(series, taken=taken)
    out = [numbers.next(year) for _ in range(count)]
    numbers.store()
    return out


def next_number(series: str, year: int, taken) -> tuple[str, int]:
    """Claim the next number of ``series`` in ``year`` (see ``allocate``)."""
    return allocate(series, year, 1, taken)[0]


def claim(series: str, year: int, seq: int) -> None:
    """Note that ``seq`` of ``year`` is used (imports), so it is never given again."""
    numbers = Allocator(series)
    numbers.claim(year, seq)
    numbers.store()


def is_jump(seq: int, before: int) -> bool:
    """True if ``seq`` is far beyond ``before`` (the highest number of its year below it)."""
    return seq > before + JUMP_GAP and seq > 2 * before


def find_jumps(series: str, numbers: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Jump]:
    """The jumps among (year, seq) pairs about to be used together (an import's, or one
    typed by hand): each is judged against the year's counter and the other numbers
    below it, so a ledger numbered 1 to 300 has none and 1 to 120 then 1200 has one."""
    by_year: dict[int, set[int]] = {}
    for year, seq in numbers:
        by_year.setdefault(year, set()).add(seq)
    found: dict[tuple[int, int], Jump] = {}
    for year, seqs in by_year.items():
        last = _last(series, year)
        next_seq = max(last, *seqs) + 1
        before = last
        for seq in sorted(seqs):
            if seq > before:
                if is_jump(seq, before):
                    found[(year, seq)] = Jump(year, seq, before, next_seq)
                before = seq
    return found


def check_hand_number(series: str, number: str, year: int, seq: int, *, accept_jump: bool) -> None:
    """A number typed by hand: refused (``NumberJump``) if it jumps, unless confirmed."""
    jump = find_jumps(series, [(year, seq)]).get((year, seq))
    if jump is not None and not accept_jump:
        raise NumberJump("number", jump.describe(number) + "。请核对编号；如编号无误，请确认后再保存。")


def counter_problems() -> list[str]:
    """What ``check`` reports about the counters: one stored out of range (recomputed the
    next time its year is numbered), one below a number in use. (A stored number whose
    sequence is out of range, from an older version's import, keeps its text and is not
    counted: the counters are judged by the numbers in range only.)"""
    found: list[str] = []
    for row in NumberSequence.select().where(~NumberSequence.last.between(0, MAX_SEQ)):
        label = SERIES_LABEL.get(row.series, row.series)
        found.append(f"{row.year}年的{label}编号计数为 {row.last}，超出 0 到 {MAX_SEQ} 的范围："
                     f"下次给{row.year}年编号时，程序会按这一年已用的最大序号"
                     f"（{_highest_stored(row.series, row.year) if row.series in SERIES_MODEL else 0}号）"
                     "重新计数，不会重复。")
    for series, model in SERIES_MODEL.items():
        label = SERIES_LABEL[series]
        used = (model.select(model.seq_year, pw.fn.MAX(model.seq))
                .where(model.seq.between(MIN_SEQ, MAX_SEQ)).group_by(model.seq_year).tuples())
        for year, top in used:
            row = NumberSequence.get_or_none(series=series, year=year)
            if row is None or 0 <= row.last < top:
                found.append(f"{year}年的{label}编号计数小于已用的最大序号 {top}")
    return found
