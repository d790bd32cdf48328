"""Sample data that shows everything on any day: whatever the date, the seed and the size
(from 50 items), the demo has a matter in every alert level and every state, and its
records pass the consistency check."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from duban_desktop.db import close_database, open_database
from duban_desktop.db.models import CoordinationCase, SupervisionItem
from duban_desktop.domain import alerts, consistency, demo, state, vocab


def _shown(now: dt.date, items: int, seed: int, cases: int = 40) -> tuple[set, set, set, set, set, list]:
    folder = Path(tempfile.mkdtemp(prefix="duban-demo-day-"))
    open_database(folder / "demo.sqlite")
    try:
        demo.generate(items=items, cases=cases, seed=seed, now=now)
        levels = {a.level for a in alerts.compute_alerts(today=now)}
        rules = state.rules(now)
        stored_items = {s for (s,) in SupervisionItem.select(SupervisionItem.state).tuples()}
        judged_items = {state.item_state(rules, i.state, i.deadline, i.result_reported_on, i.completed_on,
                                         i.due_on, i.late_units)
                        for i in SupervisionItem.select()}
        stored_cases = {s for (s,) in CoordinationCase.select(CoordinationCase.state).tuples()}
        judged_cases = {state.case_state(rules, c.state, c.deadline) for c in CoordinationCase.select()}
        return levels, stored_items, judged_items, stored_cases, judged_cases, consistency.problems()
    finally:
        close_database()
        shutil.rmtree(folder, ignore_errors=True)


# the days the issue named: 400 items had no 即将到期 item, 120 no overdue case
@example(now=dt.date(2026, 12, 4), items=120, seed=2026)
@example(now=dt.date(2026, 12, 4), items=400, seed=2026)
@example(now=dt.date(2026, 10, 3), items=50, seed=0)  # inside the National Day holiday
@example(now=dt.date(2027, 1, 1), items=50, seed=1)  # a year without the official calendar
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(now=st.dates(dt.date(2005, 1, 1), dt.date(2035, 12, 31)), items=st.integers(50, 120),
       seed=st.integers(0, 2**32 - 1))
def test_every_level_and_state_on_any_day(now, items, seed):
    levels, stored_items, judged_items, stored_cases, judged_cases, problems = _shown(now, items, seed)
    assert levels == set(alerts.LEVELS)
    assert stored_items == set(vocab.ITEM_STATES)
    assert judged_items == set(state.ITEM_STATES)
    assert stored_cases == set(vocab.CASE_STATES)
    assert judged_cases == set(state.CASE_STATES)
    assert problems == []


def test_few_cases_still_show_an_overdue_case():
    levels, _items, _judged, stored_cases, _cases, problems = _shown(dt.date(2026, 12, 4), 50, 3, cases=1)
    assert "coordination_overdue" in levels and stored_cases == {"consultation"}
    assert problems == []
