"""Sample data that reads like a county government office's year (or many years).

Every record is made by the steps' own record functions (``item_records``,
``case_records``: what ``supervision`` and ``coordination`` write) and stored in bulk,
so a sample item has the urges, reports, reviews, feedback, counters, numbers, history
and search text the steps would have given it, and passes ``consistency.problems()``.
Every step happens after registration and on or before ``now``, in an order the book
allows. Bulk inserts keep 100,000 items to well under a minute; ``seed`` makes the
result repeatable.

Whatever the day, the seed and the size (from 11 items and 7 cases), there is a matter
in every alert level (``alerts.LEVELS``) and in every state (the stored ones of
``vocab`` and the judged ones of ``state``): besides the random ones, a few items and
cases are placed relative to ``now`` (``showcase_items``, ``demo_cases.showcase``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Callable
from typing import NamedTuple

from ..db import search, write_transaction
from ..db.bulk import bulk_insert
from ..db.models import (
    CaseParty,
    CaseTask,
    ChangeLog,
    ConsultationSession,
    CoordinationCase,
    Extension,
    Feedback,
    ResultReport,
    Review,
    Setting,
    SupervisionItem,
    UnitTask,
    Urge,
)
from . import case_records, demo_cases, history, item_records, numbering, settings, units
from .demo_text import (
    INSTRUCTIONS,
    ITEM_TITLES,
    LEADERS,
    MATTERS,
    OFFICE,
    RESULTS,
    SECRETARIES,
    TOPICS,
    UNITS,
    URGE_TEXTS,
)
from .errors import ValidationError
from .workdays import current_calendar
from .writes import BulkWrites, Row

__all__ = ["INSTRUCTIONS", "ITEM_TITLES", "LEADERS", "MATTERS", "OFFICE", "RESULTS", "SECRETARIES",
           "TOPICS", "UNITS", "URGE_TEXTS", "generate", "is_empty", "showcase_items"]

SERIES = "supervision"
VOID_REASON = "上级已调整工作部署，该事项不再督办。"
REJECT_REASON = "经核查，所反映问题已通过司法途径处理，不列入督查事项。"
RANDOM_SOURCES = {"superior": 2, "leader_instruction": 5, "meeting_decision": 2, "document": 2,
                  "public_report": 1.5, "other": 0.5}


def _choice(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Days:
    """Fast working-day arithmetic over a fixed span (bisect on a list of workdays)."""

    def __init__(self, first: dt.date, last: dt.date):
        cal = current_calendar()
        self.days, day = [], first
        while day <= last:
            if cal.is_workday(day):
                self.days.append(day)
            day += dt.timedelta(days=1)

    def add(self, start: dt.date, count: int) -> dt.date:
        index = bisect.bisect_right(self.days, start) + count - 1
        return self.days[min(index, len(self.days) - 1)]


def _between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


class ItemPlan(NamedTuple):
    """What becomes of one sample item; the dates not given are drawn at random."""

    registered: dt.date
    fate: str = ""  # the stored state it ends in ("": at random)
    deadline: dt.date | None = None
    source: str = ""
    urged_on: dt.date | None = None  # one urge that day, to be answered in 3 working days
    reported_on: dt.date | None = None
    reviewed_on: dt.date | None = None
    fed_back_on: dt.date | None = None
    voided_on: dt.date | None = None
    task: tuple[Row, Row] | None = None  # (task, case) of a coordination decision
    placed: bool = False  # placed relative to the day (no random urges or extension)
    unsigned: bool = False  # its units have not signed for it (待签收)


def showcase_items(now: dt.date, days) -> list[ItemPlan]:
    """Items placed so that every alert level and every state are there on ``now``
    (the first ones first: the alert levels)."""

    def ago(n: int) -> dt.date:
        return now - dt.timedelta(days=n)

    return [
        ItemPlan(ago(50), "in_progress", days.add(ago(50), 10), placed=True),  # 已逾期
        ItemPlan(ago(10), "in_progress", days.add(now, 1), placed=True),  # 即将到期
        ItemPlan(ago(30), "in_progress", days.add(now, 20), urged_on=ago(20), placed=True),  # 催办反馈逾期
        ItemPlan(ago(40), "awaiting_review", days.add(now, 10), reported_on=ago(25), placed=True),  # 待审理超时
        ItemPlan(ago(45), "passed", days.add(now, 10), reported_on=ago(30), reviewed_on=ago(28),
                 placed=True),  # 待反馈超时
        ItemPlan(ago(20), "in_progress", days.add(now, 15), unsigned=True, placed=True),  # 待签收超时
        ItemPlan(ago(5), "in_progress", days.add(now, 30), placed=True),
        ItemPlan(ago(80), "closed", days.add(ago(80), 30), reported_on=ago(70), reviewed_on=ago(69),
                 fed_back_on=ago(68), placed=True),  # 按期办结
        ItemPlan(ago(90), "closed", days.add(ago(90), 5), reported_on=ago(60), reviewed_on=ago(59),
                 fed_back_on=ago(58), placed=True),  # 逾期办结
        ItemPlan(ago(60), "voided", voided_on=ago(30), placed=True),
        ItemPlan(ago(3), "pending_approval", source="public_report", placed=True),
        ItemPlan(ago(40), "rejected", source="public_report", placed=True),
    ]


def generate(*, items: int = 300, cases: int = 40, seed: int = 2026,
             now: dt.date | None = None, progress: Callable[[str], None] | None = None,
             units_per_item: int | None = None) -> dict:
    """Fill an empty database with sample data; returns the counts written. ``units_per_item``: the
    handling units of an item on average (none: most have one or two, some three)."""
    now = now or dt.date.today()
    rng = random.Random(seed)
    if items < 0 or cases < 0:
        raise ValidationError("items", "示例数据的数量不能为负数。")
    if SupervisionItem.select().exists() or CoordinationCase.select().exists():
        raise ValidationError("db", "这个数据库里已经有数据。示例数据只能生成到新的空数据库中，请换一个文件。")
    years = max(1, min(30, (items + 7999) // 8000))
    first = dt.date(now.year - years, now.month, 1) + dt.timedelta(days=1)
    days = _Days(first - dt.timedelta(days=30), now + dt.timedelta(days=400))
    counts = {}
    with write_transaction(), search.suspended(SupervisionItem._meta.database.obj):
        # (the search line and its index are filled once at the end, not row by row)
        settings.update({"office_name": OFFICE, "contact_phone": "0571-12345678"})
        unit_ids = []
        for name, person in UNITS:
            unit_ids.append(units.create_unit(name, contact_person=person,
                                              phone=f"0571-8{rng.randint(1000000, 9999999)}").id)
        if progress:
            progress("单位")
        names = dict(zip(unit_ids, (u for u, _ in UNITS), strict=True))
        persons = dict(zip(unit_ids, (p for _, p in UNITS), strict=True))

        # ---- coordination cases (their tasks become items, linked both ways)
        w = BulkWrites(history.current_operator(), at=lambda day: dt.datetime.combine(day or now, dt.time(9, 0)))
        case_rows, tasks = demo_cases.make_cases(rng, cases, first, now, days, unit_ids, names, persons, w)
        bulk_insert(CoordinationCase, case_rows)
        w.flush(CaseParty, ConsultationSession, CaseTask, ChangeLog)
        counts["cases"] = len(case_rows)
        if progress:
            progress("协调事项")

        # ---- supervision items
        counts["items"] = _items(rng, items, first, now, days, unit_ids, names, persons, tasks, progress,
                                 units_per_item)
        history.record("item", None, "demo", note=f"生成示例数据：督办事项 {items} 件，协调事项 {cases} 件")
    return counts


def _items(rng, count, first, now, days, unit_ids, names, persons, tasks, progress, units=None) -> int:
    placed = showcase_items(now, days)[:count]
    rest = count - len(placed)
    chosen = rng.sample(tasks, min(len(tasks), rest // 3))
    plans = placed + [ItemPlan(case.resolved_on, task=(task, case)) for task, case in chosen]
    plans += [ItemPlan(_between(rng, first, now)) for _ in range(rest - len(chosen))]
    plans.sort(key=lambda p: p.registered)
    numbers = numbering.Allocator(SERIES)
    w = BulkWrites("", at=lambda day: dt.datetime.combine(day or now, dt.time(10, 0)))
    rows: list[Row] = []
    chunk = min(10_000, max(1000, count // 20))  # rows held before a write: memory stays flat
    for index, plan in enumerate(plans, start=1):
        rows.append(_item(rng, index, plan, now, days, unit_ids, names, persons, numbers, w, units))
        if index % chunk == 0:
            _flush_items(rows, w)
            if progress:
                progress(f"督办事项 {index}/{count}")
    _flush_items(rows, w)
    numbers.store()
    return count


def _flush_items(rows: list[Row], w: BulkWrites) -> None:
    bulk_insert(SupervisionItem, rows)
    rows.clear()
    w.flush(UnitTask, Urge, Extension, ResultReport, Review, Feedback, ChangeLog)


def _fate(rng, plan: ItemPlan, source: str, deadline: dt.date, now: dt.date) -> str:
    if plan.fate:
        return plan.fate
    late_by = (now - deadline).days
    if late_by > 90:
        weights = {"closed": 94, "in_progress": 1, "awaiting_review": 1, "passed": 1, "voided": 3}
    elif late_by > 0:
        weights = {"closed": 75, "in_progress": 15, "awaiting_review": 5, "passed": 3, "voided": 2}
    else:
        weights = {"closed": 25, "in_progress": 58, "awaiting_review": 10, "passed": 5, "voided": 2}
    fate = _choice(rng, weights)
    if source == "public_report":
        if (now - plan.registered).days < 15 and rng.random() < 0.6:
            fate = "pending_approval"
        elif rng.random() < 0.08:
            fate = "rejected"
    return fate


def _item(rng, index: int, plan: ItemPlan, now, days, unit_ids, names, persons, numbers, w,
          units=None) -> Row:
    """One item, registered and taken through the steps to its fate."""
    task, case = plan.task or (None, None)
    reg = plan.registered
    topic, leader = rng.choice(TOPICS), rng.choice(LEADERS)
    if task is not None:
        values = case_records.task_item_values(case, task.task)
        lead, person = task.unit, task.responsible_person or "待定"
        deadline = task.deadline
    else:
        source = plan.source or _choice(rng, RANDOM_SOURCES if not plan.placed else
                                        {k: v for k, v in RANDOM_SOURCES.items() if k != "public_report"})
        values = dict(title=rng.choice(ITEM_TITLES).format(leader=leader, topic=topic)[:200],
                      content=f"围绕{topic}，明确任务分工和时间节点，确保按期完成。", source=source,
                      basis=rng.choice(["县政府第12次常务会议", "《政务信息》第35期", "市政府督查通知",
                                        "县委县政府工作要点", ""]), registered_on=reg)
        lead = rng.choice(unit_ids)
        person = persons[lead]
        deadline = plan.deadline or days.add(reg, rng.choice([5, 10, 10, 15, 20, 30, 45, 60]))
    others = [u for u in unit_ids if u != lead]
    mean = None if units is None else max(0, units - 1)  # helping units on average
    spread = [0, 0, 1, 1, 2] if mean is None else [max(0, mean - 1), mean, mean + 1]
    helpers = rng.sample(others, min(len(others), rng.choice(spread)))
    w.operator = rng.choice(SECRETARIES)
    at = dt.datetime.combine(reg, dt.time(10, 0))
    public = values["source"] == "public_report"
    item = Row.of(SupervisionItem, id=index, state="pending_approval" if public else "in_progress",
                  lead_unit=lead, responsible_person=person, issued_on=reg, deadline=deadline,
                  original_deadline=deadline, registrar=w.operator, created_at=at, updated_at=at,
                  case_task=task.id if task is not None else None, **values)
    if values["source"] == "leader_instruction":
        item.leader_instruction = rng.choice(INSTRUCTIONS).format(unit=names[lead], days=rng.choice([5, 10]))
        item.instructing_leader = leader
        item.instruction_date = reg - dt.timedelta(days=rng.randint(0, 3))
    if not public:
        item.number, item.seq = numbers.next(reg.year)
        item.seq_year = reg.year
    item_records.created(item, w, helpers)
    if task is not None:
        case_records.linked(case, w, item_number=item.number, title=item.title, day=reg)
    fate = _fate(rng, plan, values["source"], deadline, now)
    if fate not in ("pending_approval", "rejected") and not plan.unsigned:  # signed within two working days
        for unit_task in w.tasks(item):
            unit_task.signed_on = min(now, days.add(reg, index % 3))
    if public and fate not in ("pending_approval", "rejected"):
        number, seq = numbers.next(reg.year)
        item_records.approved(item, w, approved_by=rng.choice(LEADERS[:3]), approved_on=reg,
                              note="经核查属实，同意列入督查事项。", deadline=deadline, number=number,
                              year=reg.year, seq=seq)
    _steps(rng, item, w, fate, plan, now, days, names, lead, helpers, topic)
    return item


def _steps(rng, item: Row, w: BulkWrites, fate: str, plan: ItemPlan, now, days, names, lead, helpers,
           topic) -> None:
    """Urges, extensions, reports, reviews and feedback that lead to ``fate``."""
    reg = item.registered_on
    if fate == "pending_approval":
        return
    if fate == "rejected":
        item_records.rejected(item, w, reason=REJECT_REASON, day=reg)
        return
    if fate == "voided":
        item_records.voided(item, w, reason=VOID_REASON, voided_on=plan.voided_on or _between(rng, reg, now))
        return
    end = now
    if fate in ("closed", "passed", "awaiting_review"):
        if plan.reported_on:
            end = plan.reported_on
        else:
            late = rng.random() < 0.15
            target = item.deadline + dt.timedelta(days=rng.randint(1, 10)) if late else \
                _between(rng, reg + dt.timedelta(days=2), item.deadline)
            end = min(now, max(reg, target))
    # urges before the (final) report
    if plan.placed:
        urge_days = [plan.urged_on] if plan.urged_on else []
    else:
        urge_days = sorted(_between(rng, reg, end) for _ in range(
            rng.choice([0, 1, 1, 2, 3]) if (end - reg).days > 3 else 0))
    for on in urge_days:
        reply_days = 3 if plan.placed else rng.choice([3, 5, 5, 7])
        item_records.urged(item, w, urged_on=on, method=rng.choice(
            ["phone", "phone", "notice", "in_person", "meeting", "document"]),
            content=rng.choice(URGE_TEXTS), reply_days=reply_days, reply_by=days.add(on, reply_days))
    if not plan.placed and rng.random() < 0.08 and fate in ("in_progress", "closed"):
        item_records.extended(item, w, requested_on=min(now, _between(rng, reg, item.deadline)),
                              reason="涉及资金调整，需报县政府常务会议研究。", approved_by=rng.choice(LEADERS[:3]),
                              new_deadline=days.add(item.deadline, rng.choice([5, 10, 15])))
    if fate == "in_progress":
        return
    result = rng.choice(RESULTS).format(topic=topic, n=rng.randint(3, 30))
    for helper in helpers:
        item_records.reported(item, w, unit=helper, unit_name=names[helper], is_lead=False,
                              reported_on=max(reg, end - dt.timedelta(days=1)),
                              content=f"{names[helper]}已按分工完成配合工作。")
    item_records.reported(item, w, unit=lead, unit_name=names[lead], is_lead=True, reported_on=end,
                          content=result)
    if fate == "awaiting_review":
        return
    reviewed = plan.reviewed_on or min(now, end + dt.timedelta(days=rng.randint(0, 3)))
    item_records.reviewed(item, w, reviewed_on=reviewed, verdict="pass",
                          comment="办理结果属实，符合政策规定，问题已解决。")
    if fate == "passed":
        return
    fed = plan.fed_back_on or min(now, reviewed + dt.timedelta(days=rng.randint(0, 3)))
    kind = "instruction_report" if item.source == "leader_instruction" else rng.choice(["special_report", "brief"])
    item_records.fed_back(item, w, kind=kind, recipient=item.instructing_leader or "县政府主要领导", fed_back_on=fed,
                          document_number=f"督查专报〔{fed.year}〕{rng.randint(1, 99)}号"
                          if kind != "instruction_report" else "",
                          result_summary=result, proposed_action="建议将办理结果报领导阅示后归档。")


def is_empty() -> bool:
    return not (SupervisionItem.select().exists() or CoordinationCase.select().exists()
                or Setting.select().where(Setting.key == "office_name").exists())
