"""Opening databases: pragmas, refusals that leave files untouched, migrations."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import peewee as pw
import pytest

from duban_desktop.db import (
    DatabaseMissingError,
    MigrationError,
    NewerSchemaError,
    NotADatabaseError,
    close_database,
    database,
    migrations,
    open_database,
)
from duban_desktop.db import backup as backups
from duban_desktop.db.integrity import check_structure
from duban_desktop.db.models import ChangeLog, SupervisionItem

from ..factories import file_digest, item

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.mark.sqlite_only  # (the file's settings)
def test_new_database_has_the_pragmas_a_desktop_wants(db):
    pragma = lambda name: db.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("synchronous") == 2  # FULL
    assert pragma("busy_timeout") == 5000
    assert migrations.read_version(db) == migrations.SCHEMA_VERSION


def test_open_by_url(tmp_path):
    target = tmp_path / "by-url.sqlite"
    open_database(f"sqlite:///{target}")
    try:
        item()
    finally:
        close_database()
    assert target.exists()
    open_database(target)
    try:
        assert SupervisionItem.select().count() == 1
    finally:
        close_database()


def test_missing_file_is_not_created_when_not_asked(tmp_path):
    with pytest.raises(DatabaseMissingError, match="不存在"):
        open_database(tmp_path / "nope.sqlite", create=False)
    assert not (tmp_path / "nope.sqlite").exists()


@pytest.mark.parametrize("content", [b"hello, this is a letter", b"PK\x03\x04" + b"\x00" * 600,
                                     b"SQLite format 3\x00" + b"\xff" * 2000])
def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path, content):
    path = tmp_path / "letter.sqlite"
    path.write_bytes(content)
    with pytest.raises(NotADatabaseError, match="不是督办 Desktop 的数据库"):
        open_database(path)
    assert path.read_bytes() == content
    assert not Path(str(path) + "-wal").exists()


def test_another_programs_database_is_refused_untouched(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    digest = file_digest(path)
    with pytest.raises(NotADatabaseError):
        open_database(path)
    assert file_digest(path) == digest


def test_a_newer_database_is_refused_untouched(tmp_path):
    path = tmp_path / "newer.sqlite"
    open_database(path)
    item()
    database.execute_sql("UPDATE meta SET value='99' WHERE key='schema_version'")
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_database()
    digest, mtime = file_digest(path), path.stat().st_mtime_ns
    with pytest.raises(NewerSchemaError, match="更新版本") as err:
        open_database(path)
    assert err.value.found == 99
    assert file_digest(path) == digest and path.stat().st_mtime_ns == mtime
    assert not backups.list_backups(path)


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("schema-v*.sqlite")))
def test_every_released_schema_opens_through_the_migration_path(tmp_path, name):
    path = tmp_path / "old.sqlite"
    shutil.copy(DATA / name, path)
    open_database(path)
    try:
        assert migrations.read_version(database.obj) == migrations.SCHEMA_VERSION
        assert SupervisionItem.select().count() == 40
        assert check_structure().ok
        indexes = {i.name for t in ("supervision_item", "urge", "review") for i in database.obj.get_indexes(t)}
        assert {"supervision_item_alerts", "urge_item_latest"} <= indexes  # schema 4
        assert "review_item_verdict" in indexes  # schema 5
        assert not {"supervision_item_state_deadline", "urge_item_id", "review_item_id"} & indexes
        from duban_desktop.domain import consistency
        from duban_desktop.domain.ledger import ItemFilter, item_ids

        # the files were made by that version's demo, which wrote only each matter's
        # registration to the history: the history check (consistency.history_problems,
        # newer than the files) says so, and nothing else may be wrong after the migration
        history = set(consistency.history_problems(limit=1000))
        assert all("修改历史" in p for p in history)
        assert [p for p in consistency.problems() if p not in history] == []
        first = SupervisionItem.select().where(SupervisionItem.number.is_null(False)).first()
        assert first.id in item_ids(ItemFilter(text=first.title[:4]))  # the search index is filled
        made = item(title="升级后新登记")
        assert made.number.startswith("催字〔2026〕")
        assert item_ids(ItemFilter(text="升级后新登记")) == [made.id]
    finally:
        close_database()


def test_v1_is_migrated_to_v2_with_a_copy_aside(tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copy(DATA / "schema-v1.sqlite", path)
    open_database(path)
    close_database()
    assert [b.kind for b in backups.list_backups(path)] == ["pre-migration-v1"]


def _add_column_step(db):
    from playhouse.migrate import SchemaMigrator, migrate

    columns = {c.name for c in db.get_columns("unit")}
    if "fax" not in columns:
        migrate(SchemaMigrator.from_database(db).add_column("unit", "fax", pw.CharField(default="")))


def test_older_database_is_copied_aside_then_migrated_step_by_step(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite"
    shutil.copy(DATA / "schema-v1.sqlite", path)
    future = migrations.SCHEMA_VERSION + 1
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", future)
    monkeypatch.setitem(migrations.STEPS, future, _add_column_step)
    open_database(path)
    try:
        assert migrations.read_version(database.obj) == future
        assert "fax" in {c.name for c in database.get_columns("unit")}
        # safe to re-run: running the step again changes nothing and does not fail
        migrations.migrate(database.obj, 1)
    finally:
        close_database()
    aside = backups.list_backups(path)
    assert [b.kind for b in aside] == ["pre-migration-v1"]
    conn = sqlite3.connect(aside[0].path)
    assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("1",)
    conn.close()
    conn.close()


def test_a_failing_step_leaves_the_version_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite"
    shutil.copy(DATA / "schema-v1.sqlite", path)

    def broken(db):
        db.execute_sql("CREATE TABLE half_done (id INTEGER)")
        raise pw.OperationalError("step failed")

    monkeypatch.setitem(migrations.STEPS, 2, broken)
    with pytest.raises(MigrationError, match="升级失败"):
        open_database(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("1",)
    assert "half_done" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()


def test_history_is_append_only(db, backend):
    item()
    before = [(r.id, r.note) for r in ChangeLog.select()]
    # (SQLite's RAISE(ABORT) is an IntegrityError; the server's guard refuses as a lack of privilege)
    refused = pw.IntegrityError if backend == "sqlite" else pw.ProgrammingError
    writes = [lambda: ChangeLog.update(note="changed").execute(), lambda: ChangeLog.delete().execute()]
    if backend == "postgresql":
        writes.append(lambda: db.execute_sql("TRUNCATE change_log"))
    for write in writes:
        with pytest.raises(refused, match="append-only"), db.atomic():
            write()
    assert [(r.id, r.note) for r in ChangeLog.select()] == before


def test_read_only_open_refuses_writes(db_path):
    open_database(db_path)
    item()
    close_database()
    open_database(db_path, read_only=True)
    try:
        assert SupervisionItem.select().count() == 1
        with pytest.raises(pw.OperationalError, match="readonly"):
            item(title="写不进去")
    finally:
        close_database()
