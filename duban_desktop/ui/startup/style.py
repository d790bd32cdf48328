"""The window's look: a calm office style, Chinese fonts, readable sizes."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

UI_FONTS = ["Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC",
            "Source Han Sans SC", "WenQuanYi Micro Hei", "SimSun"]

STYLE = """
QMainWindow, QDialog { background: #f6f7f9; }
QTabWidget::pane { border: 1px solid #d0d4da; background: white; top: -1px; }
QTabBar::tab { padding: 7px 18px; border: 1px solid #d0d4da; border-bottom: none; background: #eceef2;
               margin-right: 2px; border-top-left-radius: 4px; border-top-right-radius: 4px; }
QTabBar::tab:selected { background: white; font-weight: bold; color: #8a1c1c; }
QTableView, QTreeWidget, QTableWidget { background: white; gridline-color: #e3e6ea;
               selection-background-color: #2f5d9e; selection-color: white; }
QHeaderView::section { background: #eef0f3; padding: 5px 6px; border: none;
               border-right: 1px solid #d9dce1; border-bottom: 1px solid #d0d4da; font-weight: bold; }
QTextBrowser { background: white; border: 1px solid #d0d4da; }
QPushButton { padding: 5px 14px; border: 1px solid #b9bfc8; border-radius: 4px; background: #ffffff; }
QPushButton:hover { background: #eef3fb; border-color: #2f5d9e; }
QPushButton:default { border-color: #2f5d9e; }
QPushButton:disabled { color: #9aa0a8; background: #f1f2f4; }
QLabel#hint { color: #666a70; }
QLabel#error { color: #b42318; }
QLabel#notice { color: #7a4f00; background: #fff6da; border: 1px solid #f0d78c; padding: 6px 8px;
               border-radius: 4px; }
QLabel#intro { color: #3d4450; background: #eef3fb; border: 1px solid #cfdcf0; padding: 8px; border-radius: 4px; }
QLabel#summary { font-weight: bold; padding: 2px 0; }
QLabel#step { padding: 4px 14px; border: 1px solid #c9ced6; background: #f0f1f3; color: #7a7f87; }
QLabel#step[state="done"] { background: #dcefdc; color: #1e5b2a; border-color: #a9d3ab; }
QLabel#step[state="current"] { background: #2f5d9e; color: white; border-color: #2f5d9e; font-weight: bold; }
QLabel#step[state="stopped"] { background: #ececec; color: #555; font-weight: bold; }
QLabel#arrow { color: #9aa0a8; padding: 0 4px; }
QStatusBar { background: #eceef2; }
QToolBar { spacing: 4px; padding: 2px; border-bottom: 1px solid #d0d4da; }
"""


def apply_style(app: QApplication, *, style_sheet: bool = True) -> None:
    """The fonts and, unless the caller sets it later, the style sheet."""
    # Qt takes the first of these families that is installed (listing every installed
    # family to choose one costs a few ms at each start)
    font = QFont()
    font.setFamilies(UI_FONTS)
    font.setPointSize(10)
    app.setFont(font)
    if style_sheet:
        apply_style_sheet(app)


def apply_style_sheet(app: QApplication) -> None:
    """The office's style sheet, over Fusion (ui/startup/application.py: make_app). The start
    sets it once the window is built, just before it is shown: set earlier, every widget
    the window places in a layout is styled again as it is placed (40 M instructions,
    about 10 ms of each start); set on the built window, each widget is styled once."""
    app.setStyleSheet(STYLE)
