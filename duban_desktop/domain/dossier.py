"""Everything stored about one matter (a 督办事项 or a 协调事项), for ``show``.

A dossier is plain data: keys are the glossary's English names (the models' own column
names), enumerated values their stored codes, dates and times ISO strings, and every list
in a fixed order (by its date, then id; history by id), so that the same database always
gives the same dossier. Its shape:

    {"format_version": 1, "matter": "supervision_item" | "coordination_case",
     "number": ..., "fields": {...}, "units": [...],
     an item's "reports", "urges", "extensions", "reviews", "feedbacks",
     a case's "consultation_sessions", "tasks",
     "history": [...]}   # the change_log rows of the matter, oldest first
"""

from __future__ import annotations

import datetime as dt

import peewee as pw

from ..db.models import (
    CaseParty,
    CaseTask,
    ConsultationSession,
    CoordinationCase,
    Extension,
    Feedback,
    ResultReport,
    Review,
    SupervisionItem,
    Unit,
    Urge,
)
from . import numbering, unit_tasks
from .errors import NotFound, ValidationError
from .history import history_of
from .vocab import CASE_STATES, FOUR_LOOKS, ITEM_STATES

FORMAT_VERSION = 1

ITEM, CASE = "supervision_item", "coordination_case"
# the change_log's name of each kind of matter
ENTITY = {ITEM: "item", CASE: "case"}
# the sections of each kind, in the order they are shown
ITEM_SECTIONS = ("units", "reports", "urges", "extensions", "reviews", "feedbacks", "history")
CASE_SECTIONS = ("units", "consultation_sessions", "tasks", "history")


def iso(value):
    """A stored value as JSON: dates and times as ISO strings, the rest as stored."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _row(record: pw.Model, *, skip: tuple[str, ...] = ()) -> dict:
    """Every column of a record but its foreign keys (the caller names what they point to)."""
    out = {}
    for field in type(record)._meta.sorted_fields:
        if field.name in skip or isinstance(field, pw.ForeignKeyField):
            continue
        out[field.name] = iso(getattr(record, field.name))
    return out


def _unit(unit: Unit, role: str) -> dict:
    return {"role": role, "name": unit.name, "contact_person": unit.contact_person,
            "phone": unit.phone, "note": unit.note, "active": unit.active}


def _history(matter: str, record_id: int) -> list[dict]:
    return [{"id": row.id, "at": iso(row.at), "operator": row.operator, "action": row.action,
             "field": row.field, "old_value": row.old_value, "new_value": row.new_value,
             "note": row.note}
            for row in history_of(ENTITY[matter], record_id)]


# ---------------------------------------------------------------- finding a matter


def _by_number(model, series: str, number: str):
    found = model.get_or_none(model.number == number)
    if found is not None:
        return found
    # the same number typed another common way (催字[2026]12号, 催字(2026)第12号)
    try:
        parsed = numbering.parse_number(series, number)
    except ValidationError:
        return None
    if parsed is None:
        return None
    return model.get_or_none((model.seq_year == parsed[0]) & (model.seq == parsed[1]))


def find(number: str) -> SupervisionItem | CoordinationCase:
    """The item or case with this number; NotFound with what to check if there is none."""
    text = str(number or "").strip()
    if not text:
        raise NotFound("请给出事项的编号，例如 催字〔2026〕12号 或 协字〔2026〕3号。")
    item = _by_number(SupervisionItem, "supervision", text)
    case = _by_number(CoordinationCase, "coordination", text)
    if item is not None and case is not None:
        raise NotFound(f"编号“{text}”既是督办事项“{item.number}”又是协调事项“{case.number}”的编号，"
                       "无法确定要显示哪一件；请给出完整的编号。")
    if item is None and case is None:
        raise NotFound(f"没有编号为“{text}”的督办事项或协调事项。请核对编号"
                       "（例如 催字〔2026〕12号、协字〔2026〕3号）；编号可在程序的“督查台账”或“协调事项”页中查到。")
    return item if item is not None else case


def gather(number: str) -> dict:
    """The dossier of the item or case with this number."""
    found = find(number)
    if isinstance(found, SupervisionItem):
        return item_dossier(found)
    return case_dossier(found)


# ---------------------------------------------------------------- 督办事项


def item_dossier(item: SupervisionItem) -> dict:
    tasks = unit_tasks.tasks(item)
    assisting = [t.unit for t in tasks if t.role != "lead"]
    task = item.case_task
    fields = _row(item)
    fields["lead_unit"] = item.lead_unit.name
    fields["assisting_units"] = [u.name for u in assisting]
    fields["coordination_case"] = task.case.number if task is not None else None
    fields["case_task"] = task.task if task is not None else None
    fields["state_label"] = ITEM_STATES.get(item.state, item.state)
    roles = {t.unit_id: t.role for t in tasks}
    reports = []
    for report in item.reports.order_by(ResultReport.reported_on, ResultReport.id):
        row = _row(report)
        row["unit"] = report.unit.name
        row["role"] = roles.get(report.unit_id, "assist")
        reports.append(row)
    reviews = []
    for review in item.reviews.order_by(Review.reviewed_on, Review.id):
        row = _row(review, skip=tuple(FOUR_LOOKS) + tuple(f"{k}_note" for k in FOUR_LOOKS))
        row["looks"] = {k: {"ok": getattr(review, k), "note": getattr(review, f"{k}_note")}
                        for k in FOUR_LOOKS}
        reviews.append(row)
    return {
        "format_version": FORMAT_VERSION,
        "matter": ITEM,
        "number": item.number,
        "fields": fields,
        # each handling unit with its task (单位任务): unit, role, part, deadline, signed_on, state ...
        "units": [{**_unit(t.unit, t.role), **unit_tasks.describe(t)} for t in tasks],
        "reports": reports,
        "urges": [_row(u) for u in item.urges.order_by(Urge.urged_on, Urge.id)],
        "extensions": [_row(e) for e in item.extensions.order_by(Extension.requested_on,
                                                                  Extension.id)],
        "reviews": reviews,
        "feedbacks": [_row(f) for f in item.feedbacks.order_by(Feedback.fed_back_on, Feedback.id)],
        "history": _history(ITEM, item.id),
    }


# ---------------------------------------------------------------- 协调事项


def case_dossier(case: CoordinationCase) -> dict:
    parties = [p.unit for p in case.parties.join(Unit).order_by(CaseParty.position, CaseParty.id)]
    fields = _row(case)
    fields["methods"] = [code for code in case.methods.split(",") if code]
    fields["parties"] = [u.name for u in parties]
    fields["state_label"] = CASE_STATES.get(case.state, case.state)
    tasks = []
    for task in case.tasks.order_by(CaseTask.position, CaseTask.id):
        row = _row(task)
        row["unit"] = task.unit.name
        linked = SupervisionItem.get_or_none(SupervisionItem.case_task == task)
        row["supervision_item"] = linked.number if linked is not None else None
        tasks.append(row)
    sessions = case.sessions.order_by(ConsultationSession.held_on, ConsultationSession.id)
    return {
        "format_version": FORMAT_VERSION,
        "matter": CASE,
        "number": case.number,
        "fields": fields,
        "units": [_unit(u, "party") for u in parties],
        "consultation_sessions": [_row(s) for s in sessions],
        "tasks": tasks,
        "history": _history(CASE, case.id),
    }
