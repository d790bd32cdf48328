"""The sample data's coordination cases, each taken through the steps' own records.

Every case is registered (受托) and goes as far as its fate: screened (accepted, declined
or sent up), verified, consulted, resolved with its tasks, archived, or voided. The
records are made by ``case_records`` (the functions the steps in ``coordination`` use)
and stored in bulk. Besides the random cases, a few are placed relative to the day so
that every state and the 协调事项逾期 alert are there whatever the day: one waiting for
screening, one being verified and due soon, one in consultation and overdue, one
resolved, declined, sent up and voided.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import NamedTuple

from ..db.models import CoordinationCase
from . import case_records, numbering
from .demo_text import LEADERS, MATTERS, SECRETARIES
from .writes import BulkWrites, Row

SERIES = "coordination"
DECLINE_REASON = "属于有关部门职责范围内事项，按分级协调原则由其自行协商解决。"
ESCALATE_REASON = "涉及市级审批权限，本级无法协调。"
VOID_REASON = "双方已自行协商一致，委托方撤回协调申请。"


class Plan(NamedTuple):
    requested: dt.date
    fate: str  # the state it ends in
    deadline: dt.date | None  # None: from the request date
    sessions: int | None  # None: at random


def showcase(now: dt.date, days) -> list[Plan]:
    """Cases placed so that every state and the overdue alert are there on ``now``."""
    overdue_from = now - dt.timedelta(days=40)
    return [
        Plan(overdue_from, "consultation", days.add(overdue_from, 10), 1),  # 协调事项逾期
        Plan(now - dt.timedelta(days=20), "verification", days.add(now, 1), 0),  # due soon
        Plan(now - dt.timedelta(days=2), "intake", days.add(now, 30), 0),
        Plan(now - dt.timedelta(days=60), "closed", None, 2),
        Plan(now - dt.timedelta(days=30), "declined", None, 0),
        Plan(now - dt.timedelta(days=30), "escalated", None, 0),
        Plan(now - dt.timedelta(days=30), "voided", None, 0),
    ]


def _random_plan(rng: random.Random, requested: dt.date, now: dt.date) -> Plan:
    age = (now - requested).days
    fate = "closed" if age > 40 else rng.choices(
        ["intake", "verification", "consultation", "closed"], weights=[2, 2, 3, 3])[0]
    if age > 40 and rng.random() < 0.12:
        fate = rng.choice(["declined", "escalated", "voided"])
    return Plan(requested, fate, None, None)


def make_cases(rng: random.Random, count: int, first: dt.date, now: dt.date, days, unit_ids: list[int],
               names: dict[int, str], persons: dict[int, str], w: BulkWrites
               ) -> tuple[list[Row], list[tuple[Row, Row]]]:
    """``count`` cases (the showcase first, as many as fit), to be stored before the
    records ``w`` holds for them; and each task of a resolved case with its case, for
    the items that carry them out."""
    placed = showcase(now, days)[:count]
    plans = placed + [_random_plan(rng, _between(rng, first, now), now) for _ in range(count - len(placed))]
    plans.sort(key=lambda p: p.requested)
    numbers = numbering.Allocator(SERIES)
    cases: list[Row] = []
    tasks: list[tuple[Row, Row]] = []
    task_id = 0
    for index, plan in enumerate(plans, start=1):
        requested = plan.requested
        number, seq = numbers.next(requested.year)
        kind = rng.choices(["plan", "business", "affairs", "relations"], weights=[1, 4, 3, 2])[0]
        a, b = rng.sample(unit_ids, 2)
        matter = rng.choice(MATTERS)
        at = dt.datetime.combine(requested, dt.time(9, 0))
        case = Row.of(
            CoordinationCase, id=index, number=number, seq_year=requested.year, seq=seq, state="intake",
            title=f"关于{names[a]}与{names[b]}{matter}问题的协调",
            description=f"{names[a]}与{names[b]}就{matter}存在分歧，影响工作推进，请求协调。",
            source=rng.choices(["superior", "own_leadership", "peer", "subordinate", "emergency"],
                               weights=[2, 4, 2, 3, 1])[0],
            requester=rng.choice([names[a], names[b]] + LEADERS[:3]), requested_on=requested, kind=kind,
            relation_subkind=rng.choice(["internal", "lateral", "downward"]) if kind == "relations" else "",
            deadline=plan.deadline or days.add(requested, rng.choice([10, 15, 20, 30])),
            handler=rng.choice(SECRETARIES), registrar=w.operator, created_at=at, updated_at=at)
        case_records.taken_in(case, w, [a, b])
        for task in _steps(rng, case, w, plan, now, days, a, b, matter, names, persons):
            task_id += 1
            task.id = task_id
            tasks.append((task, case))
        cases.append(case)
    numbers.store()
    return cases, tasks


def _steps(rng, case: Row, w: BulkWrites, plan: Plan, now: dt.date, days, a: int, b: int, matter: str,
           names: dict[int, str], persons: dict[int, str]) -> list[Row]:
    """The steps a case goes through to its fate; the tasks of its decision."""
    fate, requested = plan.fate, case.requested_on
    if fate == "voided":
        case_records.voided(case, w, reason=VOID_REASON, voided_on=min(now, days.add(requested, 3)))
        return []
    if fate == "intake":
        return []
    screened = min(now, days.add(requested, rng.randint(1, 3)))
    decision = {"declined": "decline", "escalated": "escalate"}.get(fate, "accept")
    case_records.screened(case, w, decision=decision,
                          reason={"decline": DECLINE_REASON, "escalate": ESCALATE_REASON}.get(decision, ""),
                          escalated_to="市人民政府办公室" if decision == "escalate" else "", screened_on=screened)
    if fate in ("declined", "escalated", "verification"):
        return []
    step = min(now, days.add(screened, rng.randint(1, 4)))
    case_records.verified(case, w, values=dict(
        background=f"{matter}问题由来已久，双方各执一词。",
        rules_consulted="《青山县政府投资项目管理办法》及相关会议纪要。",
        investigation="经实地查看并分别听取双方意见，掌握了基本情况。",
        authority_opinion="主管部门建议按属地管理原则明确责任。",
        plan=f"先分别沟通，再召开协调会，就{matter}形成一致意见后报领导审定。"),
        means="soft", methods=rng.choice(["meeting", "meeting,face_to_face", "documents,meeting", "on_site"]),
        verified_on=step)
    sessions = plan.sessions if plan.sessions is not None else (
        rng.randint(1, 3) if fate == "closed" else rng.randint(0, 2))
    for s in range(sessions):
        step = min(now, days.add(step, rng.randint(1, 3)))
        case_records.consulted(case, w, held_on=step, agreed=s > 0, sessions_before=s, modes=dict(
            scope_mode=rng.choice(["individual", "collective"]), presence_mode="in_person",
            formality_mode=rng.choice(["formal", "informal"]), channel_mode="direct"), values=dict(
            place="县政府第三会议室", participants=f"{names[a]}、{names[b]}分管负责同志",
            positions=f"{names[a]}主张按原方案执行；{names[b]}提出需追加资金。",
            outcome="原则同意协调方案，细节会后再议。" if s == 0 else "双方达成一致意见。"))
    if fate != "closed":
        return []
    step = min(now, days.add(step, rng.randint(1, 3)))
    tasks = []
    for position in range(rng.randint(1, 2)):
        unit = a if position == 0 else b
        what = "牵头制定实施方案并组织实施" if position == 0 else "做好配合工作，落实分担经费"
        tasks.append((unit, f"{matter}：{what}", days.add(step, rng.choice([10, 20, 30])), persons[unit]))
    made = case_records.resolved(
        case, w, decision=f"明确由{names[a]}牵头负责{matter}，{names[b]}予以配合，所需经费按比例分担。",
        record_kind=rng.choice(["minutes", "agreement"]), signatories=f"{names[a]}、{names[b]}",
        record_number=f"第{case.id}期", resolved_on=step, tasks=tasks)
    if rng.random() < 0.5:
        case_records.archived(case, w, archived_on=min(now, days.add(step, 5)))
    return made


def _between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))
