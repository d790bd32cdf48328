"""逾期提醒: what is overdue, due soon, waiting for a reply or a review.

Dates compare as dates: an item due today is not overdue. Distances are counted in
working days (official calendar plus the office's overrides). The database does the
filtering; only the rows that alert come back.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import peewee as pw

from ..db.models import CoordinationCase, SupervisionItem, Unit, Urge
from . import settings
from .dates import stored_date
from .workdays import ONE_DAY, WorkCalendar, current_calendar, fallback_notice

LEVELS = {
    "overdue": "已逾期",
    "due_soon": "即将到期",
    "reply_overdue": "催办反馈逾期",
    "awaiting_review": "待审理超时",
    "coordination_overdue": "协调事项逾期",
}


class Alert(NamedTuple):
    """One alert (a named tuple: thousands are made at every refresh, and a frozen
    dataclass costs ten times as much to build)."""

    level: str
    entity: str  # "item" or "case"
    id: int
    number: str
    title: str
    lead_unit: str
    deadline: dt.date | None
    days: int  # working days: overdue / remaining / waited
    since: dt.date | None = None  # reply limit or report date the alert counts from

    @property
    def level_label(self) -> str:
        return LEVELS[self.level]

    def as_json(self) -> dict:
        data = self._asdict()
        data["deadline"] = self.deadline.isoformat() if self.deadline else None
        data["since"] = self.since.isoformat() if self.since else None
        data["level_label"] = self.level_label
        return data


def due_soon_horizon(calendar: WorkCalendar, today: dt.date, days: int) -> dt.date:
    """The last date whose remaining working days are at most ``days``."""
    return calendar.add_workdays(today, days + 1) - ONE_DAY


def waited_cutoff(calendar: WorkCalendar, today: dt.date, days: int) -> dt.date:
    """The latest date from which more than ``days`` working days have passed by today."""
    day = today - ONE_DAY
    while calendar.workdays_between(day, today) <= days:
        day -= ONE_DAY
    return day


def _item_query(*conditions):
    return (SupervisionItem
            .select(SupervisionItem.id, SupervisionItem.number, SupervisionItem.title,
                    SupervisionItem.deadline, Unit.name)
            .join(Unit, on=(SupervisionItem.lead_unit == Unit.id))
            .where(*conditions)
            .order_by(SupervisionItem.deadline, SupervisionItem.id))


def _raw(query):
    """The query's rows as plain tuples: no peewee row objects and no per-value
    conversion (dates come back as stored; ``stored_date`` reads them). Thousands of
    alerts stay in the milliseconds."""
    return SupervisionItem._meta.database.execute(query)


def compute_alerts(today: dt.date | None = None, calendar: WorkCalendar | None = None,
                   levels: tuple[str, ...] = tuple(LEVELS)) -> list[Alert]:
    today = today or dt.date.today()
    calendar = calendar or current_calendar()
    found: list[Alert] = []
    append = found.append
    in_progress = SupervisionItem.state == "in_progress"
    # many alerts share a date: count the working days once per date
    remaining: dict[dt.date, int] = {}
    waited: dict[dt.date, int] = {}

    def left_until(day: dt.date) -> int:
        days = remaining.get(day)
        if days is None:
            days = remaining[day] = calendar.remaining(today, day)
        return days

    def days_since(day: dt.date) -> int:
        days = waited.get(day)
        if days is None:
            days = waited[day] = calendar.workdays_between(day, today)
        return days

    if "overdue" in levels or "due_soon" in levels:
        horizon = due_soon_horizon(calendar, today, settings.get("due_soon_days"))
        for item_id, number, title, deadline, unit_name in _raw(
                _item_query(in_progress, SupervisionItem.deadline <= horizon)):
            deadline = stored_date(deadline)
            level = "overdue" if deadline < today else "due_soon"
            if level in levels:
                append(Alert(level, "item", item_id, number, title, unit_name, deadline,
                             abs(left_until(deadline))))

    if "reply_overdue" in levels:
        # the latest urge of each item in progress (a correlated lookup on the urge index)
        latest_urge = Urge.alias("latest")
        latest = latest_urge.select(pw.fn.MAX(latest_urge.id)).where(latest_urge.item == SupervisionItem.id)
        query = (Urge
                 .select(Urge.reply_by, SupervisionItem.id, SupervisionItem.number,
                         SupervisionItem.title, SupervisionItem.deadline, Unit.name)
                 .join(SupervisionItem, on=(Urge.item == SupervisionItem.id))
                 .join(Unit, on=(SupervisionItem.lead_unit == Unit.id))
                 .where(in_progress, Urge.id == latest, Urge.reply_by < today,
                        SupervisionItem.result_reported_on.is_null()
                        | (SupervisionItem.result_reported_on < Urge.urged_on))
                 .order_by(Urge.reply_by, SupervisionItem.id))
        for reply_by, item_id, number, title, deadline, unit_name in _raw(query):
            reply_by = stored_date(reply_by)
            append(Alert("reply_overdue", "item", item_id, number, title, unit_name,
                         stored_date(deadline), max(1, days_since(reply_by)), reply_by))

    if "awaiting_review" in levels:
        cutoff = waited_cutoff(calendar, today, settings.get("review_wait_days"))
        query = (SupervisionItem
                 .select(SupervisionItem.id, SupervisionItem.number, SupervisionItem.title,
                         SupervisionItem.deadline, SupervisionItem.result_reported_on, Unit.name)
                 .join(Unit, on=(SupervisionItem.lead_unit == Unit.id))
                 .where(SupervisionItem.state == "awaiting_review",
                        SupervisionItem.result_reported_on <= cutoff)
                 .order_by(SupervisionItem.result_reported_on, SupervisionItem.id))
        for item_id, number, title, deadline, reported, unit_name in _raw(query):
            reported = stored_date(reported)
            append(Alert("awaiting_review", "item", item_id, number, title, unit_name,
                         stored_date(deadline), days_since(reported), reported))

    if "coordination_overdue" in levels:
        query = (CoordinationCase
                 .select(CoordinationCase.id, CoordinationCase.number, CoordinationCase.title,
                         CoordinationCase.deadline, CoordinationCase.requester)
                 .where(CoordinationCase.state.in_(("intake", "verification", "consultation")),
                        CoordinationCase.deadline < today)
                 .order_by(CoordinationCase.deadline, CoordinationCase.id))
        for case_id, number, title, deadline, requester in _raw(query):
            deadline = stored_date(deadline)
            append(Alert("coordination_overdue", "case", case_id, number, title, requester,
                         deadline, abs(left_until(deadline))))
    return found


def calendar_notice(today: dt.date | None = None) -> str:
    """A note when this year or next year is counted by weekends only."""
    today = today or dt.date.today()
    calendar = current_calendar()
    years = [y for y in (today.year, today.year + 1) if calendar.year_source(y) == "weekends"]
    return fallback_notice(years)
