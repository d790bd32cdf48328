"""The helping units of an item as rows (单位任务): unit, role, the task it is a part of,
its part, deadline, person and phone. The common case stays quick: type a unit's name in
the empty last row (a new empty row follows), or tick several with 选择单位…; every other
column may stay as it is (协办, the whole item, the item's deadline)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain import units
from ..domain.dates import format_cn
from ..domain.vocab import UNIT_ROLES
from .widgets import pick_units

COLUMNS = ("单位", "角色", "所属", "承担任务", "完成时限", "负责人", "电话")
WIDTHS = (150, 60, 116, 0, 104, 66, 100)  # (0: the part takes what is left)
HELPING = ("assist", "cooperate")


class UnitTasksEditor(QWidget):
    """The rows of ``unit_tasks.specs_from``: ``value()`` gives one dict per row with a
    unit (unit, role, parent, part, deadline as typed, responsible_person, phone)."""

    def __init__(self, rows: list[dict] | None = None, lead: str = "", parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.lead = lead
        self.names = [u.name for u in units.list_units(active_only=True)]
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        header = self.table.horizontalHeader()
        for column, width in enumerate(WIDTHS):
            if width:
                header.resizeSection(column, width)
            else:
                header.setSectionResizeMode(column, QHeaderView.Stretch)
        header.setMinimumSectionSize(48)
        self.table.setMinimumHeight(118)
        self.table.setMaximumHeight(190)
        self.pick = QPushButton("选择单位…")
        self.remove = QPushButton("删除所选单位")
        for button in (self.pick, self.remove):
            button.setAutoDefault(False)
        self.pick.clicked.connect(self._pick)
        self.remove.clicked.connect(self._remove)
        hint = QLabel("在空行输入单位名称，或点“选择单位…”勾选几个；角色默认协办，完成时限空着即与事项相同，"
                      "也可填日期或“N个工作日”。一个单位把任务再分给别的单位时，在“所属”中选它。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.pick)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(hint)
        self.setFocusProxy(self.table)
        self.set_value(rows or [])

    # -------------------------------------------------------------- the rows

    def _cell(self, row: int, column: int):
        return self.table.cellWidget(row, column)

    def unit_box(self, row: int) -> QComboBox:
        return self._cell(row, 0)

    def _add_row(self, values: dict | None = None) -> int:
        values = values or {}
        row = self.table.rowCount()
        self.table.insertRow(row)
        unit = QComboBox()
        unit.setEditable(True)
        unit.setInsertPolicy(QComboBox.NoInsert)
        unit.addItems(self.names)
        completer = QCompleter(self.names, unit)
        completer.setFilterMode(Qt.MatchContains)
        unit.setCompleter(completer)
        unit.setEditText(values.get("unit", ""))
        unit.lineEdit().setPlaceholderText("输入单位名称")
        role = QComboBox()
        for code in HELPING:
            role.addItem(UNIT_ROLES[code], code)
        role.setCurrentIndex(max(0, role.findData(values.get("role") or "assist")))
        owner = QComboBox()
        deadline = values.get("deadline")
        cells = (unit, role, owner, QLineEdit(values.get("part", "")),
                 QLineEdit(format_cn(deadline) if deadline and not isinstance(deadline, str) else deadline or ""),
                 QLineEdit(values.get("responsible_person", "")), QLineEdit(values.get("phone", "")))
        cells[3].setPlaceholderText("空：承担整个事项")
        cells[4].setPlaceholderText("同事项")
        for column, widget in enumerate(cells):
            self.table.setCellWidget(row, column, widget)
        owner.setProperty("wanted", values.get("parent", ""))
        unit.editTextChanged.connect(self._unit_typed)
        self.table.setRowHeight(row, 30)
        return row

    def _unit_typed(self, _text: str = "") -> None:
        last = self.table.rowCount() - 1
        if last < 0 or self.unit_box(last).currentText().strip():
            self._add_row()  # (always one empty row to type the next unit in)
        self._refresh_owners()

    def _refresh_owners(self) -> None:
        """Each row's 所属 offers the lead and the other rows' units."""
        listed = [self.unit_box(r).currentText().strip() for r in range(self.table.rowCount())]
        for r in range(self.table.rowCount()):
            owner = self._cell(r, 2)
            wanted = owner.currentData() if owner.count() else owner.property("wanted")
            choices = [""] + [n for n in [self.lead, *listed] if n and n != listed[r]]
            owner.blockSignals(True)
            owner.clear()
            for name in dict.fromkeys(choices):
                owner.addItem(name or "（直接承办）", name)
            owner.setCurrentIndex(max(0, owner.findData(wanted or "")))
            owner.blockSignals(False)

    def set_lead(self, name: str) -> None:
        self.lead = name.strip()
        self._refresh_owners()

    def _pick(self) -> None:
        current = [r["unit"] for r in self.value()]
        picked = pick_units(self, current)
        if picked is None:
            return
        rows = {r["unit"]: r for r in self.value()}
        self.set_value([rows.get(name, {"unit": name}) for name in picked if name != self.lead])

    def _remove(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < self.table.rowCount() - 1:
            self.table.removeRow(row)
            self._refresh_owners()

    # -------------------------------------------------------------- value

    def value(self) -> list[dict]:
        out = []
        for r in range(self.table.rowCount()):
            name = self.unit_box(r).currentText().strip()
            if not name:
                continue
            owner = self._cell(r, 2)
            out.append({"unit": name, "role": self._cell(r, 1).currentData(),
                        "parent": owner.currentData() or "", "part": self._cell(r, 3).text().strip(),
                        "deadline": self._cell(r, 4).text().strip() or None,
                        "responsible_person": self._cell(r, 5).text().strip(),
                        "phone": self._cell(r, 6).text().strip()})
        return out

    def set_value(self, rows: list[dict]) -> None:
        self.table.setRowCount(0)
        for values in rows:
            self._add_row(values)
        self._add_row()
        self._refresh_owners()
