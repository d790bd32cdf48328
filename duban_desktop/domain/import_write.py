"""Writing an import: the planned rows, in one transaction, through the steps' records.

Each row becomes the records the steps would have left, made by the steps' own record
functions (``item_records``) and stored in bulk (``writes.BulkWrites``): the item as
registered (and, for a 群众反映 item, approved), one urge per urge the ledger counts, an
extension when the deadline moved past the original one, the lead unit's result for an
item reported, the passing review of one passed, the feedback of one closed, the
voiding or the refusal. So its counters, history and search text are what the steps
give, and ``consistency.problems()`` holds for it as for any item. The dates are the
ledger's (the step functions date each step when it is recorded, so they are not called
here; their checks were made by the plan). Before its steps' history, each item gets
one row with action ``import`` naming the file and row it came from.

The ledger knows less than the steps record: urges are counted, not listed (each is
dated the last urge), approvals, extensions, reviews and feedbacks have no names or
notes (``NOT_RECORDED``). Two values have no step record behind them: an item still in
progress keeps what the ledger says of its progress as its 办理结果 (``result``), and an
item not closed keeps the ledger's 查办结果摘要 (the steps take it with the feedback).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from ..db import write_transaction
from ..db.bulk import bulk_insert
from ..db.models import (
    ChangeLog,
    Extension,
    Feedback,
    ResultReport,
    Review,
    SupervisionItem,
    Unit,
    UnitTask,
    Urge,
)
from . import history, item_records, numbering, settings
from .dates import format_cn
from .import_plan import fetch_in_chunks, number_parser, plan_rows
from .import_types import (
    ERROR,
    ImportPlan,
    ImportRefused,
    ImportResult,
    NumberJumpsNotConfirmed,
    PlannedRow,
    SourceRow,
    jumps_confirmed,
)
from .item_records import TaskSpec
from .supervision import SERIES
from .vocab import ITEM_STATES, URGE_METHODS
from .writes import BulkWrites, Row

NOT_RECORDED = "原台账未记载"
BATCH = 1000  # items inserted at a time (progress is reported after each)


def import_rows(rows: list[SourceRow], labels: dict[str, str], *, source_name: str = "",
                skip_errors: bool = False, dry_run: bool = False, today: dt.date | None = None,
                progress: Callable[[int, int, str], bool] | None = None,
                cancelled: Callable[[], Exception] | None = None,
                accept_number_jumps: bool | None = None) -> tuple[ImportPlan, ImportResult | None]:
    """Plan, and unless ``dry_run`` write, the rows in one transaction (all or nothing).

    Refused (``ImportRefused``) while a row has an error, unless ``skip_errors``; and
    (``NumberJumpsNotConfirmed``) while a number jumps far beyond its year's numbers,
    unless ``accept_number_jumps`` (None: as ``number_jumps_confirmed`` says).
    """
    today = today or dt.date.today()
    if accept_number_jumps is None:
        accept_number_jumps = jumps_confirmed()
    if dry_run:
        return plan_rows(rows, labels, today=today), None
    with write_transaction():
        plan = plan_rows(rows, labels, today=today)  # again, inside the lock
        if plan.errors and not skip_errors:
            first = next(p for p in plan.problems if p.level == ERROR)
            raise ImportRefused(f"表格中有 {plan.errors} 行有问题，没有导入任何内容。第一个问题：{first}")
        if not plan.to_import:
            raise ImportRefused("没有可以导入的新事项" + (
                f"（有 {plan.duplicates} 件以前已经导入过）。" if plan.duplicates else "。"))
        if plan.jumps and not accept_number_jumps:
            raise NumberJumpsNotConfirmed(plan.jumps)
        result = _write(plan, source_name, today, progress, cancelled)
    return plan, result


def _units(rows: list[PlannedRow], operator: str) -> dict[str, int]:
    """Unit name -> id: the existing ones, and the new ones created (with their history)."""
    names = sorted({r.values["lead_unit"] for r in rows} | {n for r in rows for n in r.values["assisting"]})
    units = {name: uid for name, uid in fetch_in_chunks(
        lambda chunk: Unit.select(Unit.name, Unit.id).where(Unit.name.in_(chunk)), names)}
    now = dt.datetime.now().replace(microsecond=0)
    for name in names:
        if name not in units:
            units[name] = Unit.insert(name=name, created_at=now).execute()
            history.record("unit", units[name], "create", field="name", new=name,
                           note="导入台账时新建", operator=operator)
    return units


def _number(rows: list[PlannedRow]) -> None:
    """The file's numbers are kept (and claimed); the others get the next of their year.
    Sets each row's number, seq_year and seq (None for an item not registered)."""
    parse = number_parser()
    taken = {n for r in rows if (n := r.values["number"])}
    wanting: dict[int, list[PlannedRow]] = defaultdict(list)
    for r in rows:
        v = r.values
        if v["number"]:
            parsed = parse(v["number"])
            v["seq_year"], v["seq"] = parsed if parsed else (None, None)
        else:
            v["seq_year"] = v["seq"] = None
            if v["state"] not in ("pending_approval", "rejected"):
                wanting[v["registered_on"].year].append(r)
    for year in wanting:
        taken |= {n for (n,) in SupervisionItem.select(SupervisionItem.number)
                  .where(SupervisionItem.seq_year == year).tuples()}
    numbers = numbering.Allocator(SERIES, taken=taken.__contains__)
    for r in rows:
        if r.values["seq"] is not None:
            numbers.claim(r.values["seq_year"], r.values["seq"])
    for year, group in sorted(wanting.items()):
        for r in group:
            r.values["number"], r.values["seq"] = numbers.next(year)
            r.values["seq_year"] = year
    numbers.store()


def _steps(item: Row, w: BulkWrites, v: dict, *, lead: int, helpers: list[TaskSpec], where: str,
           method: str, today: dt.date) -> None:
    """The steps an item of the ledger went through, in the steps' order."""
    state, number = v["state"], v["number"] or None
    approved = v["source"] == "public_report" and state not in ("pending_approval", "rejected")
    if v["source"] != "public_report":
        item.number, item.seq_year, item.seq = number, v["seq_year"], v["seq"]
    # (work recorded in a ledger is under way: its units count as having signed for it)
    signed = None if state in ("pending_approval", "rejected") else (v["issued_on"] or v["registered_on"])
    item_records.created(item, w, helpers, signed_on=signed)
    if approved:
        item_records.approved(item, w, approved_by=v["instructing_leader"] or NOT_RECORDED,
                              approved_on=v["registered_on"], note=f"从{where}导入，原台账中已立项。",
                              deadline=v["original_deadline"], number=number, year=v["seq_year"],
                              seq=v["seq"])
    if state == "rejected":
        item_records.rejected(item, w, reason=v["result"] or "原台账标记为不予立项。", day=v["registered_on"])
        return
    if state == "pending_approval":
        return
    if v["urge_count"]:
        note = (f"从{where}导入：原台账记载共催办 {v['urge_count']} 次，最近一次 "
                f"{format_cn(v['last_urged_on'])}；各次的日期和方式未记载。")
        for _ in range(v["urge_count"]):
            item_records.urged(item, w, urged_on=v["last_urged_on"], method=method, content=note)
    if v["deadline"] > item.deadline:
        asked = min(max(v["registered_on"], item.deadline), today)
        item_records.extended(item, w, requested_on=asked, approved_by=NOT_RECORDED, new_deadline=v["deadline"],
                              reason=f"从{where}导入：原台账记载原定时限 {format_cn(item.deadline)}，"
                                     f"完成时限 {format_cn(v['deadline'])}。")
    completed = v["completed_on"]
    for h, spec in zip(v["helpers"], helpers, strict=True):
        if h.get("reported_on"):  # (a unit's own row in the ledger says it is done)
            item_records.reported(item, w, unit=spec.unit, unit_name=h["unit"], is_lead=False,
                                  reported_on=h["reported_on"], content=h["result"])
    if v.get("lead_report"):  # the lead's row is done, another unit's is not
        day, content = v["lead_report"]
        item_records.reported(item, w, unit=lead, unit_name=v["lead_unit"], is_lead=True, reported_on=day,
                              content=content)
    if state in ("awaiting_review", "passed", "closed"):
        # (the ledger's result is the joint report: it covers the other units' parts)
        item_records.reported(item, w, unit=lead, unit_name=v["lead_unit"], is_lead=True,
                              reported_on=completed if state != "awaiting_review" else today,
                              content=v["result"], covers_units=True)
    if state in ("passed", "closed"):
        item_records.reviewed(item, w, reviewed_on=completed, verdict="pass",
                              comment=f"从{where}导入，原台账中已办结。")
    if state == "closed":
        kind = {"leader_instruction": "instruction_report", "superior": "special_report"}.get(
            v["source"], "brief")
        if kind == "instruction_report" and not v["result_summary"]:
            kind = "brief"
        item_records.fed_back(item, w, kind=kind, recipient=v["instructing_leader"] or NOT_RECORDED,
                              fed_back_on=completed, note=f"从{where}导入，原台账中已办结。",
                              result_summary=v["result_summary"] or None)
    if state == "voided":
        item_records.voided(item, w, reason=v["result"] or "原台账标记为已撤销。",
                            voided_on=completed or today)
    if state == "in_progress" and v["result"]:
        item.result = v["result"]  # what the ledger says of the progress (no step record)


def _write(plan: ImportPlan, source_name: str, today: dt.date, progress, cancelled) -> ImportResult:
    operator = history.current_operator()
    rows = [r for r in plan.rows if r.status == "new"]
    total = len(rows)
    units = _units(rows, operator)
    _number(rows)
    method = settings.get("default_urge_method")
    if method not in URGE_METHODS:
        method = "phone"
    where = f"《{source_name}》" if source_name else "原台账"
    w = BulkWrites(operator)
    now = dt.datetime.now().replace(microsecond=0)
    items: list[Row] = []
    for r in rows:
        v = r.values
        item = Row.of(
            SupervisionItem, number=None, seq_year=None, seq=None,
            state="pending_approval" if v["source"] == "public_report" else "in_progress",
            title=v["title"], content=v["content"], source=v["source"], basis=v["basis"],
            leader_instruction=v["leader_instruction"], instructing_leader=v["instructing_leader"],
            instruction_date=v["instruction_date"], lead_unit=units[v["lead_unit"]],
            responsible_person=v["responsible_person"], registered_on=v["registered_on"],
            issued_on=v["issued_on"] or v["registered_on"], deadline=v["original_deadline"],
            original_deadline=v["original_deadline"],
            # (a closed item's 查办结果摘要 comes with its feedback, as the steps take it)
            result_summary=v["result_summary"] if v["state"] != "closed" else "",
            registrar=operator, created_at=now, updated_at=now)
        w.log("item", item, "import", field="number", new=v["number"] or "",
              note=f"从{where}第 {r.row} 行导入；状态：{ITEM_STATES[v['state']]}。{v['title'][:100]}")
        helpers = [TaskSpec(units[h["unit"]], h["role"], deadline=h.get("deadline"),
                            responsible_person=h.get("responsible_person", "")) for h in v["helpers"]]
        _steps(item, w, v, lead=units[v["lead_unit"]], helpers=helpers,
               where=where, method=method, today=today)
        items.append(item)
    # numbered items in batches, their ids found again by number (unique, and portable);
    # the few without a number (waiting for approval, refused) one by one
    numbered = [item for item in items if item.number]
    for start in range(0, len(numbered), BATCH):
        bulk_insert(SupervisionItem, numbered[start:start + BATCH])
        done = min(start + BATCH, total)
        if progress is not None and progress(done, total, f"正在导入第 {done} / {total} 件……") is False:
            raise (cancelled() if cancelled else ImportRefused("已取消导入，没有导入任何内容。"))
    ids = dict(fetch_in_chunks(lambda chunk: SupervisionItem.select(SupervisionItem.number, SupervisionItem.id)
                         .where(SupervisionItem.number.in_(chunk)), [item.number for item in numbered]))
    for item in items:
        item.id = ids[item.number] if item.number else SupervisionItem.insert(**item).execute()
    w.flush(UnitTask, Urge, Extension, ResultReport, Review, Feedback, ChangeLog)
    return ImportResult(total, plan.duplicates, plan.errors, list(plan.new_units),
                        [item.number or "" for item in items])
