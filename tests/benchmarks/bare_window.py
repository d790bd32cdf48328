"""The start-up baseline: a bare PySide6 process that shows one window (a QLabel).

Started exactly as the program is (same interpreter, QT_QPA_PLATFORM, DUBAN_SMOKE_EXIT_MS)
and reporting the same moment: a line on stdout right after the window's first paint,
then leaving after DUBAN_SMOKE_EXIT_MS. Run as a script (``python bare_window.py``).
"""

import os
import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel


class FirstPaint(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        window.installEventFilter(self)

    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        if watched is self.window and event.type() == QEvent.Paint:
            self.window.removeEventFilter(self)
            QTimer.singleShot(0, lambda: print("bare window shown", flush=True))
        return False


app = QApplication(sys.argv[:1])
label = QLabel("督办 Desktop")
label.resize(400, 200)
label._first_paint = FirstPaint(label)
label.show()
QTimer.singleShot(int(os.environ.get("DUBAN_SMOKE_EXIT_MS", "200")), app.quit)
sys.exit(app.exec())
