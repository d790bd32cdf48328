"""Writing files safely: atomically (temp file, then rename), with safe names.

A failed or interrupted export never leaves half a file and never spoils an existing
one; a place that cannot be written gives a clear Chinese message.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from collections.abc import Callable
from pathlib import Path

from ..db import current_path
from ..db.lock import is_live_file
from ..domain.errors import DomainError
from ..system import cancel
from ..system.oserrors import describe

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}


class FileError(DomainError):
    """A file could not be read or written; the message says which and why."""


class Cancelled(FileError, cancel.Cancelled):
    """The user cancelled a long export or import; nothing was written (the one
    ``Cancelled`` of duban_desktop/cancel.py, and a FileError)."""


def safe_filename(name: str, max_len: int = 120) -> str:
    """A file name that Windows, macOS and Linux all accept (unsafe characters -> '_')."""
    cleaned = _UNSAFE.sub("_", name).strip().rstrip(". ")
    if not cleaned:
        cleaned = "未命名"
    if cleaned.split(".")[0].upper() in _RESERVED:
        cleaned = "_" + cleaned
    if len(cleaned) > max_len:
        stem, dot, suffix = cleaned.rpartition(".")
        if dot and len(suffix) <= 8:
            cleaned = stem[: max_len - len(suffix) - 1] + "." + suffix
        else:
            cleaned = cleaned[:max_len]
    return cleaned


def refuse_live_database(path: Path | str) -> None:
    """A file the user names for an export or an import must not be one of the open
    database's files: writing over it would destroy the register, and even opening it in
    this process would drop SQLite's locks on it (db/lock.py)."""
    if is_live_file(path, current_path()):
        raise FileError(f"“{path}”是程序正在使用的数据库文件，不能用作导出或导入的文件。请换一个文件名。")


def atomic_write(dest: Path | str, write: Callable[[Path], None]) -> Path:
    """Call ``write(temp_path)``, then move the finished file onto ``dest``."""
    dest = Path(dest).expanduser()
    folder = dest.parent
    refuse_live_database(dest)
    if dest.is_dir():
        raise FileError(f"“{dest}”是一个文件夹，请给出要保存的文件名。")
    if not folder.is_dir():
        raise FileError(f"无法写入“{dest}”：文件夹“{folder}”不存在。请先创建它或换一个位置。")
    tmp = folder / f".~{uuid.uuid4().hex[:8]}.part{dest.suffix}"
    try:
        write(tmp)
        os.replace(tmp, dest)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise FileError(describe(exc, dest)) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return dest
