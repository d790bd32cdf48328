"""Every database and file error says what happened (issue 15, sections 2 and 3).

Busy, read-only file, read-only folder, a full disk, missing, empty, not ours, newer and
really damaged each get their own message; only real damage mentions restoring a backup.
The read-only cases run the command as an ordinary user (root writes anywhere); the full
disk is a small tmpfs, or SQLite's own page limit where mounting is not allowed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from duban_desktop.db import backup as backups
from duban_desktop.db import close_database, connection, open_database
from duban_desktop.db.errors import DatabaseBusyError, DiskFullError, classify
from duban_desktop.db.models import SupervisionItem, Urge, database
from duban_desktop.domain import supervision

from .. import factories

RESTORE_WORDS = ("从备份恢复", "restore", "恢复到")


def cli(*args, data_dir, check: int | None = None):
    env = dict(os.environ, DUBAN_DATA_DIR=str(data_dir))
    proc = subprocess.run([sys.executable, "-m", "duban_desktop", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=120)
    if check is not None:
        assert proc.returncode == check, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr, proc.stderr
    return proc


def says_no_restore(text: str) -> None:
    assert not any(w in text for w in RESTORE_WORDS), text


@pytest.fixture
def sample(tmp_path, data_dir):
    path = tmp_path / "office.sqlite"
    cli("demo", "--db", path, "--items", "60", "--cases", "4", data_dir=data_dir, check=0)
    return path


def ledger_file(sample, tmp_path, data_dir) -> Path:
    out = tmp_path / "台账.xlsx"
    cli("export", "ledger", "-o", out, "--db", sample, data_dir=data_dir, check=0)
    return out


def empty_register(path: Path, data_dir) -> Path:
    """A new database with nothing in it yet: every row of the sample's ledger is new to it."""
    cli("demo", "--db", path, "--items", "0", "--cases", "0", data_dir=data_dir, check=0)
    checkpointed(path)
    return path


# --- busy: waits, visibly, and then says so --------------------------------------------

def test_a_write_waits_for_another_writer_and_then_goes_through(db_path, db):
    item = factories.item()
    other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # a long import elsewhere holds the write lock
    waited = []
    threading.Timer(1.2, lambda: other.execute("COMMIT")).start()
    connection.set_busy_waiter(waited.append)
    try:
        supervision.urge(item.id, method="phone", content="等另一项操作结束后保存")
    finally:
        connection.set_busy_waiter(None)
        other.close()
    assert waited and max(waited) > 0.5 and waited[-1] == -1.0  # told while waiting, then done
    assert Urge.select().where(Urge.content == "等另一项操作结束后保存").count() == 1


def test_a_write_that_waits_too_long_says_the_database_is_busy(db_path, db, monkeypatch):
    item = factories.item()
    before = Urge.select().count()
    monkeypatch.setattr(connection, "BUSY_LIMIT_S", 0.6)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusyError) as err:
            supervision.urge(item.id, method="phone", content="不会保存")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "正被另一项操作占用" in str(err.value) and "没有保存" in str(err.value)
    says_no_restore(str(err.value))
    assert Urge.select().count() == before


# --- read-only file and folder -----------------------------------------------------------

def mount(*args) -> None:
    try:
        subprocess.run(["mount", *map(str, args)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("cannot mount here (needs root)")


def unmount(path) -> None:
    subprocess.run(["umount", "-l", str(path)], check=False, capture_output=True)


def test_a_read_only_file_says_so(sample, tmp_path, data_dir):
    ledger = ledger_file(sample, tmp_path, data_dir)
    target = empty_register(tmp_path / "new.sqlite", data_dir)
    digest = target.read_bytes()
    mount("--bind", target, target)  # this one file read-only, its folder writable
    try:
        mount("-o", "remount,bind,ro", target)
        proc = cli("import", "ledger", ledger, "--db", target, data_dir=data_dir, check=1)
    finally:
        unmount(target)
    assert "是只读的" in proc.stderr and "去掉“只读”" in proc.stderr, proc.stderr
    says_no_restore(proc.stderr)
    assert target.read_bytes() == digest


def test_a_read_only_folder_says_so(sample, tmp_path, data_dir):
    ledger = ledger_file(sample, tmp_path, data_dir)
    checkpointed(sample)
    folder = tmp_path / "ro"
    folder.mkdir()
    mount("-t", "tmpfs", "-o", "size=8m", "tmpfs", folder)
    try:
        shutil.copyfile(empty_register(tmp_path / "new.sqlite", data_dir), folder / "office.sqlite")
        mount("-o", "remount,ro", folder)
        for command in (["import", "ledger", ledger], ["alerts"]):
            proc = cli(*command, "--db", folder / "office.sqlite", data_dir=data_dir)
            if command[0] == "import":
                assert proc.returncode == 1
                assert "不能写入" in proc.stderr and str(folder) in proc.stderr, proc.stderr
                says_no_restore(proc.stderr)
    finally:
        unmount(folder)


# --- a full disk -------------------------------------------------------------------------

def test_a_full_database_says_the_disk_is_full_not_damaged(db_path, db):
    item = factories.item()
    pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
    database.execute_sql(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(Exception) as err:
        supervision.urge_many([item.id], method="phone", content="很长的内容" * 4000)
    found = classify(err.value, db_path)
    assert isinstance(found, DiskFullError), (type(err.value), err.value)
    assert "磁盘空间不足" in str(found)
    says_no_restore(str(found))


@pytest.fixture
def small_disk(tmp_path):
    folder = tmp_path / "small"
    folder.mkdir()
    mount("-t", "tmpfs", "-o", "size=3m", "tmpfs", folder)
    yield folder
    unmount(folder)


def fill(folder: Path) -> None:
    with open(folder / "filler", "wb") as f, contextlib.suppress(OSError):
        while True:
            f.write(b"\0" * 65536)
            f.flush()


def test_a_full_disk_during_an_import_an_export_and_a_backup(sample, tmp_path, data_dir, small_disk):
    ledger = ledger_file(sample, tmp_path, data_dir)
    db = small_disk / "office.sqlite"
    shutil.copyfile(empty_register(tmp_path / "new.sqlite", data_dir), db)
    fill(small_disk)
    proc = cli("import", "ledger", ledger, "--db", db, data_dir=data_dir, check=1)
    assert "磁盘空间不足" in proc.stderr
    says_no_restore(proc.stderr)
    proc = cli("export", "ledger", "-o", small_disk / "台账.xlsx", "--db", sample, data_dir=data_dir, check=1)
    assert "磁盘空间不足" in proc.stderr
    proc = cli("export", "form", "register", "催字〔2026〕1号", "-o", small_disk / "登记单.docx",
               "--db", sample, data_dir=data_dir, check=1)
    assert "磁盘空间不足" in proc.stderr
    proc = cli("backup", "--db", sample, "-o", small_disk / "备份.sqlite", data_dir=data_dir, check=1)
    assert "磁盘空间不足" in proc.stderr
    left = {p.name for p in small_disk.iterdir()}
    assert left <= {"filler", "office.sqlite", "office.sqlite-wal", "office.sqlite-shm", "office.sqlite.lock"}, left
    (small_disk / "filler").unlink()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()


# --- missing, empty: never silently made a new database ----------------------------------

@pytest.mark.parametrize("command", [["check"], ["alerts"], ["backup", "-o", "{out}"],
                                     ["export", "ledger", "-o", "{xlsx}"], ["import", "ledger", "{ledger}"]])
def test_an_empty_file_or_a_missing_folder_is_never_made_a_new_database(sample, tmp_path, data_dir, command):
    ledger = ledger_file(sample, tmp_path, data_dir)
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    gone = tmp_path / "no-such-folder" / "office.sqlite"
    names = {"out": tmp_path / "b.sqlite", "xlsx": tmp_path / "x.xlsx", "ledger": ledger}
    args = [a.format(**names) for a in command]
    proc = cli(*args, "--db", empty, data_dir=data_dir, check=1)
    assert "是空的（0 字节）" in proc.stderr
    assert empty.stat().st_size == 0 and not Path(str(empty) + "-wal").exists()
    proc = cli(*args, "--db", gone, data_dir=data_dir, check=1)
    assert "文件夹" in proc.stderr and "不存在" in proc.stderr
    assert not gone.parent.exists()
    assert not (tmp_path / "b.sqlite").exists() and not (tmp_path / "x.xlsx").exists()


def test_demo_may_make_a_database_of_an_empty_file(tmp_path, data_dir):
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    cli("demo", "--db", empty, "--items", "5", "--cases", "1", data_dir=data_dir, check=0)
    assert empty.stat().st_size > 0


# --- really damaged: the only error that speaks of restoring -----------------------------

def damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "pages":
        for start in range(4096 * 2, len(data), 4096 * 3):
            data[start:start + 2000] = os.urandom(2000)
    elif how == "header":
        data[0:100] = b"\xde\xad" * 50
    elif how == "truncated":
        data = data[: len(data) // 3 + 123]
    elif how == "text":
        data = "这是一份会议记录，不是数据库。\n".encode() * 50
    path.write_bytes(bytes(data))


def checkpointed(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


@pytest.mark.parametrize("how", ["pages", "header", "truncated", "text"])
def test_a_damaged_database_is_restored_and_set_aside_as_it_was(sample, tmp_path, data_dir, how):
    cli("backup", "--db", sample, "-o", tmp_path / "x.sqlite", data_dir=data_dir, check=0)
    backups.take_backup(sample, "manual")
    checkpointed(sample)
    damage(sample, how)
    damaged = sample.read_bytes()
    proc = cli("alerts", "--db", sample, data_dir=data_dir)
    if proc.returncode:  # a page the alerts do not read may still be whole
        assert "已损坏" in proc.stderr and "从备份恢复" in proc.stderr, proc.stderr
    proc = cli("check", "--db", sample, "--restore", "latest", data_dir=data_dir, check=0)
    assert "已从备份" in proc.stdout and "原样另存为" in proc.stdout
    aside = [b for b in backups.list_backups(sample) if b.kind == "before-restore"]
    assert len(aside) == 1 and aside[0].path.read_bytes() == damaged
    open_database(sample, create=False)
    try:
        assert SupervisionItem.select().count() == 60
    finally:
        close_database()


def test_check_tells_damage_from_problems_in_the_data(sample, tmp_path, data_dir):
    conn = sqlite3.connect(sample)
    conn.execute("UPDATE supervision_item SET urge_count = urge_count + 7 WHERE id = 1")
    conn.commit()
    conn.close()
    proc = cli("check", "--db", sample, data_dir=data_dir, check=1)
    assert "完整性检查：通过" in proc.stdout and "不需要从备份恢复" in proc.stdout


# --- backups leave no partial copies -----------------------------------------------------

def test_a_cancelled_or_failed_backup_leaves_no_partial_copy(sample, tmp_path):
    dest = tmp_path / "copies" / "copy.sqlite"
    with pytest.raises(backups.BackupCancelled):
        backups.copy_database(sample, dest, cancelled=lambda: True)
    assert not dest.exists() and list(dest.parent.iterdir()) == []


KILLED = """
import sys, time
from duban_desktop.db import backup
def slow():
    print("copying", flush=True)
    time.sleep(0.3)
    return False
backup.STEP_PAGES = 1
backup.daily_backup(__import__("pathlib").Path(sys.argv[1]), cancelled=slow)
"""


def test_a_backup_killed_half_way_is_cleared_at_the_next_start(sample, tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", KILLED, str(sample)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "copying"
    time.sleep(0.5)
    proc.kill()
    proc.wait()
    proc.stdout.close()
    folder = backups.backup_dir_for(sample)
    assert [p.name for p in folder.iterdir() if p.name.endswith(".part")], list(folder.iterdir())
    assert backups.list_backups(sample) == []  # a partial copy is never taken for a backup
    made = backups.daily_backup(sample)
    assert made is not None
    assert not [p for p in folder.iterdir() if ".part" in p.name]
    backups.verify_backup(made)


def test_closing_the_window_stops_the_daily_backup_cleanly(sample, monkeypatch):
    from duban_desktop.ui.startup.start import DailyBackup  # no widgets: the backup's own thread

    monkeypatch.setattr(backups, "STEP_PAGES", 1)
    job = DailyBackup(sample)
    time.sleep(0.05)
    job.stop()
    assert not job.thread.is_alive()
    folder = backups.backup_dir_for(sample)
    assert not [p for p in folder.iterdir() if ".part" in p.name]
    for info in backups.list_backups(sample):  # finished before the stop, or none at all
        backups.verify_backup(info.path)


def test_the_command_line_says_it_waits_for_another_writer(sample, tmp_path, data_dir):
    ledger = ledger_file(sample, tmp_path, data_dir)
    target = empty_register(tmp_path / "new.sqlite", data_dir)
    other = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # someone else writes for a while (not one of ours)
    threading.Timer(2.5, lambda: other.execute("COMMIT")).start()
    try:
        proc = cli("import", "ledger", ledger, "--db", target, data_dir=data_dir, check=0)
    finally:
        time.sleep(0.1)
        other.close()
    assert proc.stderr.count("正在等待另一项操作") == 1, proc.stderr
    assert "已导入 60 件督办事项" in proc.stdout
