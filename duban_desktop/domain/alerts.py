"""逾期提醒: what is overdue, due soon, waiting for a reply, a review or a feedback.

What each level means is domain/state.py's: 已逾期 and 即将到期 are its states of an item,
待审理超时 and 待反馈超时 its ``office_late`` (the office's own lateness, never the unit's),
协调事项逾期 its overdue case. Dates compare as dates: an item due today is not overdue.
Distances are counted in working days (official calendar plus the office's overrides).
The database does the filtering, with state.py's predicates; only the rows that alert
come back.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

import peewee as pw

from ..db.ids import rows_of
from ..db.models import CoordinationCase, SupervisionItem, Unit, UnitTask, Urge
from . import state
from .dates import format_cn, stored_date
from .state import due_soon_horizon, waited_cutoff  # noqa: F401 - where they were asked for
from .workdays import WorkCalendar, current_calendar, fallback_notice

LEVELS = {
    "overdue": "已逾期",
    "due_soon": "即将到期",
    "reply_overdue": "催办反馈逾期",
    "unsigned": "待签收超时",
    "awaiting_review": "待审理超时",
    "awaiting_feedback": "待反馈超时",
    "coordination_overdue": "协调事项逾期",
}
# the levels that are the office's own lateness (an item there is not urged)
OFFICE_LEVELS = ("awaiting_review", "awaiting_feedback")
# each level's colour, by state.py's tones
LEVEL_TONES = {"overdue": "overdue", "due_soon": "due_soon", "reply_overdue": "overdue", "unsigned": "due_soon",
               "awaiting_review": state.OFFICE_LATE_TONE, "awaiting_feedback": state.OFFICE_LATE_TONE,
               "coordination_overdue": "overdue"}


class Alert(NamedTuple):
    """One alert (a named tuple: thousands are made at every refresh, and a frozen
    dataclass costs ten times as much to build)."""

    level: str
    entity: str  # "item" or "case"
    id: int
    number: str
    title: str
    lead_unit: str  # the unit it names: the lead unit, or (待签收超时) the unit that has not signed
    deadline: dt.date | None
    days: int  # working days: overdue / remaining / waited
    since: dt.date | None = None  # reply limit, report or review date the alert counts from
    state: str = ""  # the item's or case's stored state
    unit_task: int | None = None  # the unit task it names, for an item of several units

    @property
    def level_label(self) -> str:
        return LEVELS[self.level]

    @property
    def urgeable(self) -> bool:
        """Whether the handling unit can be urged for it (its result is not reported)."""
        return self.entity == "item" and self.state == "in_progress"

    def as_json(self) -> dict:
        data = self._asdict()
        data["deadline"] = self.deadline.isoformat() if self.deadline else None
        data["since"] = self.since.isoformat() if self.since else None
        data["level_label"] = self.level_label
        data["unit"] = self.lead_unit
        return data


def describe(alert: Alert) -> str:
    """The alert's 情况, in a phrase (the window's 逾期提醒 and `duban-desktop alerts`)."""
    if alert.level == "overdue" and alert.since is not None:
        return (f"{format_cn(alert.since)}报送结果，逾期 {alert.days} 个工作日"
                + ("，待本办处理" if alert.state in state.REPORTED else ""))
    return {
        "overdue": f"已逾期 {alert.days} 个工作日",
        "due_soon": "今天到期" if alert.days == 0 else f"还剩 {alert.days} 个工作日",
        "reply_overdue": f"应于{format_cn(alert.since)}前反馈，已逾期 {alert.days} 个工作日",
        "unsigned": f"{format_cn(alert.since)}交办，已 {alert.days} 个工作日未签收",
        "awaiting_review": f"{format_cn(alert.since)}报送结果，已等待审理 {alert.days} 个工作日",
        "awaiting_feedback": f"{format_cn(alert.since)}审理通过，已等待反馈 {alert.days} 个工作日",
        "coordination_overdue": f"已逾期 {alert.days} 个工作日",
    }[alert.level]


def level_counts(alerts: Iterable[Alert]) -> dict[str, int]:
    """How many alerts each level has (every level, 0 included)."""
    found = Counter(a.level for a in alerts)
    return {level: found.get(level, 0) for level in LEVELS}


def _item_columns(*extra):
    return (SupervisionItem.select(SupervisionItem.id, SupervisionItem.number, SupervisionItem.title,
                                   SupervisionItem.deadline, Unit.name, SupervisionItem.state, *extra)
            .join(Unit, on=(SupervisionItem.lead_unit == Unit.id)))


def deadline_alerts(rules: state.Rules, level: str, item_id: int, number: str, title: str, unit_name: str,
                    deadline: dt.date, due: dt.date, stored_state: str, reported_on: dt.date | None,
                    tasks: list[tuple] | None, distance) -> list[Alert]:
    """An item's alerts of ``level`` (overdue or due soon, as state.py judged the item):
    one for the item, or, for an item of several units (``tasks``: (id, unit, deadline,
    state, reported_on) each, lead first), one for each unit that is late or due soon.
    ``distance(day)``: working days between today and that day."""
    today = rules.today
    if tasks is None:
        if level == "due_soon":
            return [Alert("due_soon", "item", item_id, number, title, unit_name, deadline, distance(due), None,
                          stored_state)]
        if stored_state == "in_progress":
            return [Alert("overdue", "item", item_id, number, title, unit_name, deadline, distance(due), None,
                          stored_state)]
        # reported after the deadline: late by the report, not by today
        return [Alert("overdue", "item", item_id, number, title, unit_name, deadline,
                      state.days_late(rules, stored_state, deadline, reported_on), reported_on, stored_state)]
    found = []
    for task_id, name, task_deadline, task_state, task_reported in tasks:
        if task_state != "open":
            if level == "overdue" and task_reported is not None and task_reported > task_deadline:
                found.append(Alert("overdue", "item", item_id, number, title, name, task_deadline,
                                   state.days_late(rules, "awaiting_review", task_deadline, task_reported),
                                   task_reported, stored_state, task_id))
        elif level == "overdue" and task_deadline < today:
            found.append(Alert("overdue", "item", item_id, number, title, name, task_deadline,
                               distance(task_deadline), None, stored_state, task_id))
        elif level == "due_soon" and task_deadline <= rules.horizon:
            found.append(Alert("due_soon", "item", item_id, number, title, name, task_deadline,
                               distance(task_deadline), None, stored_state, task_id))
    return found


def _unit_tasks(item_ids: list[int], chunk: int = 500) -> dict[int, list[tuple]]:
    """The unit tasks of items of several units (lead first): (id, unit, deadline, state,
    reported_on) each."""
    found: dict[int, list[tuple]] = {}
    for start in range(0, len(item_ids), chunk):
        query = (UnitTask.select(UnitTask.item, UnitTask.id, Unit.name, UnitTask.deadline, UnitTask.state,
                                 UnitTask.reported_on)
                 .join(Unit, on=(UnitTask.unit == Unit.id))
                 .where(UnitTask.item.in_(item_ids[start:start + chunk]))
                 .order_by(UnitTask.item, UnitTask.position, UnitTask.id))
        for item_id, *task in rows_of(query):
            found.setdefault(item_id, []).append(tuple(task))
    return found


def compute_alerts(today: dt.date | None = None, calendar: WorkCalendar | None = None,
                   levels: tuple[str, ...] = tuple(LEVELS)) -> list[Alert]:
    rules = state.rules(today, calendar)
    today, calendar = rules.today, rules.calendar
    found: list[Alert] = []
    append = found.append
    in_progress = SupervisionItem.state == "in_progress"
    # Many alerts share a date: each date as stored is read, and its working days
    # counted, once (one dictionary lookup per row after that).
    ahead: dict = {}  # stored deadline -> (date, working days to or since it)
    behind: dict = {}  # stored date -> (date, working days since)
    ahead_get, behind_get = ahead.get, behind.get

    def deadline_of(stored):
        day = stored_date(stored)
        found = ahead[stored] = (day, abs(calendar.remaining(today, day)))
        return found

    def since(stored):
        day = stored_date(stored)
        found = behind[stored] = (day, calendar.workdays_between(day, today))
        return found

    if "overdue" in levels or "due_soon" in levels:
        wanted = [state.item_where(code, rules) for code, level in
                  ((state.OVERDUE, "overdue"), (state.DUE_SOON, "due_soon")) if level in levels]
        due = pw.fn.COALESCE(SupervisionItem.due_on, SupervisionItem.deadline)
        query = _item_columns(SupervisionItem.result_reported_on, due, SupervisionItem.late_units,
                              SupervisionItem.unit_count).where(
            wanted[0] if len(wanted) == 1 else wanted[0] | wanted[1]).order_by(due, SupervisionItem.id)
        rows = rows_of(query)
        several = _unit_tasks([r[0] for r in rows if r[9] > 1])
        dated: list[Alert] = []

        def remaining(stored):
            return ahead_get(stored) or deadline_of(stored)

        for item_id, number, title, stored, unit_name, stored_state, reported, stored_due, late, _units in rows:
            due_day, _days = remaining(stored_due)
            # the query holds only these two states, and only overdue is before today or late
            level = "due_soon" if due_day >= today and not late else "overdue"
            tasks = [(task_id, name, remaining(day)[0], task_state, stored_date(on))
                     for task_id, name, day, task_state, on in several[item_id]] if item_id in several else None
            dated.extend(deadline_alerts(rules, level, item_id, number, title, unit_name, remaining(stored)[0],
                                         due_day, stored_state, stored_date(reported), tasks,
                                         lambda day: abs(calendar.remaining(today, day))))
        # (an item's units each at their deadline; one unit's alerts in their order)
        dated.sort(key=_order)
        found.extend(dated)

    if "reply_overdue" in levels:
        # the latest urge of each item in progress (a correlated lookup on the urge index)
        latest_urge = Urge.alias("latest")
        latest = latest_urge.select(pw.fn.MAX(latest_urge.id)).where(latest_urge.item == SupervisionItem.id)
        query = (Urge
                 .select(Urge.reply_by, SupervisionItem.id, SupervisionItem.number,
                         SupervisionItem.title, SupervisionItem.deadline, Unit.name)
                 .join(SupervisionItem, on=(Urge.item == SupervisionItem.id))
                 .join(Unit, on=(SupervisionItem.lead_unit == Unit.id))
                 # (id + 0: found through urge_item_latest, which holds what is read, rather
                 # than through the urge's row)
                 .where(in_progress, (Urge.id + 0) == latest, Urge.reply_by < today,
                        SupervisionItem.result_reported_on.is_null()
                        | (SupervisionItem.result_reported_on < Urge.urged_on))
                 .order_by(Urge.reply_by, SupervisionItem.id))
        for stored, item_id, number, title, deadline, unit_name in rows_of(query):
            reply_by, days = behind_get(stored) or since(stored)
            append(Alert("reply_overdue", "item", item_id, number, title, unit_name,
                         (ahead_get(deadline) or deadline_of(deadline))[0], max(1, days), reply_by,
                         "in_progress"))

    if "unsigned" in levels:
        issued = pw.fn.COALESCE(SupervisionItem.issued_on, SupervisionItem.registered_on)
        query = (UnitTask
                 .select(SupervisionItem.id, SupervisionItem.number, SupervisionItem.title,
                         UnitTask.deadline, Unit.name, SupervisionItem.state, issued)
                 .join(SupervisionItem, on=(UnitTask.item == SupervisionItem.id))
                 .join(Unit, on=(UnitTask.unit == Unit.id))
                 .where(state.unsigned_late_sql(rules))
                 .order_by(issued, SupervisionItem.id, UnitTask.position))
        for item_id, number, title, deadline, unit_name, stored_state, stored in rows_of(query):
            day, days = behind_get(stored) or since(stored)
            append(Alert("unsigned", "item", item_id, number, title, unit_name,
                         (ahead_get(deadline) or deadline_of(deadline))[0], days, day, stored_state))

    office = (("awaiting_review", state.review_late_sql(rules), SupervisionItem.result_reported_on),
              ("awaiting_feedback", state.feedback_late_sql(rules), state.passed_on_sql()))
    for level, late, since_column in office:
        if level not in levels:
            continue
        query = _item_columns(since_column).where(late).order_by(since_column, SupervisionItem.id)
        for item_id, number, title, deadline, unit_name, stored_state, stored in rows_of(query):
            day, days = behind_get(stored) or since(stored)
            append(Alert(level, "item", item_id, number, title, unit_name,
                         (ahead_get(deadline) or deadline_of(deadline))[0], days, day, stored_state))

    if "coordination_overdue" in levels:
        query = (CoordinationCase
                 .select(CoordinationCase.id, CoordinationCase.number, CoordinationCase.title,
                         CoordinationCase.deadline, CoordinationCase.requester, CoordinationCase.state)
                 .where(state.case_where(state.OVERDUE, rules))
                 .order_by(CoordinationCase.deadline, CoordinationCase.id))
        for case_id, number, title, stored, requester, stored_state in rows_of(query):
            deadline, days = ahead_get(stored) or deadline_of(stored)
            append(Alert("coordination_overdue", "case", case_id, number, title, requester, deadline,
                         days, None, stored_state))
    return found


def item_alerts(rules: state.Rules, item, lead_unit: str, latest_urge=None, passed_on=None,
                tasks=None) -> list[Alert]:
    """The alerts of one item, judged in Python by the rules compute_alerts puts in SQL (a
    test holds the two to agreement): after a step on the item the window replaces that
    item's alerts (``replace_item_alerts``) rather than computing them all again.
    ``latest_urge``: its urge made last (the highest id); ``passed_on``: the day its
    result passed review; ``tasks``: its unit tasks, with their units (domain/item_view.py:
    ItemView has them all)."""
    today, calendar = rules.today, rules.calendar
    stored_state, deadline = item.state, item.deadline
    reported = item.result_reported_on
    found: list[Alert] = []

    def alert(level, days, since=None, kept_state=stored_state):
        found.append(Alert(level, "item", item.id, item.number, item.title, lead_unit, deadline, days,
                           since, kept_state))

    code = state.item_state(rules, stored_state, deadline, reported, item.completed_on, item.due_on,
                            item.late_units)
    if code in (state.DUE_SOON, state.OVERDUE):
        several = None
        if item.unit_count > 1 and tasks is not None:
            several = [(t.id, t.unit.name, t.deadline, t.state, t.reported_on) for t in tasks]
        due = item.due_on if item.due_on is not None else deadline
        found.extend(deadline_alerts(rules, "due_soon" if code == state.DUE_SOON else "overdue", item.id,
                                     item.number, item.title, lead_unit, deadline, due, stored_state, reported,
                                     several, lambda day: abs(calendar.remaining(today, day))))
    if (stored_state == "in_progress" and latest_urge is not None and latest_urge.reply_by is not None
            and latest_urge.reply_by < today and (reported is None or reported < latest_urge.urged_on)):
        alert("reply_overdue", max(1, calendar.workdays_between(latest_urge.reply_by, today)),
              latest_urge.reply_by, "in_progress")
    if stored_state == "in_progress" and tasks is not None:
        issued = item.issued_on or item.registered_on
        if rules.sign_cutoff is not None and issued <= rules.sign_cutoff:
            for t in tasks:
                if t.signed_on is None and t.state == "open":
                    found.append(Alert("unsigned", "item", item.id, item.number, item.title, t.unit.name,
                                       t.deadline, calendar.workdays_between(issued, today), issued,
                                       stored_state))
    if stored_state == "awaiting_review" and state.office_late(rules, stored_state, reported):
        alert("awaiting_review", calendar.workdays_between(reported, today), reported)
    if stored_state == state.PASSED and state.office_late(rules, stored_state, reported, passed_on):
        alert("awaiting_feedback", calendar.workdays_between(passed_on, today), passed_on)
    return found


def _order(alert: Alert) -> tuple:
    """Where an alert stands among those of its level (compute_alerts' ORDER BY)."""
    if alert.level in ("overdue", "due_soon", "coordination_overdue"):
        return alert.deadline, alert.id
    return alert.since, alert.id


def replace_item_alerts(alerts: list[Alert], item_id: int, fresh: list[Alert]) -> list[Alert]:
    """``alerts`` (as compute_alerts returns them: by level, each level in its order) with
    the item's alerts replaced by ``fresh``, each at its place: what compute_alerts would
    return now if only that item had changed."""
    by_level: dict[str, list[Alert]] = {level: [] for level in LEVELS}
    for a in alerts:
        if a.entity != "item" or a.id != item_id:
            by_level[a.level].append(a)
    for a in fresh:
        group = by_level[a.level]
        group.insert(bisect.bisect_right(group, _order(a), key=_order), a)
    return [a for group in by_level.values() for a in group]


def calendar_notice(today: dt.date | None = None) -> str:
    """A note when this year or next year is counted by weekends only."""
    today = today or dt.date.today()
    calendar = current_calendar()
    years = [y for y in (today.year, today.year + 1) if calendar.year_source(y) == "weekends"]
    return fallback_notice(years)
