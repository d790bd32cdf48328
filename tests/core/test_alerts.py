"""逾期提醒: each level, dates compared as dates, counted in working days."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from duban_desktop.db import database
from duban_desktop.domain import coordination as co
from duban_desktop.domain import settings
from duban_desktop.domain import supervision as sv
from duban_desktop.domain.alerts import compute_alerts

from ..factories import ALL_LOOKS, TODAY, case, item

D = dt.date


def levels(today=TODAY):
    return {(a.level, a.number): a.days for a in compute_alerts(today)}


def test_overdue_and_due_soon(db):
    overdue = item(deadline=D(2026, 6, 12))  # Friday before TODAY (Monday 6-15)
    today_due = item(deadline=D(2026, 6, 15))
    soon = item(deadline=D(2026, 6, 18))  # 3 working days left
    far = item(deadline=D(2026, 6, 22))  # 4 working days left (端午 6-19)
    found = levels()
    assert found[("overdue", overdue.number)] == 1
    assert found[("due_soon", today_due.number)] == 0  # due today is not overdue
    assert found[("due_soon", soon.number)] == 3
    assert ("due_soon", far.number) not in found and ("overdue", far.number) not in found


def test_threshold_is_a_setting(db):
    far = item(deadline=D(2026, 6, 22))
    settings.update({"due_soon_days": 4})
    assert levels()[("due_soon", far.number)] == 4


def test_closed_and_reported_items_do_not_alert_as_overdue(db):
    made = item(deadline=D(2026, 6, 10))
    sv.report_result(made.id, content="完成", reported_on=D(2026, 6, 9), now=TODAY)
    assert ("overdue", made.number) not in levels()


def test_reply_overdue_until_the_unit_reports(db):
    made = item(deadline=D(2026, 7, 30))
    sv.urge(made.id, method="notice", urged_on=D(2026, 6, 2), reply_days=3, now=TODAY)  # reply by 6-5
    assert levels()[("reply_overdue", made.number)] == 6
    sv.report_result(made.id, content="进展", reported_on=D(2026, 6, 12), now=TODAY)
    assert ("reply_overdue", made.number) not in levels()


def test_only_the_latest_urge_counts(db):
    made = item(deadline=D(2026, 7, 30))
    sv.urge(made.id, method="notice", urged_on=D(2026, 6, 2), reply_days=3, now=TODAY)
    sv.urge(made.id, method="phone", urged_on=D(2026, 6, 12), reply_days=5, now=TODAY)
    assert ("reply_overdue", made.number) not in levels()


def test_awaiting_review_too_long(db):
    made = item(deadline=D(2026, 7, 30))
    sv.report_result(made.id, content="完成", reported_on=D(2026, 6, 9), now=TODAY)  # Tue
    assert ("awaiting_review", made.number) not in levels(D(2026, 6, 12))  # 3 working days
    assert levels(D(2026, 6, 15))[("awaiting_review", made.number)] == 4
    sv.review(made.id, verdict="pass", looks=ALL_LOOKS, reviewed_on=D(2026, 6, 15), now=TODAY)
    assert ("awaiting_review", made.number) not in levels()


def test_coordination_overdue(db):
    late = case(deadline=D(2026, 6, 12))
    on_time = case(deadline=D(2026, 6, 15))
    found = levels()
    assert found[("coordination_overdue", late.number)] == 1
    assert ("coordination_overdue", on_time.number) not in found
    co.screen(late.id, decision="decline", reason="不属协调范围", now=TODAY)
    assert ("coordination_overdue", late.number) not in levels()


def test_json_shape(db):
    item(deadline=D(2026, 6, 12))
    data = compute_alerts(TODAY)[0].as_json()
    assert {"number", "title", "lead_unit", "deadline", "level", "days"} <= set(data)
    assert data["deadline"] == "2026-06-12" and data["level"] == "overdue"


@pytest.mark.sqlite_only  # SQLite's query plan (a server's planner picks by its statistics)
def test_alerts_read_items_and_urges_from_indexes_alone(db):
    """The item, urge and review rows are wide and scattered: 逾期提醒 reads what it shows
    from supervision_item_alerts, urge_item_latest (schema 4) and review_item_verdict
    (schema 5), never the tables' pages."""
    made = item(deadline=D(2026, 6, 12))
    sv.urge(made.id, method="notice", urged_on=D(2026, 6, 2), reply_days=3, now=TODAY)
    sv.report_result(item(deadline=D(2026, 7, 30)).id, content="完成", reported_on=D(2026, 6, 1), now=TODAY)
    passed = item(deadline=D(2026, 7, 30))
    sv.report_result(passed.id, content="完成", reported_on=D(2026, 6, 1), now=TODAY)
    sv.review(passed.id, verdict="pass", looks=ALL_LOOKS, reviewed_on=D(2026, 6, 2), now=TODAY)
    statements: list[str] = []
    connection = database.connection()
    connection.set_trace_callback(statements.append)
    try:
        found = {a.level for a in compute_alerts(TODAY)}
    finally:
        connection.set_trace_callback(None)
    assert {"overdue", "reply_overdue", "awaiting_review", "awaiting_feedback"} <= found
    looked_up = []
    for sql in statements:
        tables = {alias: table for table, alias in re.findall(r'"(\w+)" AS "(\w+)"', sql)}
        if not sql.lstrip().upper().startswith("SELECT") or not {"supervision_item", "urge", "review"} & set(tables.values()):
            continue
        if 'FROM "unit_task"' in sql:
            # 待签收超时 starts from the few tasks nobody signed for (the signed_on index),
            # then reads each one's item by its key
            plan = " ".join(step for *_ids, step in database.execute_sql("EXPLAIN QUERY PLAN " + sql).fetchall())
            assert "unit_task_signed_on" in plan, plan
            continue
        for *_ids, step in database.execute_sql("EXPLAIN QUERY PLAN " + sql).fetchall():
            alias = re.match(r"(?:SEARCH|SCAN) (\w+)", step)
            if alias and tables.get(alias.group(1)) in ("supervision_item", "urge", "review"):
                looked_up.append(step)
    assert looked_up and all("COVERING INDEX" in step for step in looked_up), looked_up
    assert any("supervision_item_alerts" in step for step in looked_up)
    assert any("urge_item_latest" in step for step in looked_up)
    assert any("review_item_verdict" in step for step in looked_up)
