"""Consistent copies of an SQLite database: daily, before migrations, by hand; restore.

Copies use SQLite's online backup API through their own connection, so they are
consistent even while the program has the database open and writes to it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
from pathlib import Path
from typing import NamedTuple

from .errors import DatabaseError, NotADatabaseError

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


def copy_database(src: Path, dest: Path) -> Path:
    """Write a consistent copy of ``src`` to ``dest`` (atomically: temp file, rename)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    source = _connect_ro(src)
    try:
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    except sqlite3.DatabaseError as exc:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise DatabaseError(f"无法备份数据库“{src}”到“{dest}”:{exc}") from exc
    finally:
        source.close()
    os.replace(tmp, dest)
    return dest


def take_backup(db_path: Path, kind: str, now: dt.datetime | None = None) -> Path:
    db_path = Path(db_path)
    now = now or dt.datetime.now()
    name = f"{db_path.stem}-{kind}-{now:%Y%m%d-%H%M%S}.sqlite"
    return copy_database(db_path, backup_dir_for(db_path) / name)


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


def daily_backup(db_path: Path, now: dt.datetime | None = None, keep: int = KEEP_DAILY) -> Path | None:
    """Take today's backup unless one exists; keep the newest ``keep`` daily ones."""
    now = now or dt.datetime.now()
    daily = [b for b in list_backups(db_path) if b.kind == "daily"]
    made = None
    if not any(b.taken_at.date() == now.date() for b in daily):
        made = take_backup(db_path, "daily", now)
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


def restore_backup(db_path: Path, backup: Path) -> Path:
    """Replace the database at ``db_path`` with ``backup``.

    The database must be closed by the caller. The current file is first copied aside
    (kind ``before-restore``); that copy's path is returned.
    """
    verify_backup(backup)
    db_path = Path(db_path)
    aside = take_backup(db_path, "before-restore") if db_path.exists() else None
    source = _connect_ro(backup)
    try:
        target = sqlite3.connect(db_path)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    return aside
