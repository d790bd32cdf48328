"""Backups of a register on the server: pg_dump into the backups folder, read back by
pg_restore in one transaction (db/server_backup.py)."""

from __future__ import annotations

import datetime as dt

import peewee as pw
import pytest

from duban_desktop.db import close_database, open_database, server, server_backup
from duban_desktop.db.models import ChangeLog, SupervisionItem
from duban_desktop.domain import supervision
from duban_desktop.domain.ledger import ItemFilter, item_ids

from ..factories import item

pytestmark = pytest.mark.postgresql


@pytest.fixture
def server_db(pg_cluster):
    url = pg_cluster.new_database()
    db = open_database(url)
    yield db
    close_database()
    pg_cluster.drop_database(url)


def test_backup_change_restore_brings_the_data_back_with_its_guard(server_db, data_dir):
    kept = item(title="备份前的事项")
    saved = server_backup.take_backup(server_db, "manual")
    assert saved.parent == data_dir / "backups" and saved.name.endswith(".dump")
    assert [b.path for b in server_backup.list_backups(server_db)] == [saved]
    supervision.update_item(kept.id, title="备份后改过的标题")
    item(title="备份后的事项")
    aside = server_backup.restore_backup(server_db, saved)
    assert aside.name.startswith(server_backup.stem(server_db.address)) and "before-restore" in aside.name
    db = open_database(server_db.address.url())
    assert [i.title for i in SupervisionItem.select()] == ["备份前的事项"]
    assert item_ids(ItemFilter(text="备份前")) == [kept.id]  # the search index came back too
    assert server.guard_problems(db) == []
    with pytest.raises(pw.ProgrammingError, match="append-only"), db.atomic():
        ChangeLog.delete().execute()
    assert item().id > kept.id  # the sequences came back past the rows


def test_daily_backup_once_a_day_keeps_ten(server_db):
    start = dt.datetime(2026, 6, 1, 8, 30)
    assert server_backup.daily_backup(server_db, now=start) is not None
    assert server_backup.daily_backup(server_db, now=start + dt.timedelta(hours=3)) is None
    for day in range(1, 12):
        server_backup.daily_backup(server_db, now=start + dt.timedelta(days=day))
    daily = server_backup.list_backups(server_db)
    assert len(daily) == 10 and daily[0].taken_at.date() == dt.date(2026, 6, 12)
    assert daily[0].kind_label == "每日自动备份"


def test_a_file_that_is_no_dump_is_refused_and_nothing_changes(server_db, tmp_path):
    item(title="原来的事项")
    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"SQLite format 3\x00")
    with pytest.raises(server_backup.DatabaseError, match="不是数据库服务器的备份"):
        server_backup.restore_backup(server_db, junk)
    assert [i.title for i in SupervisionItem.select()] == ["原来的事项"]


def test_without_pg_dump_the_message_says_what_to_install(server_db, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr(server_backup.glob, "glob", lambda pattern: [])
    with pytest.raises(server_backup.ToolMissingError, match="pg_dump.*postgresql-client"):
        server_backup.take_backup(server_db, "manual")
    assert not list((server_backup.backup_dir()).glob("*.part"))


def test_the_password_goes_to_pg_dump_in_its_environment_only(pg_cluster, monkeypatch):
    seen = {}
    real = server_backup.subprocess.Popen

    def spy(args, env, **kw):
        seen["args"], seen["env"] = args, env
        return real(args, env=env, **kw)

    monkeypatch.setattr(server_backup.subprocess, "Popen", spy)
    url = pg_cluster.new_database()
    try:
        db = open_database(url, password="geheim-123")  # (the test cluster trusts every login)
        server_backup.take_backup(db, "manual")
        assert seen["env"]["PGPASSWORD"] == "geheim-123"
        assert not any("geheim" in part for part in seen["args"])
    finally:
        close_database()
        pg_cluster.drop_database(url)
