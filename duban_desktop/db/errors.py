"""Errors raised while opening or checking a database.

Every message is Chinese and tells the user what to do; callers show ``str(error)``.
"""

from __future__ import annotations

import sqlite3

import peewee as pw


class DatabaseError(Exception):
    """A database cannot be used as asked. ``str()`` is the user-facing message."""


class DatabaseMissingError(DatabaseError):
    def __init__(self, path):
        super().__init__(f"数据库文件不存在:{path}。请检查路径,或先用 demo 命令或程序窗口新建数据库。")
        self.path = path


class NotADatabaseError(DatabaseError):
    def __init__(self, path, detail: str = ""):
        super().__init__(
            f"文件“{path}”不是督办 Desktop 的数据库(或已损坏),程序没有改动它。"
            "请选择正确的数据库文件,或从备份恢复。"
        )
        self.path = path
        self.detail = detail


class DamagedDatabaseError(DatabaseError):
    def __init__(self, path, detail: str = ""):
        super().__init__(
            f"数据库“{path}”已损坏(完整性检查未通过:{detail})。请从备份恢复。"
        )
        self.path = path
        self.detail = detail


class NewerSchemaError(DatabaseError):
    def __init__(self, path, found: int, supported: int):
        super().__init__(
            f"数据库“{path}”由更新版本的督办 Desktop 创建(数据结构版本 {found},"
            f"本程序支持到 {supported})。为保护数据,程序没有改动它。请安装新版本后再打开。"
        )
        self.path = path
        self.found = found
        self.supported = supported


class MigrationError(DatabaseError):
    def __init__(self, path, version: int, aside, detail: str = ""):
        where = f"升级前的副本保存在“{aside}”。" if aside else ""
        super().__init__(
            f"数据库“{path}”从版本 {version} 升级失败({detail}),数据库保持原样。{where}"
            "请把日志文件发给技术支持。"
        )
        self.path = path
        self.detail = detail


def is_storage_failure(exc: BaseException) -> bool:
    """True for an error raised by the database itself (a damaged file, a full disk)."""
    return isinstance(exc, (pw.DatabaseError, sqlite3.DatabaseError)) and not isinstance(exc, DatabaseError)
