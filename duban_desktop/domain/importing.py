"""Bringing an office's existing ledger in: the rules for rows read from a file.

The reader (``io.ledger_import``) reads the workbook's shape (the sheet, the header, the
columns) and turns it into ``SourceRow``s: the row number and, per field, what the cell
held (text, a number or a date). From there, one module for each part of the work:

- ``ledger_text``: what the ledger's words mean (已办结, 领导批示, 县发改局（牵头）,
  2026年6月底前);
- ``import_interpret``: one row's values as the office wrote them, checked against the
  same rules as ``supervision.register_item`` and the steps after it, every problem
  of the row collected;
- ``import_plan``: the rows judged together and against the database (numbers,
  duplicates, jumps, new units, notices); writes nothing;
- ``import_write``: the accepted rows written in one transaction through the steps'
  own record functions (``item_records``), so an imported item has the records,
  counters, history and search text the steps would have given it;
- ``import_types``: the plan, its rows and problems, the result, the refusals.

Why not call ``register_item``, ``report_result``, ``review`` and ``feedback`` row by
row: (1) the plan must list every problem of every row before anything is written,
while the step functions stop at the first refusal and write as they go; (2) the dates
are the ledger's, which the step functions would refuse (they date each step when it
is recorded); (3) speed: 10,000 rows in a few seconds, with bulk inserts. The record
functions are the steps' own, so what is written is the same.

This module keeps the names callers import (``cli.imports``, ``ui.import_wizard``,
``io.ledger_import``, the tests).
"""

from __future__ import annotations

from .import_plan import number_parser, plan_rows
from .import_types import (
    CONFIRM,
    DATE_FIELDS,
    ERROR,
    FIELDS,
    IGNORE,
    LEVELS,
    NOT_GIVEN,
    SEQ_VALUE,
    SKIP,
    WARNING,
    ImportPlan,
    ImportRefused,
    ImportResult,
    JumpRow,
    NumberJumpsNotConfirmed,
    PlannedRow,
    Problem,
    SourceRow,
    jumps_summary,
    number_jumps_confirmed,
)
from .import_write import import_rows
from .ledger_text import (
    interpret_source,
    interpret_state,
    leader_from_instruction,
    looks_done,
    parse_ledger_date,
    split_unit_roles,
    split_units,
)

__all__ = ["CONFIRM", "DATE_FIELDS", "ERROR", "FIELDS", "IGNORE", "LEVELS", "NOT_GIVEN", "SEQ_VALUE", "SKIP", "WARNING",
           "ImportPlan", "ImportRefused", "ImportResult", "JumpRow", "NumberJumpsNotConfirmed",
           "PlannedRow", "Problem", "SourceRow", "import_rows", "interpret_source", "interpret_state",
           "jumps_summary", "leader_from_instruction", "looks_done", "number_jumps_confirmed",
           "number_parser", "parse_ledger_date", "plan_rows", "split_unit_roles", "split_units"]
