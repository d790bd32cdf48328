"""GUI tests: real widgets, offscreen, a real database in a temporary folder.

Only the blocking part of modal dialogs is stubbed: ``dialogs.expect(fill)`` queues a
function that fills the real dialog's real widgets; the stub shows the dialog, runs the
function, then clicks its real OK button. Message boxes are recorded instead of shown.
"""

from __future__ import annotations

from collections import deque

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from duban_desktop.ui.dialogs.form_dialog import FormDialog

# The gui marker is given to every test of this folder by tests/conftest.py.


class Dialogs:
    def __init__(self, qtbot):
        self.qtbot = qtbot
        self.queue: deque = deque()
        self.messages: list[tuple[str, str]] = []
        self.seen: list[FormDialog] = []

    def expect(self, fill, press_ok: bool = True) -> None:
        self.queue.append((fill, press_ok))

    def run(self, dialog: FormDialog) -> int:
        assert self.queue, f"unexpected dialog: {dialog.windowTitle()}"
        fill, press_ok = self.queue.popleft()
        self.seen.append(dialog)
        dialog.show()
        self.qtbot.waitExposed(dialog)
        fill(dialog)
        if press_ok:
            button = dialog.buttons.button(QDialogButtonBox.Ok)
            self.qtbot.mouseClick(button, Qt.LeftButton)
        if dialog.isVisible():  # refused: the message is beside the field
            dialog.reject()
        return dialog.result()

    def record(self, kind):
        def box(_parent, title, text, *args, **kwargs):
            self.messages.append((kind, f"{title}:{text}"))
            return QMessageBox.Yes if kind == "question" else QMessageBox.Ok
        return box

    def done(self) -> None:
        assert not self.queue, "a dialog that was expected never opened"


@pytest.fixture
def dialogs(qtbot, monkeypatch):
    handler = Dialogs(qtbot)
    monkeypatch.setattr(FormDialog, "exec", lambda self: handler.run(self))
    for kind in ("warning", "information", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(handler.record(kind)))
    yield handler
    handler.done()


@pytest.fixture
def window(qtbot, db):
    from duban_desktop.ui.main_window import MainWindow

    win = MainWindow("测试数据库")
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitActive(win)
    return win
