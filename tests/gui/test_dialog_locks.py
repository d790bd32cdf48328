"""The database cannot be damaged by a file dialog over its folder (issue 15, section 1).

The reproduction: the window has the database open; a save dialog shows the database's
folder; a command-line `alerts` runs; the window writes; `import ledger` runs; the file must
still open, with the window's write in it. What made it fail: on Linux, Qt's dialog sniffed
the live files, which dropped the window's SQLite locks, so the command line believed it
was alone and deleted the window's WAL.

SQLite's locks are looked at from another process (``sqlite_lock_alive`` must never run in
the process that holds them: closing its descriptor would drop them).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest
from PySide6.QtWidgets import QFileDialog, QFileSystemModel

from duban_desktop.db import close_database, open_database
from duban_desktop.db.models import SupervisionItem
from duban_desktop.domain import demo, supervision
from duban_desktop.ui.dialogs import file_dialogs

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX locks as on Linux")


def lock_alive(path) -> bool | None:
    code = ("import sys; from duban_desktop.db.lock import sqlite_lock_alive; "
            "print(sqlite_lock_alive(sys.argv[1]))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    return {"True": True, "False": False, "None": None}[out.stdout.strip()]


def cli(*args, data_dir):
    env = dict(os.environ, DUBAN_DATA_DIR=str(data_dir))
    return subprocess.run([sys.executable, "-m", "duban_desktop", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=120)


def show_folder(qtbot, dialog: QFileDialog, folder) -> None:
    """Show the dialog over ``folder`` and wait until its model has read every file there."""
    model = dialog.findChild(QFileSystemModel)
    dialog.setNameFilter("所有文件 (*)")
    dialog.setDirectory(str(folder))
    dialog.show()
    root = model.index(str(folder))

    def names():
        return {model.index(r, 0, root).data() for r in range(model.rowCount(root))}
    qtbot.waitUntil(lambda: {"office.sqlite", "office.sqlite-shm", "office.sqlite-wal"} <= names(),
                    timeout=10_000)
    # what the dialog shows beside each file (its type) is what used to open the file
    for row in range(model.rowCount(root)):
        model.index(row, 2, root).data()
    qtbot.wait(300)  # the file information gatherer runs on its own thread


@pytest.fixture
def office(tmp_path):
    path = tmp_path / "office.sqlite"
    open_database(path, role="window")
    demo.generate(items=60, cases=4, seed=7)
    yield path
    close_database()


def test_our_dialog_over_the_database_folder_keeps_the_locks_and_the_data(qtbot, office, tmp_path, data_dir):
    assert lock_alive(office) is True
    dialog = file_dialogs.make_dialog(None, "保存督促检查登记单", str(tmp_path / "登记单.docx"),
                                      "Word 文档 (*.docx)", save=True)
    qtbot.addWidget(dialog)
    show_folder(qtbot, dialog, tmp_path)
    dialog.reject()
    assert lock_alive(office) is True

    ledger = tmp_path / "台账.xlsx"
    proc = cli("export", "ledger", "-o", ledger, "--db", office, data_dir=data_dir)
    assert proc.returncode == 0, proc.stderr
    proc = cli("alerts", "--db", office, data_dir=data_dir)
    assert proc.returncode == 0, proc.stderr
    assert "【即将到期】" in proc.stdout or "【已逾期】" in proc.stdout

    item = SupervisionItem.select().where(SupervisionItem.state == "in_progress").first()
    supervision.urge(item.id, method="phone", content="窗口中的催办")

    proc = cli("import", "ledger", ledger, "--db", office, data_dir=data_dir)
    assert proc.returncode == 1
    assert "督办 Desktop 窗口" in proc.stderr and "正在使用数据库" in proc.stderr and "不能导入" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert lock_alive(office) is True
    supervision.urge(item.id, method="phone", content="窗口中的第二次催办")
    close_database()

    conn = sqlite3.connect(office)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        notes = {r[0] for r in conn.execute("SELECT content FROM urge WHERE item_id = ?", (item.id,))}
    finally:
        conn.close()
    assert {"窗口中的催办", "窗口中的第二次催办"} <= notes


def test_qt_default_dialog_would_drop_them(qtbot, office, tmp_path):
    """The hazard our dialog avoids is real: Qt's own dialog, as it comes, opens the files."""
    dialog = QFileDialog(None, "保存")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    show_folder(qtbot, dialog, tmp_path)
    dialog.reject()
    assert lock_alive(office) is False


def test_commands_never_open_a_database_whose_holder_lost_its_locks(office, tmp_path, data_dir):
    # whatever drops the window's locks (here: this process opens and closes the files) ...
    for suffix in ("", "-shm", "-wal"):
        with open(str(office) + suffix, "rb") as f:
            f.read(100)
    assert lock_alive(office) is False
    # ... a second process refuses to open the file, reading or writing
    for args in (["alerts"], ["check"], ["export", "ledger", "-o", tmp_path / "x.xlsx"]):
        proc = cli(*args, "--db", office, data_dir=data_dir)
        assert proc.returncode == 1, (args, proc.stdout)
        assert "锁已经失效" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "x.xlsx").exists()
    # the window's writes go on and land
    item = SupervisionItem.select().where(SupervisionItem.state == "in_progress").first()
    supervision.urge(item.id, method="phone", content="锁失效后的催办")
    close_database()
    conn = sqlite3.connect(office)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT count(*) FROM urge WHERE content = '锁失效后的催办'").fetchone() == (1,)
    finally:
        conn.close()


def test_a_dialog_refuses_the_live_database_as_a_file_to_open_or_save(qtbot, office, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from .helpers import answer_file_dialogs

    said = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda _p, _t, text, *a: said.append(text)))
    answers = iter([str(office), str(office) + "-wal", ""])
    answer_file_dialogs(monkeypatch, lambda _dialog: next(answers))
    assert file_dialogs.open_file_name(None, "选择台账文件", str(tmp_path), "Excel 工作簿 (*.xlsx)") == ""
    assert len(said) == 2 and "程序正在使用的数据库文件" in said[0]
    assert lock_alive(office) is True


def test_an_export_or_a_read_refuses_the_live_database(office, tmp_path):
    from duban_desktop.io import ledger_export
    from duban_desktop.io.files import FileError, refuse_live_database

    before = office.stat().st_size
    with pytest.raises(FileError, match="程序正在使用的数据库文件"):
        ledger_export.export_ledger(office)
    with pytest.raises(FileError):
        refuse_live_database(str(office) + "-shm")
    refuse_live_database(tmp_path / "台账.xlsx")  # any other file is fine
    assert office.stat().st_size == before and lock_alive(office) is True


def test_an_urge_waits_for_a_long_import_with_a_visible_line(qtbot, window, db, backend, monkeypatch):
    """Another writer holds the database (an import in the wizard, a backup; on the server,
    another desk changing the same item): the urge waits, the status bar says so and the
    window keeps painting, then the urge is saved."""
    import threading

    from duban_desktop.db import connection, current_path
    from duban_desktop.db.models import Urge

    from ..factories import item as make_item

    item = make_item()
    if backend == "sqlite":
        other = sqlite3.connect(current_path(), isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        finish = lambda: other.execute("COMMIT")  # noqa: E731
    else:  # another desk has the item locked in the middle of its own step
        import psycopg2

        other = psycopg2.connect(dbname=db.database, **{k: v for k, v in db.connect_params.items()
                                                        if k != "application_name"})
        other.cursor().execute("SELECT id FROM supervision_item WHERE id = %s FOR UPDATE", (item.id,))
        finish = other.commit
    shown = []
    window.statusBar().messageChanged.connect(shown.append)
    timer = threading.Timer(1.5, finish)
    timer.start()
    connection.set_busy_waiter(window.show_waiting)
    try:
        supervision.urge(item.id, method="phone", content="等导入结束")
    finally:
        connection.set_busy_waiter(None)
        timer.cancel()
        timer.join()
        other.close()
    assert any(text.startswith("正在等待另一项操作") for text in shown), shown
    assert window.statusBar().currentMessage() == ""
    assert Urge.select().where(Urge.content == "等导入结束").count() == 1


def test_writing_commands_refuse_while_the_window_has_the_database(office, tmp_path, data_dir):
    from duban_desktop.db import backup as backups

    backups.take_backup(office, "manual")
    before = SupervisionItem.select().count()
    for args in (["demo", "--items", "5"], ["check", "--restore", "latest"]):
        proc = cli(*args, "--db", office, data_dir=data_dir)
        assert proc.returncode == 1, proc.stdout
        assert "督办 Desktop 窗口" in proc.stderr and "正在使用数据库" in proc.stderr, proc.stderr
    assert SupervisionItem.select().count() == before
    assert [b.kind for b in backups.list_backups(office)] == ["manual"]  # nothing set aside either
