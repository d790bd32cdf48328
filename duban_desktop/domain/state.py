"""The state of a matter, once: what each state and each colour means.

Every view asks this module: the register's colours and its 情况 column, 只看逾期, 逾期提醒,
the statistics, every sheet of the Excel ledger, the bulletin and the status bar. Each
state is stated twice, side by side, and a property test (tests/core/test_state.py) holds
the two to agreement on generated histories:

- in Python (``item_state``, ``case_state``), for a row already read;
- as the SQL predicate the lists use (``item_where``, ``case_where``), a peewee
  expression on the stored columns that the (state, deadline) indexes answer.

A supervision item (督办事项) is judged by its handling units' tasks (单位任务: the lead
unit's and each helping unit's, each with its own deadline), as the record functions sum
them up on the item: ``due_on``, the earliest deadline of a unit still at work on it while
it is 办理中, and ``late_units``, how many units reported after their deadline. As of a day
it is:

- 逾期 overdue: a handling unit's lateness. A unit still at work on it is past its
  deadline (``due_on`` before today), or a unit reported after its deadline (the item
  stays red until it is closed, and then it is 逾期办结);
- 即将到期 due soon: 办理中, the earliest deadline of a unit at work within the office's
  "due soon" working days;
- 办理中 in progress: 办理中, due later;
- 待审理 / 待反馈 awaiting review / awaiting feedback: the unit reported on time and the
  office has the matter. A wait longer than the office's limit (counted in working days
  from the report, or from the review that passed it) is the office's own lateness: an
  alert level of its own (``office_late``), never counted against the unit;
- 按期办结 / 逾期办结 closed on time / late: closed, and the result that passed review was
  reported by the deadline in force (approved extensions move it) and no unit reported
  late, or not;
- 已撤销 voided, 不予立项 rejected, 待批准 pending (a 群众反映 item before its approval).

Dates compare as dates: an item due today is not overdue. Distances are in working days
(domain/workdays.py: the official calendar with the office's own overrides).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import peewee as pw

from ..db.models import CoordinationCase, Review, SupervisionItem, UnitTask
from . import settings
from .vocab import CASE_OPEN_STATES, ITEM_OPEN_STATES
from .workdays import ONE_DAY, WorkCalendar, current_calendar

# ---- the states (codes are English, labels as the office says them)
PENDING = "pending"
IN_PROGRESS = "in_progress"
DUE_SOON = "due_soon"
OVERDUE = "overdue"
AWAITING_REVIEW = "awaiting_review"
AWAITING_FEEDBACK = "awaiting_feedback"
CLOSED_ON_TIME = "closed_on_time"
CLOSED_LATE = "closed_late"
VOIDED = "voided"
REJECTED = "rejected"
CLOSED = "closed"  # a coordination case: 已处理

ITEM_STATES = {
    PENDING: "待批准",
    IN_PROGRESS: "办理中",
    DUE_SOON: "即将到期",
    OVERDUE: "已逾期",
    AWAITING_REVIEW: "待审理",
    AWAITING_FEEDBACK: "待反馈",
    CLOSED_ON_TIME: "按期办结",
    CLOSED_LATE: "逾期办结",
    VOIDED: "已撤销",
    REJECTED: "不予立项",
}
CASE_STATES = {
    IN_PROGRESS: "办理中",
    DUE_SOON: "即将到期",
    OVERDUE: "已逾期",
    CLOSED: "已处理",
    VOIDED: "已撤销、不予受理或已上报",
}

# ---- the colours: a tone per state; the window and the workbook give each tone its
# colours (ui/lists/table_models.py: TONE_COLOURS; io/xlsx.py: FILLS)
TONES = {
    OVERDUE: "overdue",  # red
    DUE_SOON: "due_soon",  # yellow
    AWAITING_REVIEW: "waiting",  # blue: the office has it
    AWAITING_FEEDBACK: "waiting",
    CLOSED_ON_TIME: "closed",  # green
    CLOSED_LATE: "closed",
    CLOSED: "closed",
    VOIDED: "voided",  # grey
    REJECTED: "voided",
}
OFFICE_LATE_TONE = "office_late"  # orange: waiting for the office longer than its limit
TONE_LABELS = {
    "overdue": "已逾期",
    "due_soon": "即将到期",
    "waiting": "待审理、待反馈",
    "office_late": "本办审理、反馈超时",
    "closed": "已办结",
    "voided": "已撤销",
}

# stored item states in which the unit has reported and the office has the matter
REPORTED = ("awaiting_review", "passed")
# the stored state of an item awaiting feedback (its label is 待反馈)
PASSED = "passed"
CASE_VOIDED = ("voided", "declined", "escalated")


class Rules(NamedTuple):
    """What judging a matter needs, read once per refresh: the day, the calendar and the
    office's limits (settings), with the dates they come to."""

    today: dt.date
    calendar: WorkCalendar
    due_soon_days: int
    horizon: dt.date  # the last deadline that is due soon
    review_wait_days: int
    review_cutoff: dt.date  # a result reported on or before this waited too long for review
    feedback_wait_days: int
    feedback_cutoff: dt.date  # a review passed on or before this waited too long for feedback
    sign_wait_days: int = 2
    sign_cutoff: dt.date | None = None  # a task issued on or before this and not signed for: 待签收超时


def due_soon_horizon(calendar: WorkCalendar, today: dt.date, days: int) -> dt.date:
    """The last date whose remaining working days are at most ``days``."""
    return calendar.add_workdays(today, days + 1) - ONE_DAY


def waited_cutoff(calendar: WorkCalendar, today: dt.date, days: int) -> dt.date:
    """The latest date from which more than ``days`` working days have passed by today."""
    day = today - ONE_DAY
    while calendar.workdays_between(day, today) <= days:
        day -= ONE_DAY
    return day


def feedback_wait_setting() -> str:
    """The setting that limits the wait for feedback (after the review passed it)."""
    return "feedback_wait_days"


def rules(today: dt.date | None = None, calendar: WorkCalendar | None = None,
          values: dict | None = None) -> Rules:
    """The rules as of ``today``; ``values``: the settings when already read
    (settings.all_settings())."""
    today = today or dt.date.today()
    calendar = calendar or current_calendar()
    get = values.__getitem__ if values is not None else settings.get
    soon = int(get("due_soon_days"))
    review = int(get("review_wait_days"))
    feedback = int(get(feedback_wait_setting()))
    sign = int(get("sign_wait_days"))
    return Rules(today, calendar, soon, due_soon_horizon(calendar, today, soon),
                 review, waited_cutoff(calendar, today, review),
                 feedback, waited_cutoff(calendar, today, feedback),
                 sign, waited_cutoff(calendar, today, sign))


# ------------------------------------------------------------------ Python


def _reported_late(deadline: dt.date, reported_on: dt.date | None) -> bool:
    return reported_on is not None and reported_on > deadline


def item_state(r: Rules, state: str, deadline: dt.date, reported_on: dt.date | None = None,
               completed_on: dt.date | None = None, due_on: dt.date | None = None,
               late_units: int = 0) -> str:
    """An item's state as of ``r.today``, from its stored state, deadline, the date its
    current result was reported (``result_reported_on``), the date of the result that
    passed review (``completed_on``), and what its unit tasks come to (``due_on``: the
    earliest deadline of a unit at work, the deadline itself when not given;
    ``late_units``)."""
    if state == "in_progress":
        due = deadline if due_on is None else due_on
        if due < r.today or late_units:
            return OVERDUE
        return DUE_SOON if due <= r.horizon else IN_PROGRESS
    if state in REPORTED:
        if late_units or (deadline < r.today and _reported_late(deadline, reported_on)):
            return OVERDUE
        return AWAITING_REVIEW if state == "awaiting_review" else AWAITING_FEEDBACK
    if state == "closed":
        on_time = completed_on is not None and completed_on <= deadline and not late_units
        return CLOSED_ON_TIME if on_time else CLOSED_LATE
    if state == "pending_approval":
        return PENDING
    return REJECTED if state == "rejected" else VOIDED


def office_late(r: Rules, state: str, reported_on: dt.date | None,
                passed_on: dt.date | None = None) -> bool:
    """Whether the office has kept a reported result longer than its limit: for review
    since the report, for feedback since the review that passed it."""
    if state == "awaiting_review":
        return reported_on is not None and reported_on <= r.review_cutoff
    if state == PASSED:
        return passed_on is not None and passed_on <= r.feedback_cutoff
    return False


def tone(code: str, late_office: bool = False) -> str:
    """The colour's name of a state ('' for none). The unit's lateness shows before the
    office's."""
    if late_office and code != OVERDUE:
        return OFFICE_LATE_TONE
    return TONES.get(code, "")


def days_late(r: Rules, state: str, deadline: dt.date, reported_on: dt.date | None = None) -> int:
    """Working days an overdue item (or unit task) is late: until today while the unit has
    not reported, until the report when it reported late (at least 1)."""
    end = reported_on if state in REPORTED and reported_on is not None else r.today
    return max(1, r.calendar.workdays_between(deadline, end))


def overdue_days(r: Rules, state: str, deadline: dt.date, reported_on: dt.date | None = None,
                 due_on: dt.date | None = None) -> int:
    """Working days an overdue item is late, by its units: since the earliest deadline of a
    unit at work while it is in progress (a unit that reported late: by its report)."""
    if state == "in_progress" and due_on is not None:
        return max(1, r.calendar.workdays_between(due_on, r.today)) if due_on < r.today else 1
    return days_late(r, state, deadline, reported_on)


def days_waited(r: Rules, since: dt.date | None) -> int | None:
    """Working days the office has had a matter (since the report or the review)."""
    return None if since is None else max(0, r.calendar.workdays_between(since, r.today))


def case_state(r: Rules, state: str, deadline: dt.date | None) -> str:
    if state in CASE_OPEN_STATES:
        if deadline is None:
            return IN_PROGRESS
        if deadline < r.today:
            return OVERDUE
        return DUE_SOON if deadline <= r.horizon else IN_PROGRESS
    return CLOSED if state == "closed" else VOIDED


def _units_done(units: tuple[int, int] | None) -> str:
    """" 2/4" for an item of several units (done / all), else ''."""
    return f" {units[0]}/{units[1]}" if units and units[1] > 1 else ""


def describe_item(r: Rules, code: str, state: str, deadline: dt.date,
                  reported_on: dt.date | None = None, passed_on: dt.date | None = None,
                  due_on: dt.date | None = None, units: tuple[int, int] | None = None) -> str:
    """The register's 情况 column: short (with how many of its units have finished, 2/4)."""
    due = due_on if state == "in_progress" and due_on is not None else deadline
    if code == OVERDUE:
        days = overdue_days(r, state, deadline, reported_on, due_on)
        return f"逾期 {days} 天" + ("报送" if state in REPORTED else "") + _units_done(units)
    if code in (DUE_SOON, IN_PROGRESS):
        left = r.calendar.workdays_between(r.today, due)
        return ("今日到期" if due == r.today else f"剩 {left} 天") + _units_done(units)
    if code == AWAITING_REVIEW:
        return f"待审理 {days_waited(r, reported_on)} 天" if reported_on else "待审理"
    if code == AWAITING_FEEDBACK:
        return f"待反馈 {days_waited(r, passed_on)} 天" if passed_on else "待反馈"
    if code in (CLOSED_ON_TIME, CLOSED_LATE):
        return ITEM_STATES[code]
    return "—"


def explain_item(r: Rules, code: str, state: str, deadline: dt.date,
                 reported_on: dt.date | None = None, passed_on: dt.date | None = None,
                 due_on: dt.date | None = None, units: tuple[int, int] | None = None) -> str:
    """The 情况 column's tooltip: the state in a sentence."""
    done = f"{units[1]} 个承办单位中 {units[0]} 个已办结。" if units and units[1] > 1 else ""
    if code == OVERDUE:
        days = overdue_days(r, state, deadline, reported_on, due_on)
        if state in REPORTED:
            return f"承办单位逾期 {days} 个工作日后报送办理结果，计为承办单位逾期。{done}"
        if due_on is not None and due_on >= r.today:  # (in progress, a unit reported late)
            return f"有承办单位晚于完成时限报送办理结果，计为承办单位逾期。{done}"
        return f"承办单位未在完成时限内报送办理结果，已逾期 {days} 个工作日。{done}"
    if code == DUE_SOON:
        return f"{r.due_soon_days} 个工作日内到期。{done}"
    if code in (AWAITING_REVIEW, AWAITING_FEEDBACK):
        step, since, limit = (("审理", reported_on, r.review_wait_days) if code == AWAITING_REVIEW
                              else ("反馈", passed_on, r.feedback_wait_days))
        text = f"承办单位按期报送，等待本办{step}，不计承办单位逾期。"
        if since is not None and office_late(r, state, reported_on, passed_on):
            text += f"已等待 {days_waited(r, since)} 个工作日，超过 {limit} 个工作日的提醒期限。"
        return text
    if code == CLOSED_LATE:
        return "办结，但通过审理的办理结果晚于完成时限报送。"
    return describe_item(r, code, state, deadline, reported_on, passed_on, due_on, units)


# ------------------------------------------------------------------ SQL


def passed_on_sql() -> pw.Node:
    """The day an item's result passed review (its latest passing review), in SQL: asked
    only of items awaiting feedback (a correlated lookup on the review's item index)."""
    passing = Review.alias("passing")
    return (passing.select(pw.fn.MAX(passing.reviewed_on))
            .where((passing.item == SupervisionItem.id) & (passing.verdict == "pass")))


def _due_sql() -> pw.Node:
    """The earliest deadline of a unit at work (the deadline where none is recorded)."""
    item = SupervisionItem
    return pw.fn.COALESCE(item.due_on, item.deadline)


def overdue_sql(today: dt.date) -> pw.Expression:
    """逾期 in SQL: within the open states of the covering index supervision_item_alerts
    (state, due_on, deadline, ..., late_units)."""
    item = SupervisionItem
    return (item.state.in_(ITEM_OPEN_STATES)
            & (((item.state == "in_progress") & (_due_sql() < today)) | (item.late_units > 0)
               | ((item.state != "in_progress") & (item.deadline < today)
                  & (item.result_reported_on > item.deadline))))


def _on_time_or_unjudged(today: dt.date) -> pw.Expression:
    item = SupervisionItem
    return (((item.deadline >= today) | item.result_reported_on.is_null()
             | (item.result_reported_on <= item.deadline)) & (item.late_units == 0))


def closed_on_time_sql() -> pw.Expression:
    item = SupervisionItem
    return (item.state == "closed") & (item.completed_on <= item.deadline) & (item.late_units == 0)


def item_where(code: str, r: Rules) -> pw.Expression:
    """The SQL predicate of one state (``item_state`` in SQL)."""
    item = SupervisionItem
    if code == OVERDUE:
        return overdue_sql(r.today)
    if code == DUE_SOON:
        return (item.state == "in_progress") & _due_sql().between(r.today, r.horizon) & (item.late_units == 0)
    if code == IN_PROGRESS:
        return (item.state == "in_progress") & (_due_sql() > r.horizon) & (item.late_units == 0)
    if code == AWAITING_REVIEW:
        return (item.state == "awaiting_review") & _on_time_or_unjudged(r.today)
    if code == AWAITING_FEEDBACK:
        return (item.state == PASSED) & _on_time_or_unjudged(r.today)
    if code == CLOSED_ON_TIME:
        return closed_on_time_sql()
    if code == CLOSED_LATE:
        return (item.state == "closed") & (item.completed_on.is_null() | (item.completed_on > item.deadline)
                                           | (item.late_units > 0))
    stored = {PENDING: "pending_approval", REJECTED: "rejected", VOIDED: "voided"}
    if code in stored:
        return item.state == stored[code]
    raise ValueError(code)


def review_late_sql(r: Rules) -> pw.Expression:
    """待审理超时 in SQL (``office_late`` of an item awaiting review)."""
    item = SupervisionItem
    return (item.state == "awaiting_review") & (item.result_reported_on <= r.review_cutoff)


REPORTED_ON_TIME = "reported_on_time"  # a unit task: its result came by its deadline, the item still open
TASK_STATES = {**ITEM_STATES, REPORTED_ON_TIME: "已报送"}


def unit_task_state(r: Rules, item_state: str, task_state: str, deadline: dt.date,
                    reported_on: dt.date | None) -> str:
    """A unit task's own state (``task_overdue_sql`` in Python): while its item is open,
    overdue when the unit is still at work past its deadline or reported after it; once
    the item is closed, on time or late by the unit's own report."""
    if item_state in ITEM_OPEN_STATES:
        if task_state == "open":
            if deadline < r.today:
                return OVERDUE
            return DUE_SOON if deadline <= r.horizon else IN_PROGRESS
        return OVERDUE if reported_on is not None and reported_on > deadline else REPORTED_ON_TIME
    if item_state == "closed":
        return CLOSED_ON_TIME if reported_on is not None and reported_on <= deadline else CLOSED_LATE
    if item_state == "pending_approval":
        return PENDING
    return REJECTED if item_state == "rejected" else VOIDED


def task_overdue_sql(today: dt.date) -> pw.Expression:
    """A unit task's own lateness, in SQL on unit tasks joined to their items (the rule
    ``overdue_sql`` sums up on the item): the item open, and the unit still at work past
    its deadline or its result reported after it."""
    task = UnitTask
    return (SupervisionItem.state.in_(ITEM_OPEN_STATES)
            & (((task.state == "open") & (task.deadline < today))
               | ((task.state != "open") & (task.reported_on > task.deadline))))


def task_closed_on_time_sql() -> pw.Expression:
    """A unit task of a closed item whose result came by its deadline."""
    return (SupervisionItem.state == "closed") & (UnitTask.reported_on <= UnitTask.deadline)


def unsigned_late_sql(r: Rules) -> pw.Expression:
    """待签收超时 in SQL, on unit tasks joined to their items: a unit that has not signed for
    its task (still open, the item in progress) more than the office's limit of working
    days after the item was issued."""
    issued = pw.fn.COALESCE(SupervisionItem.issued_on, SupervisionItem.registered_on)
    # (state || '': the few tasks nobody signed for come from the signed_on index, not the
    # many open ones from the state index)
    return (UnitTask.signed_on.is_null() & (UnitTask.state.concat("") == "open")
            & (SupervisionItem.state == "in_progress") & (issued <= r.sign_cutoff))


def feedback_late_sql(r: Rules) -> pw.Expression:
    """待反馈超时 in SQL (``office_late`` of an item awaiting feedback)."""
    return (SupervisionItem.state == PASSED) & (passed_on_sql() <= r.feedback_cutoff)


def case_where(code: str, r: Rules) -> pw.Expression:
    case = CoordinationCase
    is_open = case.state.in_(CASE_OPEN_STATES)
    if code == OVERDUE:
        return case_overdue_sql(r.today)
    if code == DUE_SOON:
        return is_open & case.deadline.between(r.today, r.horizon)
    if code == IN_PROGRESS:
        return is_open & (case.deadline.is_null() | (case.deadline > r.horizon))
    if code == CLOSED:
        return case.state == "closed"
    if code == VOIDED:
        return case.state.in_(CASE_VOIDED)
    raise ValueError(code)


def case_overdue_sql(today: dt.date) -> pw.Expression:
    case = CoordinationCase
    return case.state.in_(CASE_OPEN_STATES) & (case.deadline < today)
