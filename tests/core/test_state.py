"""The state of a matter, once (domain/state.py): on generated histories, written through
the real steps, the Python rule and the SQL predicate agree on every item and case, and
every view shows the same counts: the register's 只看逾期, 逾期提醒 by level, the
statistics, each sheet of the Excel ledger, the bulletin, the batch of notices."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from duban_desktop.db import close_database, open_database
from duban_desktop.db.models import CoordinationCase, Review, SupervisionItem, UnitTask
from duban_desktop.domain import coordination, ledger, state, statistics
from duban_desktop.domain import settings as office_settings
from duban_desktop.domain import supervision as sv
from duban_desktop.domain.alerts import compute_alerts, level_counts
from duban_desktop.domain.errors import DomainError
from duban_desktop.io import forms
from duban_desktop.io.form_data import bulletin_context
from duban_desktop.io.ledger_columns import LEDGER_COLUMNS, LEDGER_SHEET, OVERDUE_SHEET
from duban_desktop.io.ledger_export import export_ledger
from duban_desktop.io.xlsx import FILLS

from ..factories import ALL_LOOKS, TODAY

D = dt.timedelta
UNITS = ["县财政局", "县教育局", "县水利局"]
# helping units (协办): the other units after the lead, as many as the history says
FAILING = {**ALL_LOOKS, "problem_solved": (False, "问题尚未解决")}

day_ago = st.integers(0, 40)
step = st.one_of(
    st.tuples(st.just("urge"), day_ago, st.none() | st.integers(-10, 30)),
    st.tuples(st.just("extend"), day_ago, st.integers(1, 30)),
    st.tuples(st.just("report"), day_ago),
    st.tuples(st.just("helper_report"), day_ago),  # the first helping unit's result
    st.tuples(st.just("review"), st.sampled_from(["pass", "improve", "redo"]), day_ago,
              st.none() | st.integers(-5, 30)),
    st.tuples(st.just("feedback"), day_ago),
    st.tuples(st.just("approve"), day_ago),
    st.tuples(st.just("void"),),
    st.tuples(st.just("reject"),),
    # the whole way through, in date order: reported, passed, (fed back)
    st.tuples(st.sampled_from(["pass", "close"]), day_ago, st.integers(0, 10), st.integers(0, 10)),
)
history = st.tuples(
    st.sampled_from(["document", "leader_instruction", "public_report", "meeting_decision"]),
    st.integers(0, 2),  # the lead unit
    st.integers(10, 60),  # registered this many days before TODAY
    st.integers(-50, 40),  # the deadline, days from TODAY
    st.lists(step, max_size=7),
    st.integers(0, 2),  # helping units
)
case_history = st.tuples(st.integers(-20, 20), st.sampled_from(["open", "accept", "decline", "void"]))


def _try(fn, *args, **kwargs) -> None:
    # a step the state did not allow (or a date out of order) is refused, nothing written
    with contextlib.suppress(DomainError):
        fn(*args, now=TODAY, **kwargs)


def _write_item(source, unit, registered, deadline, steps, helpers=0) -> None:
    others = [u for u in UNITS if u != UNITS[unit]][:helpers]
    try:
        made = sv.register_item(
            title=f"事项{registered}{deadline}", lead_unit=UNITS[unit], responsible_person="张三",
            source=source, leader_instruction="请抓紧办理。", instructing_leader="县长",
            registered_on=TODAY - D(days=registered), assisting=others,
            deadline=max(TODAY + D(days=deadline), TODAY - D(days=registered)), now=TODAY)
    except DomainError:
        return
    for kind, *args in steps:
        on = TODAY - D(days=args[0]) if args and isinstance(args[0], int) else None
        if kind == "urge":
            later = None if args[1] is None else TODAY + D(days=args[1])
            _try(sv.urge, made.id, method="phone", urged_on=on, new_deadline=later, reply_days=3)
        elif kind == "extend":
            current = SupervisionItem.get_by_id(made.id).deadline
            _try(sv.extend, made.id, new_deadline=current + D(days=args[1]), reason="情况复杂",
                 approved_by="县长", requested_on=on)
        elif kind == "report":
            _try(sv.report_result, made.id, content="已办理。", reported_on=on)
        elif kind == "helper_report" and others:
            _try(sv.report_result, made.id, unit=others[0], content="已配合办理。", reported_on=on)
        elif kind == "review":
            verdict, when, limit = args
            _try(sv.review, made.id, verdict=verdict, looks=ALL_LOOKS if verdict == "pass" else FAILING,
                 reviewed_on=TODAY - D(days=when),
                 new_deadline=None if limit is None else TODAY + D(days=limit))
        elif kind == "feedback":
            _try(sv.feedback, made.id, kind="special_report", recipient="县政府", fed_back_on=on)
        elif kind == "approve":
            _try(sv.approve_item, made.id, approved_by="县长", approved_on=on)
        elif kind in ("pass", "close"):
            reported = TODAY - D(days=args[0])
            reviewed = min(TODAY, reported + D(days=args[1]))
            _try(sv.report_result, made.id, content="已办理。", reported_on=reported)
            _try(sv.review, made.id, verdict="pass", looks=ALL_LOOKS, reviewed_on=reviewed)
            if kind == "close":
                _try(sv.feedback, made.id, kind="special_report", recipient="县政府",
                     fed_back_on=min(TODAY, reviewed + D(days=args[2])))
        elif kind == "void":
            _try(sv.void, made.id, reason="不再需要")
        elif kind == "reject":
            with contextlib.suppress(DomainError):
                sv.reject_item(made.id, reason="不属督办范围")


def _write_case(n, deadline, fate) -> None:
    made = coordination.intake(title=f"协调事项{n}", source="peer", requester="县自然资源局",
                               kind="business", requested_on=TODAY - D(days=30),
                               parties=UNITS[:2], deadline=TODAY + D(days=deadline), now=TODAY)
    if fate in ("accept", "decline"):
        coordination.screen(made.id, decision=fate, reason="不属协调范围", screened_on=TODAY - D(days=29),
                            now=TODAY)
    elif fate == "void":
        coordination.void(made.id, reason="委托方撤回", now=TODAY)


def _passed_on() -> dict[int, dt.date]:
    """Each item's latest passing review, read in Python."""
    found: dict[int, dt.date] = {}
    for review in Review.select().where(Review.verdict == "pass"):
        found[review.item_id] = max(found.get(review.item_id, review.reviewed_on), review.reviewed_on)
    return found


def _judge_everything(rules: state.Rules) -> tuple[dict[int, str], set[int], dict[int, str]]:
    """Every item's and case's state by Python and by SQL: they must agree."""
    passed = _passed_on()
    by_python: dict[int, str] = {}
    office_late: set[int] = set()
    for item in SupervisionItem.select():
        by_python[item.id] = state.item_state(rules, item.state, item.deadline, item.result_reported_on,
                                              item.completed_on, item.due_on, item.late_units)
        if state.office_late(rules, item.state, item.result_reported_on, passed.get(item.id)):
            office_late.add(item.id)
    by_sql: dict[int, list[str]] = {i: [] for i in by_python}
    for code in state.ITEM_STATES:
        for (item_id,) in SupervisionItem.select(SupervisionItem.id).where(state.item_where(code, rules)).tuples():
            by_sql[item_id].append(code)
    assert {i: [c] for i, c in by_python.items()} == by_sql  # each item in exactly one state, the same
    late_sql = {i for (i,) in SupervisionItem.select(SupervisionItem.id).where(
        state.review_late_sql(rules) | state.feedback_late_sql(rules)).tuples()}
    assert late_sql == office_late

    # each unit's own task: its state in Python, its lateness and its 按期办结 in SQL
    tasks = list(UnitTask.select(UnitTask, SupervisionItem).join(SupervisionItem))
    task_codes = {t.id: state.unit_task_state(rules, t.item.state, t.state, t.deadline, t.reported_on) for t in tasks}
    joined = UnitTask.select(UnitTask.id).join(SupervisionItem)
    assert {i for (i,) in joined.where(state.task_overdue_sql(rules.today)).tuples()} == {
        i for i, c in task_codes.items() if c == state.OVERDUE}
    assert {i for (i,) in joined.where(state.task_closed_on_time_sql()).tuples()} == {
        i for i, c in task_codes.items() if c == state.CLOSED_ON_TIME}

    cases = {c.id: state.case_state(rules, c.state, c.deadline) for c in CoordinationCase.select()}
    cases_sql: dict[int, list[str]] = {i: [] for i in cases}
    for code in state.CASE_STATES:
        for (case_id,) in CoordinationCase.select(CoordinationCase.id).where(state.case_where(code, rules)).tuples():
            cases_sql[case_id].append(code)
    assert {i: [c] for i, c in cases.items()} == cases_sql
    return by_python, office_late, cases


def _ledger_counts(path: Path) -> tuple[Counter, int, int]:
    """The 督办台账 sheet's 情况 and red rows, and the 逾期清单's rows."""
    wb = load_workbook(path)
    ws = wb[LEDGER_SHEET]
    column = [c.header for c in LEDGER_COLUMNS].index("情况")
    labels, red = Counter(), 0
    for row in ws.iter_rows(min_row=4):
        if isinstance(row[0].value, int):
            labels[row[column].value] += 1
            red += row[0].fill.fgColor.rgb.endswith(FILLS["overdue"][0])
    listed = sum(1 for row in wb[OVERDUE_SHEET].iter_rows(min_row=4, values_only=True)
                 if isinstance(row[0], int))
    return labels, red, listed


# every state and every alert level at least once, whatever the draw
EVERY_STATE = [
    ("document", 0, 30, 10, [("close", 20, 2, 2)]),  # closed on time
    ("document", 1, 30, -25, [("close", 5, 1, 1)]),  # closed late
    ("document", 2, 30, -20, [("pass", 10, 1, 0)]),  # reported late, awaiting feedback: overdue
    # reported on time, now past the deadline, waiting for the office: not overdue (issue 16)
    ("document", 0, 30, -5, [("pass", 20, 2, 0)]),  # awaiting feedback too long
    ("document", 1, 30, -5, [("report", 12)]),  # awaiting review too long
    ("document", 2, 30, -5, [("pass", 12, 10, 0)]),  # a long review, a short wait for feedback
    ("document", 2, 30, -3, [("urge", 10, None)]),  # overdue in progress
    ("document", 0, 30, 1, []),  # due soon
    ("document", 1, 30, 30, []),  # in progress
    ("public_report", 2, 30, 30, []),  # pending
    ("public_report", 0, 30, 30, [("reject",)]),
    ("document", 1, 30, 30, [("void",)]),
    # several units: the lead reported, a helper still at work past the deadline (overdue,
    # in progress); the lead and its helper both reported, on time (awaiting review)
    ("document", 0, 30, -3, [("report", 10)], 1),
    ("document", 1, 30, 5, [("helper_report", 8), ("report", 6)], 2),
    # a helper reported late, the item closed later: closed late
    ("document", 2, 30, -20, [("helper_report", 5), ("close", 4, 1, 1)], 1),
]


EVERY_CASE = [(-3, "open"), (1, "accept"), (10, "decline"), (0, "void")]


@example(items=EVERY_STATE, cases=EVERY_CASE, later=0, soon=3, wait=3)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(history, min_size=1, max_size=8),
       cases=st.lists(case_history, max_size=3),
       later=st.integers(0, 12), soon=st.integers(1, 5), wait=st.integers(1, 5))
def test_every_view_counts_the_same_states(items, cases, later, soon, wait):
    _check_every_view(items, cases, later, soon, wait)


def test_the_fixed_history_has_every_state_and_level():
    """The explicit example above reaches every state and every alert level."""
    counts, levels = _check_every_view(EVERY_STATE, EVERY_CASE, 0, 3, 3)
    assert set(counts) == set(state.ITEM_STATES)
    assert {lvl for lvl, n in levels.items() if n} == set(level_counts([]))


def _check_every_view(items, cases, later, soon, wait) -> tuple[Counter, dict[str, int]]:
    folder = Path(tempfile.mkdtemp(prefix="duban-state-"))
    try:
        open_database(folder / "s.sqlite")
        office_settings.update({"due_soon_days": soon, "review_wait_days": wait})
        for made in items:
            _write_item(*made)
        for n, (deadline, fate) in enumerate(cases):
            _write_case(n, deadline, fate)
        today = TODAY + D(days=later)
        rules = state.rules(today)
        by_python, office_late, by_case = _judge_everything(rules)
        counts = Counter(by_python.values())
        overdue = counts[state.OVERDUE]
        stored = {i.id: i.state for i in SupervisionItem.select()}

        # the register's 只看逾期
        assert ledger.count(ledger.ItemFilter(overdue_only=True), today) == overdue
        # 逾期提醒, by level
        alerts = compute_alerts(today)
        by_level = level_counts(alerts)
        # (an item of several units has an alert for each unit that is late or due soon)
        assert len({a.id for a in alerts if a.level == "overdue"}) == overdue
        assert len({a.id for a in alerts if a.level == "due_soon"}) == counts[state.DUE_SOON]
        assert by_level["awaiting_review"] + by_level["awaiting_feedback"] == len(office_late)
        assert by_level["awaiting_review"] == sum(1 for i in office_late if stored[i] == "awaiting_review")
        assert by_level["coordination_overdue"] == Counter(by_case.values())[state.OVERDUE]
        assert {a.id for a in alerts if a.level == "overdue"} == {
            i for i, c in by_python.items() if c == state.OVERDUE}
        # the statistics (what the status bar's and the leaders' numbers rest on)
        _rows, total = statistics.statistics("unit", today=today)
        assert total.overdue == overdue
        assert total.closed_on_time == counts[state.CLOSED_ON_TIME]
        assert total.closed == counts[state.CLOSED_ON_TIME] + counts[state.CLOSED_LATE]
        # the batch of notices: the overdue items whose unit can still be urged
        urgeable = {a.id for a in alerts if a.level == "overdue" and a.urgeable}
        assert set(forms.overdue_item_ids(today)) == urgeable
        assert urgeable == {i for i, c in by_python.items() if c == state.OVERDUE and stored[i] == "in_progress"}
        # the bulletin
        bulletin = bulletin_context(today)
        assert bulletin.fields["逾期"] == str(overdue)
        listed = [r for r in bulletin.lists["逾期事项"] if "序号" in r]
        assert len(listed) == overdue
        # every sheet of the Excel ledger
        result = export_ledger(folder / "台账.xlsx", today=today)
        labels, red, on_list = _ledger_counts(result.path)
        assert result.overdue == on_list == red == labels[state.ITEM_STATES[state.OVERDUE]] == overdue
        assert labels == Counter({state.ITEM_STATES[c]: n for c, n in counts.items()})
        return counts, by_level
    finally:
        close_database()
        shutil.rmtree(folder, ignore_errors=True)
