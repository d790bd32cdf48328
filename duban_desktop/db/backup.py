"""Consistent copies of an SQLite database: daily, before migrations, by hand; restore.

Copies use SQLite's online backup API through their own connection, so they are
consistent even while the program has the database open and writes to it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from ..system.cancel import Cancelled
from ..system.oserrors import describe
from .errors import (
    DamagedDatabaseError,
    DatabaseError,
    DiskFullError,
    NotADatabaseError,
    ReadOnlyFileError,
    ReadOnlyFolderError,
    classify,
)

KEEP_DAILY = 10
_NAME = re.compile(r"^(?P<stem>.+)-(?P<kind>daily|pre-migration-v\d+|before-restore|manual)-"
                   r"(?P<stamp>\d{8}-\d{6})\.sqlite$")

KIND_LABELS = {
    "daily": "每日自动备份",
    "manual": "手动备份",
    "before-restore": "恢复前备份",
}


class BackupInfo(NamedTuple):
    path: Path
    kind: str
    taken_at: dt.datetime
    size: int

    @property
    def kind_label(self) -> str:
        if self.kind.startswith("pre-migration"):
            return "升级前备份"
        return KIND_LABELS.get(self.kind, self.kind)


def backup_dir_for(db_path: Path) -> Path:
    return Path(db_path).parent / "backups"


def _connect_ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)


_ERRNO_OF = {DiskFullError: errno.ENOSPC, ReadOnlyFolderError: errno.EROFS, ReadOnlyFileError: errno.EACCES}
PART_SUFFIX = ".part"  # a copy being written; a finished one is renamed onto its name
STEP_PAGES = 2048  # pages copied between two looks at ``cancelled`` (8 MB at 4 KB a page)


class BackupCancelled(DatabaseError, Cancelled):
    """A backup stopped between two steps (the one ``Cancelled`` of duban_desktop/cancel.py,
    and a DatabaseError); its partial copy is removed."""

    def __init__(self):
        super().__init__("备份已取消，没有留下不完整的副本。")


def copy_database(src: Path, dest: Path, cancelled: Callable[[], bool] | None = None) -> Path:
    """Write a consistent copy of ``src`` to ``dest``: into ``dest.part`` first, renamed onto
    ``dest`` only when finished, and removed on any failure or when ``cancelled()`` turns
    true, so no partial copy is ever left under a backup's name (and a ``.part`` left by a
    killed process is removed by ``remove_partial_copies``)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + PART_SUFFIX)
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()

    def step(_status, _remaining, _total):
        if cancelled is not None and cancelled():
            raise BackupCancelled()

    try:
        source = _connect_ro(src)
        try:
            target = sqlite3.connect(tmp)
            try:
                source.backup(target, pages=STEP_PAGES if cancelled else -1, progress=step)
                target.execute("PRAGMA journal_mode=DELETE")
            finally:
                target.close()
        finally:
            source.close()
        os.replace(tmp, dest)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        with contextlib.suppress(OSError):
            tmp.with_name(tmp.name + "-journal").unlink()
        if isinstance(exc, DatabaseError):
            raise
        if isinstance(exc, OSError):
            raise DatabaseError(describe(exc, dest)) from exc
        if isinstance(exc, sqlite3.Error):
            found = classify(exc, src)
            if isinstance(found, (DiskFullError, ReadOnlyFolderError, ReadOnlyFileError)):
                # the source is read only: a write error is the copy's
                raise DatabaseError(describe(OSError(_ERRNO_OF[type(found)], ""), dest)) from exc
            if isinstance(found, DamagedDatabaseError):
                raise found from exc
            raise DatabaseError(f"无法备份数据库“{src}”到“{dest}”：{exc}") from exc
        raise
    return dest


def remove_partial_copies(db_path: Path) -> list[Path]:
    """Remove what a backup interrupted by a kill or a power cut left in the backup folder."""
    removed = []
    folder = backup_dir_for(db_path)
    if folder.is_dir():
        for entry in folder.iterdir():
            if entry.name.endswith((PART_SUFFIX, PART_SUFFIX + "-journal")) and \
                    entry.name.startswith(Path(db_path).stem + "-"):
                with contextlib.suppress(OSError):
                    entry.unlink()
                    removed.append(entry)
    return removed


def backup_name(db_path: Path, kind: str, now: dt.datetime) -> Path:
    return backup_dir_for(db_path) / f"{Path(db_path).stem}-{kind}-{now:%Y%m%d-%H%M%S}.sqlite"


def take_backup(db_path: Path, kind: str, now: dt.datetime | None = None,
                cancelled: Callable[[], bool] | None = None) -> Path:
    db_path = Path(db_path)
    return copy_database(db_path, backup_name(db_path, kind, now or dt.datetime.now()), cancelled)


def list_backups(db_path: Path) -> list[BackupInfo]:
    """Backups of this database, newest first."""
    db_path = Path(db_path)
    folder = backup_dir_for(db_path)
    found = []
    if folder.is_dir():
        for entry in folder.iterdir():
            m = _NAME.match(entry.name)
            if not m or m["stem"] != db_path.stem:
                continue
            taken = dt.datetime.strptime(m["stamp"], "%Y%m%d-%H%M%S")
            found.append(BackupInfo(entry, m["kind"], taken, entry.stat().st_size))
    found.sort(key=lambda b: (b.taken_at, b.path.name), reverse=True)
    return found


def daily_backup(db_path: Path, now: dt.datetime | None = None, keep: int = KEEP_DAILY,
                 cancelled: Callable[[], bool] | None = None) -> Path | None:
    """Take today's backup unless one exists; keep the newest ``keep`` daily ones. What an
    interrupted earlier backup left is removed first."""
    now = now or dt.datetime.now()
    remove_partial_copies(db_path)
    daily = [b for b in list_backups(db_path) if b.kind == "daily"]
    made = None
    if not any(b.taken_at.date() == now.date() for b in daily):
        made = take_backup(db_path, "daily", now, cancelled)
        daily = [b for b in list_backups(db_path) if b.kind == "daily"]
    for old in daily[keep:]:
        with contextlib.suppress(FileNotFoundError):
            old.path.unlink()
    return made


def verify_backup(path: Path) -> None:
    """Raise NotADatabaseError unless ``path`` is an intact SQLite database."""
    path = Path(path)
    if not path.is_file():
        raise NotADatabaseError(path, "missing")
    try:
        conn = _connect_ro(path)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise NotADatabaseError(path, str(exc)) from exc
    if rows != [("ok",)] or "meta" not in tables:
        raise NotADatabaseError(path, "integrity")


def set_aside(db_path: Path, kind: str = "before-restore", now: dt.datetime | None = None) -> Path:
    """Copy the database file and its WAL aside byte for byte, as they are: a damaged file
    cannot be read by SQLite's backup, and a restore must never depend on reading it."""
    db_path = Path(db_path)
    dest = backup_name(db_path, kind, now or dt.datetime.now())
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + PART_SUFFIX)
    try:
        shutil.copyfile(db_path, tmp)
        wal = db_path.with_name(db_path.name + "-wal")
        if wal.exists() and wal.stat().st_size:
            shutil.copyfile(wal, dest.with_name(dest.name + "-wal"))
        os.replace(tmp, dest)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise classify(exc, dest) or DatabaseError(f"无法把数据库另存到“{dest}”：{exc}") from exc
    return dest


def restore_backup(db_path: Path, backup: Path) -> Path | None:
    """Replace the database at ``db_path`` with ``backup``; works on a damaged database too.

    Nobody may have the database open (the caller holds the program's lock, db/lock.py). The
    current file and its WAL are first set aside as bytes (kind ``before-restore``); that
    copy's path is returned. The backup is copied next to the database, its stale WAL and
    WAL index are removed, and the copy is renamed onto the database."""
    verify_backup(backup)
    db_path = Path(db_path)
    aside = set_aside(db_path) if db_path.exists() else None
    tmp = db_path.with_name(db_path.name + ".restoring" + PART_SUFFIX)
    try:
        shutil.copyfile(backup, tmp)
        for suffix in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                db_path.with_name(db_path.name + suffix).unlink()
        os.replace(tmp, db_path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise classify(exc, db_path) or DatabaseError(f"无法恢复数据库“{db_path}”：{exc}") from exc
    return aside
