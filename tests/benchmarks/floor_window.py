"""For reading the start figure: the least any program built like ours does at start.

PySide6 and peewee imported, the database opened, the register's ids read (one query,
as the program reads them), and a main window with one tab holding a table over those
ids shown; nothing else (no menus, filters, alerts, styles, log). Started and timed like
the program (``python floor_window.py DB``); prints "floor window shown" after the first
paint, leaves after DUBAN_SMOKE_EXIT_MS. The gap between this and the bare window is
what the stack itself costs; the gap between the program and this is ours.
"""

import json
import os
import sys

import peewee as pw
from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView, QTabWidget

db = pw.SqliteDatabase(sys.argv[1])
db.connect()
app = QApplication(sys.argv[:1])
text = db.execute_sql("SELECT group_concat(id) FROM (SELECT id FROM supervision_item "
                      "ORDER BY seq_year DESC, seq DESC, id DESC)").fetchone()[0]
ids = json.loads(f"[{text or ''}]")


class Model(QAbstractTableModel):
    def rowCount(self, parent=QModelIndex()):  # noqa: N802, B008
        return len(ids)

    def columnCount(self, parent=QModelIndex()):  # noqa: N802, B008
        return 5

    def data(self, index, role=0):
        return str(ids[index.row()]) if role == 0 else None


class FirstPaint(QObject):
    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        if watched is window and event.type() == QEvent.Paint:
            window.removeEventFilter(self)
            QTimer.singleShot(0, lambda: print("floor window shown", flush=True))
        return False


window = QMainWindow()
tabs = QTabWidget()
view = QTableView()
view.setModel(Model())
tabs.addTab(view, "督查台账")
window.setCentralWidget(tabs)
window.resize(1360, 820)
watcher = FirstPaint()
window.installEventFilter(watcher)
window.show()
QTimer.singleShot(int(os.environ.get("DUBAN_SMOKE_EXIT_MS", "200")), app.quit)
sys.exit(app.exec())
