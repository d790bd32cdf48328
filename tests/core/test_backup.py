"""Backups: once a day, the last ten kept, consistent while open, restore."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from duban_desktop.db import NotADatabaseError, close_database, open_database
from duban_desktop.db import backup as backups
from duban_desktop.db.models import SupervisionItem

from ..factories import item


def test_daily_backup_once_a_day_keeps_ten(db, db_path):
    item()
    start = dt.datetime(2026, 6, 1, 8, 30)
    assert backups.daily_backup(db_path, now=start) is not None
    assert backups.daily_backup(db_path, now=start + dt.timedelta(hours=3)) is None
    for day in range(1, 14):
        backups.daily_backup(db_path, now=start + dt.timedelta(days=day))
    daily = backups.list_backups(db_path)
    assert len(daily) == 10
    assert daily[0].taken_at.date() == dt.date(2026, 6, 14)
    assert daily[-1].taken_at.date() == dt.date(2026, 6, 5)


def test_backup_while_open_has_every_committed_record(db, db_path, tmp_path):
    for n in range(5):
        item(title=f"事项{n}")
    copy = backups.copy_database(db_path, tmp_path / "copy.sqlite")
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT COUNT(*) FROM supervision_item").fetchone() == (5,)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


def test_restore_brings_back_the_backup_and_keeps_the_current_aside(db_path):
    open_database(db_path)
    item(title="备份前")
    saved = backups.take_backup(db_path, "manual")
    item(title="备份后")
    close_database()
    aside = backups.restore_backup(db_path, saved)
    open_database(db_path)
    try:
        assert [i.title for i in SupervisionItem.select()] == ["备份前"]
    finally:
        close_database()
    conn = sqlite3.connect(aside)
    assert conn.execute("SELECT COUNT(*) FROM supervision_item").fetchone() == (2,)
    conn.close()


def test_restore_from_garbage_is_refused_and_database_unchanged(db_path, tmp_path):
    open_database(db_path)
    item()
    close_database()
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database")
    with pytest.raises(NotADatabaseError):
        backups.restore_backup(db_path, junk)
    open_database(db_path)
    try:
        assert SupervisionItem.select().count() == 1
    finally:
        close_database()
