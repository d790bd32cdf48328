"""Long work off the GUI thread, with a progress dialog that can be cancelled.

    run_task(parent, "正在导出台账……", work, on_done=lambda result: ...)

``work(progress)`` runs in a worker thread; it calls ``progress(done, total, text)``,
which returns False once the user pressed 取消 (the work should then raise
``Cancelled`` or return). The worker never touches a widget: results come back
through a Qt signal to ``on_done`` in the GUI thread. A DomainError's message is
shown as is; anything else is logged and shown as an error dialog.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from ..db import DatabaseError, database
from ..domain.errors import DomainError
from ..io.files import Cancelled as IoCancelled

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """The user cancelled; nothing was written."""


class _Worker(QObject):
    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str, bool)  # message, expected (a refusal) or not
    cancelled = Signal()

    def __init__(self, work: Callable):
        super().__init__()
        self.work = work
        self.stop = threading.Event()

    def report(self, done: int, total: int, text: str = "") -> bool:
        self.progressed.emit(int(done), int(total), text)
        return not self.stop.is_set()

    @Slot()
    def run(self) -> None:
        try:
            result = self.work(self.report)
        except (Cancelled, IoCancelled):
            self.cancelled.emit()
        except (DomainError, DatabaseError) as exc:
            self.failed.emit(str(exc), True)
        except Exception as exc:  # noqa: BLE001 - shown in a dialog, logged in full
            log.exception("background task failed")
            self.failed.emit(f"{exc}", False)
        else:
            if self.stop.is_set():
                self.cancelled.emit()
            else:
                self.succeeded.emit(result)
        finally:
            if not database.is_closed():
                database.close()  # this thread's own connection


class TaskRunner(QObject):
    """One background task with its progress dialog; keep a reference until done."""

    done = Signal(object)
    ended = Signal()

    def __init__(self, parent: QWidget, title: str, work: Callable,
                 on_done: Callable | None = None, on_error: Callable[[str], None] | None = None,
                 show_dialog: bool = True):
        super().__init__(parent)
        self.parent_widget = parent
        self.title = title
        self.on_done = on_done
        self.on_error = on_error
        self.thread = QThread()
        self.worker = _Worker(work)
        self.worker.moveToThread(self.thread)
        self.dialog = None
        if show_dialog:
            self.dialog = QProgressDialog(title, "取消", 0, 0, parent)
            self.dialog.setWindowTitle("请稍候")
            self.dialog.setWindowModality(Qt.WindowModal)
            self.dialog.setMinimumDuration(300)
            self.dialog.setAutoClose(False)
            self.dialog.setAutoReset(False)
            self.dialog.canceled.connect(self.cancel)
        self.thread.started.connect(self.worker.run)
        self.worker.progressed.connect(self._progress)
        self.worker.succeeded.connect(self._succeeded)
        self.worker.failed.connect(self._failed)
        self.worker.cancelled.connect(self._finish)
        self.result = None
        self.error: str | None = None

    def start(self) -> TaskRunner:
        self.thread.start()
        return self

    def cancel(self) -> None:
        self.worker.stop.set()
        if self.dialog is not None:
            self.dialog.setLabelText("正在取消……")

    @Slot(int, int, str)
    def _progress(self, done: int, total: int, text: str) -> None:
        if self.dialog is None:
            return
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total) if total else 0)
        if text and not self.worker.stop.is_set():
            self.dialog.setLabelText(f"{self.title}\n{text}")

    @Slot(object)
    def _succeeded(self, result) -> None:
        self.result = result
        self._finish()
        if self.on_done is not None:
            self.on_done(result)
        self.done.emit(result)

    @Slot(str, bool)
    def _failed(self, message: str, expected: bool) -> None:
        self.error = message
        self._finish()
        if self.on_error is not None:
            self.on_error(message)
        elif expected:
            QMessageBox.warning(self.parent_widget, "无法完成", message)
        else:
            QMessageBox.critical(self.parent_widget, "出错了",
                                 f"操作没有完成:{message}\n详细信息已写入日志文件。")

    def _finish(self) -> None:
        if self.dialog is not None:
            self.dialog.reset()
            self.dialog.hide()
        self.thread.quit()
        self.thread.wait()
        self.ended.emit()


def run_task(parent: QWidget, title: str, work: Callable, on_done: Callable | None = None,
             on_error: Callable[[str], None] | None = None, show_dialog: bool = True) -> TaskRunner:
    runner = TaskRunner(parent, title, work, on_done, on_error, show_dialog)
    runners = parent.__dict__.setdefault("_duban_tasks", set())
    runners.add(runner)
    runner.ended.connect(lambda: runners.discard(runner))
    return runner.start()
