"""逾期提醒: what is overdue, due soon, waiting for a reply or a review.

Dates compare as dates: an item due today is not overdue. Distances are counted in
working days (official calendar plus the office's overrides). The database does the
filtering; only the rows that alert come back.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import peewee as pw

from ..db.ids import rows_of
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


def compute_alerts(today: dt.date | None = None, calendar: WorkCalendar | None = None,
                   levels: tuple[str, ...] = tuple(LEVELS)) -> list[Alert]:
    today = today or dt.date.today()
    calendar = calendar or current_calendar()
    found: list[Alert] = []
    append = found.append
    in_progress = SupervisionItem.state == "in_progress"
    # Many alerts share a date: each date as stored is read, and its working days
    # counted, once (one dictionary lookup per row after that).
    ahead: dict = {}  # stored deadline -> (date, level, working days)
    behind: dict = {}  # stored date -> (date, working days since)
    ahead_get, behind_get = ahead.get, behind.get

    def deadline_of(stored):
        day = stored_date(stored)
        found = ahead[stored] = (day, "overdue" if day < today else "due_soon",
                                 abs(calendar.remaining(today, day)))
        return found

    def since(stored):
        day = stored_date(stored)
        found = behind[stored] = (day, calendar.workdays_between(day, today))
        return found

    if "overdue" in levels or "due_soon" in levels:
        horizon = due_soon_horizon(calendar, today, settings.get("due_soon_days"))
        for item_id, number, title, stored, unit_name in rows_of(
                _item_query(in_progress, SupervisionItem.deadline <= horizon)):
            deadline, level, days = ahead_get(stored) or deadline_of(stored)
            if level in levels:
                append(Alert(level, "item", item_id, number, title, unit_name, deadline, days))

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
                         (ahead_get(deadline) or deadline_of(deadline))[0], max(1, days), reply_by))

    if "awaiting_review" in levels:
        cutoff = waited_cutoff(calendar, today, settings.get("review_wait_days"))
        query = (SupervisionItem
                 .select(SupervisionItem.id, SupervisionItem.number, SupervisionItem.title,
                         SupervisionItem.deadline, SupervisionItem.result_reported_on, Unit.name)
                 .join(Unit, on=(SupervisionItem.lead_unit == Unit.id))
                 .where(SupervisionItem.state == "awaiting_review",
                        SupervisionItem.result_reported_on <= cutoff)
                 .order_by(SupervisionItem.result_reported_on, SupervisionItem.id))
        for item_id, number, title, deadline, stored, unit_name in rows_of(query):
            reported, days = behind_get(stored) or since(stored)
            append(Alert("awaiting_review", "item", item_id, number, title, unit_name,
                         (ahead_get(deadline) or deadline_of(deadline))[0], days, reported))

    if "coordination_overdue" in levels:
        query = (CoordinationCase
                 .select(CoordinationCase.id, CoordinationCase.number, CoordinationCase.title,
                         CoordinationCase.deadline, CoordinationCase.requester)
                 .where(CoordinationCase.state.in_(("intake", "verification", "consultation")),
                        CoordinationCase.deadline < today)
                 .order_by(CoordinationCase.deadline, CoordinationCase.id))
        for case_id, number, title, stored, requester in rows_of(query):
            deadline, _level, days = ahead_get(stored) or deadline_of(stored)
            append(Alert("coordination_overdue", "case", case_id, number, title, requester, deadline, days))
    return found


def calendar_notice(today: dt.date | None = None) -> str:
    """A note when this year or next year is counted by weekends only."""
    today = today or dt.date.today()
    calendar = current_calendar()
    years = [y for y in (today.year, today.year + 1) if calendar.year_source(y) == "weekends"]
    return fallback_notice(years)
