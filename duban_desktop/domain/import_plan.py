"""Planning an import: what would happen to each row, before anything is written.

Every row is read (``import_interpret.RowReader``; the rows of one item's other units
with it, ``import_groups``); then the rows are judged together
and against the database: numbers unique in the file and not used by another item, the
same item imported before (by number, or by title, lead unit and deadline) skipped,
numbers far beyond their year's numbers to be confirmed, the units to be created, and
the notices about the file as a whole. Reads the database, writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from ..db.models import SupervisionItem, Unit
from . import numbering
from .import_groups import group_rows, merge_unit_rows
from .import_interpret import RowReader
from .import_types import (
    CONFIRM,
    ERROR,
    NOT_GIVEN,
    PLAIN_NUMBERS_NOTICE,
    SKIP,
    ImportPlan,
    JumpRow,
    PlannedRow,
    Problem,
    SourceRow,
)
from .supervision import SERIES


def number_parser(*, strict: bool = False) -> Callable[[str], tuple[int, int] | None]:
    """``numbering.parse_number`` for the supervision series, with the settings read once.
    ``strict`` raises ``numbering.NumberOutOfRange`` for a number out of range; otherwise
    such a number reads as None (its row is an error already)."""
    parse = numbering.parser(SERIES)
    if strict:
        return parse

    def tolerant(number: str) -> tuple[int, int] | None:
        try:
            return parse(number)
        except numbering.NumberOutOfRange:
            return None

    return tolerant


def _fingerprint(title: str, unit: str) -> tuple[str, str]:
    return (" ".join(title.split()), unit)


def plan_rows(rows: Iterable[SourceRow], labels: dict[str, str], *,
              today: dt.date | None = None) -> ImportPlan:
    """What an import would do, row by row; reads the database, writes nothing."""
    today = today or dt.date.today()
    notes: Counter = Counter()
    planned: list[PlannedRow] = []
    parse = number_parser()
    strict = number_parser(strict=True)
    for group in group_rows(list(rows)):  # (one item's rows: its first, then its other units')
        row = RowReader(group[0], labels, today, notes, strict)
        values = row.interpret()
        problems = row.problems
        if len(group) > 1 and values.get("registered_on"):
            problems = problems + merge_unit_rows(values, group, labels, today, notes)
        errors = [p for p in problems if p.level == ERROR]
        planned.append(PlannedRow(group[0].row, "error" if errors else "new", values, problems))

    # numbers: unique in the file, and not used by another item in the database
    existing_numbers = fetch_in_chunks(lambda chunk: SupervisionItem.select(
        SupervisionItem.number, SupervisionItem.title, Unit.name, SupervisionItem.deadline,
        SupervisionItem.original_deadline).join(Unit, on=(SupervisionItem.lead_unit == Unit.id))
        .where(SupervisionItem.number.in_(chunk)),
        [r.values["number"] for r in planned if r.values.get("number")])
    by_number = {rec[0]: rec for rec in existing_numbers}
    titles = [r.values["title"] for r in planned if r.values.get("title")]
    existing_titles = fetch_in_chunks(lambda chunk: SupervisionItem.select(
        SupervisionItem.title, Unit.name, SupervisionItem.deadline, SupervisionItem.original_deadline,
        SupervisionItem.number).join(Unit, on=(SupervisionItem.lead_unit == Unit.id))
        .where(SupervisionItem.title.in_(chunk)), titles)
    by_print: dict[tuple, list] = defaultdict(list)
    for title, unit, deadline, original, number in existing_titles:
        by_print[_fingerprint(title, unit)].append((_as_date(deadline), _as_date(original), number))
    seqs = _existing_seqs(planned, parse)
    seen_numbers: dict[str, int] = {}
    seen_prints: dict[tuple, int] = {}
    seen_seqs: dict[tuple[int, int], int] = {}
    for r in planned:
        v = r.values
        number = v.get("number")
        key = _fingerprint(v.get("title", ""), v.get("lead_unit", ""))
        deadline = v.get("deadline")
        if number:
            if number in seen_numbers:
                r.problems.append(Problem(r.row, labels.get("number", "编号"),
                                          f"编号“{number}”与第 {seen_numbers[number]} 行重复。"))
            else:
                seen_numbers[number] = r.row
            found = by_number.get(number)
            if found is not None:
                if _fingerprint(found[1], found[2]) == key:
                    r.status = "duplicate"
                    r.problems.append(Problem(r.row, labels.get("number", "编号"),
                                              f"编号“{number}”的事项已经在数据库中(以前导入过),跳过。", SKIP))
                    continue
                r.problems.append(Problem(r.row, labels.get("number", "编号"),
                                          f"编号“{number}”已被另一督办事项(“{found[1][:30]}”)使用,编号不能重复。"))
            parsed = parse(number)
            if parsed and found is None:
                if parsed in seqs:
                    r.problems.append(Problem(r.row, labels.get("number", "编号"),
                                              f"{parsed[0]}年第 {parsed[1]} 号已被督办事项“{seqs[parsed]}”使用,"
                                              "编号不能重复。"))
                elif parsed in seen_seqs:
                    r.problems.append(Problem(r.row, labels.get("number", "编号"),
                                              f"与第 {seen_seqs[parsed]} 行是同一个编号({parsed[0]}年第 {parsed[1]} 号)。"))
                else:
                    seen_seqs[parsed] = r.row
        elif key[0] and deadline:
            for old_deadline, old_original, old_number in by_print.get(key, ()):
                if deadline in (old_deadline, old_original):
                    r.status = "duplicate"
                    r.problems.append(Problem(
                        r.row, "", f"与已有的督办事项“{old_number or key[0][:30]}”相同(事项、主办单位和"
                        "完成时限一致),以前导入过,跳过。", SKIP))
                    break
            if r.status == "duplicate":
                continue
            if (key, deadline) in seen_prints:
                r.problems.append(Problem(r.row, "", f"与第 {seen_prints[(key, deadline)]} 行重复"
                                          "(事项、主办单位和完成时限都相同)。"))
            else:
                seen_prints[(key, deadline)] = r.row
        if any(p.level == ERROR for p in r.problems):
            r.status = "error"

    notices = _notices(notes, labels, planned)
    names = {r.values["lead_unit"] for r in planned if r.status == "new"}
    names |= {n for r in planned if r.status == "new" for n in r.values["assisting"]}
    known = {rec[0] for rec in fetch_in_chunks(lambda chunk: Unit.select(Unit.name).where(Unit.name.in_(chunk)),
                                          sorted(names))}
    new_units = sorted(names - known)
    return ImportPlan(planned, notices, new_units, labels, _jumps(planned, labels, parse))


def _jumps(planned: list[PlannedRow], labels: dict[str, str], parse) -> list[JumpRow]:
    """The rows to import whose number jumps far beyond its year's numbers (judged with
    the file's other numbers, ``numbering.find_jumps``); each gets a 需确认 problem."""
    numbered = [(r, parsed) for r in planned if r.status == "new" and r.values.get("number")
                and (parsed := parse(r.values["number"]))]
    found = numbering.find_jumps(SERIES, [parsed for _, parsed in numbered])
    jumps = []
    for r, parsed in numbered:
        jump = found.get(parsed)
        if jump is not None and all(j.jump != jump for j in jumps):
            jumps.append(JumpRow(r.row, r.values["number"], jump))
            r.problems.append(Problem(r.row, labels.get("number", "编号"),
                                      jump.describe(r.values["number"]) + "：如编号无误，请确认后导入；"
                                      "如是笔误，请改正表格。", CONFIRM))
    return jumps


def _as_date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def fetch_in_chunks(make_query: Callable, keys: list, chunk: int = 400) -> list[tuple]:
    keys = sorted(set(keys))
    found: list[tuple] = []
    for start in range(0, len(keys), chunk):
        found.extend(make_query(keys[start:start + chunk]).tuples())
    return found


def _existing_seqs(planned: list[PlannedRow], parse) -> dict[tuple[int, int], str]:
    years = set()
    for r in planned:
        number = r.values.get("number")
        parsed = parse(number) if number else None
        if parsed:
            years.add(parsed[0])
    if not years:
        return {}
    query = (SupervisionItem.select(SupervisionItem.seq_year, SupervisionItem.seq, SupervisionItem.number)
             .where(SupervisionItem.seq_year.in_(sorted(years))).tuples())
    return {(y, s): n for y, s, n in query}


def _notices(notes: Counter, labels: dict[str, str], planned: list[PlannedRow]) -> list[str]:
    out = []
    if notes["no_registered_column"]:
        out.append("表中没有“登记日期”列:各事项的登记日期按发出时间、批示日期或完成时限中最早的一个记"
                   "(不晚于今天)。")
    if "responsible_person" not in labels:
        out.append(f"表中没有“具体负责人”列:各事项的具体负责人记为“{NOT_GIVEN}”,请导入后补填。")
    if notes["no_source_column"]:
        out.append("表中没有“立项依据”列:有领导批示的事项记为“领导批示”,其余记为“其他”。")
    if notes["several_units"]:
        out.append(f"有 {notes['several_units']} 行的承办单位写了多个单位:标明“牵头”的或第一个作为主办单位,"
                   "其余作为协办单位。")
    if notes["unit_rows"]:
        out.append(f"有 {notes['unit_rows']} 行是上一行事项的其他承办单位（序号相同，或只填了单位）：并入该事项，"
                   "各单位按本行的完成时限、负责人和办理情况记为单位任务。")
    if notes["closed_from_result"]:
        out.append(f"有 {notes['closed_from_result']} 行根据“办理情况”的内容(如“已完成……”)判断为已办结。")
    if notes["state_guessed"]:
        out.append(f"有 {notes['state_guessed']} 行的状态是根据文字判断的(如“基本完成”按办理中),请在预览中核对。")
    numbers = [r.values.get("number", "") for r in planned if r.values.get("number")]
    if numbers and len(numbers) >= 3 and all(n.isdigit() and len(n) <= 5 for n in numbers):
        out.append(PLAIN_NUMBERS_NOTICE.format(label=labels.get("number", "编号")))
    return out
