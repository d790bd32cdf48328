"""The start never builds Qt's namespace before the first paint (ui/qt.py), and
what it uses instead (plain ints, header label models, the late sort indicator) works
as Qt's own would."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QToolBar

from duban_desktop.db import close_database, open_database
from duban_desktop.domain import supervision
from duban_desktop.ui import qt as qtvalues
from duban_desktop.ui.lists.alerts_tab import ALERT_ROLE, AlertModel
from duban_desktop.ui.lists.ledger_tab import LedgerTab
from duban_desktop.ui.lists.table_models import ID_ROLE
from duban_desktop.ui.main_window import MainWindow
from tests.factories import item

# Runs the real program; at the moment it reports its first paint (the line on stdout)
# it also says whether PySide has built Qt's namespace by then.
WATCH_FIRST_PAINT = r"""
import sys
import PySide6.QtCore as core

class Watch:
    def __init__(self, out):
        self.out = out
    def write(self, text):
        if "main window shown" in text:
            self.out.write(f"Qt built at first paint: {'Qt' in core.__dict__}\n")
            from PySide6.QtWidgets import QApplication
            self.out.write(f"style sheet at first paint: {bool(QApplication.instance().styleSheet())}\n")
            window = next(w for w in QApplication.topLevelWidgets() if w.inherits("QMainWindow"))
            self.out.write(f"register tab at first paint: {type(window.tabs.widget(1)).__name__}\n")
            loaded = sorted(m for m in sys.modules if m.startswith("duban_desktop.ui"))
            self.out.write(f"ui modules at first paint: {' '.join(loaded)}\n")
        return self.out.write(text)
    def flush(self):
        self.out.flush()

sys.stdout = Watch(sys.stdout)
from duban_desktop.app import main
sys.exit(main(sys.argv[1:]))
"""


def first_paint_report(data_dir, *args) -> str:
    env = dict(os.environ, DUBAN_DATA_DIR=str(data_dir), QT_QPA_PLATFORM="offscreen", DUBAN_SMOKE_EXIT_MS="300")
    proc = subprocess.run([sys.executable, "-c", WATCH_FIRST_PAINT, *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stdout


def test_the_values_are_qts_own():
    ours = {"DISPLAY": Qt.DisplayRole, "TOOLTIP": Qt.ToolTipRole, "FONT": Qt.FontRole,
            "ALIGNMENT": Qt.TextAlignmentRole, "BACKGROUND": Qt.BackgroundRole, "FOREGROUND": Qt.ForegroundRole,
            "USER": Qt.UserRole, "ALIGN_CENTER": Qt.AlignCenter, "KEY_DELETE": Qt.Key_Delete,
            "TOOL_BUTTON_TEXT_ONLY": Qt.ToolButtonTextOnly}
    assert {name: getattr(qtvalues, name) for name in ours} == {name: qt.value for name, qt in ours.items()}
    assert ID_ROLE > qtvalues.USER and ALERT_ROLE > qtvalues.USER and ID_ROLE != ALERT_ROLE


def names_qt_at_import(module: str) -> list[str]:
    """Where ``module``'s top level (what runs as it is imported) names Qt's namespace."""
    import ast
    import importlib.util
    from pathlib import Path

    tree = ast.parse(Path(importlib.util.find_spec(module).origin).read_text(encoding="utf-8"))
    found = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "PySide6.QtCore":
            found += [f"line {node.lineno}: from PySide6.QtCore import Qt" for a in node.names if a.name == "Qt"]
    return found


def test_what_the_start_loads_never_imports_qts_namespace(tmp_path):
    """The rule of ui/qt.py, checked where a newcomer would break it: every ui module loaded
    before the first paint keeps Qt's namespace out of its imports (use ui/qt.py's values,
    or import Qt inside a function that runs after the paint)."""
    out = first_paint_report(tmp_path / "data", "--demo")
    line = next(x for x in out.splitlines() if x.startswith("ui modules at first paint: "))
    loaded = line.split(": ", 1)[1].split()
    assert "duban_desktop.ui.qt" in loaded and "duban_desktop.ui.main_window" in loaded
    offenders = {m: names_qt_at_import(m) for m in loaded if names_qt_at_import(m)}
    assert not offenders, f"these modules load before the first paint and import Qt (see ui/qt.py): {offenders}"


def test_the_demo_opens_on_the_alerts_without_building_qt(tmp_path):
    out = first_paint_report(tmp_path / "data", "--demo")
    assert "Qt built at first paint: False" in out
    assert "style sheet at first paint: True" in out  # set on the built window (ui/startup/style.py)
    assert "register tab at first paint: QWidget" in out  # built just after it, the register loaded
    assert "(300 items listed)" in out


def test_the_register_opens_without_building_qt(tmp_path):
    path = tmp_path / "office.sqlite"
    open_database(path)
    try:
        today = dt.date.today()
        for n in range(30):  # nothing overdue: the window opens on the register, rows on screen
            supervision.register_item(title=f"事项{n}", lead_unit="县住房和城乡建设局", responsible_person="蒋建华",
                                      source="leader_instruction", leader_instruction="请抓紧办理。",
                                      instructing_leader="王建国县长", instruction_date=today,
                                      registered_on=today, deadline=today + dt.timedelta(days=400), now=today)
    finally:
        close_database()
    out = first_paint_report(tmp_path / "data", "--db", path)
    assert "Qt built at first paint: False" in out
    assert "register tab at first paint: LedgerTab" in out
    assert "(30 items listed)" in out


@pytest.mark.parametrize("shortcut, expected", [("Ctrl+2", "Ctrl+2"), (QKeySequence.Find, "Ctrl+F")])
def test_a_shortcut_set_through_the_property_is_qts(qtbot, shortcut, expected):
    bar = QToolBar()
    qtbot.addWidget(bar)
    action = bar.addAction("查找")
    qtvalues.set_shortcut(action, shortcut)
    assert action.shortcut().toString() == expected


def test_the_window_reads_as_before(window, qtbot):
    """Headers from the label models, the toolbar's text buttons, the register's sort
    indicator once the start has finished."""
    header = window.ledger.table.horizontalHeader()
    model = window.ledger.model
    assert [header.model().headerData(c, Qt.Horizontal) for c in range(header.count())] == model.header_texts()
    assert header.count() == model.columnCount()
    alerts_header = window.alerts.table.horizontalHeader()
    assert alerts_header.model().headerData(1, Qt.Horizontal) == "事项"
    assert window.toolbar.toolButtonStyle() == Qt.ToolButtonTextOnly
    assert window.act_find.shortcut() == QKeySequence(QKeySequence.Find)
    window.finish_start()
    assert window.ledger.table.isSortingEnabled()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (0, Qt.DescendingOrder)  # newest first


def test_showing_the_sort_reads_nothing_again(window, qtbot):
    reg = window.ledger
    with qtbot.assertNotEmitted(reg.model.modelReset):
        window.finish_start()  # sets the indicator the model already follows
    with qtbot.waitSignal(reg.model.modelReset):
        reg.table.horizontalHeader().setSortIndicator(5, Qt.AscendingOrder)  # a header click's signal


def test_picking_a_heading_picks_its_alerts(window, qtbot):
    alerts = window.alerts
    for n in range(3):
        item(title=f"逾期事项{n}", deadline=dt.date(2026, 6, 1), now=dt.date(2026, 6, 1))
    alerts.refresh()
    head, count = alerts.model.heads["overdue"]
    assert count >= 3
    alerts.table.selectRow(head)  # a click on 已逾期(n 件)
    rows = sorted({i.row() for i in alerts.table.selectionModel().selectedRows()})
    assert rows == list(range(head + 1, head + 1 + count))
    assert all(alerts.model.data(alerts.model.index(r, 0), ALERT_ROLE).level == "overdue" for r in rows)
    assert alerts.urge_button.isEnabled()
    assert isinstance(alerts.model, AlertModel)


def test_the_register_tab_built_after_the_paint_shows_the_loaded_register(db, qtbot):
    for n in range(3):
        item(title=f"逾期事项{n}", deadline=dt.date(2026, 6, 1), now=dt.date(2026, 6, 1))
    window = MainWindow("测试数据库")
    qtbot.addWidget(window)
    assert window.tabs.currentWidget() is window.alerts  # something is overdue
    assert not isinstance(window.tabs.widget(1), LedgerTab)
    assert len(window.ledger_model.ids) == 3  # loaded all the same
    window.finish_start()
    register = window.tabs.widget(1)
    assert register is window.ledger and window.tabs.tabText(1) == "督查台账"
    assert window.tabs.currentWidget() is window.alerts  # still where the office was
    assert register.count_label.text().startswith("共 3 件")
    assert register.model.rowCount() == 3
