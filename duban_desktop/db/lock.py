"""Who may open an SQLite database file: the program's own lock, and SQLite's locks checked.

DESIGN: why the database cannot be damaged by a file dialog or a second process.

SQLite keeps its locks as POSIX record locks (fcntl). On Linux and macOS, closing *any*
descriptor of a file drops every such lock the process holds on it (SQLite's "How To
Corrupt An SQLite Database File", 2.2). Qt's file dialog sniffs the type of each file in the
folder it shows by opening it; when that folder holds the live database, the window silently
loses its locks, and a second process that opens the file then believes it is alone: it
rebuilds the WAL index and, when it closes, checkpoints and deletes the window's WAL.

Two rules make that impossible, each on its own:

1. Nothing in the window's process opens the live files by another descriptor. The window's
   file dialogs name file types by their names only (ui/dialogs/file_dialogs.py: an icon provider
   that never reads a file, and Qt's own dialog instead of a platform one that would sniff in
   this process); a file the user picks is refused when it is one of the live files
   (``is_live_file``), before anything opens it.
2. A second process never opens the file while it is unlocked. The program's own lock file
   (``<database>.lock``) is held with ``flock`` by the
   window and by every writing command for as long as they have the database open. ``flock``
   belongs to the open file description, so unlike SQLite's fcntl locks it survives another
   descriptor of the same file being closed. A writing command refuses while someone else
   holds it; a reading command opens the database read-only, and only after checking that the
   holder still has SQLite's lock on the WAL index (``sqlite_lock_alive``, an open file
   description lock test, which sees the holder's fcntl locks). If the holder has lost it, the
   reading command refuses instead of touching the file.

On Windows, SQLite's locks belong to the handle and are not lost this way; the program's lock
file still keeps writing commands out while a window is open.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import struct
import sys
from pathlib import Path
from typing import NamedTuple

from .errors import DatabaseError

ROLE_LABELS = {
    "window": "督办 Desktop 窗口",
    "import": "命令行导入（import）",
    "demo": "命令行生成示例数据（demo）",
    "restore": "命令行从备份恢复（check --restore）",
}

# SQLite's unix VFS: every connection holds a shared lock on this byte of the -shm file
# for as long as it uses the WAL index (UNIX_SHM_DMS = (22 + 8) * 4 + 8).
_SHM_DMS_BYTE = 128


class Holder(NamedTuple):
    role: str
    pid: int
    host: str
    since: str

    @property
    def label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def describe(self) -> str:
        import socket

        when = self.since[11:16] if len(self.since) >= 16 else self.since
        where = "" if self.host == socket.gethostname() else f"，在计算机“{self.host}”上"
        return f"{self.label}（进程 {self.pid}{where}，{when} 起）"


class DatabaseInUseError(DatabaseError):
    """Another window or command holds the program's lock on this database."""

    def __init__(self, path: Path, holder: Holder | None, doing: str | None):
        who = holder.describe() if holder else "另一个督办 Desktop 窗口或命令"
        if doing is None:  # a second window
            text = f"{who}正在使用数据库“{path}”。同一时间只能在一处修改它。"
        else:
            wait = "请先关闭那个窗口" if holder is None or holder.role == "window" else "请等那个命令结束"
            text = f"{who}正在使用数据库“{path}”，所以现在不能{doing}。{wait}后再试；数据库没有改动。"
        super().__init__(text)
        self.path = path
        self.holder = holder


class LockLostError(DatabaseError):
    """The holder of the program's lock no longer holds SQLite's own lock."""

    def __init__(self, path: Path, holder: Holder | None):
        who = holder.describe() if holder else "另一个督办 Desktop 窗口"
        super().__init__(
            f"{who}打开着数据库“{path}”，但它在数据库文件上的锁已经失效。为保护它尚未写完的数据，"
            "本次没有打开数据库。请在那个窗口中关闭程序（数据会正常保存），然后再试。")
        self.path = path


def lock_path(db_path: Path) -> Path:
    return Path(db_path).with_name(Path(db_path).name + ".lock")


def _holder_path(db_path: Path) -> Path:
    return Path(db_path).with_name(Path(db_path).name + ".lock-holder")


def live_files(db_path: Path) -> list[Path]:
    """The files SQLite and the program keep open while the database is in use."""
    db_path = Path(db_path)
    return [db_path, *(db_path.with_name(db_path.name + s) for s in ("-wal", "-shm", "-journal")),
            lock_path(db_path), _holder_path(db_path)]


def is_live_file(candidate: Path | str, db_path: Path | None) -> bool:
    """True when ``candidate`` is the open database or one of its companion files."""
    if db_path is None:
        return False
    candidate = Path(candidate)
    for live in live_files(db_path):
        try:
            if candidate.resolve() == live.resolve() or (live.exists() and candidate.exists()
                                                          and os.path.samefile(candidate, live)):
                return True
        except OSError:
            continue
    return False


def _lock_fd(fd: int) -> None:
    """Lock the open lock file without waiting; OSError when another process holds it."""
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


_HELD_ERRNOS = {errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK, getattr(errno, "EDEADLOCK", errno.EDEADLK)}
_NO_LOCKS_HERE = {errno.ENOLCK, errno.ENOSYS, errno.EOPNOTSUPP}


class ProgramLock:
    """The program's lock on one database file, held for as long as it is in use.

    Written here on ``flock`` (``msvcrt.locking`` on Windows) rather than through a locking
    library: the one we tried (filelock) costs 23 ms of imports on the window's start path,
    6% of the start, whose goal is 2.0x a bare window. The descriptor is not inherited by
    child processes (Python's default), so a program started from the window cannot keep
    the lock after the window has gone."""

    def __init__(self, db_path: Path, role: str):
        self.db_path = Path(db_path)
        self.role = role
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_acquire(self, announce: bool = True) -> bool:
        """Take the lock if it is free (and, if ``announce``, write down who holds it);
        False when another process holds it."""
        if self._fd is not None:
            return True
        try:
            fd = os.open(lock_path(self.db_path), os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC):
                return True  # a read-only folder or a full disk: nobody can write there either
            raise
        try:
            _lock_fd(fd)
        except OSError as exc:
            os.close(fd)
            if exc.errno in _HELD_ERRNOS:
                return False
            if exc.errno in _NO_LOCKS_HERE:
                return True  # a file system without locks (some network shares): SQLite's own rule
            raise
        self._fd = fd
        if announce:
            self._write_holder()
        return True

    def _write_holder(self) -> None:
        import json  # socket and json only here: not on the window's start path for nothing
        import socket

        info = {"role": self.role, "pid": os.getpid(), "host": socket.gethostname(),
                "since": dt.datetime.now().isoformat(timespec="seconds")}
        target = _holder_path(self.db_path)
        tmp = target.with_name(target.name + f".{os.getpid()}")
        try:
            tmp.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, target)
        except OSError:  # a full disk: the lock holds all the same, only its note is missing
            with contextlib.suppress(OSError):
                tmp.unlink()

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            _holder_path(self.db_path).unlink()
        fd, self._fd = self._fd, None
        if sys.platform == "win32":
            import msvcrt

            with contextlib.suppress(OSError):
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        os.close(fd)  # closing the descriptor drops its flock


def holder(db_path: Path) -> Holder | None:
    """Who holds the program's lock, as it wrote itself down (None if unknown)."""
    import json

    try:
        info = json.loads(_holder_path(db_path).read_text(encoding="utf-8"))
        return Holder(str(info["role"]), int(info["pid"]), str(info["host"]), str(info["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _flock_struct() -> tuple[str, int] | None:
    """The layout of ``struct flock`` and the lock-test command, where we know them."""
    import fcntl

    if sys.platform.startswith("linux") and hasattr(fcntl, "F_OFD_GETLK"):
        return "hhqqi4x", fcntl.F_OFD_GETLK  # l_type, l_whence, l_start, l_len, l_pid
    if sys.platform == "darwin":
        return "qqihh", fcntl.F_GETLK  # l_start, l_len, l_pid, l_type, l_whence
    return None


def sqlite_lock_alive(db_path: Path) -> bool | None:
    """Whether some connection still holds SQLite's lock on the WAL index of ``db_path``.

    None when this platform cannot tell (Windows, where the locks cannot be lost this way)
    or there is no WAL index. The test opens a description of its own and takes no lock.
    Never call it in a process that has the database open: closing the descriptor it opens
    would drop that process's own locks, the very thing it looks for."""
    if sys.platform == "win32":
        return None
    layout = _flock_struct()
    shm = Path(db_path).with_name(Path(db_path).name + "-shm")
    if layout is None or not shm.exists():
        return None
    import fcntl

    fmt, command = layout
    try:
        fd = os.open(shm, os.O_RDONLY)
    except OSError:
        return None
    try:
        if fmt.startswith("hh"):
            query = struct.pack(fmt, fcntl.F_WRLCK, os.SEEK_SET, _SHM_DMS_BYTE, 1, 0)
            kind = struct.unpack(fmt, fcntl.fcntl(fd, command, query))[0]
        else:
            query = struct.pack(fmt, _SHM_DMS_BYTE, 1, 0, fcntl.F_WRLCK, os.SEEK_SET)
            kind = struct.unpack(fmt, fcntl.fcntl(fd, command, query))[3]
    except OSError:
        return None
    finally:
        os.close(fd)
    return kind != fcntl.F_UNLCK
