"""Qt's values that the first screen needs, as plain ints.

The first time Python names ``Qt`` (``from PySide6.QtCore import Qt``, or a Qt call
that hands over or takes one of its enums), PySide builds all 95 enum classes of Qt's
namespace at once: 20-25 ms of every start. So nothing that runs before the window's
first paint names it: roles, alignments and keys are these ints, header labels come
from a plain model (``header_labels``), and the sort indicator is set once the window
is up (ui/list_tab.py: ``ListTab.enable_sorting``). tests/gui/test_start_qt.py checks
each value against Qt's own and that a start leaves ``Qt`` unbuilt until after the
first paint.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence, QStandardItemModel
from PySide6.QtWidgets import QTableView

# item data roles (Qt.ItemDataRole)
DISPLAY = 0
TOOLTIP = 3
FONT = 6
ALIGNMENT = 7
BACKGROUND = 8
FOREGROUND = 9
USER = 256

ALIGN_CENTER = 0x84  # Qt.AlignCenter
KEY_DELETE = 0x01000007  # Qt.Key_Delete
TOOL_BUTTON_TEXT_ONLY = 1  # Qt.ToolButtonTextOnly


def set_shortcut(action: QAction, shortcut: str | QKeySequence.StandardKey) -> None:
    """``action``'s shortcut: "Ctrl+1", or a standard key (QKeySequence.Find) as this
    platform binds it. Through Qt's property: ``setShortcut()`` and ``QKeySequence(...)``
    weigh overloads that take Qt's keys, which builds its namespace."""
    if isinstance(shortcut, str):
        sequence = QKeySequence.fromString(shortcut)
    else:
        bindings = QKeySequence.keyBindings(shortcut)
        sequence = bindings[0] if bindings else QKeySequence.fromString("")
    action.setProperty("shortcut", sequence)


def header_labels(view: QTableView, labels: list[str]) -> QStandardItemModel:
    """Give ``view``'s column header its labels from a plain Qt model. Qt reads a
    model's header through ``headerData(section, orientation, role)``, and handing a
    Python model the orientation builds Qt's namespace (above); this model answers in
    C++. Call after ``view.setModel()``, which replaces the header's model."""
    labels_model = QStandardItemModel(0, len(labels), view)
    labels_model.setHorizontalHeaderLabels(labels)
    view.horizontalHeader().setModel(labels_model)
    return labels_model
