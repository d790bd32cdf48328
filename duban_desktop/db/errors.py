"""Errors of a database, each saying what really happened and what helps.

Every message is Chinese and names the file; callers show ``str(error)``. Only a file that
is really damaged (``DamagedDatabaseError``) mentions restoring a backup: the other errors
(busy, read-only, a full disk, missing, not ours, newer) are mended without losing the
day's work, and a restore would lose it.

``classify(exc, path)`` turns what SQLite, peewee or the operating system raised into one of
these. It reads SQLite's extended result code where Python gives it (3.11+) and the message
otherwise, and it looks along the chain of causes: peewee's rollback after SQLite has already
rolled back raises "cannot rollback - no transaction is active", which hides the first error
("database or disk is full").
"""

from __future__ import annotations

import errno
import sqlite3
import sys
from pathlib import Path

import peewee as pw

from ..system.errors import UserError

NOT_SAVED = "刚才的操作没有保存，已有的数据没有受影响。"


class DatabaseError(UserError):
    """A database cannot be used as asked. ``str()`` is the user-facing message."""


class DatabaseMissingError(DatabaseError):
    def __init__(self, path, detail: str = ""):
        folder = Path(str(path)).parent
        if detail == "folder":
            text = (f"数据库所在的文件夹“{folder}”不存在，所以没有打开“{path}”，也没有新建数据库。"
                    "请检查路径（例如 U 盘或网络盘是否已连接）。")
        else:
            text = (f"数据库文件“{path}”不存在，程序没有新建它。请检查路径；要新建数据库，请在程序窗口中"
                    "选择“新建数据库”，或用 demo 命令新建（加 --items 0 --cases 0 为空数据库）。")
        super().__init__(text)
        self.path = path


class EmptyDatabaseFileError(DatabaseError):
    def __init__(self, path, backups: int = 0):
        if backups:
            advice = f"如果它原来是办公室的数据库，说明内容已丢失：可以从备份恢复（找到 {backups} 份备份）。"
        else:
            advice = "要在这里新建数据库，请在程序窗口中选择“新建数据库”，或用 demo 命令新建（加 --items 0 --cases 0 为空数据库）。"
        super().__init__(f"数据库文件“{path}”是空的（0 字节），里面没有任何数据，程序没有改动它。{advice}")
        self.path = path


class NotADatabaseError(DatabaseError):
    def __init__(self, path, detail: str = ""):
        super().__init__(
            f"文件“{path}”不是督办 Desktop 的数据库（或已损坏，且没有它的备份），程序没有改动它。"
            "请选择正确的数据库文件。")
        self.path = path
        self.detail = detail


class DamagedDatabaseError(DatabaseError):
    def __init__(self, path, detail: str = ""):
        why = f"（{detail}）" if detail else ""
        super().__init__(
            f"数据库“{path}”已损坏{why}，程序不能读取其中的数据。"
            "请用“从备份恢复”（命令行：check --restore latest）恢复到最近一次备份；"
            "恢复前，损坏的文件会原样另存一份。")
        self.path = path
        self.detail = detail


class NewerSchemaError(DatabaseError):
    def __init__(self, path, found: int, supported: int):
        super().__init__(
            f"数据库“{path}”由更新版本的督办 Desktop 创建（数据结构版本 {found}，"
            f"本程序支持到 {supported}）。为保护数据，程序没有改动它。请安装新版本后再打开。"
        )
        self.path = path
        self.found = found
        self.supported = supported


class MigrationError(DatabaseError):
    def __init__(self, path, version: int, aside, detail: str = ""):
        where = f"升级前的副本保存在“{aside}”。" if aside else ""
        super().__init__(
            f"数据库“{path}”从版本 {version} 升级失败（{detail}），数据库保持原样。{where}"
            "请把日志文件发给技术支持。"
        )
        self.path = path
        self.detail = detail


class DatabaseBusyError(DatabaseError):
    def __init__(self, path, waited: float = 0):
        how_long = f"等待 {waited:.0f} 秒后" if waited >= 1 else ""
        super().__init__(
            f"数据库“{path}”正被另一项操作占用（例如导入台账、备份或另一个程序），{how_long}仍未结束。"
            f"{NOT_SAVED}请等那项操作完成后再试。")
        self.path = path


class RecordBusyError(DatabaseBusyError):
    """On the shared server: another desk holds the record this step changes."""

    def __init__(self, where, waited: float = 0):
        how_long = f"等待 {waited:.0f} 秒后" if waited >= 1 else ""
        DatabaseError.__init__(
            self, f"另一台电脑正在修改同一条记录（数据库“{where}”），{how_long}仍未完成。"
            f"{NOT_SAVED}请稍后再试。")
        self.path = where


class ReadOnlyFileError(DatabaseError):
    def __init__(self, path):
        super().__init__(
            f"数据库文件“{path}”是只读的，程序不能保存修改。{NOT_SAVED}"
            "请在文件属性中去掉“只读”，或请管理员给这个文件写入权限，然后重新打开程序。")
        self.path = path


class ReadOnlyFolderError(DatabaseError):
    def __init__(self, path):
        folder = Path(str(path)).parent
        super().__init__(
            f"数据库所在的文件夹“{folder}”不能写入（程序需要在数据库旁边建立日志文件），所以不能保存修改。"
            f"{NOT_SAVED}请给这个文件夹写入权限，或把数据库移到可以写入的文件夹。")
        self.path = path


class DiskFullError(DatabaseError):
    def __init__(self, path):
        super().__init__(
            f"磁盘空间不足，数据库“{path}”不能保存修改。{NOT_SAVED}请清理磁盘（例如删除不用的文件、清空回收站）后再试。")
        self.path = path


class StorageIOError(DatabaseError):
    def __init__(self, path, detail: str = ""):
        super().__init__(
            f"读写数据库“{path}”时磁盘或网络出错（{detail}）。{NOT_SAVED}"
            "请检查磁盘、U 盘或网络盘是否连接正常，然后重试；如果反复出现，请用“检查数据库”检查。")
        self.path = path


# SQLite's primary result codes (extended code & 0xff)
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26
_READONLY_DIRECTORY = _READONLY | (6 << 8)
_READONLY_CANTINIT = _READONLY | (5 << 8)
_READONLY_CANTLOCK = _READONLY | (2 << 8)
_IOERR_NOMEM = _IOERR | (12 << 8)

_BY_TEXT = (  # when Python gives no result code (3.10), or for errors peewee raises itself
    ("database or disk is full", _FULL),
    ("disk i/o error", _IOERR),
    ("database is locked", _BUSY),
    ("database table is locked", _LOCKED),
    ("readonly database", _READONLY),
    ("database disk image is malformed", _CORRUPT),
    ("file is not a database", _NOTADB),
    ("unable to open database file", _CANTOPEN),
)


def _sqlite_code(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code
    text = str(exc).lower()
    for words, value in _BY_TEXT:
        if words in text:
            return value
    return None


def _chain(exc: BaseException):
    """The error, what it wraps (peewee keeps SQLite's error as its first argument) and what
    it was raised while handling, first error first."""
    seen, stack, found = set(), [exc], []
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        found.append(e)
        stack.extend([e.__context__, e.__cause__])
        if e.args and isinstance(e.args[0], BaseException):
            stack.append(e.args[0])
    return reversed(found)


def _os_error(exc: OSError, path) -> DatabaseError | None:
    if exc.errno == errno.ENOSPC:
        return DiskFullError(path)
    if exc.errno == errno.EROFS:
        return ReadOnlyFolderError(path)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return ReadOnlyFileError(path)
    if exc.errno == errno.ENOENT:
        return DatabaseMissingError(path)
    return None


def _from_code(code: int, path, detail: str) -> DatabaseError | None:
    primary = code & 0xFF
    if primary in (_BUSY, _LOCKED):
        return DatabaseBusyError(path)
    if primary == _FULL:
        return DiskFullError(path)
    if code in (_READONLY_DIRECTORY, _READONLY_CANTINIT, _READONLY_CANTLOCK):
        return ReadOnlyFolderError(path)
    if primary == _READONLY:
        return _read_only(path)
    if primary in (_CORRUPT, _NOTADB):
        return DamagedDatabaseError(path, detail)
    if primary == _CANTOPEN:
        return _cannot_open(path)
    if primary == _IOERR and code != _IOERR_NOMEM:
        # SQLite says "disk I/O error" for some writes that failed for want of space (the
        # WAL index growing, a checkpoint): look at the disk before blaming it
        return DiskFullError(path) if _disk_nearly_full(path) else StorageIOError(path, detail)
    return None


def _disk_nearly_full(path, margin: int = 1 << 20) -> bool:
    import shutil

    if path is None:
        return False
    try:
        return shutil.disk_usage(Path(str(path)).parent).free < margin
    except OSError:
        return False


def _read_only(path) -> DatabaseError:
    """SQLite says "readonly database" for a read-only file and for a folder where it cannot
    make its WAL files: look which it is."""
    import os

    if path is None:
        return ReadOnlyFileError(path)
    target = Path(str(path))
    folder = target.parent
    if folder.is_dir() and not os.access(folder, os.W_OK):
        return ReadOnlyFolderError(path)
    if target.exists() and not os.access(target, os.W_OK):
        return ReadOnlyFileError(path)
    try:  # root passes access(): ask the file system itself
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return ReadOnlyFolderError(path)
    except (OSError, AttributeError):
        pass
    return ReadOnlyFileError(path)


def _cannot_open(path) -> DatabaseError:
    if path is None:
        return StorageIOError(path, "无法打开")
    target = Path(str(path))
    if not target.parent.is_dir():
        return DatabaseMissingError(path, "folder")
    if not target.exists():
        return DatabaseMissingError(path)
    return _read_only(path)


def classify(exc: BaseException, path=None) -> DatabaseError | None:
    """What ``exc`` (raised by SQLite, peewee or the OS around a database) really is, or None
    when it is none of the storage errors (a programming error, say)."""
    if isinstance(exc, DatabaseError):
        return exc
    if "psycopg2" in sys.modules:  # the shared server's errors (db/server.py)
        from . import server
        from .models import database

        address = getattr(database.obj, "address", None)
        found = server.classify_server(exc, address.display() if address else str(path or ""))
        if found is not None:
            return found
    for e in _chain(exc):
        if isinstance(e, DatabaseError):
            return e
        if isinstance(e, OSError):
            found = _os_error(e, path)
            if found is not None:
                return found
        if isinstance(e, (sqlite3.Error, pw.DatabaseError)):
            if "no transaction is active" in str(e):
                continue  # peewee's rollback after SQLite's own: the first error says why
            code = _sqlite_code(e)
            found = _from_code(code, path, str(e)) if code is not None else None
            if found is not None:
                return found
    return None


def is_storage_failure(exc: BaseException) -> bool:
    """True for an error raised by the database or the disk under it."""
    return classify(exc) is not None or (
        isinstance(exc, (pw.DatabaseError, sqlite3.DatabaseError)) and not isinstance(exc, DatabaseError))
