from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QPushButton, QRadioButton


def step_button(tab, text: str) -> QPushButton:
    buttons = [tab.step_bar.itemAt(i).widget() for i in range(tab.step_bar.count())]
    found = [b for b in buttons if isinstance(b, QPushButton) and b.text().startswith(text)]
    assert found, f"no step button {text!r}; have {[b.text() for b in buttons if b]}"
    return found[0]


def step_texts(tab) -> list[str]:
    buttons = [tab.step_bar.itemAt(i).widget() for i in range(tab.step_bar.count())]
    return [b.text() for b in buttons if isinstance(b, QPushButton)]


def click(qtbot, widget) -> None:
    """Click where a user would: a check box or radio button on its box, anything else in
    its middle (a stretched check box does not toggle when its empty right part is hit)."""
    if isinstance(widget, (QCheckBox, QRadioButton)):
        qtbot.mouseClick(widget, Qt.LeftButton, pos=QPoint(8, widget.height() // 2))
    else:
        qtbot.mouseClick(widget, Qt.LeftButton)


def type_into(qtbot, widget, text: str) -> None:
    """Type Chinese as an input method does: the IME commits the composed string.

    (QTest's key clicks only know ASCII.) Our compound widgets are typed into through
    their line edit.
    """
    target = getattr(widget, "combo", None)
    target = target.lineEdit() if target is not None else getattr(widget, "line", widget)
    target.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(target, event)
    qtbot.wait(1)


def answer_file_dialogs(monkeypatch, answer) -> None:
    """The program's file dialogs (ui/dialogs/file_dialogs.py) are shown as built, and answered with
    ``answer(dialog)`` (a path, or "" to cancel) instead of waiting for a person."""
    from pathlib import Path

    from PySide6.QtWidgets import QFileDialog

    def exec_(dialog):
        chosen = answer(dialog)
        if not chosen:
            return QFileDialog.DialogCode.Rejected
        dialog.setDirectory(str(Path(chosen).parent))
        dialog.selectFile(Path(chosen).name)
        return QFileDialog.DialogCode.Accepted

    monkeypatch.setattr(QFileDialog, "exec", exec_)


def show_import_wizard(qtbot, monkeypatch, ledger_path):
    """The real 导入台账 wizard, shown, whose file dialog will answer ``ledger_path``."""
    from duban_desktop.ui.dialogs.import_wizard import ImportWizard

    answer_file_dialogs(monkeypatch, lambda _dialog: str(ledger_path))
    wiz = ImportWizard()
    qtbot.addWidget(wiz)
    wiz.show()
    qtbot.waitExposed(wiz)
    return wiz
