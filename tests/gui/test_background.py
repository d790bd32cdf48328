"""Work off the GUI thread, the one way (ui/tasks.py): the result or the error arrives on
the GUI thread, a cancelled export leaves no file, every worker closes its connection,
and closing the window stops what is running and waits for it."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import threading

import pytest
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from duban_desktop.db import backup as backups
from duban_desktop.db import current_path, database
from duban_desktop.domain import ledger, supervision
from duban_desktop.domain.errors import DomainError
from duban_desktop.io.files import Cancelled as FileCancelled
from duban_desktop.system.cancel import Cancelled
from duban_desktop.ui import tasks
from duban_desktop.ui.actions import exports
from duban_desktop.ui.lists.table_models import ItemTableModel
from duban_desktop.ui.startup import preload

from .helpers import answer_file_dialogs

TODAY = dt.date.today()


def make_items(count: int) -> list[int]:
    return [supervision.register_item(title=f"背街小巷改造第{n}段", lead_unit="县财政局", responsible_person="吴晓燕",
                                      source="document", registered_on=TODAY - dt.timedelta(days=40),
                                      deadline=TODAY - dt.timedelta(days=3)).id
            for n in range(count)]


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def save_to(monkeypatch, tmp_path):
    """The save dialog answers with ``out/<name>``; the 'open it now?' question is recorded."""
    folder = tmp_path / "out"
    folder.mkdir()
    chosen = {"name": "notices.docx"}
    answer_file_dialogs(monkeypatch, lambda dialog: str(folder / chosen["name"]))
    return folder, chosen


def wait_ended(qtbot, job: tasks.Job) -> None:
    qtbot.waitUntil(lambda: job.ended.is_set() and job not in tasks.running(), timeout=20000)
    qtbot.wait(20)  # the outcome is delivered through the event loop


def test_the_result_arrives_on_the_gui_thread(qtbot, db, parent):
    make_items(3)
    seen = {}

    def work(progress):
        seen["worker"] = threading.current_thread()
        progress(1, 2, "正在数")
        return ledger.count()

    def done(result):
        seen["result"], seen["delivered"] = result, threading.current_thread()

    job = tasks.run_task(parent, "正在统计……", work, on_done=done)
    qtbot.waitUntil(lambda: "delivered" in seen, timeout=10000)
    assert seen["result"] == 3 and job.outcome == tasks.DONE
    assert seen["worker"] is not threading.main_thread()
    assert seen["delivered"] is threading.main_thread()
    assert not parent.findChildren(QProgressDialog) or not parent.findChild(QProgressDialog).isVisible()


def test_the_search_reads_off_the_gui_thread_and_delivers_on_it(qtbot, db):
    make_items(4)
    supervision.register_item(title="燃气管道排查", lead_unit="县应急管理局", responsible_person="张伟",
                              source="document", registered_on=TODAY - dt.timedelta(days=5),
                              deadline=TODAY + dt.timedelta(days=20))
    model = ItemTableModel()
    model.reload()
    assert len(model.ids) == 5
    with qtbot.waitSignal(model.loaded, timeout=10000):
        model.set_filter(ledger.ItemFilter(text="燃气"), background=True)
    assert list(model.ids) == list(ledger.item_ids(ledger.ItemFilter(text="燃气"), model.sort_key(),
                                                   model.descending))
    assert len(model.ids) == 1


def test_a_refusal_is_shown_as_its_chinese_message(qtbot, db, parent, dialogs):
    job = tasks.run_task(parent, "正在生成……", lambda progress: supervision.get_item(10**6))
    wait_ended(qtbot, job)
    assert job.outcome == tasks.FAILED
    [(kind, text)] = dialogs.messages
    assert kind == "warning" and text == f"无法完成:{job.message}" and "Traceback" not in text
    assert job.message.startswith("找不到督办事项") and "1000000" in job.message


def test_an_export_that_cannot_be_written_says_why(qtbot, db, parent, dialogs, save_to):
    """Through the real export: the place chosen is a folder, not a file."""
    folder, chosen = save_to
    (folder / "督查通报.docx").mkdir()
    chosen["name"] = "督查通报.docx"
    exports.export_bulletin(parent)
    qtbot.waitUntil(lambda: bool(dialogs.messages), timeout=10000)
    [(kind, text)] = dialogs.messages
    assert kind == "warning" and "是一个文件夹" in text and "Traceback" not in text


def test_an_unexpected_error_is_logged_in_full_and_told_in_chinese(qtbot, db, parent, dialogs, caplog):
    def work(progress):
        return {}["missing"]

    with caplog.at_level(logging.ERROR):
        job = tasks.run_task(parent, "正在生成……", work)
        wait_ended(qtbot, job)
    [(kind, text)] = dialogs.messages
    assert kind == "critical" and text == f"出错了:{tasks.UNEXPECTED}"
    assert "KeyError" not in text and "Traceback" not in text
    assert "KeyError" in caplog.text  # the log has the traceback


def test_a_cancelled_export_leaves_no_file(qtbot, db, parent, dialogs, save_to):
    folder, _chosen = save_to
    ids = make_items(40)
    job = exports.export_notices(parent, ids)
    assert job in tasks.running()
    dialog = parent.findChild(QProgressDialog)
    dialog.findChild(QPushButton).click()  # 取消
    assert dialog.labelText() == "正在取消……"
    wait_ended(qtbot, job)
    assert job.outcome == tasks.CANCELLED and isinstance(job.message, str) and "取消" in job.message
    assert list(folder.iterdir()) == []  # neither the file nor a part of it
    assert dialogs.messages == []  # no "已保存", no error
    assert not _alive(dialog) or not dialog.isVisible()


def open_files(path) -> int:
    """How many connections this process has open on the database at ``path``: SQLite opens
    the write-ahead log once for each and closes it with the connection (the database
    file's own descriptors it keeps for reuse while any connection is open)."""
    target = os.path.realpath(f"{path}-wal")
    found = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            found += os.readlink(f"/proc/self/fd/{fd}") == target
    return found


def server_connections(db) -> int:
    """The program's connections to the test's database, as the server lists them (asked
    on a connection of the test's own, which the count leaves out)."""
    import psycopg2

    params = {k: v for k, v in db.connect_params.items() if k != "application_name"}
    conn = psycopg2.connect(dbname=db.database, application_name="duban-test", **params)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND application_name = 'duban-desktop'")
            return cur.fetchone()[0]
    finally:
        conn.close()


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors through /proc")
def test_every_worker_closes_its_connection(qtbot, db, parent, backend):
    """A job opens its thread's connection before the work and closes it when it ends,
    done or failed; the preload is such a job too. SQLite: the file's descriptors. The
    server's connections are pooled (db/server.py): a job's is taken from the pool and
    given back, and the server sees no more connections than were ever used at once."""
    make_items(2)
    path = current_path()

    def connections() -> int:
        return open_files(path) if backend == "sqlite" else len(db._in_use)  # the pool's lent ones

    before = connections()
    assert before >= 1  # the GUI thread's own connection
    release = threading.Event()
    seen = []

    def uses(progress):
        seen.append((database.is_closed(), connections()))
        release.wait(10)
        return ledger.count()

    def fails(progress):
        seen.append((database.is_closed(), connections()))
        release.wait(10)
        raise DomainError("不行。")

    ok = tasks.run_in_background(uses, on_done=lambda _r: None, owner=parent)
    bad = tasks.run_in_background(fails, on_error=lambda _m: None, owner=parent)
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=10000)
    assert [closed for closed, _ in seen] == [False, False]  # opened before the work began
    assert connections() == before + 2  # each its own
    release.set()
    for job in (ok, bad):
        wait_ended(qtbot, job)
    assert (ok.outcome, bad.outcome) == (tasks.DONE, tasks.FAILED)
    assert connections() == before
    read_ahead = preload.Preload({("count",): lambda: (connections(), ledger.count())})
    read_ahead.finish()
    assert read_ahead.take(("count",)) == (before + 1, 2)
    assert connections() == before
    assert ledger.count() == 2  # the GUI thread's connection is still open
    if backend == "postgresql":  # the preload took one of the two given back: none made anew
        assert server_connections(db) <= before + 2


def test_the_cancelled_kinds_are_one(db):
    assert issubclass(FileCancelled, Cancelled) and issubclass(backups.BackupCancelled, Cancelled)
    assert tasks.Cancelled is Cancelled


def test_closing_the_window_stops_running_work_and_waits(qtbot, db, parent, dialogs, save_to, monkeypatch,
                                                          backend):
    """What the window does when it closes (ui/startup/start.py: ``stop_all``): every job is
    cancelled and waited for. The export in the middle of its notices leaves no file; the
    daily backup of the file (finished before the stop, or stopped) leaves no partial copy."""
    from duban_desktop.ui.startup.start import DailyBackup

    folder, _chosen = save_to
    ids = make_items(60)
    monkeypatch.setattr(backups, "STEP_PAGES", 1)
    export = exports.export_notices(parent, ids)
    backup = DailyBackup(current_path()) if backend == "sqlite" else None
    qtbot.waitUntil(lambda: parent.findChild(QProgressDialog).value() > 0, timeout=10000)  # under way
    assert export in tasks.running()
    assert tasks.stop_all(wait=20.0)
    assert tasks.running() == [] and export.ended.is_set()
    assert export.outcome == tasks.CANCELLED
    assert list(folder.iterdir()) == []
    if backup is not None:
        assert backup.ended.is_set() and backup.outcome in (tasks.CANCELLED, tasks.DONE)
        backup_folder = backups.backup_dir_for(current_path())
        assert not [p for p in backup_folder.iterdir() if ".part" in p.name]
        for info in backups.list_backups(current_path()):
            backups.verify_backup(info.path)
    qtbot.wait(20)
    assert dialogs.messages == []


def test_a_callback_whose_owner_is_gone_is_dropped(qtbot, db):
    release = threading.Event()
    called = []
    owner = QWidget()
    job = tasks.run_in_background(lambda progress: release.wait(10), on_done=called.append, owner=owner)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not _alive(owner), timeout=5000)
    release.set()
    wait_ended(qtbot, job)
    assert job.outcome == tasks.DONE and called == []


def _alive(widget) -> bool:
    import shiboken6

    return shiboken6.isValid(widget)
