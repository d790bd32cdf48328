"""Seeing the other desks' work in the window (issue 17, 3 and 4): another connection's urge
shows within two seconds without F5, the selection and scroll kept, and nothing loops; on
the server, a connection cut off by the server, or the server restarted, is said in the
status bar and made anew, and the next urge works."""

from __future__ import annotations

import logging
import threading

import pytest
from PySide6.QtCore import Qt

from duban_desktop.db import database
from duban_desktop.domain import supervision
from duban_desktop.ui.main_window import BACK_TEXT, LOST_TEXT

from .. import pgcontrol
from .helpers import step_button

URGES = 7  # the register's 催办次数 column


def another_desk(work) -> None:
    """``work`` with a connection of its own (a thread: peewee keeps one per thread), as
    another desk or another program would."""
    failed = []

    def run():
        try:
            work()
        except Exception as exc:  # noqa: BLE001 - reported below
            failed.append(exc)
        finally:
            database.close()
    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    assert not failed, failed


def urges_shown(window, item_id) -> str:
    model = window.ledger.model
    return str(model.index(model.row_of(item_id), URGES).data())


@pytest.fixture
def register(db, window):
    from ..factories import item as make_item

    made = [make_item(title=f"第{n}件背街小巷改造") for n in range(60)]
    window.tabs.setCurrentWidget(window.ledger)
    window.refresh_all()
    return made


def test_another_desks_urge_shows_within_two_seconds_keeping_the_selection(qtbot, window, register):
    target = register[5]
    ledger = window.ledger
    assert ledger.select_id(target.id)
    ledger.table.verticalScrollBar().setValue(ledger.table.verticalScrollBar().maximum())
    scrolled = ledger.table.verticalScrollBar().value()
    assert scrolled > 0 and urges_shown(window, target.id) == "0"
    another_desk(lambda: supervision.urge(target.id, method="phone", content="另一台电脑催办"))
    qtbot.waitUntil(lambda: urges_shown(window, target.id) == "1", timeout=2000)  # no F5
    assert "1 次" in ledger.detail.toPlainText()
    assert ledger.selected_id == target.id
    assert [i.row() for i in ledger.table.selectionModel().selectedRows()] == [ledger.model.row_of(target.id)]
    assert ledger.table.verticalScrollBar().value() == scrolled

    # told once: the window's own reads are no news, so nothing more is read
    seen = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = lambda record: seen.append(record)
    logger = logging.getLogger("peewee")
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        qtbot.wait(2500)  # two looks and more
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert seen == []


def test_the_windows_own_urge_is_not_read_twice(qtbot, window, register, dialogs):
    target = register[0]
    assert window.ledger.select_id(target.id)
    dialogs.expect(lambda d: d.fields["method"].set_value("phone"))
    qtbot.mouseClick(step_button(window.ledger, "检查催办"), Qt.LeftButton)
    assert urges_shown(window, target.id) == "1"
    assert window.watcher.poll() is False  # our own step: not news


def wait_for_texts(qtbot, window, *texts, timeout=20000):
    said = []
    window.connection_changed.connect(said.append)
    return said, lambda: qtbot.waitUntil(lambda: said[-len(texts):] == list(texts), timeout=timeout)


def server_only(backend, request):
    if backend != "postgresql":
        pytest.skip("a server's connection (SQLite has none to lose)")
    return request.getfixturevalue("pg_cluster")


def test_a_connection_cut_by_the_server_is_made_anew_and_the_next_urge_works(
        qtbot, window, register, dialogs, backend, request):
    pg_cluster = server_only(backend, request)
    target = register[3]
    assert window.ledger.select_id(target.id)
    said, both = wait_for_texts(qtbot, window, LOST_TEXT, BACK_TEXT)
    pg_cluster.admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE application_name='duban-desktop' AND pid <> pg_backend_pid()")
    both()
    assert window.connection_status.text() == BACK_TEXT
    dialogs.expect(lambda d: d.fields["method"].set_value("phone"))
    qtbot.mouseClick(step_button(window.ledger, "检查催办"), Qt.LeftButton)
    assert supervision.get_item(target.id).urge_count == 1
    assert urges_shown(window, target.id) == "1" and window.ledger.selected_id == target.id
    another_desk(lambda: supervision.urge(target.id, method="notice"))  # and others' work shows again
    qtbot.waitUntil(lambda: urges_shown(window, target.id) == "2", timeout=2000)


def test_the_server_stopped_and_started_again(qtbot, window, register, dialogs, backend, request):
    pg_cluster = server_only(backend, request)
    from duban_desktop.db.errors import DatabaseError

    target = register[3]
    assert window.ledger.select_id(target.id)
    said, lost = wait_for_texts(qtbot, window, LOST_TEXT)
    pgcontrol.stop(pg_cluster)
    try:
        lost()
        assert window.connection_status.text() == LOST_TEXT
        with pytest.raises(DatabaseError) as refused:  # a step meanwhile: refused, in words
            supervision.urge(target.id, method="phone")
        assert "postgresql://" not in str(refused.value) and "数据库服务器" in str(refused.value)
        qtbot.wait(3500)  # a try or two while it is down: still saying so
        assert window.connection_status.text() == LOST_TEXT
    finally:
        pgcontrol.start(pg_cluster)
    qtbot.waitUntil(lambda: said[-1:] == [BACK_TEXT], timeout=20000)
    assert supervision.get_item(target.id).urge_count == 0  # nothing half-written
    dialogs.expect(lambda d: d.fields["method"].set_value("phone"))
    qtbot.mouseClick(step_button(window.ledger, "检查催办"), Qt.LeftButton)
    assert supervision.get_item(target.id).urge_count == 1
    assert urges_shown(window, target.id) == "1"
