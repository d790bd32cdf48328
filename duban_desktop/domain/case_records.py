"""What each step of a coordination case writes, once, for every writer.

As ``item_records`` for items: each function takes the case (a ``CoordinationCase`` or
a ``writes.Row``), a writer and the step's values, already checked, and changes the
case's fields, adds the step's record and its history rows, and tells the writer the
case changed (``w.changed``: one more version). ``coordination`` checks
and calls them; the sample data calls them directly. Nothing here validates.
"""

from __future__ import annotations

import datetime as dt

from ..db.models import CaseParty, CaseTask, ConsultationSession
from .vocab import RECORD_KINDS, SCREENING_DECISIONS

SCREENED_STATE = {"accept": "verification", "decline": "declined", "escalate": "escalated"}


def taken_in(case, w, parties=()) -> None:
    """受托 (the case itself is stored by the caller): its parties and history."""
    for position, unit in enumerate(parties):
        w.add(CaseParty, case=case, unit=unit, position=position)
    w.log("case", case, "create", field="number", new=case.number, note=case.title, day=case.requested_on)


def screened(case, w, *, decision: str, reason: str, escalated_to: str, screened_on: dt.date) -> None:
    """审理: accepted (on to verification), declined or sent up a level."""
    new_state = SCREENED_STATE[decision]
    case.screened_on, case.screening_decision = screened_on, decision
    case.screening_reason, case.escalated_to = reason, escalated_to
    w.log("case", case, "screen", field="state", old=case.state, new=new_state,
          note=f"{SCREENING_DECISIONS[decision]}。{reason}".strip("。"), day=screened_on)
    case.state = new_state
    w.changed(case)


def verified(case, w, *, values: dict[str, str], means: str, methods: str, verified_on: dt.date) -> None:
    """核查: background, rules, investigation, opinion and the plan; on to consultation."""
    for key, value in values.items():
        setattr(case, key, value)
    case.means, case.methods, case.verified_on = means, methods, verified_on
    w.log("case", case, "verify", field="state", old=case.state, new="consultation",
          note=values["plan"][:200], day=verified_on)
    case.state = "consultation"
    w.changed(case)


def consulted(case, w, *, held_on: dt.date, modes: dict[str, str], values: dict[str, str], agreed: bool,
              sessions_before: int):
    """协商: one session (``sessions_before`` sessions were held before it)."""
    session = w.add(ConsultationSession, case=case, held_on=held_on, agreed=bool(agreed),
                    recorded_by=w.operator, **modes, **values)
    w.log("case", case, "consult", field="sessions", old=sessions_before, new=sessions_before + 1,
          note=("达成一致。" if agreed else "") + values["outcome"][:200], day=held_on)
    w.changed(case)
    return session


def resolved(case, w, *, decision: str, record_kind: str, signatories: str, record_number: str,
             resolved_on: dt.date, tasks=()) -> list:
    """处理: the decision and its tasks (unit, task, deadline, person); the case is closed."""
    made = [w.add(CaseTask, case=case, position=position, unit=unit, task=what, deadline=deadline,
                  responsible_person=person)
            for position, (unit, what, deadline, person) in enumerate(tasks)]
    case.decision, case.record_kind, case.signatories = decision, record_kind, signatories
    case.record_number, case.resolved_on = record_number, resolved_on
    w.log("case", case, "resolve", field="state", old=case.state, new="closed",
          note=f"{RECORD_KINDS[record_kind]}。{decision[:200]}", day=resolved_on)
    case.state = "closed"
    w.changed(case)
    return made


def task_item_values(case, task_text: str) -> dict:
    """What a supervision item made from one of the case's tasks says of its origin."""
    return dict(title=task_text.splitlines()[0][:200], content=task_text, source="meeting_decision",
                basis=f"{case.number} {RECORD_KINDS.get(case.record_kind, '')}".strip(),
                registered_on=case.resolved_on)


def linked(case, w, *, item_number: str, title: str, day: dt.date | None = None) -> None:
    """决定事项落实: a task of the case became the supervision item ``item_number``."""
    w.log("case", case, "link", field="item", new=item_number, note=title, day=day)


def archived(case, w, *, archived_on: dt.date) -> None:
    case.archived_on = archived_on
    w.log("case", case, "archive", field="archived_on", new=archived_on, day=archived_on)
    w.changed(case)


def voided(case, w, *, reason: str, voided_on: dt.date) -> None:
    w.log("case", case, "void", field="state", old=case.state, new="voided", note=reason, day=voided_on)
    case.state, case.void_reason, case.voided_on = "voided", reason, voided_on
    w.changed(case)
