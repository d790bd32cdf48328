"""Work off the GUI thread: the one way (shaped like Anki's aqt/taskman.py).

    run_task(parent, "正在导出台账……", work, on_done=lambda result: ...)   # with a progress dialog
    run_in_background(work, on_done=..., owner=model)                     # no dialog (the search)
    Job(work, name="first-screen").start(); ...; job.wait()                # nothing delivered (the preload)

``work(progress)`` runs on a thread of its own. It calls ``progress(done, total, text)``,
which returns False once the job is cancelled (the user pressed 取消, or the window is
closing); the work then raises ``Cancelled`` (or returns early). ``progress.cancelled()``
asks the same without reporting anything (the backup's copy loop).

The worker never touches a widget. What it ends with is handed to the GUI thread through
one Qt signal (a queue of closures, as Anki's ``run_on_main``): ``on_done(result)``,
``on_error(message)`` or ``on_cancelled(message)``; progress is passed on the same way,
only the latest one when the GUI thread is behind. A refusal (DomainError,
DatabaseError, a storage failure SQLite reports) is its Chinese message as it is;
anything else is logged with its traceback and the user is told in Chinese that it went
wrong. A callback whose ``owner`` (a QObject) is gone by then is dropped.

The thread's database connection is opened one way and closed one way: peewee keeps one
connection per thread, opened at the job's start (``uses_database``) and closed when it
ends, whatever the outcome. Every running job is listed, so that closing the window can
cancel them all and wait for them (``stop_all``).

This module loads before the first paint (the preload uses it): Qt's core module only,
and nothing that names ``Qt`` (ui/qt.py) until a progress dialog is built.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot

from ..db import current_path, database
from ..db.errors import classify
from ..system.cancel import Cancelled
from ..system.errors import UserError

__all__ = ["Cancelled", "Job", "Progress", "run_in_background", "run_task", "running", "stop_all"]

log = logging.getLogger(__name__)

DONE, FAILED, CANCELLED = "done", "failed", "cancelled"
UNEXPECTED = "程序遇到意外错误，没有完成。详细信息已写入日志文件。"


class _Mailbox(QObject):
    """Runs closures posted from any thread on the thread it lives on (the GUI thread)."""

    posted = Signal()

    def __init__(self):
        super().__init__()
        self._lock = threading.Lock()
        self._closures: list[Callable[[], None]] = []
        self.posted.connect(self._deliver)  # a slot of an object on the GUI thread: queued

    def post(self, closure: Callable[[], None]) -> None:
        with self._lock:
            self._closures.append(closure)
        self.posted.emit()

    @Slot()
    def _deliver(self) -> None:
        with self._lock:
            closures, self._closures = self._closures, []
        for closure in closures:
            try:
                closure()
            except Exception:  # noqa: BLE001 - one failing callback must not drop the others
                sys.excepthook(*sys.exc_info())


_mailbox: _Mailbox | None = None


def _gui_mailbox() -> _Mailbox:
    """The mailbox, made on first use; a job that delivers anything is made on the GUI
    thread, so that is where it lives."""
    global _mailbox
    if _mailbox is None:
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("a job that delivers results must be made on the GUI thread")
        _mailbox = _Mailbox()
    return _mailbox


class Progress:
    """What the work is given: ``progress(done, total, text)`` reports and returns False
    once cancelled; ``progress.cancelled()`` only asks."""

    def __init__(self, job: Job):
        self._job = job

    def __call__(self, done: int, total: int, text: str = "") -> bool:
        self._job._report(int(done), int(total), str(text or ""))
        return not self._job.stopping.is_set()

    def cancelled(self) -> bool:
        return self._job.stopping.is_set()


_running: set[Job] = set()
_running_lock = threading.Lock()


def running() -> list[Job]:
    """The jobs started and not yet ended."""
    with _running_lock:
        return list(_running)


class Job:
    """``work(progress)`` on a thread of its own; ``start()`` starts it.

    The outcome stays on the job (``outcome``: DONE, FAILED or CANCELLED; ``result``,
    ``message``) and, for the callbacks given, is delivered on the GUI thread. ``cancel()``
    asks the work to stop, ``wait()`` waits for it, ``stop()`` does both."""

    def __init__(self, work: Callable[[Progress], Any], *, name: str = "task",
                 on_done: Callable[[Any], None] | None = None,
                 on_error: Callable[[str], None] | None = None,
                 on_cancelled: Callable[[str], None] | None = None,
                 on_progress: Callable[[int, int, str], None] | None = None,
                 on_end: Callable[[], None] | None = None,
                 owner: QObject | None = None, uses_database: bool = True):
        self.work, self.name, self.owner, self.uses_database = work, name, owner, uses_database
        self.on_done, self.on_error, self.on_cancelled = on_done, on_error, on_cancelled
        self.on_progress, self.on_end = on_progress, on_end
        delivers = any((on_done, on_error, on_cancelled, on_progress, on_end))
        self._mailbox = _gui_mailbox() if delivers else None
        self.stopping = threading.Event()
        self.ended = threading.Event()
        self.outcome: str | None = None
        self.result: Any = None
        self.message = ""
        self.expected = True  # a refusal with its own message, not a programming error
        self._latest: tuple[int, int, str] | None = None
        self._latest_lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> Job:
        with _running_lock:
            _running.add(self)
        self.thread.start()
        return self

    # --- from the GUI thread (or any)
    def cancel(self) -> None:
        self.stopping.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the work to end; True if it has."""
        if self.thread.ident is not None:
            self.thread.join(timeout)
        return not self.thread.is_alive()

    def stop(self, wait: float = 10.0) -> bool:
        """Cancel and wait (the window closing); True if the work has ended."""
        self.cancel()
        return self.wait(wait)

    # --- on the worker
    def _run(self) -> None:
        opened = database.obj if self.uses_database else None
        try:
            if opened is not None:
                opened.connect(reuse_if_open=True)  # this thread's own connection
            self.result = self.work(Progress(self))
            self.outcome = DONE
        except Cancelled as exc:
            self.outcome, self.message = CANCELLED, str(exc)
            log.info("%s cancelled", self.name)
        except Exception as exc:  # noqa: BLE001 - told to the user, logged in full when unexpected
            self.outcome, self.message = FAILED, _message(exc, self.name)
            self.expected = self.message != UNEXPECTED
        finally:
            _close_connections(opened)
            self.ended.set()
            with _running_lock:
                _running.discard(self)
        if self._mailbox is not None:
            self._mailbox.post(self._deliver)

    def _report(self, done: int, total: int, text: str) -> None:
        if self.on_progress is None or self._mailbox is None:
            return
        with self._latest_lock:
            pending, self._latest = self._latest is not None, (done, total, text)
        if not pending:  # one delivery at a time carries the latest figures
            self._mailbox.post(self._show_progress)

    # --- on the GUI thread
    def _alive(self) -> bool:
        return self.owner is None or shiboken6.isValid(self.owner)

    def _show_progress(self) -> None:
        with self._latest_lock:
            latest, self._latest = self._latest, None
        if latest is not None and self.outcome is None and self._alive():
            self.on_progress(*latest)

    def _deliver(self) -> None:
        if not self._alive():
            return
        if self.on_end is not None:
            self.on_end()
        if self.outcome == DONE and self.on_done is not None:
            self.on_done(self.result)
        elif self.outcome == FAILED and self.on_error is not None:
            self.on_error(self.message)
        elif self.outcome == CANCELLED and self.on_cancelled is not None:
            self.on_cancelled(self.message)


def _message(exc: Exception, name: str) -> str:
    """What the user is told: a refusal's own message; anything else logged and said so."""
    if isinstance(exc, UserError):
        log.warning("%s refused: %s", name, exc)
        return str(exc)
    found = classify(exc, current_path())  # SQLite or the disk: the storage error it is
    if found is not None:
        log.warning("%s failed: %s", name, exc, exc_info=exc)
        return str(found)
    log.error("%s failed", name, exc_info=exc)
    return UNEXPECTED


def _close_connections(opened) -> None:
    """Close this thread's connection, whether opened at the start or by a query (peewee
    connects on first use); also on the database opened in the meantime, if another."""
    for db in {id(d): d for d in (opened, database.obj) if d is not None}.values():
        try:
            if not db.is_closed():
                db.close()
        except Exception:  # noqa: BLE001 - a worker that cannot close its connection says so
            log.exception("closing the connection of a background task failed")


def stop_all(wait: float = 10.0) -> bool:
    """Cancel every running job and wait for them (at most ``wait`` seconds in all): the
    window is closing. True if every one has ended."""
    jobs = running()
    for job in jobs:
        job.cancel()
    deadline = time.monotonic() + wait
    for job in jobs:
        job.wait(max(0.0, deadline - time.monotonic()))
    return not any(job.thread.is_alive() for job in jobs)


def run_in_background(work: Callable[[Progress], Any], *, on_done=None, on_error=None,
                      on_cancelled=None, owner: QObject | None = None, name: str = "task",
                      uses_database: bool = True) -> Job:
    """Start ``work`` with no dialog; an error without ``on_error`` is only logged."""
    return Job(work, name=name, on_done=on_done, on_error=on_error, on_cancelled=on_cancelled,
               owner=owner, uses_database=uses_database).start()


class _ProgressDialog:
    """The progress dialog of one job: 取消 cancels it; closed when the job ends."""

    def __init__(self, parent, title: str):
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QProgressDialog

        self.title = title
        self.dialog = QProgressDialog(title, "取消", 0, 0, parent)
        self.dialog.setWindowTitle("请稍候")
        self.dialog.setWindowModality(Qt.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.job: Job | None = None

    def attach(self, job: Job) -> None:
        self.job = job
        self.dialog.canceled.connect(self.cancel)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
        self.dialog.setLabelText("正在取消……")

    def show(self, done: int, total: int, text: str) -> None:
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total) if total else 0)
        if text and not (self.job is not None and self.job.stopping.is_set()):
            self.dialog.setLabelText(f"{self.title}\n{text}")

    def close(self) -> None:
        if shiboken6.isValid(self.dialog):
            self.dialog.reset()
            self.dialog.hide()
            self.dialog.deleteLater()


def run_task(parent, title: str, work: Callable[[Progress], Any], on_done=None,
             on_error: Callable[[str], None] | None = None,
             on_cancelled: Callable[[str], None] | None = None, show_dialog: bool = True,
             uses_database: bool = True) -> Job:
    """Start ``work`` for ``parent`` (a widget): with a progress dialog titled ``title``
    that can be cancelled (unless ``show_dialog`` is False). An error without
    ``on_error`` is shown in a message box on ``parent``; a cancel without
    ``on_cancelled`` only closes the dialog."""
    dialog = _ProgressDialog(parent, title) if show_dialog else None

    def failed(message: str) -> None:
        if on_error is not None:
            on_error(message)
            return
        from PySide6.QtWidgets import QMessageBox

        if job.expected:
            QMessageBox.warning(parent, "无法完成", message)
        else:
            QMessageBox.critical(parent, "出错了", message)

    job = Job(work, name=title, on_done=on_done, on_error=failed, on_cancelled=on_cancelled,
              on_progress=dialog.show if dialog else None, on_end=dialog.close if dialog else None,
              owner=parent, uses_database=uses_database)
    if dialog is not None:
        dialog.attach(job)
    return job.start()
