"""The start-up's Qt rules, in one place: what the first screen uses instead of Qt's enums.

The first time Python names ``Qt`` (``from PySide6.QtCore import Qt``, or a Qt call
that hands over or takes one of its enums), PySide builds all 95 enum classes of Qt's
namespace at once: 20-25 ms of every start. So the modules the window loads before its
first paint (the tabs, their models, the main window, ui/startup/) keep to these rules:

- no ``from PySide6.QtCore import Qt`` at their top; name ``Qt`` only inside a function that
  runs after the first paint (``ListTab.enable_sorting``, dialogs);
- item data roles, alignments, keys and the toolbar style are the plain ints below;
- shortcuts are set through Qt's property (``set_shortcut``), not ``setShortcut()``;
- column headers come from a plain model (``header_labels``), not ``headerData``;
- the sort indicator is set once the window is up (ui/lists/list_tab.py: ``enable_sorting``).

tests/gui/test_start_qt.py checks each value against Qt's own, that every ui module loaded
before the first paint keeps ``Qt`` out of its imports (naming the file that broke it), and
that a real start leaves ``Qt`` unbuilt until after the first paint.
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
