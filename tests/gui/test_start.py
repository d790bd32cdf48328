"""Starting the program: the real start path, a second copy, files that cannot be opened."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
import time

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox

from duban_desktop.db import DamagedDatabaseError, NewerSchemaError, close_database, open_database
from duban_desktop.db import backup as backups
from duban_desktop.db.lock import DatabaseInUseError
from duban_desktop.domain import supervision
from duban_desktop.ui.startup import start


@pytest.fixture
def keep_hook(monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)


def start_program(data_dir, *args, timeout=60):
    """The real program in its own process, offscreen, leaving once its window is up."""
    env = dict(os.environ, DUBAN_DATA_DIR=str(data_dir), QT_QPA_PLATFORM="offscreen",
               DUBAN_SMOKE_EXIT_MS="400")
    proc = subprocess.run([sys.executable, "-m", "duban_desktop", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=timeout)
    log_text = (data_dir / "logs" / "duban.log").read_text(encoding="utf-8")
    return proc, log_text


def test_real_start_path_opens_window_and_backs_up(tmp_path):
    path = tmp_path / "office.sqlite"
    proc, log_text = start_program(tmp_path / "data", "--db", path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr + log_text
    assert "main window shown: 督办 Desktop" in log_text
    assert "Qt translation loaded: 取消" in log_text
    assert [b.kind for b in backups.list_backups(path)] == ["daily"]
    proc, log_text = start_program(tmp_path / "data", "--db", path)  # same day: no second backup
    assert len(backups.list_backups(path)) == 1


def test_demo_start(tmp_path):
    proc, log_text = start_program(tmp_path / "data", "--demo")
    assert proc.returncode == 0, proc.stderr
    assert "(300 items listed)" in log_text


def test_not_a_database_says_so_and_exits(tmp_path):
    letter = tmp_path / "letter.sqlite"
    letter.write_text("这不是数据库")
    env = dict(os.environ, DUBAN_DATA_DIR=str(tmp_path / "data"), QT_QPA_PLATFORM="offscreen")
    # the message box waits for a click: give it none, and check that it was logged, not raised
    proc = subprocess.Popen([sys.executable, "-m", "duban_desktop", "--db", str(letter)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(4)
    proc.kill()
    _out, err = proc.communicate()
    assert "Traceback" not in err
    log_text = (tmp_path / "data" / "logs" / "duban.log").read_text(encoding="utf-8")
    assert "不是督办 Desktop 的数据库" in log_text
    assert letter.read_text() == "这不是数据库"


HOLDER = """
import sys, time
from duban_desktop.db import open_database
open_database(sys.argv[1], role="window")
print("locked", flush=True)
time.sleep(30)
"""


def test_second_copy_is_told_and_may_read_only(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "office.sqlite"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True,
                              env=dict(os.environ, DUBAN_DATA_DIR=str(tmp_path / "data")))
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(DatabaseInUseError) as err:
            open_database(path, role="window")
        assert f"督办 Desktop 窗口（进程 {holder.pid}" in str(err.value)
        asked, answer = [], ["以只读方式打开"]

        def exec_(box):
            asked.append(box.text())
            [b for b in box.buttons() if b.text() == answer[0]][0].click()
            return 0
        monkeypatch.setattr(QMessageBox, "exec", exec_)
        assert start.ask_read_only(err.value)
        assert "正在使用数据库" in asked[0] and "同一时间只能在一处修改它" in asked[0]
        assert "以只读方式打开" in asked[0]
        open_database(path, read_only=True, role="window")  # the holder's SQLite locks are alive
        close_database()
        answer[0] = "退出"
        with pytest.raises(SystemExit):
            start.ask_read_only(err.value)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    open_database(path, role="window")  # free again
    close_database()


def test_newer_database_offers_a_backup(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "office.sqlite"
    open_database(path)
    supervision.register_item(title="备份里的事项", lead_unit="县财政局", responsible_person="吴晓燕",
                              source="document", deadline_workdays=10)
    close_database()
    backups.take_backup(path, "manual")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(NewerSchemaError) as err:
        open_database(path)

    shown = []

    def exec_(box):
        shown.append(box.text())
        [b for b in box.buttons() if b.text().startswith("从备份恢复")][0].click()
        return 0
    monkeypatch.setattr(QMessageBox, "exec", exec_)
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a, **k: (a[3][0], True)))
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *a, **k: QMessageBox.Ok))
    assert start.offer_way_out(path, err.value) == path
    assert "更新版本" in shown[0]
    open_database(path)
    try:
        assert supervision.find_by_number(f"催字〔{time.localtime().tm_year}〕1号").title == "备份里的事项"
    finally:
        close_database()


def test_a_damaged_database_is_restored_from_the_window(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "office.sqlite"
    open_database(path)
    supervision.register_item(title="备份里的事项", lead_unit="县财政局", responsible_person="吴晓燕",
                              source="document", deadline_workdays=10)
    close_database()
    backups.take_backup(path, "daily")
    data = bytearray(path.read_bytes())
    data[0:100] = b"\xde\xad" * 50  # the header overwritten
    path.write_bytes(bytes(data))
    with pytest.raises(DamagedDatabaseError) as err:
        open_database(path)
    assert "已损坏" in str(err.value) and "从备份恢复" in str(err.value)

    told = []

    def exec_(box):
        [b for b in box.buttons() if b.text().startswith("从备份恢复")][0].click()
        return 0
    monkeypatch.setattr(QMessageBox, "exec", exec_)
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a, **k: (a[3][0], True)))
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda _p, _t, text, *a: told.append(text)))
    assert start.offer_way_out(path, err.value) == path
    assert "原样另存为" in told[0]
    aside = [b for b in backups.list_backups(path) if b.kind == "before-restore"]
    assert aside and aside[0].path.read_bytes() == bytes(data)
    open_database(path, role="window")
    try:
        assert supervision.find_by_number(f"催字〔{time.localtime().tm_year}〕1号").title == "备份里的事项"
    finally:
        close_database()


def test_unexpected_error_goes_to_a_dialog_and_the_log(qtbot, tmp_path, monkeypatch, keep_hook, caplog):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda _p, title, text: shown.append(text)))
    start.install_excepthook(tmp_path / "duban.log")
    try:
        raise RuntimeError("出了点问题")
    except RuntimeError:
        with caplog.at_level(logging.ERROR):
            sys.excepthook(*sys.exc_info())
    assert "出了点问题" in shown[0] and "duban.log" in shown[0]
    assert "Traceback" in caplog.text


def test_a_database_failure_suggests_check_and_restore(qtbot, monkeypatch, keep_hook):
    import sqlite3

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda _p, title, text: shown.append((title, text))))
    start.install_excepthook(None)
    try:
        raise sqlite3.DatabaseError("database disk image is malformed")
    except sqlite3.DatabaseError:
        sys.excepthook(*sys.exc_info())
    assert shown[0][0] == "读写数据库出错" and "从备份恢复" in shown[0][1]


def test_the_collector_comes_back_on_once_the_window_is_up():
    import gc

    gc.disable()
    try:
        start.collect_again()
        assert gc.isenabled() and gc.get_freeze_count() > 0  # what the start made is set aside
    finally:
        gc.unfreeze()
        gc.enable()


def test_an_empty_file_is_made_a_database_only_when_asked(qtbot, tmp_path, monkeypatch):
    from duban_desktop.db.errors import EmptyDatabaseFileError

    path = tmp_path / "office.sqlite"
    path.write_bytes(b"")
    with pytest.raises(EmptyDatabaseFileError) as err:
        open_database(path, role="window")
    assert path.stat().st_size == 0 and "是空的（0 字节）" in str(err.value)
    buttons = []

    def exec_(box):
        buttons.extend(b.text() for b in box.buttons())
        [b for b in box.buttons() if b.text() == "新建数据库"][0].click()
        return 0
    monkeypatch.setattr(QMessageBox, "exec", exec_)
    target = start.offer_way_out(path, err.value)
    assert "新建数据库" in buttons and "打开其他数据库…" in buttons
    assert isinstance(target, start.NewDatabase) and str(target) == str(path)
    open_database(target, role="window", replace_empty=True)
    try:
        assert supervision.register_item(title="新建后的第一件", lead_unit="县财政局", responsible_person="吴晓燕",
                                         source="document", deadline_workdays=10).number
    finally:
        close_database()
