"""Opening a database: by file path or URL, checked, migrated, bound to the models.

Order (DESIGN.md): probe the file read-only -> refuse what is not ours or newer ->
copy aside and migrate what is older -> bind. A ``postgresql://`` URL opens the shared
server of an office with several desks (db/server.py) the same way: refuse, back up,
migrate (under an advisory lock), bind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlparse

import peewee as pw

from . import backup as backups
from . import lock, migrations
from .errors import (
    DamagedDatabaseError,
    DatabaseBusyError,
    DatabaseError,
    DatabaseMissingError,
    EmptyDatabaseFileError,
    MigrationError,
    NewerSchemaError,
    NotADatabaseError,
    RecordBusyError,
    classify,
)
from .integrity import reinstall_missing_triggers
from .migrations import create_current, migrate, read_version
from .models import database

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    # FULL: an office PC loses power now and then; one fsync per user action is cheap.
    "synchronous": "full",
    "busy_timeout": 5000,  # BUSY_TIMEOUT_MS
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


def _unreadable(path: Path, detail: str) -> DatabaseError:
    """A file SQLite cannot read: damaged when it was ours (the program has backups of it),
    else not a database of ours (which may be damaged too, but with nothing to restore)."""
    if backups.list_backups(path):
        return DamagedDatabaseError(path, detail)
    return NotADatabaseError(path, detail)


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
        found = classify(exc, path)
        if found is None or isinstance(found, DamagedDatabaseError):
            raise _unreadable(path, str(exc)) from exc
        raise found from exc
    try:
        return int(row[0])
    except (TypeError, ValueError):
        raise NotADatabaseError(path, "no schema version") from None


# The program's lock on the open file (db/lock.py), held until close_database().
_held: lock.ProgramLock | None = None


def _claim(path: Path, role: str | None, read_only: bool) -> bool:
    """Take or check the program's lock before SQLite touches the file; True when the
    database must be opened read-only because another window or command holds it."""
    global _held
    if _held is not None and _held.db_path == path and _held.held:
        return False  # restoring from the window: the lock was kept across the reopen
    release_held()
    reader = role is None or read_only
    claim = lock.ProgramLock(path, role or "read")
    if claim.try_acquire(announce=not reader):
        if reader:
            claim.release()  # a reader only checks; it never keeps others out
        else:
            _held = claim
        return False
    holder = lock.holder(path)
    if role is not None and not read_only:
        raise lock.DatabaseInUseError(path, holder, _DOING.get(role, "修改它"))
    if lock.sqlite_lock_alive(path) is False:
        # Another reader may be holding the lock for the instant of its own check (it
        # releases it at once): only a lock still held a moment later has really lapsed.
        for _ in range(10):
            time.sleep(0.05)
            if claim.try_acquire(announce=False):
                claim.release()
                return False
        raise lock.LockLostError(path, holder)
    return True


# what a refused role would have done, for its message (None: a second window, told apart)
_DOING = {"window": None, "import": "导入", "demo": "生成示例数据", "restore": "从备份恢复"}


def release_held() -> None:
    global _held
    if _held is not None:
        _held.release()
        _held = None


def restore_database(path: Path, backup: Path) -> Path | None:
    """Put ``backup`` in place of the database at ``path`` (closed), holding the program's
    lock meanwhile: refused while another window or command uses it. A damaged database is
    restored too; it is first set aside byte for byte. Returns that copy's path."""
    path = Path(path)
    if _held is not None and _held.held and _held.db_path == path:
        return backups.restore_backup(path, backup)  # the window's own restore
    claim = lock.ProgramLock(path, "restore")
    if not claim.try_acquire():
        raise lock.DatabaseInUseError(path, lock.holder(path), "从备份恢复")
    try:
        return backups.restore_backup(path, backup)
    finally:
        claim.release()


def open_database(target: str | Path, *, create: bool = True, read_only: bool = False,
                  role: str | None = None, replace_empty: bool = False,
                  password: str | None = None) -> pw.Database:
    """Open, check and migrate the database; bind it to the models and return it.

    ``create``: a missing file (in a folder that exists, or the data folder) becomes a new
    database. ``replace_empty``: so does a 0-byte file (demo, "新建数据库"); otherwise a 0-byte
    file is refused, never silently made a new database. ``role`` ("window", "import",
    "demo", "restore") takes the program's lock for the whole use (db/lock.py) and refuses
    while another holds it; without a role the database is read, and opened read-only while
    another window or command holds it."""
    path = sqlite_target(target)
    if path is None:
        return _open_server(str(target), password)
    if path.is_dir():
        raise NotADatabaseError(path, "is a directory")
    if not path.exists():
        if not create or read_only:
            raise DatabaseMissingError(path, "" if path.parent.is_dir() else "folder")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise classify(exc, path) or DatabaseMissingError(path, "folder") from exc
    elif path.stat().st_size == 0 and not replace_empty:
        raise EmptyDatabaseFileError(path, len(backups.list_backups(path)))
    read_only = _claim(path, role, read_only) or read_only
    try:
        return _open_sqlite(path, read_only)
    except BaseException:
        release_held()
        raise


def _open_sqlite(path: Path, read_only: bool) -> pw.Database:
    version = _probe(path) if path.exists() else 0
    if version > migrations.SCHEMA_VERSION:
        raise NewerSchemaError(path, version, migrations.SCHEMA_VERSION)
    if read_only and version < migrations.SCHEMA_VERSION:
        raise DatabaseError(f"数据库“{path}”需要升级，不能以只读方式打开。请关闭正在使用它的窗口或命令后再试。")

    if read_only:
        db = pw.SqliteDatabase(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               pragmas={"foreign_keys": 1, "busy_timeout": BUSY_TIMEOUT_MS})
    else:
        db = pw.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        if not read_only:
            _bring_to_current(db, version, path)
            reinstalled = reinstall_missing_triggers(db)
            if reinstalled:
                log.warning("reinstalled missing or altered triggers in %s: %s", path, "、".join(reinstalled))
    except DatabaseError:
        db.close()
        raise
    except (sqlite3.DatabaseError, pw.DatabaseError, OSError) as exc:
        db.close()
        found = classify(exc, path)
        if found is None or isinstance(found, DamagedDatabaseError):
            raise _unreadable(path, str(exc)) from exc
        raise found from exc
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


def _open_server(url: str, password: str | None = None) -> pw.Database:
    """Open the register on a PostgreSQL server: create its schema in an empty database,
    refuse one that holds something else or is newer than this program, migrate an older
    one (after a backup; one desk at a time, under an advisory lock)."""
    from . import server

    address, in_url = server.ServerAddress.from_url(url)
    password = password or in_url or _stored_password(address)
    db = server.connect(address, password)
    database.initialize(db)
    where = address.display()
    try:
        with server.migration_lock(db):
            version = read_version(db)
            if version is None:
                raise DatabaseError(f"数据库“{where}”中已有其他程序的表，程序没有改动它。"
                                    "请为督办台账另建一个空数据库（README 中有说明）。")
            if version > migrations.SCHEMA_VERSION:
                raise NewerSchemaError(where, version, migrations.SCHEMA_VERSION)
            if 0 < version < migrations.SCHEMA_VERSION:
                from . import server_backup

                aside = server_backup.take_backup(db, f"pre-migration-v{version}")
                log.info("copied %s aside to %s before migrating", where, aside)
            _bring_to_current(db, version, None)
    except pw.DatabaseError as exc:
        db.close()
        raise server.classify_server(exc, where) or DatabaseError(
            f"打开数据库服务器上的“{where}”失败：{server.strip_password(str(exc))}") from exc
    except BaseException:
        db.close()
        raise
    return db


def _stored_password(address) -> str | None:
    from ..system import credentials

    return credentials.get_password(address.display())


def is_server() -> bool:
    """True when the open database is a shared server (PostgreSQL)."""
    return isinstance(database.obj, pw.PostgresqlDatabase)


def describe_open() -> str:
    """The open database for the status bar and the About box: its file, or the server's
    用户@主机:端口/数据库 (never a password)."""
    db = database.obj
    address = getattr(db, "address", None)
    if address is not None:
        return address.display()
    path = current_path()
    return str(path) if path is not None else ""


def current_path() -> Path | None:
    """The file of the open SQLite database, or None."""
    db = database.obj
    if isinstance(db, pw.SqliteDatabase):
        name = db.database
        if name.startswith("file:"):
            return Path(unquote(urlparse(name.split("?")[0]).path))
        return Path(name)
    return None


# Waiting for the write lock: SQLite is asked to wait BUSY_STEP_MS at a time, and between
# the steps the thread's waiter (the window's: a status line and repaints) is called, until
# BUSY_LIMIT_S. Without a waiter the thread just waits (a worker, the command line).
BUSY_STEP_MS = 250
BUSY_LIMIT_S = 120.0
_waiters: dict[int, Callable[[float], None]] = {}


def set_busy_waiter(waiter: Callable[[float], None] | None) -> None:
    """Call ``waiter(seconds_waited)`` on this thread while a write waits for the lock."""
    if waiter is None:
        _waiters.pop(threading.get_ident(), None)
    else:
        _waiters[threading.get_ident()] = waiter


def _is_busy(exc: BaseException) -> bool:
    return isinstance(classify(exc), DatabaseBusyError)


def _begin_immediate(db: pw.SqliteDatabase):
    waiter = _waiters.get(threading.get_ident())
    started = time.monotonic()
    db.execute_sql(f"PRAGMA busy_timeout = {BUSY_STEP_MS}")
    try:
        while True:
            txn = db.atomic("IMMEDIATE")
            try:
                txn.__enter__()
                return txn
            except (pw.OperationalError, sqlite3.OperationalError) as exc:
                waited = time.monotonic() - started
                if not _is_busy(exc):
                    raise
                if waited >= BUSY_LIMIT_S:
                    raise DatabaseBusyError(current_path(), waited) from exc
                log.info("waiting for the write lock (%.1f s)", waited)
                if waiter is not None:
                    waiter(waited)
    finally:
        db.execute_sql(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if waiter is not None:
            waiter(-1.0)  # done waiting


@contextlib.contextmanager
def write_transaction():
    """A transaction that takes the write lock at once (one writer at a time), waiting for
    it as long as another writer works (up to BUSY_LIMIT_S) instead of failing after five
    seconds."""
    db = database.obj
    if db.in_transaction():
        with db.atomic():
            yield
        return
    _clock.now = None
    try:
        if isinstance(db, pw.SqliteDatabase):
            with contextlib.ExitStack() as stack:
                stack.push(_begin_immediate(db).__exit__)
                yield
        else:
            with _server_failures(db), db.atomic():
                # a step waits for another desk's lock a quarter second at a time (lock_row),
                # showing it; the server's own limit for all other waits is 120 s
                db.execute_sql(f"SET LOCAL lock_timeout = '{BUSY_STEP_MS}ms'")
                yield
    finally:
        _clock.now = None


@contextlib.contextmanager
def _server_failures(db: pw.Database):
    """A write on the server that fails for the server's reasons (the connection lost, a
    deadlock, no permission) becomes that error, in Chinese; the server has rolled the
    whole transaction back. A lost connection is closed, so the next use connects anew
    (peewee connects on first use) once the server is back."""
    from .server import ConnectionLostError, ServerUnreachableError, classify_server

    try:
        yield
    except (pw.DatabaseError, pw.InterfaceError) as exc:
        found = classify_server(exc, describe_open())
        if found is None:
            raise
        if isinstance(found, (ConnectionLostError, ServerUnreachableError)):
            with contextlib.suppress(Exception):
                db.close()
        raise found from exc


_clock = threading.local()


def server_now() -> dt.datetime:
    """Now, by the database's clock (the server's, so every desk's history is in one
    time; SQLite's is this PC's), to the second. Inside a write transaction it is read
    once and stays the same for all its rows (PostgreSQL: the transaction's start)."""
    db = database.obj
    if not isinstance(db, pw.PostgresqlDatabase):
        return dt.datetime.now().replace(microsecond=0)
    cached = getattr(_clock, "now", None)
    if cached is not None and db.in_transaction():
        return cached
    now = db.execute_sql("SELECT LOCALTIMESTAMP(0)").fetchone()[0]
    if db.in_transaction():
        _clock.now = now
    return now


def lock_row(query: pw.ModelSelect):
    """The one row ``query`` selects, locked until the write transaction ends (None if
    there is none). On PostgreSQL ``SELECT ... FOR UPDATE``: another desk changing the
    same record waits here, BUSY_STEP_MS at a time with the thread's waiter told (the
    window's status line), up to BUSY_LIMIT_S. On SQLite the write transaction already
    holds the file's write lock, so the row is just read."""
    db = database.obj
    if not isinstance(db, pw.PostgresqlDatabase):
        return query.get_or_none()
    waiter = _waiters.get(threading.get_ident())
    started = time.monotonic()
    waited = 0.0
    try:
        while True:
            try:
                with db.atomic():  # a savepoint: a lock timeout undoes only this
                    return query.for_update().get_or_none()
            except pw.OperationalError as exc:
                if not isinstance(classify_lock(exc), DatabaseBusyError):
                    raise
                waited = time.monotonic() - started
                if waited >= BUSY_LIMIT_S:
                    raise RecordBusyError(describe_open(), waited) from exc
                log.info("waiting for another desk's lock (%.1f s)", waited)
                if waiter is not None:
                    waiter(waited)
    finally:
        if waited and waiter is not None:
            waiter(-1.0)


def classify_lock(exc: BaseException):
    from .server import classify_server

    return classify_server(exc, describe_open())


def close_database(*, keep_lock: bool = False) -> None:
    """Close the database and, unless ``keep_lock`` (a restore that reopens it), give up the
    program's lock on it."""
    db = database.obj
    try:
        if db is not None and not db.is_closed():
            db.close()
    finally:
        if not keep_lock:
            release_held()
