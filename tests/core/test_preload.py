"""Reading ahead at start: rows as one string, and the worker that reads the first screen.

The preload (ui/startup/preload.py) has no Qt in it, so it is tested here with the real
database: what it hands over must be exactly what the window would have read itself.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from duban_desktop.db.ids import rows_of
from duban_desktop.db.models import SupervisionItem, Unit
from duban_desktop.domain import case_list, ledger
from duban_desktop.domain.alerts import compute_alerts
from duban_desktop.ui.startup import preload as preloads

from ..factories import TODAY, case, item


def office():
    made = [item(title=f"事项{n}", deadline=TODAY + dt.timedelta(days=n - 5)) for n in range(12)]
    made.append(item(title="标题里有\"引号\"、\\反斜杠\n和换行", registered_on=TODAY - dt.timedelta(days=60),
                     instruction_date=TODAY - dt.timedelta(days=61),
                     deadline=TODAY - dt.timedelta(days=30)))
    case(deadline=TODAY - dt.timedelta(days=2))
    return made


def test_rows_of_matches_stepping_the_cursor(db):
    office()
    query = (SupervisionItem.select(SupervisionItem.id, SupervisionItem.title, SupervisionItem.deadline,
                                    SupervisionItem.result_reported_on, Unit.name)
             .join(Unit, on=(SupervisionItem.lead_unit == Unit.id))
             .order_by(SupervisionItem.deadline.desc(), SupervisionItem.id))
    stepped = [list(row) for row in db.execute(query)]
    assert len(stepped) == 13
    assert rows_of(query) == stepped  # same order, same stored values (dates as text, NULL as None)
    assert rows_of(query.where(SupervisionItem.id < 0)) == []


def test_alerts_read_as_one_string_are_the_same_alerts(db):
    stored = SupervisionItem.get_by_id(office()[-1].id)
    found = compute_alerts(TODAY)
    assert {a.level for a in found} == {"overdue", "due_soon", "unsigned", "coordination_overdue"}
    quoted = next(a for a in found if a.id == stored.id)
    assert quoted.title == stored.title and '"引号"' in quoted.title and "\\反斜杠" in quoted.title
    # 2026-05-16 is a Saturday: the working days from 5-18 to 6-15
    assert (quoted.number, quoted.deadline, quoted.days) == (stored.number, TODAY - dt.timedelta(days=30), 21)


def test_the_worker_reads_what_the_window_would_read(db):
    office()
    loaded = preloads.first_screen(("deadline", False), today=TODAY)
    items_key = preloads.ids_key(ledger.ItemFilter(), "deadline", False, TODAY)
    assert loaded.take(items_key) == ledger.item_ids(ledger.ItemFilter(), "deadline", False, today=TODAY)
    assert loaded.take(preloads.alerts_key(TODAY)) == compute_alerts(TODAY)
    counts = loaded.take(preloads.COUNTS_KEY)
    assert counts == preloads.status_counts() and counts[0] == 13 and counts[2] == 1
    assert loaded.take(items_key) is preloads.MISSING  # each answer is taken once


def test_another_question_gets_no_answer(db):
    office()
    loaded = preloads.first_screen(("deadline", False), today=TODAY)
    assert loaded.take(preloads.ids_key(ledger.ItemFilter(), "deadline", True, TODAY)) is preloads.MISSING
    assert loaded.take(preloads.ids_key(ledger.ItemFilter(text="事项"), "deadline", False,
                                             TODAY)) is preloads.MISSING
    # the coordination list asked with the register's sort: the filter's class tells them apart
    assert loaded.take(preloads.ids_key(case_list.CaseFilter(), "deadline", False, TODAY)) is preloads.MISSING
    tomorrow = TODAY + dt.timedelta(days=1)
    assert loaded.take(preloads.alerts_key(tomorrow)) is preloads.MISSING
    assert loaded.answer(preloads.alerts_key(tomorrow), lambda: "读过了") == "读过了"


def test_the_sort_kept_for_the_next_start_reads_back():
    newest = ("number", True)
    for sort in (("deadline", False), ("urge_count", True)):
        assert preloads.read_sort(preloads.sort_text(*sort), ledger.SORT_KEYS, newest) == sort
    for kept in (None, "", "月亮 desc", "deadline sideways", "deadline", "deadline desc extra"):
        assert preloads.read_sort(kept, ledger.SORT_KEYS, newest) == newest


def test_a_failing_read_leaves_the_question_to_the_window(db, caplog):
    def broken():
        raise RuntimeError("磁盘读不出来")

    threads = []
    loaded = preloads.Preload({("broken",): broken,
                               ("threads",): lambda: threads.append(threading.current_thread().name) or 1})
    with caplog.at_level(logging.ERROR):
        assert loaded.take(("broken",)) is preloads.MISSING
    assert "reading broken ahead failed" in caplog.text
    assert loaded.take(("threads",)) == 1  # the jobs after a failure still run
    assert threads == ["first-screen"]  # on the worker, not on the caller's thread


def test_a_list_asks_its_preload_once(db):
    """Whatever the first question, the preload is dropped: an answer left unasked is
    never handed out later, when the data may have changed."""
    office()

    class List:
        preload = preloads.first_screen(("deadline", False), today=TODAY)

    holder = List()
    items_key = preloads.ids_key(ledger.ItemFilter(), "deadline", False, TODAY)
    other_key = preloads.ids_key(ledger.ItemFilter(), "deadline", True, TODAY)
    assert preloads.answer_once(holder, other_key, lambda: "自己读") == "自己读"
    assert holder.preload is None
    assert preloads.answer_once(holder, items_key, lambda: "自己读") == "自己读"  # not the worker's ids
