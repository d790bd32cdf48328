"""Opening a database: by file path or URL, checked, migrated, bound to the models.

Order (DESIGN.md): probe the file read-only -> refuse what is not ours or newer ->
copy aside and migrate what is older -> bind. Only SQLite is tested today; the URL
form (``postgresql://...``) goes through ``playhouse.db_url`` for a shared server later.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from urllib.parse import unquote, urlparse

import peewee as pw

from . import backup as backups
from . import migrations
from .errors import (
    DatabaseError,
    DatabaseMissingError,
    MigrationError,
    NewerSchemaError,
    NotADatabaseError,
)
from .migrations import create_current, migrate, read_version
from .models import database

log = logging.getLogger(__name__)

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    # FULL: an office PC loses power now and then; one fsync per user action is cheap.
    "synchronous": "full",
    "busy_timeout": 5000,
    "cache_size": -32000,
    "temp_store": "memory",
}


def sqlite_target(target: str | Path) -> Path | None:
    """The file path if ``target`` names an SQLite database, else None."""
    text = str(target)
    if "://" not in text:
        return Path(text).expanduser()
    url = urlparse(text)
    if url.scheme in ("sqlite", "sqlite3"):
        return Path(unquote(url.netloc + url.path)).expanduser()
    return None


def _probe(path: Path) -> int:
    """Read the schema version without writing anything; 0 for a new/empty file."""
    if path.stat().st_size == 0:
        return 0
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables:
                return 0
            if "meta" not in tables:
                raise NotADatabaseError(path, "no meta table")
            row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise NotADatabaseError(path, str(exc)) from exc
    try:
        return int(row[0])
    except (TypeError, ValueError):
        raise NotADatabaseError(path, "no schema version") from None


def open_database(target: str | Path, *, create: bool = True, read_only: bool = False) -> pw.Database:
    """Open, check and migrate the database; bind it to the models and return it."""
    path = sqlite_target(target)
    if path is None:
        return _open_server(str(target))
    if not path.exists():
        if not create or read_only:
            raise DatabaseMissingError(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        version = 0
    elif path.is_dir():
        raise NotADatabaseError(path, "is a directory")
    else:
        version = _probe(path)
    if version > migrations.SCHEMA_VERSION:
        raise NewerSchemaError(path, version, migrations.SCHEMA_VERSION)
    if read_only and version < migrations.SCHEMA_VERSION:
        raise DatabaseError(f"数据库“{path}”需要升级,不能以只读方式打开。请关闭另一个程序后再试。")

    if read_only:
        db = pw.SqliteDatabase(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               pragmas={"foreign_keys": 1, "busy_timeout": 5000})
    else:
        db = pw.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        if not read_only:
            _bring_to_current(db, version, path)
    except DatabaseError:
        db.close()
        raise
    except sqlite3.DatabaseError as exc:
        db.close()
        raise NotADatabaseError(path, str(exc)) from exc
    except pw.DatabaseError as exc:
        db.close()
        raise NotADatabaseError(path, str(exc)) from exc
    return db


def _bring_to_current(db: pw.Database, version: int, path: Path | None) -> None:
    if version == 0:
        create_current(db)
        log.info("created database %s at schema %d", path, migrations.SCHEMA_VERSION)
    elif version < migrations.SCHEMA_VERSION:
        aside = None
        if path is not None:
            aside = backups.take_backup(path, f"pre-migration-v{version}")
            log.info("copied %s aside to %s before migrating", path, aside)
        try:
            applied = migrate(db, version)
        except (pw.DatabaseError, sqlite3.DatabaseError) as exc:
            log.exception("migration of %s from version %d failed", path, version)
            raise MigrationError(path or "", version, aside, str(exc)) from exc
        log.info("migrated %s through versions %s", path, applied)


def _open_server(url: str) -> pw.Database:
    # playhouse.db_url imports every server's extension: only when a URL is given
    from playhouse.db_url import connect as connect_url

    try:
        db = connect_url(url)
    except (RuntimeError, ValueError, ImportError) as exc:
        raise DatabaseError(f"无法识别数据库地址“{url}”:{exc}") from exc
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        version = read_version(db)
    except pw.DatabaseError as exc:
        raise DatabaseError(f"无法连接数据库“{url}”:{exc}") from exc
    if version is None:
        raise DatabaseError(f"数据库“{url}”中已有其他程序的数据,程序没有改动它。")
    if version > migrations.SCHEMA_VERSION:
        raise NewerSchemaError(url, version, migrations.SCHEMA_VERSION)
    _bring_to_current(db, version, None)
    return db


def current_path() -> Path | None:
    """The file of the open SQLite database, or None."""
    db = database.obj
    if isinstance(db, pw.SqliteDatabase):
        name = db.database
        if name.startswith("file:"):
            return Path(unquote(urlparse(name.split("?")[0]).path))
        return Path(name)
    return None


def write_transaction():
    """A transaction that takes the write lock at once (one writer at a time)."""
    db = database.obj
    if isinstance(db, pw.SqliteDatabase):
        return db.atomic("IMMEDIATE")
    return db.atomic()


def close_database() -> None:
    db = database.obj
    if db is not None and not db.is_closed():
        db.close()
