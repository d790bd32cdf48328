"""One supervision item as the register shows it after a step: its record, every record of
its history and its change log, read in a fixed handful of statements (one a table), and
what a change of it can move in the register's list.

Each statement is a round trip to the office's server (issue 17: 2 ms each over its
network). The detail pane, the item's row, its alerts (domain/alerts.py: ``item_alerts``)
and the status bar's counts after a step are all made from one ``ItemView``; the
register's ids are read again only when the step can have moved the item in or out of
the list, or along it (``moves_in_list``).
"""

from __future__ import annotations

from typing import NamedTuple

from ..db.models import (
    CaseTask,
    ChangeLog,
    CoordinationCase,
    Extension,
    Feedback,
    ResultReport,
    Review,
    SupervisionItem,
    Unit,
    UnitTask,
    Urge,
)
from . import history, unit_tasks
from . import state as states
from .ledger import ItemFilter, ItemRow


class ItemView(NamedTuple):
    """An item with everything its detail pane shows, each list in the timeline's order."""

    item: SupervisionItem  # its lead unit read with it
    assisting: list[Unit]  # its helping units (协办, 配合), in position order
    tasks: list[UnitTask]  # its unit tasks with their units, lead first (unit_tasks.tasks)
    reports: list[ResultReport]  # reported_on, id; each with its unit
    urges: list[Urge]  # urged_on, id
    extensions: list[Extension]  # requested_on, id
    reviews: list[Review]  # reviewed_on, id
    feedbacks: list[Feedback]  # fed_back_on, id
    history: list[ChangeLog]  # id

    @property
    def id(self) -> int:
        return self.item.id

    def passed_on(self):
        """The day its result passed review (its latest passing review), asked only of an
        item awaiting feedback, as ledger.rows_for has it (state.passed_on_sql)."""
        if self.item.state != states.PASSED:
            return None
        return max((r.reviewed_on for r in self.reviews if r.verdict == "pass"), default=None)

    def latest_urge(self) -> Urge | None:
        """The urge made last (the highest id), as 逾期提醒's reply check takes it."""
        return max(self.urges, key=lambda u: u.id, default=None)

    def row(self) -> ItemRow:
        """The register's row of the item (what ledger.rows_for reads for it)."""
        i = self.item
        return ItemRow(i.id, i.number or "", i.title, i.source, i.lead_unit.name, i.responsible_person,
                       i.registered_on, i.deadline, i.original_deadline, i.urge_count, i.last_urged_on,
                       i.state, i.result_reported_on, i.completed_on, i.due_on, i.late_units, i.unit_count,
                       i.units_done, self.passed_on())


def get_item(item_id: int) -> SupervisionItem:
    """The item with its lead unit, in one statement (NotFound as supervision.get_item
    says it)."""
    found = (SupervisionItem.select(SupervisionItem, Unit)
             .join(Unit, on=(SupervisionItem.lead_unit == Unit.id))
             .where(SupervisionItem.id == item_id).get_or_none())
    if found is None:
        from .supervision import get_item as missing

        return missing(item_id)  # raises its NotFound (or finds one made meanwhile)
    return found


def unit_tasks_of(item: SupervisionItem) -> list[UnitTask]:
    """The item's unit tasks with their units, lead first, in one statement (kept with the
    item: domain/unit_tasks.py asks it of the item from here on)."""
    return unit_tasks.tasks(item)


def assisting_units(item_id: int) -> list[Unit]:
    """The item's helping units in their order, in one statement."""
    query = (UnitTask.select(UnitTask, Unit).join(Unit, on=(UnitTask.unit == Unit.id))
             .where((UnitTask.item == item_id) & (UnitTask.role != "lead"))
             .order_by(UnitTask.position, UnitTask.id))
    return [t.unit for t in query]


def read(item_id: int) -> ItemView:
    """The item and its records: eight statements (nine when it came from a coordination
    case's task); NotFound when it is gone."""
    item = get_item(item_id)
    if item.case_task_id is not None:
        task = (CaseTask.select(CaseTask, CoordinationCase)
                .join(CoordinationCase, on=(CaseTask.case == CoordinationCase.id))
                .where(CaseTask.id == item.case_task_id).get_or_none())
        if task is not None:
            item.case_task = task
    reports = list(ResultReport.select(ResultReport, Unit).join(Unit, on=(ResultReport.unit == Unit.id))
                   .where(ResultReport.item == item_id).order_by(ResultReport.reported_on, ResultReport.id))
    tasks = unit_tasks_of(item)
    return ItemView(
        item, [t.unit for t in tasks if t.role != "lead"], tasks, reports,
        list(Urge.select().where(Urge.item == item_id).order_by(Urge.urged_on, Urge.id)),
        list(Extension.select().where(Extension.item == item_id).order_by(Extension.requested_on, Extension.id)),
        list(Review.select().where(Review.item == item_id).order_by(Review.reviewed_on, Review.id)),
        list(Feedback.select().where(Feedback.item == item_id).order_by(Feedback.fed_back_on, Feedback.id)),
        history.history_of("item", item_id))


# ------------------------------------------------------------------ the register's list

# What each part of ledger.condition reads of the item's own row. ``text`` and ``unit``
# read the assisting units too, which no step but an edit changes (an edit reads the
# list again).
FILTER_FIELDS = {
    "text": ("number", "title", "leader_instruction", "instructing_leader", "responsible_person",
             "lead_unit_id"),
    "state": ("state",),
    "unit": ("lead_unit_id",),
    "source": ("source",),
    "year": ("registered_on",),
    "overdue_only": ("state", "deadline", "result_reported_on", "due_on", "late_units"),
}
# what each of ledger.SORT_KEYS orders by (ties break by id, which never changes)
SORT_FIELDS = {
    "number": ("seq_year", "seq"),
    "title": ("title",),
    "source": ("source",),
    "lead_unit": ("lead_unit_id",),  # by the unit's name: a unit renamed reads every list again
    "responsible_person": ("responsible_person",),
    "registered_on": ("registered_on",),
    "deadline": ("deadline",),
    "days_left": ("deadline",),
    "urge_count": ("urge_count",),
    "state": ("state",),
}


def list_fields(f: ItemFilter, sort: str) -> set[str]:
    """The item's columns that decide whether it is in the list ``f`` sorted by ``sort``,
    and where."""
    fields = set(SORT_FIELDS[sort])
    for part, names in FILTER_FIELDS.items():
        if getattr(f, part):
            fields.update(names)
    return fields


def moves_in_list(before: SupervisionItem, after: SupervisionItem, f: ItemFilter, sort: str) -> bool:
    """Whether the change from ``before`` to ``after`` (the same item, its assisting units
    unchanged) can have put it in or out of the list, or elsewhere along it. Only this
    item changed: every other item keeps its place, so when this one keeps what the list
    reads of it, the list's ids are what they were."""
    return any(getattr(before, name) != getattr(after, name) for name in list_fields(f, sort))
