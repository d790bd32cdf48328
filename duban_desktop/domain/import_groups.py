"""A ledger with one row per unit: the rows of one item read as one item and its unit tasks.

Offices that divide work among units often keep one row per 责任单位: the first row has
the item (序号, 工作任务, 牵头单位 ...), the rows under it share its 序号 (typed again, or
one merged cell) or leave 序号 and 工作任务 empty, and name another unit with its own
完成时限, 责任人 and 办理情况. ``group_rows`` finds those rows; ``merge_unit_rows`` adds
each row's units to the item read from its first row, with the row's deadline, person
and result, so the item is written once with a unit task per unit.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from .dates import format_cn
from .import_interpret import RowReader, _as_text
from .import_types import FIELDS, SEQ_VALUE, WARNING, Problem, SourceRow
from .ledger_text import interpret_state, looks_done, unit_roles

_UNIT_FIELDS = ("lead_unit", "assisting", "cooperating")
_DONE = ("awaiting_review", "passed", "closed")


def _text(row: SourceRow, name: str) -> str:
    return " ".join(_as_text(row.values.get(name)).split())


def _units_named(row: SourceRow, fields=_UNIT_FIELDS) -> set[str]:
    return {name for field in fields for name, _ in unit_roles(_as_text(row.values.get(field)))}


def _continues(head: SourceRow, row: SourceRow) -> bool:
    """Whether ``row`` names another unit of the item begun at ``head``: it names a unit,
    other than the head's lead unit, no other number or title, and has the head's 序号 (or, without one, no title at all)."""
    if not _units_named(row) - _units_named(head, ("lead_unit",)):
        return False  # (no other unit: a row of its own, whatever it lacks)
    for name in ("number", "title"):
        mine = _text(row, name)
        if mine and mine != _text(head, name):
            return False
    seq = _text(row, SEQ_VALUE)
    if seq:
        return seq == _text(head, SEQ_VALUE)
    return not any(_text(row, name) for name in ("number", "title", "content"))


def group_rows(rows: list[SourceRow]) -> list[list[SourceRow]]:
    """The rows by item, in order: each item's first row, then the rows of its other units."""
    groups: list[list[SourceRow]] = []
    for row in rows:
        if groups and _continues(groups[-1][0], row):
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


def _row_units(reader: RowReader, lead: str) -> list[tuple[str, str]]:
    """The units a unit row names, other than the item's lead unit, with their roles (a
    unit marked 牵头 on another unit's row assists: the item has one lead)."""
    named: list[tuple[str, str]] = []
    for field, default in (("lead_unit", "assist"), ("assisting", "assist"), ("cooperating", "cooperate")):
        for name, role in unit_roles(reader.text(field), default):
            if name != lead and all(name != n for n, _ in named):
                named.append((name[:100], role if role in ("assist", "cooperate") else "assist"))
    return named


def merge_unit_rows(values: dict, group: list[SourceRow], labels: dict[str, str], today: dt.date,
                    notes: Counter) -> list[Problem]:
    """Adds the units of the rows after an item's first (``group``: all its rows) to the
    item's ``values`` (as ``RowReader.interpret`` read the first): each unit with its row's
    deadline, person and result; returns the rows' problems. An item whose first row is
    done while a unit's row is not stays in progress: the lead unit's result is kept as its
    report. In a ledger without 登记日期, an item is registered by its units' earliest date
    too."""
    problems: list[Problem] = []
    lead = values["lead_unit"]
    registered = values["registered_on"]
    helpers = {h["unit"]: h for h in values["helpers"]}
    open_units = []
    readers = [RowReader(source, labels, today, notes, parse_number=None) for source in group[1:]]
    dates = [(reader.date("deadline", registered.year), reader.date("completed_on", registered.year))
             for reader in readers]
    for reader in readers:
        reader.problems.clear()  # (read again below, with the item's registration settled)
    if "registered_on" not in labels:  # (no such column: the date is the program's guess)
        registered = values["registered_on"] = min([registered, *(d for pair in dates for d in pair if d)])
    for source, reader in zip(group[1:], readers, strict=True):
        notes["unit_rows"] += 1
        named = _row_units(reader, lead)
        deadline = reader.date("deadline", registered.year)
        completed = reader.date("completed_on", registered.year)
        person = reader.text("responsible_person")
        result = reader.text("result")
        state, _ = interpret_state(reader.text("state"))
        done = state in _DONE or (state is None and (completed is not None or looks_done(result)))
        if deadline and deadline < registered:
            reader.problem("deadline", f"{'、'.join(n for n, _ in named) or '该单位'}的完成时限（{format_cn(deadline)}）"
                                       f"不能早于事项的登记日期（{format_cn(registered)}）。")
        if completed and completed > today:
            reader.problem("completed_on", f"{FIELDS['completed_on']}（{format_cn(completed)}）不能晚于今天。")
        elif completed and completed < registered:
            reader.problem("completed_on", f"{FIELDS['completed_on']}（{format_cn(completed)}）不能早于事项的"
                                           f"登记日期（{format_cn(registered)}）。")
        for name, role in named:
            entry = helpers.setdefault(name, {"unit": name, "role": role})
            if deadline and deadline != values["deadline"]:
                entry["deadline"] = deadline
            if person:
                entry["responsible_person"] = person[:50]
            if done:  # (no date: by its deadline, as an item done on no date is)
                entry["reported_on"] = completed or min(max(entry.get("deadline") or values["deadline"]
                                                            or registered, registered), today)
                entry["result"] = result or "已办结。"
            else:
                open_units.append((source.row, name))
        problems += reader.problems
    values["helpers"] = list(helpers.values())
    values["assisting"] = [h["unit"] for h in values["helpers"]]
    if open_units and values["state"] in _DONE:
        row, name = open_units[0]
        problems.append(Problem(row, labels.get("state", FIELDS["state"]),
                                f"{name}尚未办结：事项按“办理中”导入，主办单位的办理结果记为它的报送。", WARNING))
        values["lead_report"] = (values["completed_on"] or today, values["result"] or "已办结。")
        values["state"], values["completed_on"] = "in_progress", None
    return problems

