"""Backups of a register on the PostgreSQL server: what db/backup.py does with the file.

A backup is ``pg_dump -Fc`` of the whole database (tables, history, sequences, the
history's guard and the search's triggers) into the data folder's ``backups`` folder,
beside the file backups, named like them: ``server-<host>-<port>-<database>-<kind>-
<stamp>.dump``. It is written into ``.part`` first and renamed when finished, so a
backup's name never holds half a dump. A restore is ``pg_restore --clean --if-exists
--single-transaction``: the database is as the backup was, or (on any failure) as it
was before. The password goes to the child in its environment (PGPASSWORD), never on a
command line or in a log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import logging
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from ..system.paths import data_dir
from .backup import KEEP_DAILY, PART_SUFFIX, BackupCancelled, BackupInfo
from .errors import DatabaseError

log = logging.getLogger(__name__)

SUFFIX = ".dump"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<kind>daily|pre-migration-v\d+|before-restore|manual)-"
                   r"(?P<stamp>\d{8}-\d{6})\.dump$")
TIMEOUT_S = 3600


class ToolMissingError(DatabaseError):
    pass


def tool(name: str) -> Path:
    """PostgreSQL's ``pg_dump`` or ``pg_restore``: on PATH, else the newest of Debian's
    /usr/lib/postgresql/<version>/bin or Windows' Program Files\\PostgreSQL\\<version>\\bin
    (a dump must be made by a pg_dump at least as new as the server)."""
    exe = name + (".exe" if os.name == "nt" else "")
    patterns = [f"/usr/lib/postgresql/*/bin/{exe}", f"/usr/pgsql-*/bin/{exe}",
                os.path.join(os.environ.get("PROGRAMFILES", r"C:\Program Files"), "PostgreSQL", "*", "bin", exe)]
    found = [p for pattern in patterns for p in glob.glob(pattern)]

    def version(path: str) -> tuple:
        numbers = re.findall(r"\d+", Path(path).parent.parent.name)
        return tuple(int(n) for n in numbers) or (0,)

    if found:
        return Path(max(found, key=version))
    on_path = shutil.which(name)
    if on_path:
        return Path(on_path)
    raise ToolMissingError(
        f"找不到 PostgreSQL 的工具“{name}”，无法备份或恢复数据库服务器上的台账。请在这台电脑上安装 "
        "PostgreSQL 的客户端工具（Windows：PostgreSQL 安装程序中的“Command Line Tools”；"
        "Debian/Ubuntu：apt install postgresql-client），版本不低于服务器的版本。")


def _address(db):
    address = getattr(db, "address", None)
    if address is None:
        raise DatabaseError("这不是数据库服务器上的台账。")
    return address


def _password(db) -> str | None:
    return getattr(db, "connect_params", {}).get("password")


def stem(address) -> str:
    """The part of a backup's name that says which server database it is of."""
    raw = f"server-{address.host}-{address.port}-{address.database}"
    return re.sub(r"[^0-9A-Za-z_.\-]+", "_", raw)


def backup_dir() -> Path:
    return data_dir() / "backups"


def backup_name(address, kind: str, now: dt.datetime) -> Path:
    return backup_dir() / f"{stem(address)}-{kind}-{now:%Y%m%d-%H%M%S}{SUFFIX}"


def _env(db) -> dict[str, str]:
    address = _address(db)
    env = dict(os.environ)
    env.update({"PGHOST": address.host, "PGPORT": str(address.port), "PGUSER": address.user,
                "PGDATABASE": address.database, "PGSSLMODE": address.sslmode, "PGCONNECT_TIMEOUT": "10",
                "PGAPPNAME": "duban-desktop-backup"})
    password = _password(db)
    if password:
        env["PGPASSWORD"] = password
    return env


def _run(db, args: list[str], cancelled: Callable[[], bool] | None, what: str) -> None:
    where = _address(db).display()
    try:
        child = subprocess.Popen(args, env=_env(db), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE)
    except OSError as exc:
        raise DatabaseError(f"无法启动“{args[0]}”：{exc}") from exc
    started = time.monotonic()
    while True:
        try:
            _out, err = child.communicate(timeout=0.2)
            break
        except subprocess.TimeoutExpired:
            if (cancelled is not None and cancelled()) or time.monotonic() - started > TIMEOUT_S:
                child.kill()
                child.communicate()
                raise BackupCancelled() from None
    if child.returncode != 0:
        from .server import strip_password

        detail = strip_password(err.decode("utf-8", "replace")).strip()
        log.error("%s of %s failed (%s): %s", what, where, child.returncode, detail)
        short = detail.splitlines()[-1] if detail else f"退出码 {child.returncode}"
        raise DatabaseError(f"{what}数据库服务器上的“{where}”失败：{short}")


def dump_to(db, dest: Path, cancelled: Callable[[], bool] | None = None) -> Path:
    """``pg_dump -Fc`` of the server database ``db`` to ``dest`` (through ``dest.part``)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + PART_SUFFIX)
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    try:
        _run(db, [str(tool("pg_dump")), "-Fc", "--no-password", "-f", str(tmp)], cancelled, "备份")
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return dest


def take_backup(db, kind: str, now: dt.datetime | None = None,
                cancelled: Callable[[], bool] | None = None) -> Path:
    """A backup of the open server database ``db`` into the backups folder; its path."""
    path = dump_to(db, backup_name(_address(db), kind, now or dt.datetime.now()), cancelled)
    log.info("server backup %s", path)
    return path


def list_backups(db_or_address) -> list[BackupInfo]:
    """The backups of this server database in the backups folder, newest first."""
    address = getattr(db_or_address, "address", db_or_address)
    mine = stem(address)
    found = []
    folder = backup_dir()
    if folder.is_dir():
        for entry in folder.iterdir():
            m = _NAME.match(entry.name)
            if not m or m["stem"] != mine:
                continue
            taken = dt.datetime.strptime(m["stamp"], "%Y%m%d-%H%M%S")
            found.append(BackupInfo(entry, m["kind"], taken, entry.stat().st_size))
    found.sort(key=lambda b: (b.taken_at, b.path.name), reverse=True)
    return found


def daily_backup(db, now: dt.datetime | None = None, keep: int = KEEP_DAILY,
                 cancelled: Callable[[], bool] | None = None) -> Path | None:
    """Today's backup of the server database unless this desk has one; the newest ``keep``
    daily ones kept. (``db`` is only read for its address and password: pg_dump makes its
    own connection, so this may run on a worker thread.)"""
    now = now or dt.datetime.now()
    folder = backup_dir()
    if folder.is_dir():
        for entry in folder.glob(f"{stem(_address(db))}-*{SUFFIX}{PART_SUFFIX}"):
            with contextlib.suppress(OSError):
                entry.unlink()
    daily = [b for b in list_backups(db) if b.kind == "daily"]
    made = None
    if not any(b.taken_at.date() == now.date() for b in daily):
        made = take_backup(db, "daily", now, cancelled)
        daily = [b for b in list_backups(db) if b.kind == "daily"]
    for old in daily[keep:]:
        with contextlib.suppress(FileNotFoundError):
            old.path.unlink()
    return made


def verify_backup(path: Path) -> None:
    """Refuse what is not a pg_dump archive (custom format: it begins with PGDMP)."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            head = f.read(5)
    except OSError as exc:
        raise DatabaseError(f"无法读取备份文件“{path}”：{exc}") from exc
    if head != b"PGDMP":
        raise DatabaseError(f"“{path}”不是数据库服务器的备份（pg_dump 备份文件），没有恢复。"
                            "请选择 backups 文件夹中以 .dump 结尾的备份。")


def restore_backup(db, backup: Path) -> Path:
    """Put ``backup`` in place of the server database ``db``, in one transaction (a
    failure leaves the database as it was). The database is first backed up (kind
    ``before-restore``); that backup's path is returned. Other desks should be closed:
    the restore waits for their open steps."""
    verify_backup(backup)
    aside = take_backup(db, "before-restore")
    if not db.is_closed():
        db.close()  # (its transactions would keep the restore waiting)
    _run(db, [str(tool("pg_restore")), "--clean", "--if-exists", "--single-transaction", "--no-owner",
              "--no-password", "-d", _address(db).database, str(backup)], None, "恢复")
    return aside
